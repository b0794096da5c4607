#!/usr/bin/env python3
"""Our own C++ clients against our own local AWS: `csv2ddb ingest` of an s3:// input from
`csv2ddb local`'s S3 into its DynamoDB, with --json-copy, --rejected and --unprocessed written
back to its S3. Read back with boto3 (an independent client), the table must equal `csv2ddb
convert` of the same file exactly, and the outputs must account for every row. A second run
with --fault unprocessed=0.5 leaves rows unwritten after the last retry: the table plus the
unprocessed file in S3 are then exactly the file's items.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "local"))
import local_server  # noqa: E402
import test_ingest_dynalite as shared  # noqa: E402  (sample_file, converted, last_wins, plain)

CSV2DDB = None
KEY = "in folder/offers +1 é.csv"


def clients(endpoint):
    import boto3
    kwargs = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                  aws_secret_access_key="test")
    return boto3.client("s3", **kwargs), boto3.client("dynamodb", **kwargs)


def scan_all(dynamodb, table):
    items = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            items[(item["account"]["S"], item["offer_id"]["S"])] = item
    return items


class IngestIntoLocal(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-local-")
        shared.CSV2DDB = CSV2DDB

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def prepare(self, server, path):
        s3, dynamodb = clients(server.endpoint)
        s3.create_bucket(Bucket="imports")
        dynamodb.create_table(
            TableName="offers", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                  {"AttributeName": "offer_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                       {"AttributeName": "offer_id", "KeyType": "RANGE"}])
        s3.upload_file(path, "imports", KEY)
        return s3, dynamodb

    def ingest(self, server, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=server.endpoint)
        env.pop("AWS_PROFILE", None)
        return subprocess.run([CSV2DDB, "ingest", "s3://imports/" + KEY, "--table", "offers",
                               *args], capture_output=True, text=True, env=env, cwd=self.tmp,
                              timeout=600)

    def test_s3_input_and_outputs_into_the_local_table(self):
        path = shared.sample_file(self.tmp, rows=3000)
        items, rejects = shared.converted(path, self.tmp)
        with local_server.LocalServer(CSV2DDB, os.path.join(self.tmp, "data")) as server:
            s3, dynamodb = self.prepare(server, path)
            run = self.ingest(server, "--concurrency", "8",
                              "--json-copy", "s3://imports/json-copy/in folder/offers +1 é.json",
                              "--rejected", "s3://imports/rejected/offers.rejected.jsonl",
                              "--unprocessed", "s3://imports/unprocessed/offers.json")
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(scan_all(dynamodb, "offers"), shared.last_wins(items))
            self.assertEqual(dynamodb.describe_table(TableName="offers")["Table"]["ItemCount"],
                             len(shared.last_wins(items)))

            def read(key):
                return s3.get_object(Bucket="imports", Key=key)["Body"].read().decode()

            self.assertEqual(json.loads(read("json-copy/in folder/offers +1 é.json")),
                             {"data": [shared.plain(i) for i in items]})
            self.assertEqual([json.loads(line) for line in
                              read("rejected/offers.rejected.jsonl").splitlines()], rejects)
            listed = [o["Key"] for o in s3.list_objects_v2(Bucket="imports")["Contents"]]
            self.assertNotIn("unprocessed/offers.json", listed)  # nothing left unwritten
            report = json.loads(run.stdout)
            self.assertEqual(
                {k: report[k] for k in ("rows_read", "rows_written", "rows_rejected",
                                        "rows_unprocessed", "rows_skipped")},
                {"rows_read": 3000 + 39 + 5, "rows_written": len(items),
                 "rows_rejected": len(rejects), "rows_unprocessed": 0, "rows_skipped": 2})

    def test_unprocessed_rows_go_to_s3_and_nothing_is_lost(self):
        # make-csv keys are unique, so "the table plus the unprocessed rows" is well defined.
        path = os.path.join(self.tmp, "unique.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "600", "--accounts", "9", "--seed", "5",
                        "--output", path], check=True)
        items, rejects = shared.converted(path, self.tmp)
        self.assertEqual(rejects, [])
        with local_server.LocalServer(CSV2DDB, os.path.join(self.tmp, "data"), "--fault",
                                      "unprocessed=0.5", "--seed", "3") as server:
            s3, dynamodb = self.prepare(server, path)
            # --no-adaptive: UnprocessedItems would otherwise slow the writers down (as they
            # should on AWS); here they only make the test long.
            run = self.ingest(server, "--unprocessed", "s3://imports/unprocessed/offers.json",
                              "--no-adaptive")
            self.assertEqual(run.returncode, 3, run.stderr)  # 3: some rows are unprocessed
            report = json.loads(run.stdout)
            left = json.loads(s3.get_object(Bucket="imports",
                                            Key="unprocessed/offers.json")["Body"].read())
            table = scan_all(dynamodb, "offers")
            self.assertGreater(len(left), 0)
            self.assertEqual(report["rows_unprocessed"], len(left))
            self.assertEqual(report["rows_written"], len(table))
            everything = {(i["account"]["S"], i["offer_id"]["S"]): shared.plain(i) for i in items}
            found = {key: shared.plain(item) for key, item in table.items()}
            for row in left:
                key = (row["account"], row["offer_id"])
                self.assertNotIn(key, found)  # unwritten means not in the table
                found[key] = row
            self.assertEqual(found, everything)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    known, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(known.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
