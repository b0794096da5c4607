#!/usr/bin/env python3
"""Every shape of load (issue "Every shape of load"), end to end: `csv2ddb ingest` of CSV,
DynamoDB JSON, JSON Lines and DynamoDB exports (full, then incremental), one file or many, in
each write mode, into dynalite (read back with Debian's awscli v2) and into `csv2ddb local`
(read back with boto3). Tables are compared exactly with what the inputs say they must hold.
Also the bad inputs, each with its exact outcome, and resuming a run of several files."""
import argparse
import base64
import copy
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "local"))
import dynamodb_export  # noqa: E402
import local_server  # noqa: E402
import servers  # noqa: E402

CSV2DDB = None
AWS_V2 = "/usr/bin/aws"


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def item(account, offer, **attributes):
    out = {"account": S(account), "offer_id": S(offer)}
    out.update(attributes)
    return out


def keyed(items):
    return {(i["account"]["S"], i["offer_id"]["S"]): i for i in items}


class Backend:
    """A DynamoDB to load into, with an independent client to read it back."""

    def __init__(self, kind, endpoint):
        self.kind, self.endpoint = kind, endpoint
        import boto3
        self.client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                                   aws_access_key_id="test", aws_secret_access_key="test")

    def create_table(self, name):
        self.client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                  {"AttributeName": "offer_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                       {"AttributeName": "offer_id", "KeyType": "RANGE"}])
        # dynalite answers CreateTable with CREATING and turns the table ACTIVE on a timer:
        # a write before then is ResourceNotFoundException.
        self.client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2})
        return name

    def put(self, table, items):
        for i in items:
            self.client.put_item(TableName=table, Item=i)

    def scan(self, table):
        if self.kind == "dynalite":  # awscli v2 reads dynalite back
            proc = subprocess.run([AWS_V2, "--endpoint-url", self.endpoint, "--output", "json",
                                   "dynamodb", "scan", "--table-name", table],
                                  capture_output=True, text=True, env=servers.aws_env(),
                                  check=True)
            return keyed(json.loads(proc.stdout)["Items"])
        items = []
        for page in self.client.get_paginator("scan").paginate(TableName=table):
            items += page["Items"]
        return keyed(items)


def canonical(table):
    """Items with set members sorted (DynamoDB's sets have no order) and numbers as written."""
    def value(v):
        (kind, body), = v.items()
        if kind in ("SS", "NS", "BS"):
            return {kind: sorted(body)}
        if kind == "M":
            return {"M": {k: value(x) for k, x in body.items()}}
        if kind == "L":
            return {"L": [value(x) for x in body]}
        if kind == "B" and isinstance(body, bytes):
            return {"B": base64.b64encode(body).decode()}
        return {kind: body}
    return {k: {name: value(v) for name, v in i.items()} for k, i in table.items()}


