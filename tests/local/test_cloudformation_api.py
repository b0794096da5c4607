#!/usr/bin/env python3
"""The CloudFormation API of csv2ddb local, driven by awscli v1 as a user drives AWS: the
reference design's README steps, verbatim, with our template.

  aws cloudformation package --template-file deploy/template.yaml --s3-bucket ARTIFACTS ...
  aws cloudformation deploy --template-file packaged.yaml --stack-name csv2ddb \\
      --capabilities CAPABILITY_NAMED_IAM --parameter-overrides S3BucketName=...
  aws cloudformation describe-stacks --stack-name csv2ddb --query "Stacks[0].Outputs"
  aws cloudformation delete-stack --stack-name csv2ddb

The functions run from the zip `package` uploaded, as --lambda-zip runs one (here a zip whose
`bootstrap` script execs this build's native bootstrap, so no emulator is needed). Checked:
the outputs; an import through the notification the stack's custom resource set; a second
deploy that changes nothing ("No changes to deploy"); the stack's functions back after a
restart of csv2ddb local; a delete that keeps the Retain bucket and table and removes only the
stack's own notification configuration; and, with the template's DeletionPolicy taken out (as
the reference's template has none), a delete that fails on the non-empty bucket with
CloudFormation's DELETE_FAILED and reasons, then succeeds once the bucket is emptied. Errors
are CloudFormation's, exactly (a missing stack, missing capabilities, a missing parameter).

  test_cloudformation_api.py --csv2ddb build/release/csv2ddb [--bootstrap build/release/bootstrap]
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile

import boto3
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from local_server import LocalServer  # noqa: E402

AWS = shutil.which("aws") or "aws"  # the machine Python's awscli v1 (honours AWS_ENDPOINT_URL_S3)
ARTIFACTS = "csv2ddb-artifacts"
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        FAILURES.append(what)


def make_zip(path, bootstrap):
    """A function package whose entry point runs this build's bootstrap."""
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = (stat.S_IFREG | 0o755) << 16
        z.writestr(info, "#!/bin/sh\nexec %s \"$@\"\n" % os.path.abspath(bootstrap))


class Cli:
    def __init__(self, endpoint, cwd):
        self.endpoint = endpoint
        self.cwd = cwd
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                        AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
                        AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="",
                        AWS_ENDPOINT_URL_S3=endpoint)

    def run(self, *args):
        return subprocess.run([AWS, *args, "--endpoint-url", self.endpoint], env=self.env,
                              cwd=self.cwd, capture_output=True, text=True, timeout=300)

    def json(self, *args):
        run = self.run(*args, "--output", "json")
        if run.returncode != 0:
            raise RuntimeError(f"aws {' '.join(args)}: {run.stderr}")
        return json.loads(run.stdout)


