#!/usr/bin/env python3
"""`csv2ddb ingest` end to end against independent implementations: dynalite for DynamoDB and
s3rver for S3, read back with Debian's awscli v2. The table must equal `csv2ddb convert` of the
same file (the last row winning for a repeated key), and the outputs must account for every row.
Also how a run fails: a stalled endpoint ends within the production limits, TLS is verified
(AWS_CA_BUNDLE trusts a self-signed test certificate), a wrong secret against an S3 that checks
signatures (moto_server) says SignatureDoesNotMatch, and no failure ever prints a secret.
"""
import argparse
import gzip
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import servers  # noqa: E402

CSV2DDB = None
AWS = "/usr/bin/aws"  # Debian's awscli v2: an independent client


def aws(env, endpoint, *args):
    proc = subprocess.run([AWS, "--endpoint-url", endpoint, "--output", "json", *args],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {proc.stderr}")
    if args[0] == "s3":  # the high-level s3 commands print progress lines, not JSON
        return proc.stdout
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def create_table(env, endpoint, name):
    aws(env, endpoint, "dynamodb", "create-table", "--table-name", name,
        "--attribute-definitions", "AttributeName=account,AttributeType=S",
        "AttributeName=offer_id,AttributeType=S",
        "--key-schema", "AttributeName=account,KeyType=HASH",
        "AttributeName=offer_id,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
    # dynalite answers CreateTable with CREATING and turns the table ACTIVE on a timer.
    for _ in range(100):
        if aws(env, endpoint, "dynamodb", "describe-table", "--table-name",
               name)["Table"]["TableStatus"] == "ACTIVE":
            return
        time.sleep(0.1)
    raise AssertionError("table %s never became ACTIVE" % name)


def scan(env, endpoint, name):
    items = aws(env, endpoint, "dynamodb", "scan", "--table-name", name)["Items"]
    return {(i["account"]["S"], i["offer_id"]["S"]): i for i in items}


def converted(path, tmp):
    """What convert makes of the file: (items in file order, rejects)."""
    out, rej = os.path.join(tmp, "convert.jsonl"), os.path.join(tmp, "convert.rejects.jsonl")
    subprocess.run([CSV2DDB, "convert", path, "--output", out, "--rejects", rej], check=True,
                   capture_output=True)
    with open(out) as f:
        items = [json.loads(line)["Item"] for line in f]
    with open(rej) as f:
        rejects = [json.loads(line) for line in f]
    return items, rejects


def last_wins(items):
    table = {}
    for item in items:
        table[(item["account"]["S"], item["offer_id"]["S"])] = item
    return table


def plain(item):
    return {name: value["S"] for name, value in item.items()}


def sample_file(tmp, rows=3000):
    """make-csv rows, then rows that repeat keys with new values, bad rows and empty rows."""
    path = os.path.join(tmp, "offers.csv")
    subprocess.run([CSV2DDB, "make-csv", "--rows", str(rows), "--accounts", "7", "--seed", "11",
                    "--output", path], check=True)
    with open(path) as f:
        lines = f.read().splitlines()
    extra = []
    for line in lines[1:40]:  # the same keys again, later in the file: these must win
        fields = line.split(",")
        fields[-1] = "changed"
        extra.append(",".join(fields))
    extra += [",123,no,account,,,,", "1,2,3,4,5,6,7,8,9", ",,,,,,,", "",
              '"quoted, account",x1,"multi\nline",AB,1,t1,t2,low']
    with open(path, "a") as f:
        f.write("\n".join(extra) + "\n")
    return path


class IngestIntoDynalite(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        self.env = servers.aws_env(*servers.S3RVER_KEY)

    def ingest(self, *args, input_data=None, env=None):
        proc = subprocess.run([CSV2DDB, "ingest", *args], capture_output=True,
                              input=input_data, env=env or self.env, cwd=self.tmp)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def test_table_equals_convert_of_the_same_file(self):
        with servers.dynalite() as ddb:
            create_table(self.env, ddb.url, "offers")
            path = sample_file(self.tmp)
            items, rejects = converted(path, self.tmp)
            outputs = {name: os.path.join(self.tmp, f"out.{name}") for name in
                       ("json-copy", "rejected", "unprocessed", "report")}
            code, stdout, stderr = self.ingest(
                path, "--table", "offers", "--endpoint-url", ddb.url, "--concurrency", "6",
                *[arg for name, dest in outputs.items() for arg in (f"--{name}", dest)])
            self.assertEqual(code, 0, stderr)

            self.assertEqual(scan(self.env, ddb.url, "offers"), last_wins(items))
            with open(outputs["rejected"]) as f:
                self.assertEqual([json.loads(line) for line in f], rejects)
            self.assertFalse(os.path.exists(outputs["unprocessed"]))
            with open(outputs["json-copy"]) as f:
                self.assertEqual(json.load(f), {"data": [plain(i) for i in items]})

            report = json.loads(stdout)
            with open(outputs["report"]) as f:
                self.assertEqual(json.load(f), report)
            self.assertEqual(
                {k: report[k] for k in ("rows_read", "rows_written", "rows_rejected",
                                        "rows_unprocessed", "rows_skipped", "retries")},
                {"rows_read": 3000 + 39 + 5, "rows_written": len(items),
                 "rows_rejected": len(rejects), "rows_unprocessed": 0, "rows_skipped": 2,
                 "retries": 0})
            self.assertEqual(len(rejects), 2)
            self.assertEqual(report["consumed_wcu"], len(items))
            self.assertIn(f"{report['rows_read']} rows read: {len(items)} written, 2 rejected, "
                          "0 unprocessed, 2 skipped", stderr)

    def test_gzip_from_standard_input(self):
        with servers.dynalite() as ddb:
            create_table(self.env, ddb.url, "offers")
            path = sample_file(self.tmp, rows=500)
            items, _ = converted(path, self.tmp)
            with open(path, "rb") as f:
                data = gzip.compress(f.read())
            code, _, stderr = self.ingest("-", "--table", "offers", "--endpoint-url", ddb.url,
                                          input_data=data)
            self.assertEqual(code, 0, stderr)
            self.assertEqual(scan(self.env, ddb.url, "offers"), last_wins(items))
            # Rejected rows went to the default file named after the input.
            with open(os.path.join(self.tmp, "stdin.rejected.jsonl")) as f:
                self.assertEqual(len(f.readlines()), 2)

    def test_dry_run_writes_nothing(self):
        with servers.dynalite() as ddb:
            create_table(self.env, ddb.url, "offers")
            path = sample_file(self.tmp, rows=200)
            items, rejects = converted(path, self.tmp)
            code, stdout, stderr = self.ingest(path, "--table", "offers", "--endpoint-url",
                                               ddb.url, "--dry-run")
            self.assertEqual(code, 0, stderr)
            report = json.loads(stdout)
            self.assertEqual((report["dry_run"], report["rows_written"], report["requests"]),
                             (True, len(items), 0))
            self.assertEqual(scan(self.env, ddb.url, "offers"), {})

    def test_missing_table_fails_clearly(self):
        with servers.dynalite() as ddb:
            path = sample_file(self.tmp, rows=10)
            code, stdout, stderr = self.ingest(path, "--table", "nope", "--endpoint-url", ddb.url)
            self.assertEqual((code, stdout), (1, ""))
            self.assertIn("ResourceNotFoundException", stderr)
            self.assertIn("Requested resource not found: Table: nope not found", stderr)

    def test_nothing_listening_fails_clearly(self):
        path = sample_file(self.tmp, rows=10)
        port = servers.free_port()
        code, _, stderr = self.ingest(path, "--table", "offers", "--endpoint-url",
                                      f"http://127.0.0.1:{port}")
        self.assertEqual(code, 1)
        self.assertIn(f"http://127.0.0.1:{port}", stderr)
        self.assertIn("ConnectionRefused", stderr)


class IngestFromS3(unittest.TestCase):
    """Input and outputs in an independent S3 (s3rver), the key with spaces, '+' and non-ASCII."""

    def test_s3_input_and_outputs(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        env = servers.aws_env(*servers.S3RVER_KEY)
        with servers.dynalite() as ddb, servers.s3rver() as s3:
            create_table(env, ddb.url, "offers")
            aws(env, s3.url, "s3api", "create-bucket", "--bucket", "imports")
            path = sample_file(tmp, rows=1000)
            items, rejects = converted(path, tmp)
            key = "in folder/offers +1 é.csv"
            aws(env, s3.url, "s3", "cp", path, f"s3://imports/{key}")
            run_env = dict(env, AWS_ENDPOINT_URL_S3=s3.url, AWS_ENDPOINT_URL_DYNAMODB=ddb.url)
            proc = subprocess.run(
                [CSV2DDB, "ingest", f"s3://imports/{key}", "--table", "offers",
                 "--json-copy", "s3://imports/json-copy/in folder/offers +1 é.json",
                 "--rejected", "s3://imports/rejected/in folder/offers +1 é.csv.rejected.jsonl",
                 "--unprocessed", "s3://imports/unprocessed/x.json"],
                capture_output=True, text=True, env=run_env, cwd=tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(scan(env, ddb.url, "offers"), last_wins(items))

            def read_back(object_key):
                dest = os.path.join(tmp, "read-back")
                aws(env, s3.url, "s3", "cp", f"s3://imports/{object_key}", dest)
                with open(dest) as f:
                    return f.read()

            self.assertEqual(json.loads(read_back("json-copy/in folder/offers +1 é.json")),
                             {"data": [plain(i) for i in items]})
            self.assertEqual(
                [json.loads(l) for l in
                 read_back("rejected/in folder/offers +1 é.csv.rejected.jsonl").splitlines()],
                rejects)
            listed = aws(env, s3.url, "s3api", "list-objects-v2", "--bucket", "imports")
            self.assertNotIn("unprocessed/x.json", [o["Key"] for o in listed["Contents"]])


# A secret key and session token that must never show in anything csv2ddb prints.
FAKE_SECRET = "e2eFakeSecret/K7MDENG+bPxRfiCYzzSECRET"
FAKE_TOKEN = "e2eFakeSessionToken//zzTOKEN=="
TEST_SERVERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "aws", "servers")


def assert_no_secrets(test, *texts):
    for text in texts:
        test.assertNotIn(FAKE_SECRET, text)
        test.assertNotIn(FAKE_TOKEN, text)
        test.assertNotIn("zzSECRET", text)  # nor a piece of one
        test.assertNotIn("zzTOKEN", text)


def ingest_run(args, env, cwd, timeout):
    """csv2ddb ingest, killed after `timeout` seconds: the guard that turns a hang into a
    failure, not a claim about speed."""
    try:
        proc = subprocess.run([CSV2DDB, "ingest", *args], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired as hung:
        raise AssertionError(f"csv2ddb ingest {' '.join(args)} still running after {timeout} s "
                             f"(it hangs); stderr so far: {hung.stderr}") from None
    return proc.returncode, proc.stdout, proc.stderr


class StallingServer:
    """tests/aws/servers/http_test_server.py: every path under /stall reads the request and then
    answers nothing for far longer than any of our limits."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(TEST_SERVERS, "http_test_server.py"),
             "--stall-seconds", "600"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline().split()[1])
        self.url = f"http://127.0.0.1:{self.port}/stall"
        return self

    def stalled_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=10) as r:
            return int(r.read().decode().split()[3])

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


class IngestNeverHangs(unittest.TestCase):
    """A stalled endpoint is an error within the production limits (ServiceClientsOptions'
    defaults: 10 s per DynamoDB request, a 20 s stall limit for everything else)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        self.path = sample_file(self.tmp, rows=20)
        self.env = servers.aws_env("AKIDE2ESTALL", FAKE_SECRET, AWS_SESSION_TOKEN=FAKE_TOKEN)

    def test_a_stalled_dynamodb_times_out_and_is_retried(self):
        with StallingServer() as server:
            env = dict(self.env, AWS_MAX_ATTEMPTS="2")
            code, stdout, stderr = ingest_run(
                [self.path, "--table", "offers", "--endpoint-url", server.url], env, self.tmp,
                timeout=90)
            self.assertEqual((code, stdout), (1, ""), stderr)
            self.assertIn(f"RequestTimeout: dynamodb DescribeTable: POST {server.url}/: timed out",
                          stderr)
            # kDynamoDbRequestTimeout (10 s), in the words of the HTTP client's direct path.
            self.assertIn("timed out (no complete response within 10000 ms)", stderr)
            self.assertEqual(server.stalled_requests(), 2)  # the first attempt and one retry
            assert_no_secrets(self, stdout, stderr)

    def test_a_stalled_s3_input_ends_at_the_stall_limit(self):
        with StallingServer() as server:
            env = dict(self.env, AWS_MAX_ATTEMPTS="1", AWS_ENDPOINT_URL_S3=server.url)
            code, stdout, stderr = ingest_run(
                ["s3://imports/offers.csv", "--table", "offers", "--key", "account,offer_id",
                 "--dry-run"], env, self.tmp, timeout=90)
            self.assertEqual((code, stdout), (1, ""), stderr)
            self.assertIn("RequestTimeout: cannot read s3://imports/offers.csv: s3 HeadObject: "
                          f"HEAD {server.url}/imports/offers.csv: timed out", stderr)
            self.assertIn("Operation too slow. Less than 1 bytes/sec transferred the last 20 "
                          "seconds", stderr)
            self.assertEqual(server.stalled_requests(), 1)
            assert_no_secrets(self, stdout, stderr)


class TlsProxy:
    """HTTPS on 127.0.0.1 in front of a plain HTTP server, with a self-signed certificate made
    by the openssl CLI: what is tested is that our client verifies it."""

    def __init__(self, backend_port, workdir):
        self.backend_port = backend_port
        self.cert = os.path.join(workdir, "cert.pem")
        key = os.path.join(workdir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                        self.cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(self.cert, key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        try:
            tls = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # the client refused the certificate
            return
        backend = socket.create_connection(("127.0.0.1", self.backend_port))

        def pump(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    sink.sendall(data)
            except OSError:
                pass
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

        threading.Thread(target=pump, args=(backend, tls), daemon=True).start()
        pump(tls, backend)

    def close(self):
        self.listener.close()


class IngestOverTls(unittest.TestCase):
    def test_a_self_signed_endpoint_is_refused_unless_aws_ca_bundle_trusts_it(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        env = servers.aws_env("AKIDE2ETLS", FAKE_SECRET, AWS_SESSION_TOKEN=FAKE_TOKEN)
        with servers.dynalite() as ddb:
            proxy = TlsProxy(ddb.port, tmp)
            try:
                create_table(env, ddb.url, "offers")
                path = sample_file(tmp, rows=300)
                items, _ = converted(path, tmp)
                args = [path, "--table", "offers", "--endpoint-url", proxy.url]
                code, stdout, stderr = ingest_run(args, env, tmp, timeout=120)
                self.assertEqual((code, stdout), (1, ""), stderr)
                self.assertIn(f"TlsError: dynamodb DescribeTable: POST {proxy.url}/: TLS failure "
                              "(SSL certificate problem: self-signed certificate)", stderr)
                assert_no_secrets(self, stdout, stderr)
                self.assertEqual(scan(env, ddb.url, "offers"), {})

                code, stdout, stderr = ingest_run(args, dict(env, AWS_CA_BUNDLE=proxy.cert), tmp,
                                                  timeout=120)
                self.assertEqual(code, 0, stderr)
                self.assertEqual(scan(env, ddb.url, "offers"), last_wins(items))
            finally:
                proxy.close()


class AuthenticatingS3:
    """moto_server with its IAM access control on: unlike s3rver (which checks only that the
    access key id exists), it recomputes every SigV4 signature with botocore and refuses a
    wrong one with SignatureDoesNotMatch. The first three calls make a user with a key."""

    def __enter__(self):
        self.server = servers.Server(
            lambda port, _dir: [shutil.which("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            env=dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3"))
        self.server.__enter__()
        self.url = self.server.url
        iam = servers.aws_env("AKIDBOOTSTRAP", "bootstrap")
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        aws(iam, self.url, "iam", "create-user", "--user-name", "ingest")
        key = aws(iam, self.url, "iam", "create-access-key", "--user-name", "ingest")["AccessKey"]
        aws(iam, self.url, "iam", "put-user-policy", "--user-name", "ingest", "--policy-name",
            "all", "--policy-document", policy)
        self.key_id, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        return self

    def __exit__(self, *exc):
        self.server.__exit__(*exc)


@unittest.skipUnless(shutil.which("moto_server"), "moto_server is not installed")
class IngestWithABadSecret(unittest.TestCase):
    def test_signature_does_not_match_surfaces_and_no_secret_is_printed(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        path = sample_file(tmp, rows=50)
        with AuthenticatingS3() as s3:
            good = servers.aws_env(s3.key_id, s3.secret)
            aws(good, s3.url, "s3api", "create-bucket", "--bucket", "imports")
            aws(good, s3.url, "s3", "cp", path, "s3://imports/in/offers.csv")
            args = ["s3://imports/in/offers.csv", "--table", "offers", "--key",
                    "account,offer_id", "--dry-run"]
            # The right key passes moto's signature check: our SigV4 agrees with botocore's.
            code, stdout, stderr = ingest_run(args, dict(good, AWS_ENDPOINT_URL_S3=s3.url), tmp,
                                              timeout=120)
            self.assertEqual(code, 0, stderr)
            self.assertEqual(json.loads(stdout)["rows_read"], 50 + 39 + 5)

            # (No session token: moto would refuse an unknown one before the signature.)
            bad = servers.aws_env(s3.key_id, FAKE_SECRET, AWS_ENDPOINT_URL_S3=s3.url)
            code, stdout, stderr = ingest_run(args, bad, tmp, timeout=120)
            self.assertEqual((code, stdout), (1, ""), stderr)
            self.assertIn("SignatureDoesNotMatch: cannot read s3://imports/in/offers.csv: s3 "
                          f"GetObject at {s3.url}/imports/in/offers.csv: ", stderr)
            self.assertIn("The request signature we calculated does not match the signature you "
                          "provided. Check your key and signing method. (HTTP 403", stderr)
            assert_no_secrets(self, stdout, stderr)


class IngestFailuresKeepSecretsOut(unittest.TestCase):
    """Every way a run fails prints the endpoint and the service's words, never the secret key
    or the session token (the access key id is not a secret)."""

    def test_no_failure_prints_a_secret(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        path = sample_file(tmp, rows=10)
        env = servers.aws_env("AKIDE2ESECRETS", FAKE_SECRET, AWS_SESSION_TOKEN=FAKE_TOKEN,
                              AWS_MAX_ATTEMPTS="1")
        runs = []
        refused = f"http://127.0.0.1:{servers.free_port()}"
        runs.append(ingest_run([path, "--table", "offers", "--endpoint-url", refused], env, tmp,
                               timeout=120))
        with servers.dynalite() as ddb:
            runs.append(ingest_run([path, "--table", "nope", "--endpoint-url", ddb.url], env, tmp,
                                   timeout=120))
        with servers.s3rver() as s3:  # no such bucket
            runs.append(ingest_run(["s3://nothing-here/offers.csv", "--table", "offers", "--key",
                                    "account,offer_id", "--dry-run"],
                                   dict(env, AWS_ENDPOINT_URL_S3=s3.url), tmp, timeout=120))
        expected = ["ConnectionRefused", "ResourceNotFoundException", "InvalidAccessKeyId"]
        for (code, stdout, stderr), word in zip(runs, expected):
            self.assertEqual(code, 1, stderr)
            self.assertIn(word, stderr)
            assert_no_secrets(self, stdout, stderr)


class IngestUnprocessedToS3(unittest.TestCase):
    """A table that throttles every write (csv2ddb local --fault throttle=1.0): every row ends
    up in the --unprocessed object in S3 (s3rver), read back with awscli."""

    def test_unprocessed_rows_are_written_to_s3(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        env = servers.aws_env(*servers.S3RVER_KEY)
        path = os.path.join(tmp, "offers.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "120", "--seed", "5", "--output", path],
                       check=True)
        items, rejects = converted(path, tmp)
        self.assertEqual(rejects, [])
        local = servers.Server(lambda port, workdir: [
            CSV2DDB, "local", "--port", str(port), "--data-dir", workdir, "--fault",
            "throttle=1.0"])
        with local as ddb, servers.s3rver() as s3:
            create_table(env, ddb.url, "offers")
            aws(env, s3.url, "s3api", "create-bucket", "--bucket", "imports")
            destination = "s3://imports/unprocessed/offers é.unprocessed.json"
            code, stdout, stderr = ingest_run(
                [path, "--table", "offers", "--unprocessed", destination],
                dict(env, AWS_ENDPOINT_URL_S3=s3.url, AWS_ENDPOINT_URL_DYNAMODB=ddb.url), tmp,
                timeout=600)
            self.assertEqual(code, 3, stderr)
            report = json.loads(stdout)
            self.assertEqual((report["rows_written"], report["rows_unprocessed"]), (0, 120))
            self.assertIn(f"unprocessed rows: {destination}", stderr)

            dest = os.path.join(tmp, "read-back.json")
            aws(env, s3.url, "s3", "cp", destination, dest)
            with open(dest) as f:
                unprocessed = json.load(f)
            key = lambda item: (item["account"], item["offer_id"])  # noqa: E731
            self.assertEqual(sorted(unprocessed, key=key),
                             sorted((plain(i) for i in items), key=key))
            self.assertFalse(os.path.exists(os.path.join(tmp, "offers.unprocessed.json")))


class DryRunWithoutAws(unittest.TestCase):
    """--dry-run --key reads and checks a local file with no AWS setup at all."""

    def test_no_region_and_no_credentials_are_needed(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-")
        path = sample_file(tmp, rows=100)
        items, rejects = converted(path, tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=tmp, AWS_EC2_METADATA_DISABLED="true")  # no ~/.aws, no instance role
        code, stdout, stderr = ingest_run(
            [path, "--table", "offers", "--key", "account,offer_id", "--dry-run"], env, tmp,
            timeout=120)
        self.assertEqual(code, 0, stderr)
        report = json.loads(stdout)
        self.assertEqual((report["dry_run"], report["rows_written"], report["rows_rejected"]),
                         (True, len(items), len(rejects)))

        # Without --key the key schema comes from DescribeTable, which needs a region.
        code, _, stderr = ingest_run([path, "--table", "offers", "--dry-run"], env, tmp,
                                     timeout=120)
        self.assertEqual(code, 1)
        self.assertIn("MissingRegion: no AWS region: set AWS_REGION or --region", stderr)
        # And so does an s3:// output.
        code, _, stderr = ingest_run([path, "--table", "offers", "--key", "account,offer_id",
                                      "--dry-run", "--rejected", "s3://b/rejected.jsonl"], env,
                                     tmp, timeout=120)
        self.assertEqual(code, 1)
        self.assertIn("MissingRegion", stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    known, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(known.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
