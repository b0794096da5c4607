#!/usr/bin/env python3
"""Fan-out (issue "One big object, many workers"), on `csv2ddb local --template
deploy/template.yaml` with FanOutThresholdMiB=1: a 4 MB CSV whose records hold quoted
newlines that look like records wherever a byte range could be cut, CRLF and LF mixed, blank and
all-empty rows, rows with too many fields, a 600 KB quoted field, and keys repeated early and
late, is cut into four shares, one worker invocation each (the local Lambda runs them at once).
The table, the JSON copy (byte for byte), the rejected rows and the report's counts equal
`csv2ddb ingest` of the same file (the same engine in one run) into a second table; the report
adds "shares" and "workers"; the shares' working objects are gone. The S3 event delivered again
imports the object again to the same end. A gzip object past the threshold is imported by one
chain, and its report says why."""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import servers  # noqa: E402
import test_pipeline as pipeline  # noqa: E402

CSV2DDB = None
KEY = "big/offers.csv"


def tricky_csv(path):
    rows = ["account,offer_id,price,note"]
    for i in range(60000):
        key = i if i < 56000 else i - 56000  # the last 4,000 rows repeat the first keys
        if i % 97 == 0:
            rows.append(",,,")  # all empty: skipped
        if i % 89 == 0:
            rows.append("a1,o1,1,2,3,4")  # too many fields: rejected
        if i % 101 == 0:
            rows.append("")  # blank
        rows.append('a%d,o%d,%d,"line one\na%d,o%d,9\n""quoted"""' % (key % 7, key, i, key % 7,
                                                                      key))
        if i == 8000:
            rows.append('a9,big,1,"%s\ny"' % ("x" * (600 * 1024)))
    with open(path, "w", newline="") as f:
        for n, row in enumerate(rows):
            f.write(row + ("\r\n" if n % 3 == 0 else "\n"))


def scan(stack, table):
    items = []
    for page in pipeline.client(stack, "dynamodb").get_paginator("scan").paginate(TableName=table):
        items += page["Items"]
    return {pipeline.key_of(i): i for i in items}


ROWS = ("rows_read", "rows_written", "rows_rejected", "rows_unprocessed", "rows_skipped",
        "rows_conflicts")


def reference(stack, path, tmp, table="reference"):
    """`csv2ddb ingest` of the file into `table`: its report."""
    pipeline.client(stack, "dynamodb").create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "offer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                   {"AttributeName": "offer_id", "KeyType": "RANGE"}])
    one = subprocess.run(
        [CSV2DDB, "ingest", path, "--table", table, "--endpoint-url", stack.endpoint,
         "--json-copy", os.path.join(tmp, "copy.json"), "--rejected",
         os.path.join(tmp, "rejected.jsonl")],
        capture_output=True, text=True, env=servers.aws_env(), cwd=tmp, timeout=600)
    assert one.returncode == 0, one.stderr
    return json.loads(one.stdout)


