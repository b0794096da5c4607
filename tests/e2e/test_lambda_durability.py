#!/usr/bin/env python3
"""Nothing lost when the local AWS stops, and nothing silent when an import cannot succeed
(issue "Nothing lost, nothing silent, nothing stalled"), with the project's template and
bootstrap:

- uploads acknowledged while earlier imports run are imported after `csv2ddb local` is killed
  (kill -9) or stopped (SIGTERM) and started again on the same data folder: every object gets
  its report and every row is in the table; an import cut off by the stop counts as a failed
  attempt and is retried;
- an object the function cannot use fails its three attempts and leaves two things a person
  finds in the bucket: its failed report under reports/ and Lambda's invocation record under
  aws/lambda/async/<function>/ (the template's on-failure destination), and neither starts an
  import."""
import argparse
import json
import os
import signal
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

CSV2DDB = None
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
BUCKET = "imports"
TABLE = "csv2ddb-offers"
FUNCTION = "csv2ddb-import"
# Imports slow enough (every DynamoDB answer 40 ms late, one function environment) that the
# later uploads are still queued when the server stops.
SLOW = ["--fault", "latency=40", "--lambda-concurrency", "1",
        "--lambda-retry-delays", "200,200"]


def client(stack, service):
    return boto3.client(service, endpoint_url=stack.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def read(stack, key):
    try:
        return client(stack, "s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    except client(stack, "s3").exceptions.NoSuchKey:
        return None


def keys_under(stack, prefix):
    pages = client(stack, "s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET,
                                                                          Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def wait_for_reports(stack, names, timeout=600):
    deadline = time.time() + timeout
    reports = {}
    while len(reports) < len(names):
        for name in names:
            if name not in reports:
                body = read(stack, "reports/%s.report.json" % name)
                if body is not None:
                    reports[name] = json.loads(body)
        if time.time() > deadline:
            raise AssertionError("reports missing for %s; log: %s" % (
                sorted(set(names) - set(reports)), stack.log(FUNCTION)[-3000:]))
        time.sleep(0.2)
    return reports


class QueueSurvivesAStop(unittest.TestCase):
    def run_with_a_stop(self, stop):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-durable-")
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        names = ["file-%d.csv" % i for i in range(5)]
        paths = []
        for i, name in enumerate(names):
            path = os.path.join(tmp, name)
            subprocess.run([CSV2DDB, "make-csv", "--rows", "3000", "--seed", str(i + 1),
                            "--output", path], check=True)
            paths.append(path)
        params = ["S3BucketName=" + BUCKET]
        stack = local_stack.LocalStack(CSV2DDB, TEMPLATE, params=params, extra=SLOW,
                                       data_dir=data)
        try:
            s3 = client(stack, "s3")
            for path, name in zip(paths, names):
                s3.upload_file(path, BUCKET, name)  # each acknowledged before the stop
            # The first import has started; the others wait in the queue.
            deadline = time.time() + 60
            while "START RequestId" not in stack.log(FUNCTION):
                self.assertLess(time.time(), deadline, stack.log(FUNCTION))
                time.sleep(0.05)
            time.sleep(0.3)
        finally:
            if stop == "kill":
                stack.process.send_signal(signal.SIGKILL)
            stack.stop()
        self.assertTrue(os.listdir(os.path.join(data, "lambda", "queue", FUNCTION)),
                        "nothing was kept queued")
        with local_stack.LocalStack(CSV2DDB, TEMPLATE, params=params,
                                    extra=["--lambda-retry-delays", "200,200"],
                                    data_dir=data) as again:
            reports = wait_for_reports(again, names)
            for name in names:
                self.assertEqual((reports[name]["status"], reports[name]["rows_written"]),
                                 ("done", 3000), reports[name])
            count = client(again, "dynamodb").scan(TableName=TABLE, Select="COUNT")
            total = count["Count"]
            while "LastEvaluatedKey" in count:
                count = client(again, "dynamodb").scan(
                    TableName=TABLE, Select="COUNT", ExclusiveStartKey=count["LastEvaluatedKey"])
                total += count["Count"]
            self.assertEqual(total, 5 * 3000)
            log = again.log(FUNCTION)
            self.assertIn("queued again after a restart", log)
            deadline = time.time() + 30
            while os.listdir(os.path.join(data, "lambda", "queue", FUNCTION)):
                self.assertLess(time.time(), deadline, "the queue never emptied")
                time.sleep(0.1)

    def test_kill_9_loses_no_accepted_event(self):
        self.run_with_a_stop("kill")

    def test_sigterm_loses_no_accepted_event(self):
        self.run_with_a_stop("term")


class FailureDestination(unittest.TestCase):
    def test_a_failing_import_leaves_its_report_and_lambdas_record(self):
        with local_stack.LocalStack(CSV2DDB, TEMPLATE, params=["S3BucketName=" + BUCKET],
                                    extra=["--lambda-retry-delays", "100,100"]) as stack:
            s3 = client(stack, "s3")
            s3.put_object(Bucket=BUCKET, Key="broken.csv.gz", Body=b"not gzip at all\n")
            deadline = time.time() + 120
            while not keys_under(stack, "aws/lambda/async/"):
                self.assertLess(time.time(), deadline, stack.log(FUNCTION)[-3000:])
                time.sleep(0.2)
            [record_key] = keys_under(stack, "aws/lambda/async/")
            self.assertRegex(record_key, r"^aws/lambda/async/csv2ddb-import/\d{4}/\d\d/\d\d/"
                             r"\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d-[0-9a-f-]{36}$")
            record = json.loads(read(stack, record_key))
            self.assertEqual(record["version"], "1.0")
            context = record["requestContext"]
            self.assertEqual(context["condition"], "RetriesExhausted")
            self.assertEqual(context["approximateInvokeCount"], 3)
            self.assertEqual(context["functionArn"],
                             "arn:aws:lambda:us-east-1:000000000000:function:csv2ddb-import"
                             ":$LATEST")
            self.assertEqual(record["requestPayload"]["Records"][0]["s3"]["object"]["key"],
                             "broken.csv.gz")
            self.assertEqual(record["responseContext"]["functionError"], "Unhandled")
            self.assertIn("errorMessage", record["responsePayload"])
            report = json.loads(read(stack, "reports/broken.csv.gz.report.json"))
            self.assertEqual(report["status"], "failed")
            # Three attempts of the one upload, and nothing started by the record or report.
            time.sleep(1)
            self.assertEqual(stack.log(FUNCTION).count("START RequestId: "), 3)
            self.assertNotIn("aws/lambda/async/", stack.log(FUNCTION).replace(
                "as " + record_key, ""))


def main():
    global CSV2DDB
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
