#!/usr/bin/env python3
"""The packaged arm64 zip serving both functions inside `csv2ddb local --template
deploy/template.yaml --lambda-zip ZIP`: the local AWS unpacks it, starts its own `bootstrap`
entry point under qemu-aarch64-static (through CSV2DDB_EMULATOR, deploy/README.md), the custom
resource configures the bucket's notification, and an upload with awscli is imported: the table
and the outputs are what `csv2ddb convert` makes of the file."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import local_stack  # noqa: E402
import servers  # noqa: E402

ARGS = None


class Arm64ZipInTheLocalAws(unittest.TestCase):
    def test_the_zip_imports_an_upload(self):
        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, "offers.csv")
        subprocess.run([ARGS.csv2ddb, "make-csv", "--rows", "2000", "--seed", "3", "--output",
                        path], check=True)
        items = os.path.join(tmp, "items.jsonl")
        subprocess.run([ARGS.csv2ddb, "convert", path, "--output", items], check=True,
                       capture_output=True)
        with open(items) as f:
            expected = [json.loads(line)["Item"] for line in f]
        template = os.path.join(ROOT, "deploy", "template.yaml")
        with local_stack.LocalStack(ARGS.csv2ddb, template, params=["S3BucketName=arm"],
                                    extra=["--lambda-zip", ARGS.zip]) as stack:
            env = servers.aws_env()
            subprocess.run(["/usr/bin/aws", "--endpoint-url", stack.endpoint, "s3", "cp", path,
                            "s3://arm/in/offers.csv"], check=True, env=env, capture_output=True)
            s3 = boto3.client("s3", endpoint_url=stack.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            deadline = time.time() + 300
            while True:
                try:
                    report = json.loads(s3.get_object(
                        Bucket="arm", Key="reports/in/offers.csv.report.json")["Body"].read())
                    break
                except s3.exceptions.NoSuchKey:
                    self.assertLess(time.time(), deadline, stack.log("csv2ddb-import")[-3000:])
                    time.sleep(0.2)
            copy = json.loads(s3.get_object(Bucket="arm", Key="json-copy/in/offers.json")
                              ["Body"].read())
            scan = subprocess.run(["/usr/bin/aws", "--endpoint-url", stack.endpoint, "dynamodb",
                                   "scan", "--table-name", "csv2ddb-offers"], check=True, env=env,
                                  capture_output=True, text=True)
            log = stack.log("csv2ddb-import")
            code = os.path.join(stack.data_dir, "lambda", "code", "csv2ddb-import")
            unpacked = sorted(os.listdir(code))
        self.assertEqual((report["rows_read"], report["rows_written"]), (2000, 2000))
        self.assertEqual(copy["data"], [{k: v["S"] for k, v in item.items()} for item in expected])
        key = lambda item: (item["account"]["S"], item["offer_id"]["S"])  # noqa: E731
        self.assertEqual(sorted(json.loads(scan.stdout)["Items"], key=key),
                         sorted(expected, key=key))
        self.assertEqual(unpacked, ["bin", "bootstrap", "lib"])
        self.assertIn("REPORT RequestId:", log)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    parser.add_argument("--zip", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.csv2ddb = os.path.abspath(ARGS.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
