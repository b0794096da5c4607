#!/usr/bin/env python3
"""`csv2ddb ingest` end to end against independent implementations: dynalite for DynamoDB and
s3rver for S3, read back with Debian's awscli v2. The table must equal `csv2ddb convert` of the
same file (the last row winning for a repeated key), and the outputs must account for every row.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    known, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(known.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