class FanOut(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.path = os.path.join(cls.tmp, "offers.csv")
        tricky_csv(cls.path)

    def assert_one_import(self, stack, report, expected):
        keys = pipeline.output_keys(KEY)
        self.assertEqual({k: report[k] for k in ROWS}, {k: expected[k] for k in ROWS})
        self.assertEqual((report["shares"], report["workers"], report["status"]), (4, 4, "done"))
        self.assertEqual(scan(stack, pipeline.TABLE), scan(stack, "reference"))
        with open(os.path.join(self.tmp, "copy.json"), "rb") as f:
            self.assertEqual(pipeline.read(stack, keys["json_copy"]), f.read())
        with open(os.path.join(self.tmp, "rejected.jsonl"), "rb") as f:
            self.assertEqual(sorted(pipeline.read(stack, keys["rejected"]).splitlines()),
                             sorted(f.read().splitlines()))
        left = pipeline.client(stack, "s3").list_objects_v2(Bucket=pipeline.BUCKET,
                                                            Prefix="reports/.fanout/")
        self.assertEqual(left.get("KeyCount"), 0, left.get("Contents"))

    def assert_progress_lines(self, log, report):
        """Each worker logs progress lines for its share; the last line of each share counts
        the rows its share read, and together they make the report's."""
        last = {}
        for line in log.splitlines():
            if line.startswith("{") and '"message":"progress"' in line:
                entry = json.loads(line)
                self.assertEqual((entry["bucket"], entry["key"]), (pipeline.BUCKET, KEY))
                last[entry["share"]] = entry
        self.assertEqual(sorted(last), [0, 1, 2, 3])
        self.assertEqual(sum(e["rows_read"] for e in last.values()), report["rows_read"])
        self.assertEqual(sum(e["requests"] for e in last.values()), report["requests"])

    def test_shares_that_outlive_their_invocation_continue(self):
        # Timeout 4 s: an invocation hands over after about 2 s; a share of ~15,000 rows at 2
        # lanes of 10 ms requests needs 3 s, so every share is a chain of invocations.
        with open(pipeline.TEMPLATE) as f:
            text = f.read()
        short = text.replace("      Timeout: 900\n", "      Timeout: 4\n")
        self.assertNotEqual(short, text)
        with pipeline.stack_with(short, params=["FanOutThresholdMiB=1", "MaxWorkers=4",
                                                "WriterConcurrency=2"],
                                 extra=["--fault", "latency=10"]) as stack:
            expected = reference(stack, self.path, self.tmp)
            pipeline.upload(stack, self.path, KEY)
            report = json.loads(pipeline.wait_for(stack, pipeline.output_keys(KEY)["report"]))
            log = stack.log("csv2ddb-import")
            self.assertGreaterEqual(log.count('"message":"handed over to a new invocation"'), 4)
            self.assert_one_import(stack, report, expected)
            left = pipeline.client(stack, "s3").list_objects_v2(
                Bucket=pipeline.BUCKET, Prefix="reports/.continuation/")
            self.assertEqual(left.get("KeyCount"), 0, left.get("Contents"))

    def test_json_lines_fan_out_too(self):
        path = os.path.join(self.tmp, "feed.ndjson")
        with open(path, "w") as f:
            for i in range(24000):
                key = i if i < 22000 else i - 22000  # repeated late: the later line wins
                f.write(json.dumps({"account": "j%d" % (key % 5), "offer_id": "o%d" % key,
                                    "price": i, "note": "x" * 40}) + "\n")
                if i % 997 == 0:
                    f.write('{"account":"j1"}\n')  # no offer_id: rejected
        self.assertGreater(os.path.getsize(path), 2 * 1024 * 1024)
        with pipeline.stack_with(params=["FanOutThresholdMiB=1", "MaxWorkers=4"]) as stack:
            expected = reference(stack, path, self.tmp, "reference_json")
            pipeline.upload(stack, path, "feeds/feed.ndjson")
            report = json.loads(pipeline.wait_for(stack, "reports/feeds/feed.ndjson.report.json"))
            self.assertEqual({k: report[k] for k in ROWS}, {k: expected[k] for k in ROWS})
            self.assertEqual(report["shares"], 3)
            self.assertEqual(scan(stack, pipeline.TABLE), scan(stack, "reference_json"))
            with open(os.path.join(self.tmp, "copy.json"), "rb") as f:
                self.assertEqual(pipeline.read(stack, "json-copy/feeds/feed.json"), f.read())

    def test_a_worker_killed_mid_share_is_retried(self):
        # latency=20 and 2 lanes a worker: each share takes seconds, time to kill one.
        with pipeline.stack_with(params=["FanOutThresholdMiB=1", "MaxWorkers=4",
                                         "WriterConcurrency=2"],
                                 extra=["--fault", "latency=20"]) as stack:
            expected = reference(stack, self.path, self.tmp)
            pipeline.upload(stack, self.path, KEY)
            deadline = time.time() + 60
            while stack.log("csv2ddb-import").count('"message":"fanned out"') == 0:
                self.assertLess(time.time(), deadline, stack.log("csv2ddb-import")[-2000:])
                time.sleep(0.1)
            time.sleep(1.5)  # the four workers are writing their shares
            workers = subprocess.run(["pgrep", "-P", str(stack.process.pid)],
                                     capture_output=True, text=True).stdout.split()
            self.assertGreaterEqual(len(workers), 4)
            os.kill(int(workers[-1]), signal.SIGKILL)
            report = json.loads(pipeline.wait_for(stack, pipeline.output_keys(KEY)["report"]))
            self.assertIn("retried as Lambda retries it", stack.log("csv2ddb-import"))
            self.assert_one_import(stack, report, expected)

    def test_shares_in_parallel_make_one_import(self):
        tmp, path = self.tmp, self.path
        self.assertGreater(os.path.getsize(path), 3 * 1024 * 1024)
        with pipeline.stack_with(params=["FanOutThresholdMiB=1", "MaxWorkers=4",
                                         "WriterConcurrency=2"]) as stack:
            expected = reference(stack, path, tmp)
            self.assertGreater(expected["rows_rejected"], 100)

            pipeline.upload(stack, path, KEY)
            keys = pipeline.output_keys(KEY)
            report = json.loads(pipeline.wait_for(stack, keys["report"]))
            self.assertIn('"message":"fanned out"', stack.log("csv2ddb-import"))
            self.assert_one_import(stack, report, expected)
            self.assert_progress_lines(stack.log("csv2ddb-import"), report)
            s3 = pipeline.client(stack, "s3")

            # The same S3 event again (S3 delivers at least once): the same end.
            s3.delete_object(Bucket=pipeline.BUCKET, Key=keys["report"])
            etag = s3.head_object(Bucket=pipeline.BUCKET, Key=KEY)["ETag"].strip('"')
            event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                                  "s3": {"bucket": {"name": pipeline.BUCKET},
                                         "object": {"key": KEY, "eTag": etag}}}]}
            answer = json.loads(pipeline.client(stack, "lambda").invoke(
                FunctionName="csv2ddb-import", Payload=json.dumps(event).encode())
                ["Payload"].read())
            self.assertEqual(answer["files"][0]["fanned_out"], 4)
            again = json.loads(pipeline.wait_for(stack, keys["report"]))
            self.assertEqual({k: again[k] for k in ROWS}, {k: expected[k] for k in ROWS})
            self.assertEqual(scan(stack, pipeline.TABLE), scan(stack, "reference"))

            # A gzip object past the threshold is one chain, and its report says why.
            gz = os.path.join(tmp, "plain.csv.gz")
            subprocess.run([CSV2DDB, "make-csv", "--rows", "40000", "--seed", "3", "--output",
                            gz[:-3]], check=True)
            subprocess.run(["gzip", "-f", gz[:-3]], check=True)
            self.assertGreater(os.path.getsize(gz), 1024 * 1024)
            pipeline.upload(stack, gz, "big/plain.csv.gz")
            plain = json.loads(pipeline.wait_for(stack, "reports/big/plain.csv.gz.report.json"))
            self.assertEqual((plain["rows_written"], plain["status"]), (40000, "done"))
            self.assertNotIn("shares", plain)
            self.assertEqual(plain["note"], "gzip cannot be entered mid-stream: imported by one "
                             "chain, not fanned out")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    pipeline.CSV2DDB = CSV2DDB
    unittest.main(argv=[sys.argv[0], *rest])