def wait_for(predicate, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def stack_status(cli, stack):
    return cli.json("cloudformation", "describe-stacks", "--stack-name", stack)["Stacks"][0]


def deploy(cli, template, stack, parameters):
    return cli.run("cloudformation", "deploy", "--template-file", template, "--stack-name", stack,
                   "--capabilities", "CAPABILITY_NAMED_IAM", "--parameter-overrides", *parameters)


def import_one(cli, clients, bucket, table, key, account):
    body = "account,offer_id,price\n%s,o-1,10\n%s,o-2,20\n" % (account, account)
    clients["s3"].put_object(Bucket=bucket, Key=key, Body=body.encode())
    items = wait_for(lambda: clients["dynamodb"].query(
        TableName=table, KeyConditionExpression="account = :a",
        ExpressionAttributeValues={":a": {"S": account}})["Items"], 90)
    return sorted((item["offer_id"]["S"], list(item["price"].values())[0]) for item in items)


def check_errors(cli, packaged):
    run = cli.run("cloudformation", "describe-stacks", "--stack-name", "no-such-stack")
    check(run.returncode != 0 and "An error occurred (ValidationError) when calling the "
          "DescribeStacks operation: Stack with id no-such-stack does not exist" in run.stderr,
          "describe-stacks of a missing stack: ValidationError 'Stack with id no-such-stack "
          "does not exist'")
    run = cli.run("cloudformation", "deploy", "--template-file", packaged, "--stack-name",
                  "no-capabilities", "--parameter-overrides", "S3BucketName=x-bucket")
    check(run.returncode != 0 and "InsufficientCapabilitiesException" in run.stderr and
          "Requires capabilities : [CAPABILITY_NAMED_IAM]" in run.stderr,
          "deploy without --capabilities: InsufficientCapabilitiesException 'Requires "
          "capabilities : [CAPABILITY_NAMED_IAM]'")
    run = cli.run("cloudformation", "deploy", "--template-file", packaged, "--stack-name",
                  "no-bucket-name", "--capabilities", "CAPABILITY_NAMED_IAM")
    check(run.returncode != 0 and "(ValidationError) when calling the CreateChangeSet "
          "operation: Parameters: [S3BucketName] must have values" in run.stderr,
          "deploy without S3BucketName: ValidationError 'Parameters: [S3BucketName] must have "
          "values'")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    parser.add_argument("--bootstrap", help="default: the bootstrap beside csv2ddb")
    args = parser.parse_args()
    args.bootstrap = args.bootstrap or os.path.join(os.path.dirname(args.csv2ddb), "bootstrap")
    with tempfile.TemporaryDirectory(prefix="csv2ddb-cfn-api-") as work:
        checkout = os.path.join(work, "checkout")
        os.makedirs(os.path.join(checkout, "deploy"))
        os.makedirs(os.path.join(checkout, "build", "lambda"))
        shutil.copy(os.path.join(ROOT, "deploy", "template.yaml"),
                    os.path.join(checkout, "deploy"))
        make_zip(os.path.join(checkout, "build", "lambda", "function.zip"), args.bootstrap)
        data = os.path.join(work, "data")
        log = os.path.join(work, "local.log")
        local = LocalServer(args.csv2ddb, data, stderr_path=log)
        try:
            run_steps(local, checkout, work, data, log, args)
        finally:
            local.stop()
            if FAILURES:
                with open(log, encoding="utf-8", errors="replace") as f:
                    print("--- csv2ddb local's log\n" + f.read()[-6000:])
    print(f"{len(FAILURES)} failed")
    return 1 if FAILURES else 0


def clients_for(endpoint):
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name="us-east-1")
    return {name: session.client(name, endpoint_url=endpoint) for name in ("s3", "dynamodb")}


