#!/usr/bin/env python3
"""The deployed function with the other shapes of load (issue "Every shape of load"), on
`csv2ddb local --template deploy/template.yaml`, files uploaded with awscli v2 and the table
read back with boto3:
  - a DynamoDB export copied into the bucket: its data files (.json.gz) are imported, its
    manifests, checksums and _started start nothing, and the handler refuses them by name when
    an event names them anyway; a plain JSON Lines file (.ndjson) is imported too;
  - WriteMode=update with a WriteCondition: untouched attributes are kept, the rows whose
    condition fails are listed under conflicts/, and the role allows UpdateItem only, so a
    function that sent BatchWriteItem would be refused."""
import argparse
import base64
import json
import os
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import dynamodb_export  # noqa: E402
import test_pipeline as pipeline  # noqa: E402

CSV2DDB = None


def scan(stack):
    dynamodb = pipeline.client(stack, "dynamodb")
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=pipeline.TABLE):
        items += page["Items"]
    return {pipeline.key_of(i): i for i in items}


def item(account, offer, **attributes):
    return {"account": {"S": account}, "offer_id": {"S": offer}, **attributes}


class ExportIntoTheBucket(unittest.TestCase):
    def test_an_exports_data_files_and_a_json_lines_file_are_imported(self):
        tmp = tempfile.mkdtemp()
        items = [item("a%d" % n, "o%d" % m, price={"N": str(n + m)}, tags={"SS": ["x"]})
                 for n in range(30) for m in range(3)]
        root = os.path.join(tmp, "copy")
        folder, paths = dynamodb_export.write_export(root, "01733040000000-aaaa1111",
                                                     [{"Item": i} for i in items], files=3)
        ndjson = os.path.join(tmp, "feed.ndjson")
        with open(ndjson, "w") as f:
            f.write('{"account":"j1","offer_id":"o1","price":1.50,"ok":true}\n')
        with pipeline.stack_with() as stack:
            pipeline.aws(stack, "s3", "cp", "--recursive", root, "s3://%s/exports/" % pipeline.BUCKET)
            pipeline.upload(stack, ndjson, "feeds/feed.ndjson")
            prefix = "exports/AWSDynamoDB/01733040000000-aaaa1111/data/"
            reports = [json.loads(pipeline.wait_for(
                stack, "reports/" + prefix + os.path.basename(p) + ".report.json"))
                for p in paths]
            self.assertEqual(sum(r["rows_written"] for r in reports), len(items))
            feed = json.loads(pipeline.wait_for(stack, "reports/feeds/feed.ndjson.report.json"))
            self.assertEqual(feed["rows_written"], 1)
            self.assertEqual(json.loads(pipeline.read(stack, "json-copy/feeds/feed.json")),
                             {"data": [{"account": "j1", "offer_id": "o1", "price": 1.5,
                                        "ok": True}]})
            expected = {pipeline.key_of(i): i for i in items}
            expected[("j1", "o1")] = item("j1", "o1", price={"N": "1.5"}, ok={"BOOL": True})
            self.assertEqual(scan(stack), expected)
            # The three data files and the feed were imported, once each (an empty _started
            # once made botocore send the next PUT twice); nothing else of the export was.
            imported = []
            for line in stack.log("csv2ddb-import").splitlines():
                if '"message":"imported"' in line:
                    imported.append(json.loads(line[line.index("{"):])["source"])
            self.assertEqual(sorted(imported),
                             sorted(["s3://%s/%s%s" % (pipeline.BUCKET, prefix, os.path.basename(p))
                                     for p in paths] +
                                    ["s3://%s/feeds/feed.ndjson" % pipeline.BUCKET]))
            # An event naming the export's bookkeeping anyway: skipped, with the reason.
            event = {"Records": [
                {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                 "s3": {"bucket": {"name": pipeline.BUCKET}, "object": {"key": key}}}
                for key in ("exports/AWSDynamoDB/01733040000000-aaaa1111/manifest-files.json",
                            "exports/AWSDynamoDB/01733040000000-aaaa1111/_started",
                            "exports/AWSDynamoDB/01733040000000-aaaa1111/manifest-files.checksum")]}
            answer = pipeline.client(stack, "lambda").invoke(
                FunctionName="csv2ddb-import", Payload=json.dumps(event).encode())
            result = json.loads(answer["Payload"].read())
            self.assertEqual([s["reason"] for s in result["skipped"]],
                             ["a DynamoDB export's manifest", "a DynamoDB export's _started marker",
                              "a checksum file"])
            self.assertIn("a DynamoDB export's manifest", stack.log("csv2ddb-import"))


