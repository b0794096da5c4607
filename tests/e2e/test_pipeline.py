#!/usr/bin/env python3
"""The whole system on one machine, as a user meets it: `csv2ddb local --template
deploy/template.yaml` (the project's own template and bootstrap), CSV files uploaded with
`aws s3 cp`, the table read back with `aws dynamodb scan`, and every output object compared with
what `csv2ddb convert` makes of the same file.

Proves issue 5's list: a 200,000-row make-csv file, a key with spaces, '+' and non-ASCII in a
folder, a gzip file, a file with bad rows, a file whose rows repeat keys; throttling that ends in
unprocessed/ with the counts reconciled; exactly one import per uploaded CSV and none for the
outputs; a role without a permission the function needs fails with AccessDenied in its log; a
file that needs several invocations; the notification custom resource's Create, Update and
Delete, other configurations untouched, and a failure answered with a reason.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

import boto3
import yaml
import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import local_stack  # noqa: E402
import servers  # noqa: E402

CSV2DDB = None
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
BUCKET = "imports"
TABLE = "csv2ddb-offers"
AWS_V2 = "/usr/bin/aws"


def client(stack, service):
    return boto3.client(service, endpoint_url=stack.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def aws(stack, *args, timeout=600):
    done = subprocess.run([AWS_V2, "--endpoint-url", stack.endpoint, *args], capture_output=True,
                          text=True, env=servers.aws_env(), timeout=timeout)
    if done.returncode != 0:
        raise AssertionError("aws %s failed: %s" % (" ".join(args), done.stderr))
    return done.stdout


def upload(stack, path, key):
    aws(stack, "s3", "cp", path, "s3://%s/%s" % (BUCKET, key))


def output_keys(key):
    stem = key
    for suffix in (".csv.gz", ".csv.zst", ".csv"):
        if stem.lower().endswith(suffix):
            stem = stem[:-len(suffix)]
            break
    return {"json_copy": "json-copy/%s.json" % stem,
            "unprocessed": "unprocessed/%s.unprocessed.json" % key,
            "rejected": "rejected/%s.rejected.jsonl" % key,
            "report": "reports/%s.report.json" % key}


def read(stack, key):
    try:
        return client(stack, "s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    except client(stack, "s3").exceptions.NoSuchKey:
        return None


def wait_for(stack, key, timeout=420, log="csv2ddb-import"):
    deadline = time.time() + timeout
    while True:
        body = read(stack, key)
        if body is not None:
            return body
        if time.time() > deadline:
            raise AssertionError("no %s after %d s; log: %s" % (key, timeout,
                                                              stack.log(log)[-3000:]))
        time.sleep(0.2)


def convert(path, tmp):
    items = os.path.join(tmp, "items.jsonl")
    rejects = os.path.join(tmp, "rejects.jsonl")
    done = subprocess.run([CSV2DDB, "convert", path, "--output", items, "--rejects", rejects],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(items) as f:
        converted = [json.loads(line)["Item"] for line in f]
    with open(rejects, "rb") as f:
        return converted, f.read()


def plain(item):
    return {name: value["S"] for name, value in item.items()}


def key_of(item):
    return (item["account"]["S"], item["offer_id"]["S"])


def scan_with_awscli(stack):
    out = aws(stack, "dynamodb", "scan", "--table-name", TABLE, "--output", "json", timeout=900)
    return {key_of(item): item for item in json.loads(out)["Items"]}


def imports_started(stack):
    return stack.log("csv2ddb-import").count("START RequestId: ")


class Pipeline(unittest.TestCase):
    """One stack; the files are uploaded one after the other and each import is checked."""

    @classmethod
    def setUpClass(cls):
        cls.stack = local_stack.LocalStack(CSV2DDB, TEMPLATE, params=["S3BucketName=" + BUCKET])
        cls.tmp = tempfile.mkdtemp(prefix="csv2ddb-pipeline-")
        cls.expected_table = {}
        cls.uploads = 0

    @classmethod
    def tearDownClass(cls):
        cls.stack.__exit__(None, None, None)

    def import_and_check(self, path, key, skipped=0):
        """Uploads with awscli, waits for the report, and checks every output against convert."""
        converted, rejects = convert(path, self.tmp)
        upload(self.stack, path, key)
        type(self).uploads += 1
        keys = output_keys(key)
        report = json.loads(wait_for(self.stack, keys["report"]))
        self.assertEqual(report["rows_written"], len(converted), report)
        self.assertEqual(report["rows_rejected"], rejects.count(b"\n"), report)
        self.assertEqual(report["rows_unprocessed"], 0, report)
        self.assertEqual(report["rows_skipped"], skipped, report)
        self.assertEqual(report["rows_read"], len(converted) + rejects.count(b"\n") + skipped)
        self.assertEqual(report["table"], TABLE)
        self.assertEqual(report["source"], "s3://%s/%s" % (BUCKET, key))
        copy = json.loads(read(self.stack, keys["json_copy"]))
        self.assertEqual(copy, {"data": [plain(item) for item in converted]})
        self.assertEqual(read(self.stack, keys["rejected"]), rejects if rejects else None)
        self.assertIsNone(read(self.stack, keys["unprocessed"]))
        for item in converted:
            self.expected_table[key_of(item)] = item
        return report

    def test_1_make_csv_file_of_200000_rows(self):
        path = os.path.join(self.tmp, "offers.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "200000", "--seed", "11", "--output", path],
                       check=True)
        report = self.import_and_check(path, "offers.csv")
        self.assertEqual(report["rows_read"], 200000)

    def test_2_a_key_with_spaces_plus_and_non_ascii_in_a_folder(self):
        path = os.path.join(self.tmp, "odd.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "300", "--seed", "12", "--output", path],
                       check=True)
        self.import_and_check(path, "in box/ofertas año+2026 (1).csv")

    def test_3_a_gzip_file(self):
        path = os.path.join(self.tmp, "zipped.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "500", "--seed", "13", "--output", path],
                       check=True)
        with open(path, "rb") as f, gzip.open(path + ".gz", "wb") as out:
            out.write(f.read())
        self.import_and_check(path + ".gz", "daily/zipped.csv.gz")

    def test_4_a_file_with_bad_rows(self):
        path = os.path.join(self.tmp, "bad.csv")
        with open(path, "w", newline="") as f:
            f.write("account,offer_id,risk\n"
                    "10000001,200000000001,low\n"
                    ",200000000002,no account\n"
                    "10000003,200000000003,low,one field too many\n"
                    ",,\n"
                    "10000005,,no offer id\n"
                    '10000006,200000000006,"quoted, with a comma"\n')
        self.import_and_check(path, "bad.csv", skipped=1)

    def test_5_a_file_whose_rows_repeat_keys(self):
        path = os.path.join(self.tmp, "repeats.csv")
        with open(path, "w") as f:
            f.write("account,offer_id,risk\n")
            for version in range(3):
                for offer in range(40):
                    f.write("20000001,%012d,v%d\n" % (offer, version))
        report = self.import_and_check(path, "repeats.csv")
        self.assertEqual(report["rows_written"], 120)
        self.assertEqual(client(self.stack, "dynamodb").get_item(
            TableName=TABLE, Key={"account": {"S": "20000001"}, "offer_id": {"S": "%012d" % 7}}
        )["Item"]["risk"], {"S": "v2"})

    def test_6_outputs_and_output_prefixes_start_no_import(self):
        # An object under an output prefix with a .csv suffix: the handler's own check skips it.
        before = imports_started(self.stack)
        sneaky = os.path.join(self.tmp, "sneaky.csv")
        with open(sneaky, "w") as f:
            f.write("account,offer_id\n30000001,1\n")
        upload(self.stack, sneaky, "json-copy/sneaky.csv")
        deadline = time.time() + 60
        while imports_started(self.stack) == before:
            self.assertLess(time.time(), deadline)
            time.sleep(0.1)
        time.sleep(3)  # long enough for any output of it to start one more
        self.assertEqual(imports_started(self.stack), before + 1)
        self.assertIn("output prefix", self.stack.log("csv2ddb-import"))
        self.assertIsNone(read(self.stack, "reports/json-copy/sneaky.csv.report.json"))
        # Every upload so far started exactly one import; their outputs started none.
        self.assertEqual(imports_started(self.stack), self.uploads + 1)

    def test_7_the_table_equals_convert_of_every_file(self):
        self.assertEqual(scan_with_awscli(self.stack), self.expected_table)


def stack_with(template_text=None, params=(), extra=()):
    template = TEMPLATE
    if template_text is not None:
        template = os.path.join(tempfile.mkdtemp(), "template.yaml")
        with open(template, "w") as f:
            f.write(template_text)
    return local_stack.LocalStack(CSV2DDB, template, params=["S3BucketName=" + BUCKET, *params],
                                  extra=extra)


def small_csv(tmp, rows, seed, name="offers.csv"):
    path = os.path.join(tmp, name)
    subprocess.run([CSV2DDB, "make-csv", "--rows", str(rows), "--seed", str(seed), "--output",
                    path], check=True)
    return path


class Throttled(unittest.TestCase):
    def test_throttling_ends_in_unprocessed_with_the_counts_reconciled(self):
        tmp = tempfile.mkdtemp()
        path = small_csv(tmp, 2000, 21)
        converted, _ = convert(path, tmp)
        with stack_with(params=["MaxRetries=1"],
                        extra=["--fault", "throttle=0.5", "--seed", "5"]) as stack:
            upload(stack, path, "offers.csv")
            keys = output_keys("offers.csv")
            report = json.loads(wait_for(stack, keys["report"]))
            unprocessed = json.loads(wait_for(stack, keys["unprocessed"]))
            table = scan_with_awscli(stack)
        self.assertGreater(report["throttles"], 0)
        self.assertGreater(len(unprocessed), 0)
        self.assertEqual(report["rows_unprocessed"], len(unprocessed))
        self.assertEqual(report["rows_written"], len(table))
        self.assertEqual(report["rows_read"], report["rows_written"] + report["rows_unprocessed"])
        by_key = {key_of(item): plain(item) for item in converted}
        left = {(item["account"], item["offer_id"]): item for item in unprocessed}
        self.assertFalse(set(left) & set(table))
        self.assertEqual(set(left) | set(table), set(by_key))
        self.assertEqual(left, {key: by_key[key] for key in left})
        self.assertEqual({key: plain(item) for key, item in table.items()},
                         {key: by_key[key] for key in table})


class LeastPrivilege(unittest.TestCase):
    def test_a_policy_without_batch_write_item_fails_with_access_denied(self):
        with open(TEMPLATE) as f:
            text = f.read()
        narrowed = text.replace('- ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"]',
                                '- ["dynamodb:DescribeTable"]')
        self.assertNotEqual(narrowed, text)
        tmp = tempfile.mkdtemp()
        with stack_with(narrowed, extra=["--lambda-retry-delays", "50,50"]) as stack:
            upload(stack, small_csv(tmp, 50, 31), "offers.csv")
            deadline = time.time() + 120
            while "failed on its last attempt" not in stack.log("csv2ddb-import"):
                self.assertLess(time.time(), deadline, stack.log("csv2ddb-import")[-3000:])
                time.sleep(0.1)
            log = stack.log("csv2ddb-import")
            # A failed import has a report too, saying why and counting nothing it did not do.
            report = json.loads(read(stack, "reports/offers.csv.report.json"))
        self.assertEqual((report["status"], report["rows_read"], report["rows_written"]),
                         ("failed", 0, 0))
        self.assertTrue(report["error"]["reason"].startswith("AccessDeniedException: "), report)
        self.assertIn("AccessDeniedException", log)
        self.assertRegex(log, r"assumed-role/csv2ddb-import-role/csv2ddb-import is not "
                              r"authorized to perform: dynamodb:BatchWriteItem on resource: "
                              r"arn:aws:dynamodb:us-east-1:000000000000:table/csv2ddb-offers")


class SeveralInvocations(unittest.TestCase):
    def test_a_file_that_needs_several_invocations(self):
        with open(TEMPLATE) as f:
            text = f.read()
        short = text.replace("      Timeout: 900\n", "      Timeout: 4\n")
        self.assertNotEqual(short, text)
        tmp = tempfile.mkdtemp()
        path = small_csv(tmp, 30000, 41)
        converted, rejects = convert(path, tmp)
        # Time a fast build cannot shorten: two lanes of requests that take 10 ms each need 6 s
        # for the file's 1,200 requests, and an invocation of 4 s hands over after about 2.
        with stack_with(short, params=["WriterConcurrency=2"],
                        extra=["--fault", "latency=10"]) as stack:
            upload(stack, path, "offers.csv")
            report = json.loads(wait_for(stack, "reports/offers.csv.report.json"))
            copy = json.loads(read(stack, "json-copy/offers.json"))
            table = scan_with_awscli(stack)
            invocations = imports_started(stack)
            leftovers = client(stack, "s3").list_objects_v2(Bucket=BUCKET,
                                                            Prefix="reports/.continuation/")
        self.assertGreater(invocations, 1, "the file fit one invocation: shorten the timeout")
        self.assertEqual((report["rows_read"], report["rows_written"], report["rows_rejected"]),
                         (30000, 30000, 0))
        self.assertEqual(copy, {"data": [plain(item) for item in converted]})
        self.assertEqual(table, {key_of(item): item for item in converted})
        self.assertEqual(leftovers.get("KeyCount", 0), 0)


class NotificationCustomResource(unittest.TestCase):
    """The setup-notification function, driven through the Invoke API as CloudFormation would."""

    @classmethod
    def setUpClass(cls):
        cls.stack = stack_with()
        cls.s3 = client(cls.stack, "s3")
        cls.s3.create_bucket(Bucket="cfn-answers")
        # CloudFormation's ResponseURL is a SigV4 presigned URL (boto3 presigns S3 with SigV2
        # unless told otherwise).
        cls.presigner = boto3.client(
            "s3", endpoint_url=cls.stack.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=botocore.config.Config(signature_version="s3v4"))
        cls.function = "csv2ddb-import-setup-notification"
        cls.import_arn = cls.stack.outputs["LambdaFunctionArn"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.__exit__(None, None, None)

    def send(self, request_type, bucket=BUCKET, old=None, **properties):
        answer_key = "answer-%d" % time.time_ns()
        url = self.presigner.generate_presigned_url("put_object", ExpiresIn=600,
                                             Params={"Bucket": "cfn-answers", "Key": answer_key})
        event = {"RequestType": request_type, "ResponseURL": url,
                 # The stack's own resource, as CloudFormation would address it.
                 "StackId": "arn:aws:cloudformation:us-east-1:000000000000:stack/csv2ddb/1",
                 "RequestId": answer_key, "LogicalResourceId": "BucketNotificationConfiguration",
                 "ResourceType": "Custom::S3BucketNotification",
                 "ResourceProperties": {"ServiceToken": "x", "BucketName": bucket,
                                        "LambdaArn": self.import_arn, "Suffix": ".csv",
                                        **properties}}
        if request_type != "Create":
            event["PhysicalResourceId"] = "csv2ddb-csv2ddb-BucketNotificationConfiguration"
        if old is not None:
            event["OldResourceProperties"] = old
        response = client(self.stack, "lambda").invoke(FunctionName=self.function,
                                                       Payload=json.dumps(event).encode())
        self.assertNotIn("FunctionError", response, response["Payload"].read())
        body = self.s3.get_object(Bucket="cfn-answers", Key=answer_key)["Body"].read()
        return json.loads(body)

    def configuration(self):
        found = self.s3.get_bucket_notification_configuration(Bucket=BUCKET)
        found.pop("ResponseMetadata", None)
        return found

    def ours(self, configuration):
        return [c for c in configuration.get("LambdaFunctionConfigurations", [])
                if c["LambdaFunctionArn"] == self.import_arn]

    def test_create_update_delete_keep_other_configurations(self):
        queue = {"Id": "someone-elses", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q",
                 "Events": ["s3:ObjectRemoved:*"]}
        current = self.configuration()
        # The stack's own Create: one configuration per suffix of the template.
        with open(TEMPLATE) as f:
            suffixes = yaml.safe_load(f)["Resources"]["BucketNotificationConfiguration"][
                "Properties"]["Suffixes"]
        self.assertEqual(sorted(c["Filter"]["Key"]["FilterRules"][0]["Value"]
                                for c in self.ours(current)), sorted(suffixes))
        current["QueueConfigurations"] = [queue]
        self.s3.put_bucket_notification_configuration(Bucket=BUCKET,
                                                      NotificationConfiguration=current)
        # Update to a single suffix: the other three configurations go.
        answer = self.send("Update", Suffix=".CSV",
                           old={"BucketName": BUCKET, "LambdaArn": self.import_arn,
                                "Suffix": ".csv"})
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        after = self.configuration()
        self.assertEqual(after["QueueConfigurations"], [queue])
        rules = self.ours(after)[0]["Filter"]["Key"]["FilterRules"]
        self.assertEqual(rules, [{"Name": "Suffix", "Value": ".CSV"}] if rules[0]["Name"] ==
                         "Suffix" else [{"Name": "suffix", "Value": ".CSV"}])
        answer = self.send("Delete")
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        after = self.configuration()
        self.assertEqual(self.ours(after), [])
        self.assertEqual(after["QueueConfigurations"], [queue])
        answer = self.send("Create")
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        self.assertEqual(len(self.ours(self.configuration())), 1)

    def test_a_failing_setup_answers_failed_with_a_reason(self):
        # The function's role may configure the import bucket only: IAM refuses another one.
        self.s3.create_bucket(Bucket="not-the-import-bucket")
        answer = self.send("Create", bucket="not-the-import-bucket")
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("AccessDenied", answer["Reason"])
        answer = self.send("Create", bucket="no-such-bucket")
        self.assertEqual(answer["Status"], "FAILED")
        self.assertTrue(answer["Reason"], answer)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