def run_steps(local, checkout, work, data, log, args):
    cli = Cli(local.endpoint, checkout)
    clients = clients_for(local.endpoint)
    check(cli.run("s3", "mb", f"s3://{ARTIFACTS}").returncode == 0, "aws s3 mb the artifacts")
    run = cli.run("cloudformation", "package", "--template-file", "deploy/template.yaml",
                  "--s3-bucket", ARTIFACTS, "--output-template-file", "packaged.yaml")
    check(run.returncode == 0, "aws cloudformation package " + run.stderr.strip())
    packaged = os.path.join(checkout, "packaged.yaml")
    check_errors(cli, packaged)

    run = deploy(cli, packaged, "csv2ddb", ["S3BucketName=imports-bucket"])
    check(run.returncode == 0 and "Successfully created/updated stack - csv2ddb" in run.stdout,
          "aws cloudformation deploy: 'Successfully created/updated stack - csv2ddb' " +
          run.stdout.strip().replace("\n", " | ") + run.stderr.strip())
    outputs = cli.json("cloudformation", "describe-stacks", "--stack-name", "csv2ddb",
                       "--query", "Stacks[0].Outputs")
    expected = [
        {"OutputKey": "DynamoDBTableName", "OutputValue": "csv2ddb-offers",
         "Description": "The table the rows are written to"},
        {"OutputKey": "LambdaFunctionArn",
         "OutputValue": "arn:aws:lambda:us-east-1:000000000000:function:csv2ddb-import",
         "Description": "The import function"},
        {"OutputKey": "S3BucketName", "OutputValue": "imports-bucket",
         "Description": "Upload data files here"},
        {"OutputKey": "IAMRoleName", "OutputValue": "csv2ddb-import-role",
         "Description": "The import function's execution role"},
    ]
    check(outputs == expected, "describe-stacks --query Stacks[0].Outputs: %s" % outputs)
    stack = stack_status(cli, "csv2ddb")
    check(stack["StackStatus"] == "CREATE_COMPLETE" and
          stack["Capabilities"] == ["CAPABILITY_NAMED_IAM"] and
          {"ParameterKey": "S3BucketName", "ParameterValue": "imports-bucket"} in
          stack["Parameters"], "the stack: CREATE_COMPLETE, its capabilities and parameters")
    table = "csv2ddb-offers"
    check(import_one(cli, clients, "imports-bucket", table, "one.csv", "a-1") ==
          [("o-1", "10"), ("o-2", "20")], "an upload is imported through the stack's notification")

    # awscli fails on an empty change set unless told not to, as against AWS.
    run = deploy(cli, packaged, "csv2ddb", ["S3BucketName=imports-bucket"])
    check(run.returncode == 255 and "No changes to deploy. Stack csv2ddb is up to date" in
          run.stderr, "deploy again, unchanged: exit 255, 'No changes to deploy' " +
          run.stderr.strip())
    time.sleep(1.1)  # awscli names change sets by the second; AWS refuses a name twice too
    run = deploy(cli, packaged, "csv2ddb",
                 ["S3BucketName=imports-bucket", "--no-fail-on-empty-changeset"])
    check(run.returncode == 0 and "No changes to deploy" in run.stdout + run.stderr,
          "the same with --no-fail-on-empty-changeset: exit 0 " + run.stderr.strip())

    check_update(cli, clients, packaged, table)
    check_rollback(cli, clients, checkout)

    local.stop()
    local.__init__(args.csv2ddb, data, stderr_path=log + ".2")
    cli = Cli(local.endpoint, checkout)
    clients = clients_for(local.endpoint)
    status = stack_status(cli, "csv2ddb")["StackStatus"]
    check(status == "UPDATE_COMPLETE", f"after a restart the stack is still there ({status})")
    check(import_one(cli, clients, "imports-bucket", table, "two.csv", "a-2") ==
          [("o-1", "10"), ("o-2", "20")], "after a restart its functions import again")

    check_delete_keeps_retained(cli, clients)
    check_delete_of_non_empty_bucket(cli, clients, checkout, packaged)


def check_update(cli, clients, packaged, table):
    before = notification_ids(clients, "imports-bucket")
    time.sleep(1.1)
    run = deploy(cli, packaged, "csv2ddb", ["S3BucketName=imports-bucket", "WriterConcurrency=2"])
    check(run.returncode == 0 and "Successfully created/updated stack - csv2ddb" in run.stdout,
          "deploy with a changed parameter updates the stack " + run.stderr.strip())
    stack = stack_status(cli, "csv2ddb")
    check(stack["StackStatus"] == "UPDATE_COMPLETE" and "LastUpdatedTime" in stack and
          {"ParameterKey": "WriterConcurrency", "ParameterValue": "2"} in stack["Parameters"] and
          {"ParameterKey": "S3BucketName", "ParameterValue": "imports-bucket"} in
          stack["Parameters"], "UPDATE_COMPLETE with the new value and the kept one")
    functions = boto3.client("lambda", endpoint_url=cli.endpoint, region_name="us-east-1",
                             aws_access_key_id="test", aws_secret_access_key="test")
    variables = functions.get_function_configuration(
        FunctionName="csv2ddb-import")["Environment"]["Variables"]
    check(variables.get("CSV2DDB_CONCURRENCY") == "2",
          "the function runs with the updated environment")
    check(notification_ids(clients, "imports-bucket") == before,
          "the notification configurations are the same set, not added twice")
    check(import_one(cli, clients, "imports-bucket", table, "three.csv", "a-3") ==
          [("o-1", "10"), ("o-2", "20")], "an upload after the update is imported")