class JsonAcrossInvocations(unittest.TestCase):
    def test_a_json_lines_file_that_needs_several_invocations(self):
        with open(pipeline.TEMPLATE) as f:
            text = f.read()
        short = text.replace("      Timeout: 900\n", "      Timeout: 4\n")
        self.assertNotEqual(short, text)
        tmp = tempfile.mkdtemp()
        items = [item("a%d" % (n % 97), "o%d" % n, price={"N": str(n)}) for n in range(30000)]
        path = os.path.join(tmp, "big.jsonl.gz")
        import gzip
        with gzip.open(path, "wt") as f:
            for i in items:
                f.write(json.dumps({"Item": i}) + "\n")
        # As the CSV test in test_pipeline.py: 2 lanes at 10 ms need about 6 s for 1,200
        # batches, and an invocation of 4 s hands over after about 2.
        with pipeline.stack_with(short, params=["WriterConcurrency=2"],
                                 extra=["--fault", "latency=10"]) as stack:
            pipeline.upload(stack, path, "big.jsonl.gz")
            report = json.loads(pipeline.wait_for(stack, "reports/big.jsonl.gz.report.json"))
            table = scan(stack)
            invocations = pipeline.imports_started(stack)
        self.assertGreater(invocations, 1, "the file fit one invocation: shorten the timeout")
        self.assertEqual((report["rows_read"], report["rows_written"]), (30000, 30000))
        self.assertEqual(table, {pipeline.key_of(i): i for i in items})


class UpdateWithACondition(unittest.TestCase):
    def test_updates_keep_other_attributes_and_conflicts_are_listed(self):
        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, "prices.csv")
        with open(path, "w") as f:
            f.write("account,offer_id,price,version\n")
            for n in range(20):
                f.write("a%d,o1,%d,5\n" % (n, 100 + n))
        with pipeline.stack_with(params=["WriteMode=update", "ValueTypes=version:N",
                                         "WriteCondition=attribute_not_exists(account) OR "
                                         "version < :version"]) as stack:
            dynamodb = pipeline.client(stack, "dynamodb")
            for n in range(10):  # a0..a9 exist: versions 0..9, with a name to keep
                dynamodb.put_item(TableName=pipeline.TABLE,
                                  Item=item("a%d" % n, "o1", version={"N": str(n)},
                                            name={"S": "n%d" % n}))
            pipeline.upload(stack, path, "prices.csv")
            report = json.loads(pipeline.wait_for(stack, "reports/prices.csv.report.json"))
            self.assertEqual((report["rows_read"], report["rows_written"],
                              report["rows_conflicts"]), (20, 15, 5))
            lost = sorted(json.loads(line)["line"] for line in pipeline.read(
                stack, "conflicts/prices.csv.conflicts.jsonl").decode().splitlines())
            self.assertEqual(lost, [2 + n for n in range(5, 10)])
            table = scan(stack)
            for n in range(20):
                got = table[("a%d" % n, "o1")]
                if 5 <= n < 10:  # newer versions in the table won
                    self.assertEqual(got, item("a%d" % n, "o1", version={"N": str(n)},
                                               name={"S": "n%d" % n}))
                else:
                    want = item("a%d" % n, "o1", price={"S": str(100 + n)}, version={"N": "5"})
                    if n < 5:
                        want["name"] = {"S": "n%d" % n}  # kept: update merges
                    self.assertEqual(got, want)
            self.assertNotIn("AccessDenied", stack.log("csv2ddb-import"))


def main():
    global CSV2DDB
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = pipeline.CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