class ShapesTest(unittest.TestCase):
    backends = []

    @classmethod
    def setUpClass(cls):
        cls.tmp_root = tempfile.mkdtemp(prefix="csv2ddb-shapes-")
        cls.dynalite = local_server.Dynalite()
        cls.local = local_server.LocalServer(CSV2DDB, os.path.join(cls.tmp_root, "local-data"))
        cls.backends = [Backend("dynalite", cls.dynalite.endpoint),
                        Backend("local", cls.local.endpoint)]
        cls.tables = 0

    @classmethod
    def tearDownClass(cls):
        cls.dynalite.stop()
        cls.local.stop()
        shutil.rmtree(cls.tmp_root, ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=self.tmp_root)

    def new_table(self, backend):
        ShapesTest.tables += 1
        return backend.create_table("shapes%03d" % ShapesTest.tables)

    def write(self, name, text, compress=False):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode()
        with open(path, "wb") as f:
            f.write(gzip.compress(data, mtime=0) if compress else data)
        return path

    def ingest(self, backend, table, *args, cwd=None):
        proc = subprocess.run([CSV2DDB, "ingest", *args, "--table", table, "--endpoint-url",
                               backend.endpoint], capture_output=True, text=True,
                              env=servers.aws_env(), cwd=cwd or self.tmp, timeout=300)
        return proc.returncode, proc.stdout, proc.stderr

    def lines(self, stdout):
        return [json.loads(line) for line in stdout.splitlines()]

    # ---- formats ----

    def test_each_format_loads_exactly(self):
        ddb_lines = [{"Item": item("a1", "o1", price=N("12.50"), tags={"SS": ["x", "y"]},
                                   doc={"M": {"n": N("1"), "l": {"L": [S("a"), {"BOOL": True}]}}},
                                   blob={"B": "AAEC"}, gone={"NULL": True})},
                     {"Item": item("a2", "o1", big=N("12345678901234567890123456789012345678"))}]
        ddb = self.write("items.ddb.jsonl", "".join(json.dumps(l) + "\n" for l in ddb_lines))
        json_lines = ['{"account":"a3","offer_id":"o1","price":12.50,"ok":true,"nothing":null,'
                      '"tags":["x","y"],"doc":{"n":1e2,"s":"t"},"big":0.1000000000000000000000000000000000001}',
                      '{"account":"a4","offer_id":"o1","blob":"AAEC","count":7}']
        plain = self.write("items.ndjson", "\n".join(json_lines) + "\n")
        csv = self.write("items.csv", "account,offer_id,price\na5,o1,3.5\n")
        expected = keyed([
            ddb_lines[0]["Item"] | {"price": N("12.5")}, ddb_lines[1]["Item"],
            item("a3", "o1", price=N("12.5"), ok={"BOOL": True}, nothing={"NULL": True},
                 tags={"SS": ["x", "y"]}, doc={"M": {"n": N("100"), "s": S("t")}},
                 big=N("0.1000000000000000000000000000000000001")),
            item("a4", "o1", blob={"B": "AAEC"}, count=N("7")),
            item("a5", "o1", price=S("3.5")),
        ])
        for backend in self.backends:
            with self.subTest(backend=backend.kind):
                table = self.new_table(backend)
                code, stdout, stderr = self.ingest(backend, table, ddb, plain, csv, "--types",
                                                   "tags:SS,blob:B", "--outputs", "out")
                self.assertEqual(code, 0, stderr)
                lines = self.lines(stdout)
                self.assertEqual([(l["input"], l["format"], l["rows_read"], l["rows_written"])
                                  for l in lines[:-1]],
                                 [(ddb, "ddb-json", 2, 2), (plain, "json", 2, 2),
                                  (csv, "csv", 1, 1)])
                self.assertEqual(lines[-1]["total"]["rows_written"], 5)
                self.assertEqual(canonical(backend.scan(table)), canonical(expected))

    def test_several_files_the_last_read_wins(self):
        first = self.write("in/1-first.csv", "account,offer_id,price\na1,o1,1\na1,o2,1\n")
        second = self.write("in/2-second.ndjson",
                            '{"account":"a1","offer_id":"o1","price":"2"}\n')
        third = self.write("in/sub/3-third.json.gz",
                           '{"Item":{"account":{"S":"a1"},"offer_id":{"S":"o2"},'
                           '"price":{"S":"3"}}}\n', compress=True)
        backend = self.backends[0]
        # A folder expands in byte order of its paths: 1, 2, then sub/3.
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, "in", "--outputs", "out")
        self.assertEqual(code, 0, stderr)
        self.assertEqual([l.get("input") for l in self.lines(stdout)],
                         [os.path.relpath(p, self.tmp) for p in (first, second, third)] + [None])
        self.assertEqual(backend.scan(table), keyed([item("a1", "o1", price=S("2")),
                                                     item("a1", "o2", price=S("3"))]))
        # Inputs named one by one are read in the order given.
        table = self.new_table(backend)
        code, _, stderr = self.ingest(backend, table, third, second, first, "--outputs", "out")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(backend.scan(table), keyed([item("a1", "o1", price=S("1")),
                                                     item("a1", "o2", price=S("1"))]))
        # Each file has its report under --outputs, named after its path.
        with open(os.path.join(self.tmp, "out", "in", "sub", "3-third.json.gz.report.json")) as f:
            self.assertEqual(json.load(f)["rows_written"], 1)

    # ---- exports ----

    def source_tables(self):
        before = keyed([item("a%d" % n, "o%d" % m, price=N(str(n * 10 + m)),
                             tags={"SS": ["t%d" % n, "u"]}) for n in range(1, 6)
                        for m in range(1, 5)])
        after = copy.deepcopy(before)
        for key in [("a1", "o1"), ("a2", "o3"), ("a5", "o4")]:
            del after[key]  # deleted
        after[("a3", "o2")]["price"] = N("999")  # updated
        after[("a3", "o2")]["note"] = S("changed")
        after[("a9", "o1")] = item("a9", "o1", price=N("1"))  # inserted
        return before, after

    def test_a_full_export_then_its_incremental_reproduces_the_source(self):
        before, after = self.source_tables()
        root = os.path.join(self.tmp, "copied", "somewhere")
        full, _ = dynamodb_export.write_export(
            root, "01733040000000-aaaa1111", [{"Item": i} for i in before.values()], files=3)
        incremental, _ = dynamodb_export.write_export(
            root, "01733043600000-bbbb2222", dynamodb_export.change_lines(before, after),
            incremental=True, files=2)
        for backend in self.backends:
            with self.subTest(backend=backend.kind):
                table = self.new_table(backend)
                code, stdout, stderr = self.ingest(backend, table, full, "--outputs", "out")
                self.assertEqual(code, 0, stderr)
                self.assertEqual(canonical(backend.scan(table)), canonical(before))
                self.assertEqual(self.lines(stdout)[-1]["total"]["files"], 3)
                code, stdout, stderr = self.ingest(backend, table, incremental, "--outputs", "out")
                self.assertEqual(code, 0, stderr)
                self.assertEqual(canonical(backend.scan(table)), canonical(after))
                total = self.lines(stdout)[-1]["total"]
                self.assertEqual((total["rows_read"], total["rows_written"]), (5, 5))

    def test_the_root_holding_both_exports_applies_them_in_order(self):
        before, after = self.source_tables()
        root = os.path.join(self.tmp, "exports")
        dynamodb_export.write_export(root, "01733040000000-aaaa1111",
                                     [{"Item": i} for i in before.values()], files=2)
        dynamodb_export.write_export(root, "01733043600000-bbbb2222",
                                     dynamodb_export.change_lines(before, after),
                                     incremental=True, files=1)
        backend = self.backends[0]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, root, "--outputs", "out", "--dry-run")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(backend.scan(table), {})
        listed = [(os.path.basename(os.path.dirname(os.path.dirname(l["input"]))), l["format"],
                   l["size"] > 0) for l in self.lines(stdout)[:-1]]
        self.assertEqual(listed, [("01733040000000-aaaa1111", "ddb-json", True)] * 2 +
                         [("01733043600000-bbbb2222", "ddb-json", True)])
        # The manifests, checksums and _started are the export's, not inputs.
        self.assertEqual(stderr.count("not read: "), 10, stderr)
        code, _, stderr = self.ingest(backend, table, root, "--outputs", "out")
        self.assertEqual(code, 0, stderr)
        self.assertEqual(canonical(backend.scan(table)), canonical(after))

    def test_an_export_in_s3_loads_from_its_prefix(self):
        before, _ = self.source_tables()
        root = os.path.join(self.tmp, "s3copy")
        dynamodb_export.write_export(root, "01733040000000-aaaa1111",
                                     [{"Item": i} for i in before.values()], files=2)
        import boto3
        s3 = boto3.client("s3", endpoint_url=self.local.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket="copies")
        for folder, _, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                s3.upload_file(path, "copies", "team/" + os.path.relpath(path, root))
        backend = self.backends[1]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, "s3://copies/team/", "--outputs",
                                           os.path.join(self.tmp, "out"))
        self.assertEqual(code, 0, stderr)
        self.assertEqual([l["input"] for l in self.lines(stdout)[:-1]],
                         sorted("s3://copies/team/AWSDynamoDB/01733040000000-aaaa1111/data/" + n
                                for n in os.listdir(os.path.join(
                                    root, "AWSDynamoDB", "01733040000000-aaaa1111", "data"))))
        self.assertEqual(canonical(backend.scan(table)), canonical(before))

    @unittest.skipUnless(shutil.which("moto_server"), "moto_server is not installed")
    def test_an_export_that_moto_wrote(self):
        """moto's ExportTableToPointInTime: a producer nobody here wrote (it writes the data
        file alone, without manifests)."""
        import boto3
        with servers.Server(lambda port, _dir: [shutil.which("moto_server"), "-H", "127.0.0.1",
                                                "-p", str(port)]) as moto:
            kwargs = dict(endpoint_url=moto.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
            source, s3 = boto3.client("dynamodb", **kwargs), boto3.client("s3", **kwargs)
            arn = source.create_table(
                TableName="source", BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                      {"AttributeName": "offer_id", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                           {"AttributeName": "offer_id", "KeyType": "RANGE"}],
            )["TableDescription"]["TableArn"]
            source.update_continuous_backups(
                TableName="source",
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
            items = [item("m%d" % n, "o%d" % (n % 3), price=N(str(n)), flags={"SS": ["a", "b"]},
                          nested={"M": {"l": {"L": [N("1"), S("x")]}}}) for n in range(60)]
            for i in items:
                source.put_item(TableName="source", Item=i)
            s3.create_bucket(Bucket="exports")
            export = source.export_table_to_point_in_time(
                TableArn=arn, S3Bucket="exports", S3Prefix="nightly",
                ExportFormat="DYNAMODB_JSON")["ExportDescription"]
            for _ in range(100):
                if source.describe_export(ExportArn=export["ExportArn"])[
                        "ExportDescription"]["ExportStatus"] != "IN_PROGRESS":
                    break
                time.sleep(0.1)
            backend = self.backends[0]
            table = self.new_table(backend)
            # --endpoint-url would name S3 too: each service gets its own variable instead.
            env = dict(servers.aws_env(), AWS_ENDPOINT_URL_S3=moto.url,
                       AWS_ENDPOINT_URL_DYNAMODB=backend.endpoint)
            done = subprocess.run([CSV2DDB, "ingest", "s3://exports/nightly/", "--table", table,
                                   "--outputs", "out"],
                                  capture_output=True, text=True, env=env, cwd=self.tmp,
                                  timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr)
            [line, total] = self.lines(done.stdout)
            self.assertEqual((line["format"], line["rows_written"]), ("ddb-json", 60))
            self.assertEqual(canonical(backend.scan(table)), canonical(keyed(items)))

    # ---- write modes ----

    def test_delete_update_and_put_if_absent(self):
        for backend in self.backends:
            with self.subTest(backend=backend.kind):
                table = self.new_table(backend)
                backend.put(table, [item("a1", "o1", price=S("1"), keep=S("k")),
                                    item("a1", "o2", price=S("1")),
                                    item("a2", "o1", price=S("1"))])
                rows = self.write("rows.csv", "account,offer_id,price\na1,o1,5\na3,o1,6\n")
                code, _, stderr = self.ingest(backend, table, rows, "--mode", "update")
                self.assertEqual(code, 0, stderr)
                self.assertEqual(backend.scan(table), keyed([
                    item("a1", "o1", price=S("5"), keep=S("k")), item("a1", "o2", price=S("1")),
                    item("a2", "o1", price=S("1")), item("a3", "o1", price=S("6"))]))
                absent = self.write("absent.csv", "account,offer_id,price\na1,o2,7\na4,o1,8\n")
                code, stdout, stderr = self.ingest(backend, table, absent, "--mode",
                                                   "put-if-absent")
                self.assertEqual(code, 0, stderr)
                report = json.loads(stdout)
                self.assertEqual((report["rows_written"], report["rows_conflicts"]), (1, 1))
                with open(os.path.join(self.tmp, "absent.conflicts.jsonl")) as f:
                    self.assertEqual([json.loads(l) for l in f],
                                     [{"line": 2, "key": {"account": "a1", "offer_id": "o2"}}])
                gone = self.write("gone.ndjson", '{"account":"a1","offer_id":"o1","x":1}\n'
                                  '{"account":"a2","offer_id":"o1"}\n'
                                  '{"account":"a9","offer_id":"o9"}\n')
                code, stdout, stderr = self.ingest(backend, table, gone, "--mode", "delete")
                self.assertEqual(code, 0, stderr)
                self.assertEqual(json.loads(stdout)["rows_written"], 3)
                self.assertEqual(backend.scan(table), keyed([
                    item("a1", "o2", price=S("1")), item("a3", "o1", price=S("6")),
                    item("a4", "o1", price=S("8"))]))

    def test_a_condition_lists_exactly_the_rows_that_lost(self):
        for backend in self.backends:
            with self.subTest(backend=backend.kind):
                table = self.new_table(backend)
                backend.put(table, [item("a%d" % n, "o1", version=N(str(n))) for n in range(40)])
                # Rows with version 20 beat items with versions below 20; others lose.
                rows = "".join("a%d,o1,20,new\n" % n for n in range(45))
                path = self.write("newer.csv", "account,offer_id,version,state\n" + rows)
                code, stdout, stderr = self.ingest(
                    backend, table, path, "--types", "version:N", "--condition",
                    "attribute_not_exists(account) OR version < :version")
                self.assertEqual(code, 0, stderr)
                report = json.loads(stdout)
                self.assertEqual((report["rows_read"], report["rows_written"],
                                  report["rows_conflicts"]), (45, 25, 20))
                with open(os.path.join(self.tmp, "newer.conflicts.jsonl")) as f:
                    lost = sorted((json.loads(l) for l in f), key=lambda c: c["line"])
                self.assertEqual(lost, [{"line": n + 2, "key": {"account": "a%d" % n,
                                                                 "offer_id": "o1"}}
                                        for n in range(20, 40)])
                scanned = backend.scan(table)
                self.assertEqual({k[0]: v["version"]["N"] for k, v in scanned.items()},
                                 {"a%d" % n: "20" if n < 20 or n >= 40 else str(n)
                                  for n in range(45)})

    # ---- bad input ----

    def bad_export(self):
        before, _ = self.source_tables()
        return dynamodb_export.write_export(os.path.join(self.tmp, "bad"), "01733040000000-cccc",
                                            [{"Item": i} for i in before.values()], files=2)

    def test_a_manifest_naming_a_missing_data_file(self):
        folder, paths = self.bad_export()
        os.remove(paths[1])
        backend = self.backends[0]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, folder, "--outputs", "out")
        self.assertEqual((code, stdout), (1, ""))
        self.assertEqual(stderr, "csv2ddb ingest: %s/manifest-files.json names %s, which is not "
                         "there; nothing was written (--keep-going loads the other files)\n"
                         % (folder, paths[1]))
        self.assertEqual(backend.scan(table), {})
        code, stdout, stderr = self.ingest(backend, table, folder, "--outputs", "out",
                                           "--keep-going")
        self.assertEqual(code, 1, stderr)
        lines = self.lines(stdout)
        self.assertEqual([l["status"] for l in lines[:-1]], ["done", "failed"])
        self.assertEqual(lines[-1]["total"]["failed"], 1)
        self.assertEqual(len(backend.scan(table)), lines[0]["rows_written"])

    def test_a_data_file_whose_md5_does_not_match(self):
        folder, paths = self.bad_export()
        with open(paths[0], "wb") as f:
            f.write(gzip.compress(b'{"Item":{"account":{"S":"evil"},"offer_id":{"S":"x"}}}\n'))
        backend = self.backends[0]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, folder, "--outputs", "out",
                                           "--keep-going")
        self.assertEqual(code, 1, stderr)
        failed = self.lines(stdout)[0]
        self.assertEqual((failed["status"], failed["rows_read"]), ("failed", 0))
        self.assertIn("ChecksumMismatch: " + paths[0] + ": its MD5 is ", failed["error"]["reason"])
        self.assertNotIn(("evil", "x"), backend.scan(table))

    def test_an_ion_export_is_named_unsupported(self):
        before, _ = self.source_tables()
        folder, _ = dynamodb_export.write_export(os.path.join(self.tmp, "ion"), "01-ion",
                                                 [{"Item": i} for i in before.values()],
                                                 output_format="ION")
        backend = self.backends[0]
        code, stdout, stderr = self.ingest(backend, self.new_table(backend), folder)
        self.assertEqual((code, stdout), (1, ""))
        self.assertIn("InvalidExport: " + folder + "/manifest-summary.json: an export in ION "
                      "format, which csv2ddb does not read", stderr)

    def test_a_truncated_gzip_fails_its_file(self):
        whole = gzip.compress(b"".join(b'{"account":"a%d","offer_id":"o"}\n' % n
                                       for n in range(5000)))
        path = os.path.join(self.tmp, "cut.ndjson.gz")
        with open(path, "wb") as f:
            f.write(whole[:len(whole) // 2])
        good = self.write("good.ndjson", '{"account":"g","offer_id":"o"}\n')
        backend = self.backends[0]
        code, stdout, stderr = self.ingest(backend, self.new_table(backend), path, good,
                                           "--keep-going", "--outputs", "out")
        self.assertEqual(code, 1, stderr)
        lines = self.lines(stdout)
        self.assertEqual([l["status"] for l in lines[:-1]], ["failed", "done"])
        self.assertIn(path, lines[0]["error"]["reason"])
        self.assertIn("truncated", lines[0]["error"]["reason"])

    def test_bad_lines_are_rejected_with_their_reasons(self):
        plain = self.write("bad.ndjson", "\n".join([
            '{"account":"a1","offer_id":"o1"}',
            '["not","an","object"]',
            '{"account":"a2","offer_id":"o1","n":123456789012345678901234567890123456789}',
            '{"account":"a3"}',
            '{"account":"a4","offer_id":',
            '', ]) + "\n")
        ddb = self.write("bad.ddb.jsonl", "\n".join([
            '{"Item":{"account":{"S":"b1"},"offer_id":{"S":"o1"},"x":{"S":"1","N":"1"}}}',
            '{"Item":{"account":{"S":"b2"},"offer_id":{"S":"o1"}}}',
            '{"Other":{}}']) + "\n")
        backend = self.backends[0]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, plain, ddb, "--outputs", "out")
        self.assertEqual(code, 0, stderr)
        reasons = {}
        for name in ("bad.ndjson", "bad.ddb.jsonl"):
            with open(os.path.join(self.tmp, "out", self.tmp.lstrip("/"),
                                   name + ".rejected.jsonl")) as f:
                reasons[name] = [(r["line"], r["reason"]) for r in map(json.loads, f)]
        self.assertEqual(reasons["bad.ndjson"], [
            (2, "the line is an array, not a JSON object (JSON Lines holds one object per line)"),
            (3, "Attempting to store more than 38 significant digits in a Number "
                "(attribute 'n')"),
            (4, "key attribute 'offer_id' is missing"),
            (5, "the line is not valid JSON: unexpected end of input at byte 27"),
        ])
        self.assertEqual(reasons["bad.ddb.jsonl"], [
            (1, "Item: Supplied AttributeValue has more than one datatypes set, must contain "
                "exactly one of the supported datatypes (attribute 'x')"),
            (3, "a DynamoDB JSON line is {\"Item\":{...}}, or an export's change record with "
                "\"Keys\"; this one has neither"),
        ])
        first, second = self.lines(stdout)[:2]
        self.assertEqual((first["rows_read"], first["rows_written"], first["rows_rejected"],
                          first["rows_skipped"]), (6, 1, 4, 1))
        self.assertEqual((second["rows_read"], second["rows_written"]), (3, 1))

    def test_a_condition_that_does_not_parse_or_names_no_column(self):
        path = self.write("rows.csv", "account,offer_id,version\na1,o1,1\n")
        backend = self.backends[0]
        table = self.new_table(backend)
        code, stdout, stderr = self.ingest(backend, table, path, "--condition", "version <")
        self.assertEqual((code, stdout), (2, ""))
        self.assertEqual(stderr, "csv2ddb ingest: --condition 'version <': Invalid "
                         "ConditionExpression: Syntax error; token: \"<EOF>\", near: \"<\"\n")
        code, stdout, stderr = self.ingest(backend, table, path, "--condition", "version < :v")
        self.assertEqual((code, stdout), (2, ""))
        self.assertIn("--condition 'version < :v' uses :v, but the input has no column 'v'",
                      stderr)
        code, _, stderr = self.ingest(backend, table, path, "--mode", "put-if-absent",
                                      "--condition", "version < :version")
        self.assertEqual(code, 2)
        self.assertIn("put-if-absent is itself a condition", stderr)
        self.assertEqual(backend.scan(table), {})

    # ---- resume across files ----

    def test_ctrl_c_and_resume_across_files(self):
        backend = self.backends[1]
        small = self.write("in/1.csv", "account,offer_id\n" +
                           "".join("s%d,o\n" % n for n in range(50)))
        big = os.path.join(self.tmp, "in", "2.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "20000", "--seed", "3", "--output", big],
                       check=True)
        last = self.write("in/3.ndjson", '{"account":"z","offer_id":"z"}\n')
        table = self.new_table(backend)
        argv = [CSV2DDB, "ingest", "in", "--table", table, "--endpoint-url", backend.endpoint,
                "--outputs", "out", "--max-wcu", "3000"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=servers.aws_env(), cwd=self.tmp)
        checkpoint = os.path.join(self.tmp, "out", "ingest.checkpoint.json")
        for _ in range(600):  # until the run checkpoints inside the second file
            try:
                with open(checkpoint) as f:
                    saved = json.load(f)
                if saved.get("file_index") == 1 and saved["rows_read"] > 0:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        self.assertIsNone(proc.poll(), "the run ended before it could be interrupted")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 130, stderr)
        self.assertIn("resume with: csv2ddb ingest in --table", stderr)
        done = subprocess.run(argv + ["--resume"], capture_output=True, text=True,
                              env=servers.aws_env(), cwd=self.tmp, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = self.lines(done.stdout)
        self.assertEqual([l.get("input") for l in lines],
                         [os.path.relpath(p, self.tmp) for p in (small, big, last)] + [None])
        total = lines[-1]["total"]
        self.assertEqual((total["files"], total["rows_read"], total["rows_written"]),
                         (3, 50 + 20000 + 1, 50 + 20000 + 1))
        self.assertEqual(len(backend.scan(table)), 50 + 20000 + 1)
        self.assertFalse(os.path.exists(checkpoint))


def main():
    global CSV2DDB
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