ROLLBACK_TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Keep:
    Type: AWS::S3::Bucket
    Properties: {BucketName: rollback-bucket}
  BadTable:
    Type: AWS::DynamoDB::Table
    DependsOn: Keep
    Properties:
      TableName: BadTable
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: other, AttributeType: S}]
"""


def check_rollback(cli, clients, checkout):
    path = os.path.join(checkout, "rollback.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(ROLLBACK_TEMPLATE)
    run = cli.run("cloudformation", "deploy", "--template-file", path, "--stack-name", "rollback")
    check(run.returncode == 255 and "Failed to create/update the stack" in run.stderr,
          "a resource that fails: deploy exits 255 'Failed to create/update the stack'")
    stack = stack_status(cli, "rollback")
    check(stack["StackStatus"] == "ROLLBACK_COMPLETE", "the stack is ROLLBACK_COMPLETE")
    events = cli.json("cloudformation", "describe-stack-events", "--stack-name", "rollback")
    statuses = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in events["StackEvents"]]
    failed = [e for e in events["StackEvents"] if e["ResourceStatus"] == "CREATE_FAILED"]
    check(failed and failed[0]["LogicalResourceId"] == "BadTable" and
          "Some index key attributes are not defined in AttributeDefinitions" in
          failed[0].get("ResourceStatusReason", ""),
          "BadTable CREATE_FAILED with DynamoDB's reason")
    rollback = [e for e in events["StackEvents"] if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"]
    check(rollback and rollback[0].get("ResourceStatusReason") ==
          "The following resource(s) failed to create: [BadTable]. Rollback requested by user.",
          "ROLLBACK_IN_PROGRESS: 'The following resource(s) failed to create: [BadTable]. "
          "Rollback requested by user.'")
    check(("Keep", "DELETE_COMPLETE") in statuses and "rollback-bucket" not in
          [b["Name"] for b in clients["s3"].list_buckets()["Buckets"]],
          "the bucket created before the failure is rolled back")
    time.sleep(1.1)
    run = cli.run("cloudformation", "deploy", "--template-file", path, "--stack-name", "rollback")
    check(run.returncode != 0 and re.search(r"Stack:arn:aws:cloudformation:us-east-1:000000000000:"
                                            r"stack/rollback/[-0-9a-f]+ is in ROLLBACK_COMPLETE "
                                            r"state and can not be updated\.", run.stderr),
          "deploying over a ROLLBACK_COMPLETE stack: 'is in ROLLBACK_COMPLETE state and can not "
          "be updated.' " + run.stderr.strip())
    check(cli.run("cloudformation", "delete-stack", "--stack-name", "rollback").returncode == 0
          and cli.run("cloudformation", "wait", "stack-delete-complete", "--stack-name",
                      "rollback").returncode == 0, "the rolled back stack is deleted")


def notification_ids(clients, bucket):
    config = clients["s3"].get_bucket_notification_configuration(Bucket=bucket)
    return sorted(c.get("Id", "") for c in config.get("LambdaFunctionConfigurations", []))


def add_other_notification(clients, bucket):
    """A configuration the stack does not own, beside the stack's."""
    config = clients["s3"].get_bucket_notification_configuration(Bucket=bucket)
    config.pop("ResponseMetadata", None)
    theirs = dict(config["LambdaFunctionConfigurations"][0])
    theirs.pop("Id", None)
    theirs["Id"] = "someone-else"
    theirs["Events"] = ["s3:ObjectRemoved:*"]  # S3 refuses two configurations of one event
    config["LambdaFunctionConfigurations"].append(theirs)
    clients["s3"].put_bucket_notification_configuration(Bucket=bucket,
                                                        NotificationConfiguration=config)


def check_delete_keeps_retained(cli, clients):
    add_other_notification(clients, "imports-bucket")
    before = notification_ids(clients, "imports-bucket")
    run = cli.run("cloudformation", "delete-stack", "--stack-name", "csv2ddb")
    check(run.returncode == 0, "aws cloudformation delete-stack " + run.stderr.strip())
    run = cli.run("cloudformation", "wait", "stack-delete-complete", "--stack-name", "csv2ddb")
    check(run.returncode == 0, "wait stack-delete-complete " + run.stderr.strip())
    run = cli.run("cloudformation", "describe-stacks", "--stack-name", "csv2ddb")
    check("Stack with id csv2ddb does not exist" in run.stderr,
          "the deleted stack no longer exists by name")
    ours = [i for i in before if i != "someone-else"]
    check(notification_ids(clients, "imports-bucket") == ["someone-else"] and len(ours) > 1 and
          all(i.startswith("csv2ddb-csv2ddb-BucketNotificationConfiguration") for i in ours),
          f"the stack's {len(ours)} notification configurations (one per suffix) are gone, the "
          "other is kept")
    items = clients["dynamodb"].scan(TableName="csv2ddb-offers")["Count"]
    check(items == 6, f"the table (DeletionPolicy Retain) is kept with its {items} items")
    functions = boto3.client("lambda", endpoint_url=cli.endpoint, region_name="us-east-1",
                             aws_access_key_id="test", aws_secret_access_key="test")
    names = [f["FunctionName"] for f in functions.list_functions()["Functions"]]
    check("csv2ddb-import" not in names, f"the stack's functions are deleted: {names}")


