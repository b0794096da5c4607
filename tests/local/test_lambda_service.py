#!/usr/bin/env python3
"""The local Lambda and the template deployer, black-box: a test stack (fixtures/
lambda_template.yaml) deployed by `csv2ddb local --template`, its functions served by a
Python custom runtime written from the Runtime API's documentation (fixtures/
runtime_bootstrap.py), called with awscli (both versions) and boto3.

What it proves: the deployer resolves parameters, conditions, mappings and intrinsics and runs
a custom resource for real; Invoke works synchronously, asynchronously and as a dry run; the
function gets Lambda's environment and its role's session credentials; timeouts, crashes, init
errors and handler errors come back as Lambda reports them; a failed asynchronous invocation is
retried twice; every call a function makes is held to its role's policies (AccessDenied in each
service's own words); S3 refuses a notification to a function it may not invoke.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import local_stack  # noqa: E402
import servers  # noqa: E402

CSV2DDB = None
TEMPLATE = os.path.join(HERE, "fixtures", "lambda_template.yaml")
BOOTSTRAP = os.path.join(HERE, "fixtures", "runtime_bootstrap.py")
AWS_CLIS = [("v1", "aws"), ("v2", "/usr/bin/aws")]


def client(stack, service):
    return boto3.client(service, endpoint_url=stack.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def invoke(stack, function, payload, **extra):
    response = client(stack, "lambda").invoke(FunctionName=function,
                                              Payload=json.dumps(payload).encode(), **extra)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None


class LambdaService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = local_stack.LocalStack(
            CSV2DDB, TEMPLATE, params=["BucketName=lambda-test-bucket", "Greeting=hey"],
            extra=["--bootstrap", BOOTSTRAP, "--lambda-retry-delays", "100,200"])

    @classmethod
    def tearDownClass(cls):
        cls.stack.__exit__(None, None, None)

    def test_outputs_resolve_intrinsics_and_the_custom_resource(self):
        self.assertEqual(self.stack.outputs, {
            "Greeting": "hello tester",
            # CloudFormation hands a custom resource every property as a string.
            "GreeterTypes": "str,str,str,str,str",
            "GreeterId": "greeting-tester",
            "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/csv2ddb-Table-"
                        + self.stack.outputs["TableArn"].rsplit("-", 1)[1],
            "EchoArn": "arn:aws:lambda:us-east-1:000000000000:function:echo",
            "Zones": "us-east-1a,us-east-1b,us-east-1c",
            "Split": "c",
        })
        self.assertRegex(self.stack.outputs["TableArn"], r"table/csv2ddb-Table-[0-9A-F]{12}$")
        self.assertIn("CREATE_COMPLETE Custom::Greeter Greeter greeting-tester",
                      self.stack.stderr_text())
        self.assertNotIn("ProdOnlyBucket", self.stack.stderr_text())  # its Condition is false

    def test_invoke_gives_the_event_lambdas_environment_and_role_credentials(self):
        response, body = invoke(self.stack, "echo", {"hello": "world"}, LogType="Tail")
        self.assertEqual(response["StatusCode"], 200)
        self.assertEqual(response["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", response)
        self.assertEqual(body["event"], {"hello": "world"})
        self.assertEqual(body["context"]["function_arn"],
                         "arn:aws:lambda:us-east-1:000000000000:function:echo")
        remaining = body["context"]["deadline_ms"] / 1000 - time.time()
        self.assertTrue(0 < remaining <= 3, remaining)  # the default timeout is 3 s
        env = body["env"]
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], "echo")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256")  # Select 1 of Sizes
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
        self.assertEqual(env["AWS_REGION"], "us-east-1")
        self.assertEqual(env["AWS_ENDPOINT_URL"], self.stack.endpoint)
        self.assertEqual(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/echo")
        self.assertEqual(env["TZ"], ":UTC")
        self.assertEqual(env["GREETING"], "hey, us-east-1-t")
        self.assertIsNone(env["HOME"])
        self.assertRegex(env["AWS_ACCESS_KEY_ID"], r"^ASIA[A-Z0-9]{16}$")
        self.assertTrue(env["has_session_token"] and env["has_secret"])
        log = base64.b64decode(response["LogResult"]).decode()
        request_id = body["context"]["request_id"]
        self.assertIn("START RequestId: %s Version: $LATEST" % request_id, log)
        self.assertIn('echo handler ran for %s {"hello": "world"}' % request_id, log)
        self.assertIn("END RequestId: " + request_id, log)
        self.assertRegex(log, r"REPORT RequestId: %s\tDuration: [0-9.]+ ms\tBilled Duration: "
                              r"[0-9]+ ms\tMemory Size: 256 MB\tMax Memory Used: [0-9]+ MB"
                         % request_id)

    def test_awscli_both_versions_invoke_by_name_and_by_arn(self):
        for version, aws in AWS_CLIS:
            with self.subTest(cli=version):
                out = os.path.join(tempfile.mkdtemp(), "out.json")
                done = subprocess.run(
                    [aws, "--endpoint-url", self.stack.endpoint, "lambda", "invoke",
                     "--function-name", "arn:aws:lambda:us-east-1:000000000000:function:echo",
                     "--cli-binary-format", "raw-in-base64-out", "--payload", '{"n": 1}', out],
                    capture_output=True, text=True, env=servers.aws_env(), timeout=120)
                if version == "v1" and "--cli-binary-format" in done.stderr:
                    done = subprocess.run(
                        [aws, "--endpoint-url", self.stack.endpoint, "lambda", "invoke",
                         "--function-name", "echo", "--payload", '{"n": 1}', out],
                        capture_output=True, text=True, env=servers.aws_env(), timeout=120)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(json.loads(done.stdout)["StatusCode"], 200)
                with open(out) as f:
                    self.assertEqual(json.load(f)["event"], {"n": 1})

    def test_event_and_dry_run_invocations(self):
        lam = client(self.stack, "lambda")
        response = lam.invoke(FunctionName="echo", InvocationType="Event",
                              Payload=b'{"async": true}')
        self.assertEqual(response["StatusCode"], 202)
        request_id = response["ResponseMetadata"]["RequestId"]
        deadline = time.time() + 30
        while "END RequestId: " + request_id not in self.stack.log("echo"):
            self.assertLess(time.time(), deadline, self.stack.log("echo")[-2000:])
            time.sleep(0.05)
        dry = lam.invoke(FunctionName="echo", InvocationType="DryRun")
        self.assertEqual(dry["StatusCode"], 204)

    def test_a_handler_error_is_an_unhandled_function_error(self):
        response, body = invoke(self.stack, "failer", {"message": "bad input"})
        self.assertEqual(response["StatusCode"], 200)
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(body, {"errorMessage": "bad input", "errorType": "ValueError",
                                "stackTrace": []})

    def test_a_timeout_stops_the_environment_and_the_next_invocation_gets_a_new_one(self):
        response, body = invoke(self.stack, "sleeper", {"seconds": 30})
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        self.assertRegex(body["errorMessage"],
                         r"^RequestId: [0-9a-f-]{36} Error: Task timed out after 2.00 seconds$")
        response, body = invoke(self.stack, "sleeper", {"seconds": 0})
        self.assertNotIn("FunctionError", response)
        self.assertEqual(body, "slept")

    def test_a_runtime_that_exits_mid_invocation(self):
        response, body = invoke(self.stack, "crasher", {"status": 5})
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertTrue(body["errorMessage"].endswith(
            "Error: Runtime exited with error: exit status 5"), body)

    def test_an_init_error_fails_the_invocation_that_started_the_runtime(self):
        response, body = invoke(self.stack, "init-failer", {})
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(body, {"errorMessage": "cannot start: told so", "errorType": "InitFailed"})

    def test_a_failed_asynchronous_invocation_is_retried_twice(self):
        lam = client(self.stack, "lambda")
        response = lam.invoke(FunctionName="failer", InvocationType="Event",
                              Payload=b'{"message": "always"}')
        request_id = response["ResponseMetadata"]["RequestId"]
        start = "START RequestId: %s " % request_id
        deadline = time.time() + 60
        while "failed on its last attempt" not in self.stack.log("failer"):
            self.assertLess(time.time(), deadline, self.stack.log("failer")[-3000:])
            time.sleep(0.05)
        time.sleep(0.5)
        log = self.stack.log("failer")
        self.assertEqual(log.count(start), 3, log[-3000:])  # Lambda's first try and 2 retries
        self.assertIn("asynchronous invocation %s failed; retried as Lambda retries it "
                      "(attempt 2 of 3)" % request_id, log)

    def call_as_function(self, service, operation, **params):
        _, body = invoke(self.stack, "caller", {"service": service, "operation": operation,
                                                "params": params})
        return body

    def test_the_role_policy_holds_every_call_the_function_makes(self):
        bucket = "lambda-test-bucket"
        self.assertIn("ok", self.call_as_function("s3", "put_object", Bucket=bucket,
                                                  Key="allowed/a.txt", Body="x"))
        self.assertEqual(self.call_as_function("s3", "get_object", Bucket=bucket,
                                               Key="allowed/a.txt")["ok"]["Body"], "x")
        refused = self.call_as_function("s3", "put_object", Bucket=bucket, Key="other/a.txt",
                                        Body="x")
        self.assertEqual(refused["error"], "AccessDenied")
        self.assertRegex(refused["message"],
                         r"^User: arn:aws:sts::000000000000:assumed-role/csv2ddb-Role-[0-9A-F]{12}"
                         r"/caller is not authorized to perform: s3:PutObject on resource: "
                         r"arn:aws:s3:::lambda-test-bucket/other/a.txt because no "
                         r"identity-based policy allows the s3:PutObject action$")
        denied = self.call_as_function("s3", "put_object", Bucket=bucket,
                                       Key="allowed/denied/a.txt", Body="x")
        self.assertEqual(denied["error"], "AccessDenied")
        self.assertTrue(denied["message"].endswith(
            "with an explicit deny in an identity-based policy"), denied)
        table = self.stack.outputs["TableArn"].rsplit("/", 1)[1]
        self.assertIn("ok", self.call_as_function("dynamodb", "get_item", TableName=table,
                                                  Key={"id": {"S": "none"}}))
        put = self.call_as_function("dynamodb", "put_item", TableName=table,
                                    Item={"id": {"S": "x"}})
        self.assertEqual(put["error"], "AccessDeniedException")
        self.assertIn("is not authorized to perform: dynamodb:PutItem on resource: "
                      "arn:aws:dynamodb:us-east-1:000000000000:table/" + table, put["message"])
        other = self.call_as_function("lambda", "invoke", FunctionName="echo")
        self.assertEqual(other["error"], "AccessDeniedException")
        # The account's own key is not held to the role's policy.
        client(self.stack, "s3").put_object(Bucket=bucket, Key="other/a.txt", Body=b"y")

    def test_a_stolen_session_key_without_its_token_is_refused(self):
        _, body = invoke(self.stack, "echo", {})
        key = body["env"]["AWS_ACCESS_KEY_ID"]
        ddb = boto3.client("dynamodb", endpoint_url=self.stack.endpoint, region_name="us-east-1",
                           aws_access_key_id=key, aws_secret_access_key="guessed")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            ddb.list_tables()
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidSignatureException")

    def test_reserved_concurrency_throttles_synchronous_calls_past_it(self):
        # ReservedConcurrentExecutions: 2. A third call while two run is throttled as Lambda
        # throttles it (429 TooManyRequestsException), not queued; the client must not retry.
        lam = boto3.client("lambda", endpoint_url=self.stack.endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=botocore.config.Config(retries={"total_max_attempts": 1},
                                                         read_timeout=60))
        self.assertEqual(lam.get_function(FunctionName="narrow")["Concurrency"],
                         {"ReservedConcurrentExecutions": 2})
        self.assertNotIn("Concurrency", lam.get_function(FunctionName="echo"))
        outcomes = []

        def call():
            try:
                lam.invoke(FunctionName="narrow", Payload=json.dumps({"seconds": 3}).encode())
                outcomes.append("ran")
            except botocore.exceptions.ClientError as error:
                outcomes.append((error.response["Error"]["Code"],
                                 error.response["ResponseMetadata"]["HTTPStatusCode"],
                                 error.response.get("Reason"), error.response["Error"]["Message"]))
        first = [threading.Thread(target=call) for _ in range(2)]
        for t in first:
            t.start()
        time.sleep(1.5)  # both running (3 s each): the third is past the limit
        call()
        for t in first:
            t.join()
        self.assertEqual(sorted(outcomes, key=str), sorted([
            "ran", "ran", ("TooManyRequestsException", 429,
                           "ReservedFunctionConcurrentInvocationLimitExceeded",
                           "Rate Exceeded.")], key=str))
        # Asynchronous events past it wait their turn: all four run.
        before = self.log_count("narrow", "END RequestId")
        for _ in range(4):
            self.assertEqual(lam.invoke(FunctionName="narrow", InvocationType="Event",
                                        Payload=b'{"seconds": 0.2}')["StatusCode"], 202)
        deadline = time.time() + 30
        while self.log_count("narrow", "END RequestId") < before + 4 and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.log_count("narrow", "END RequestId"), before + 4)

    def log_count(self, function, text):
        return self.stack.log(function).count(text)

    def test_function_api_reads(self):
        lam = client(self.stack, "lambda")
        names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
        self.assertEqual(names, ["caller", "crasher", "custom", "echo", "failer", "init-failer",
                                 "narrow", "sleeper"])
        config = lam.get_function(FunctionName="sleeper")["Configuration"]
        self.assertEqual((config["Runtime"], config["Handler"], config["Timeout"],
                          config["MemorySize"], config["State"]),
                         ("provided.al2023", "sleep", 2, 128, "Active"))
        policy = json.loads(lam.get_policy(FunctionName="echo")["Policy"])
        statement = policy["Statement"][0]
        self.assertEqual((statement["Principal"], statement["Action"],
                          statement["Condition"]["ArnLike"]["AWS:SourceArn"]),
                         ({"Service": "s3.amazonaws.com"}, "lambda:InvokeFunction",
                          "arn:aws:s3:::lambda-test-bucket"))
        with self.assertRaises(lam.exceptions.ResourceNotFoundException) as caught:
            lam.invoke(FunctionName="nope")
        self.assertEqual(caught.exception.response["Error"]["Message"],
                         "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            lam.invoke(FunctionName="echo", Payload=b"{not json")
        self.assertEqual(caught.exception.response["Error"]["Code"],
                         "InvalidRequestContentException")

    def test_s3_notifications_go_only_to_functions_s3_may_invoke(self):
        s3 = client(self.stack, "s3")
        def configure(arn):
            s3.put_bucket_notification_configuration(
                Bucket="lambda-test-bucket", NotificationConfiguration={
                    "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn,
                                                      "Events": ["s3:ObjectCreated:*"]}]})
        for arn in ("arn:aws:lambda:us-east-1:000000000000:function:failer",  # no permission
                    "arn:aws:lambda:us-east-1:000000000000:function:missing"):
            with self.assertRaises(botocore.exceptions.ClientError) as caught:
                configure(arn)
            self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidArgument")
            self.assertEqual(caught.exception.response["Error"]["Message"],
                             "Unable to validate the following destination configurations")
        configure("arn:aws:lambda:us-east-1:000000000000:function:echo")
        s3.put_object(Bucket="lambda-test-bucket", Key="trigger/x.csv", Body=b"a")
        deadline = time.time() + 30
        while '"key": "trigger/x.csv"' not in self.stack.log("echo"):
            self.assertLess(time.time(), deadline, self.stack.log("echo")[-2000:])
            time.sleep(0.05)
        s3.put_bucket_notification_configuration(Bucket="lambda-test-bucket",
                                                 NotificationConfiguration={})


class DeployFailures(unittest.TestCase):
    """A template the local AWS cannot deploy fails with the reason, before serving it."""

    def write(self, text):
        path = os.path.join(tempfile.mkdtemp(), "t.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_missing_and_invalid_parameters(self):
        status, err = local_stack.deploy_failure(CSV2DDB, TEMPLATE,
                                                 extra=["--bootstrap", BOOTSTRAP])
        self.assertEqual(status, 1)
        self.assertIn("ValidationError: Parameters: [BucketName] must have values", err)
        status, err = local_stack.deploy_failure(
            CSV2DDB, TEMPLATE, params=["BucketName=b", "Stage=dev"],
            extra=["--bootstrap", BOOTSTRAP])
        self.assertIn("Parameter 'Stage' must be one of AllowedValues", err)
        status, err = local_stack.deploy_failure(
            CSV2DDB, TEMPLATE, params=["BucketName=b", "ShortTimeout=11"],
            extra=["--bootstrap", BOOTSTRAP])
        self.assertIn("Parameter 'ShortTimeout' must be a number not greater than 10", err)
        status, err = local_stack.deploy_failure(
            CSV2DDB, TEMPLATE, params=["BucketName=b", "Nope=1"], extra=["--bootstrap", BOOTSTRAP])
        self.assertIn("Parameters: [Nope] do not exist in the template", err)

    def test_unsupported_types_cycles_and_failed_custom_resources(self):
        status, err = local_stack.deploy_failure(CSV2DDB, self.write(
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"))
        self.assertEqual(status, 1)
        self.assertIn("the resource Q is a AWS::SQS::Queue, which csv2ddb local cannot deploy", err)
        status, err = local_stack.deploy_failure(CSV2DDB, self.write(
            "Resources:\n"
            "  A: {Type: AWS::S3::Bucket, DependsOn: B}\n"
            "  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${A}-x'}}\n"))
        self.assertIn("circular dependency between resources: A, B", err)
        with open(TEMPLATE) as f:
            failing = f.read().replace("      Enabled: true\n", "      Enabled: true\n"
                                       "      Fail: true\n")
        status, err = local_stack.deploy_failure(CSV2DDB, self.write(failing),
                                                 params=["BucketName=fail-bucket"],
                                                 extra=["--bootstrap", BOOTSTRAP])
        self.assertIn("Greeter: CREATE_FAILED: told to fail by the template", err)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