def without_retain(checkout, packaged):
    with open(packaged, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    for resource in document["Resources"].values():
        resource.pop("DeletionPolicy", None)
        resource.pop("UpdateReplacePolicy", None)
    path = os.path.join(checkout, "packaged-no-retain.yaml")
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(document, f)
    return path


def check_delete_of_non_empty_bucket(cli, clients, checkout, packaged):
    template = without_retain(checkout, packaged)
    parameters = ["S3BucketName=seed-bucket", "DynamoDBTableName=SeedTable",
                  "LambdaFunctionName=seed-import", "IAMRoleName=seed-import-role"]
    run = deploy(cli, template, "seed", parameters)
    check(run.returncode == 0, "deploy the template without DeletionPolicy " + run.stderr.strip())
    check(import_one(cli, clients, "seed-bucket", "SeedTable", "rows.csv", "s-1") ==
          [("o-1", "10"), ("o-2", "20")], "an upload to the second stack is imported")
    add_other_notification(clients, "seed-bucket")
    check(cli.run("cloudformation", "delete-stack", "--stack-name", "seed").returncode == 0,
          "delete-stack seed")
    stack = wait_for(lambda: (lambda s: s if s["StackStatus"] != "DELETE_IN_PROGRESS" else None)(
        stack_status(cli, "seed")))
    check(stack["StackStatus"] == "DELETE_FAILED" and stack.get("StackStatusReason") ==
          "The following resource(s) failed to delete: [ImportBucket]. ",
          "a non-empty bucket: DELETE_FAILED, 'The following resource(s) failed to delete: "
          f"[ImportBucket]. ' ({stack['StackStatus']}: {stack.get('StackStatusReason')})")
    events = cli.json("cloudformation", "describe-stack-events", "--stack-name", "seed")
    bucket_events = [e for e in events["StackEvents"] if e["LogicalResourceId"] == "ImportBucket"]
    reason = bucket_events[0].get("ResourceStatusReason", "") if bucket_events else ""
    check(bucket_events and bucket_events[0]["ResourceStatus"] == "DELETE_FAILED" and
          re.fullmatch(r"The bucket you tried to delete is not empty \(Service: Amazon S3; "
                       r"Status Code: 409; Error Code: BucketNotEmpty; Request ID: [0-9A-Z]+; "
                       r"Proxy: null\)", reason) is not None,
          f"the bucket's newest event: DELETE_FAILED with S3's reason ({reason})")
    check(notification_ids(clients, "seed-bucket") == ["someone-else"],
          "the custom resource's Delete removed only its own configuration: "
          f"{notification_ids(clients, 'seed-bucket')}")
    check(clients["dynamodb"].list_tables()["TableNames"].count("SeedTable") == 0,
          "the table without Retain was deleted")

    clients["s3"].delete_object(Bucket="seed-bucket", Key="rows.csv")
    for listed in clients["s3"].list_objects_v2(Bucket="seed-bucket").get("Contents", []):
        clients["s3"].delete_object(Bucket="seed-bucket", Key=listed["Key"])
    check(cli.run("cloudformation", "delete-stack", "--stack-name", "seed").returncode == 0,
          "delete-stack seed again, the bucket emptied")
    run = cli.run("cloudformation", "wait", "stack-delete-complete", "--stack-name", "seed")
    check(run.returncode == 0, "wait stack-delete-complete " + run.stderr.strip())
    buckets = [b["Name"] for b in clients["s3"].list_buckets()["Buckets"]]
    check("seed-bucket" not in buckets and "imports-bucket" in buckets,
          f"the emptied bucket is deleted, the retained one kept: {buckets}")


if __name__ == "__main__":
    sys.exit(main())
