#!/usr/bin/env python3
"""deploy/template.yaml keeps the reference's names and the promises of ARCHITECTURE.md:
runtime and architecture, the custom resource, a private encrypted HTTPS-only bucket, log
groups with retention, and least privilege: each policy grants exactly the listed actions on
exactly the listed resources. The template uses the long-form Fn:: syntax, so a plain YAML
loader reads it.

  test_template.py --bootstrap build/debug/bootstrap

With --bootstrap, the settings parameters are checked against the function itself: the
bootstrap starts (no init error) with every allowed value and each end of every range, and
refuses, naming the variable, one step beyond each end; and the template sets exactly the
variables src/lambda/import_config.cpp reads."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from servers import free_port, wait_for_port  # noqa: E402


def load():
    with open(TEMPLATE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def statements(document):
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value):
    return value if isinstance(value, list) else [value]


def resolve(value, template, parameters):
    """The template value with its Fn::If (and the conditions they name) decided for the given
    parameters, as CloudFormation decides them."""
    def condition(expression):
        if isinstance(expression, str):
            return condition(template["Conditions"][expression])
        [(name, args)] = expression.items()
        if name == "Fn::Equals":
            left, right = (parameters[a["Ref"]] if isinstance(a, dict) else a for a in args)
            return left == right
        if name == "Fn::Not":
            return not condition(args[0])
        if name == "Fn::And":
            return all(condition(a) for a in args)
        if name == "Fn::Or":
            return any(condition(a) for a in args)
        if name == "Condition":
            return condition(args)
        raise AssertionError(f"unexpected condition {name}")

    if isinstance(value, dict) and list(value) == ["Fn::If"]:
        name, yes, no = value["Fn::If"]
        return resolve(yes if condition(name) else no, template, parameters)
    if isinstance(value, dict):
        return {k: resolve(v, template, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, template, parameters) for v in value]
    return value


def writer_concurrency_values(parameter, allowed):
    """The values among auto and -5..100 that the parameter's AllowedPattern lets through
    (CloudFormation matches the whole value), or those it refuses."""
    candidates = ["auto", "AUTO", "", "04"] + [str(n) for n in range(-5, 101)]
    return [v for v in candidates
            if bool(re.fullmatch(parameter["AllowedPattern"], v)) == allowed]


class TemplateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.t = load()
        cls.r = cls.t["Resources"]

    def test_reference_names(self):
        self.assertLessEqual(
            {"DynamoDBTableName", "LambdaFunctionName", "S3BucketName", "IAMRoleName"},
            set(self.t["Parameters"]))
        self.assertLessEqual(
            {"LambdaExecutionRole", "DynamoDBWriteS3ReadPolicy", "DynamoDBTable", "ImportBucket",
             "ImportLambdaFunction", "LambdaPermission", "SetupBucketNotificationFunction",
             "SetupNotificationRole", "BucketNotificationConfiguration"}, set(self.r))
        self.assertEqual({"DynamoDBTableName", "LambdaFunctionArn", "S3BucketName", "IAMRoleName"},
                         set(self.t["Outputs"]))

    def test_every_parameter_is_required_or_has_a_default(self):
        # S3BucketName alone must be given (bucket names are global); the rest have defaults.
        required = [n for n, p in self.t["Parameters"].items() if "Default" not in p]
        self.assertEqual(required, ["S3BucketName"])
        for name, p in self.t["Parameters"].items():
            self.assertTrue(p.get("Description"), name)
            if "Default" in p and "AllowedValues" in p:
                self.assertIn(p["Default"], p["AllowedValues"], name)

    def test_settings_parameters(self):
        env = self.r["ImportLambdaFunction"]["Properties"]["Environment"]["Variables"]
        self.assertEqual(env, {
            "DYNAMO_DB_TABLE_NAME": {"Ref": "DynamoDBTable"},
            "CSV2DDB_TYPES": {"Ref": "ValueTypes"},
            "CSV2DDB_DELIMITER": {"Ref": "Delimiter"},
            "CSV2DDB_MAX_RETRIES": {"Ref": "MaxRetries"},
            "CSV2DDB_CONCURRENCY": {"Ref": "WriterConcurrency"},
            "CSV2DDB_WRITE_MODE": {"Ref": "WriteMode"},
            "CSV2DDB_WRITE_CONDITION": {"Ref": "WriteCondition"},
            "CSV2DDB_FANOUT_THRESHOLD_MIB": {"Ref": "FanOutThresholdMiB"},
            "CSV2DDB_MAX_WORKERS": {"Ref": "MaxWorkers"},
            "CSV2DDB_MAX_WCU": {"Ref": "MaxWriteUnits"},
        })
        self.assertEqual((params := self.t["Parameters"])["FanOutThresholdMiB"]["Default"], 1024)
        self.assertEqual((params["MaxWorkers"]["Default"], params["MaxWriteUnits"]["Default"]),
                         (8, 0))
        params = self.t["Parameters"]
        self.assertEqual(params["WriteMode"]["AllowedValues"],
                         ["put", "delete", "update", "put-if-absent"])
        self.assertEqual((params["WriteMode"]["Default"], params["WriteCondition"]["Default"]),
                         ("put", ""))
        self.assertEqual(params["ValueTypes"]["Type"], "String")
        self.assertEqual(params["ValueTypes"]["Default"], "strings")  # the reference's behaviour
        self.assertEqual(params["Delimiter"]["Default"], ",")
        self.assertEqual(params["MaxRetries"]["Default"], 3)  # the reference's
        self.assertEqual(params["MaxRetries"]["Type"], "Number")
        # auto by default, so that the function sizes its writer from its memory.
        self.assertEqual(params["WriterConcurrency"]["Type"], "String")
        self.assertEqual(params["WriterConcurrency"]["Default"], "auto")
        self.assertNotIn("Environment", self.r["SetupBucketNotificationFunction"]["Properties"])

    def test_writer_concurrency_is_auto_or_one_to_sixty_four(self):
        param = self.t["Parameters"]["WriterConcurrency"]
        self.assertEqual(writer_concurrency_values(param, True),
                         ["auto"] + [str(n) for n in range(1, 65)])
        self.assertTrue(re.fullmatch(param["AllowedPattern"], param["Default"]))

    def test_template_sets_exactly_what_the_function_reads(self):
        with open(os.path.join(ROOT, "src", "lambda", "import_config.cpp"), encoding="utf-8") as f:
            source = f.read()
        read = set(re.findall(r'env\.get\("([A-Z0-9_]+)"\)', source)) | \
            set(re.findall(r'integer_variable\(env, "([A-Z0-9_]+)"', source))
        read = {name for name in read if not name.startswith("AWS_LAMBDA_")}  # Lambda's own
        env = self.r["ImportLambdaFunction"]["Properties"]["Environment"]["Variables"]
        self.assertEqual(set(env), read)

    def test_settings_ranges_are_the_functions(self):
        if not os.environ.get("CSV2DDB_TEMPLATE_BOOTSTRAP"):
            self.skipTest("needs --bootstrap")
        params = self.t["Parameters"]
        accepted = [("CSV2DDB_TYPES", v)
                    for v in ("strings", "infer", "price:N,active:BOOL,tags:SS")]
        accepted += [("CSV2DDB_DELIMITER", v) for v in params["Delimiter"]["AllowedValues"]]
        refused = [("CSV2DDB_DELIMITER", "ab")]
        low, high = params["MaxRetries"]["MinValue"], params["MaxRetries"]["MaxValue"]
        accepted += [("CSV2DDB_MAX_RETRIES", str(v))
                     for v in (low, params["MaxRetries"]["Default"], high)]
        refused += [("CSV2DDB_MAX_RETRIES", str(low - 1)), ("CSV2DDB_MAX_RETRIES", str(high + 1))]
        # WriterConcurrency: what its pattern lets through, the function takes, and the
        # nearest values outside it the function refuses too.
        accepted += [("CSV2DDB_CONCURRENCY", v)
                     for v in writer_concurrency_values(params["WriterConcurrency"], True)]
        refused += [("CSV2DDB_CONCURRENCY", v) for v in ("0", "65", "4x", "-1")]
        accepted += [("CSV2DDB_WRITE_MODE", v) for v in params["WriteMode"]["AllowedValues"]]
        refused += [("CSV2DDB_WRITE_MODE", "upsert")]
        accepted += [("CSV2DDB_WRITE_CONDITION", v)
                     for v in ("", "attribute_not_exists(account) OR version < :version")]
        refused += [("CSV2DDB_WRITE_CONDITION", "version <")]
        with InitRunner(os.environ["CSV2DDB_TEMPLATE_BOOTSTRAP"]) as runner:
            for variable, value in accepted:
                self.assertEqual(runner.init_errors({variable: value}), [], (variable, value))
            for variable, value in refused:
                errors = runner.init_errors({variable: value})
                self.assertEqual(len(errors), 1, (variable, value))
                self.assertIn(variable, errors[0], (variable, value))

    def test_table(self):
        p = self.r["DynamoDBTable"]["Properties"]
        self.assertEqual(p["KeySchema"], [{"AttributeName": "account", "KeyType": "HASH"},
                                          {"AttributeName": "offer_id", "KeyType": "RANGE"}])
        self.assertEqual(p["BillingMode"], "PAY_PER_REQUEST")

    def test_functions_run_the_packaged_bootstrap_on_arm64(self):
        for name, handler in (("ImportLambdaFunction", "import"),
                              ("SetupBucketNotificationFunction", "setup-notification")):
            p = self.r[name]["Properties"]
            self.assertEqual(p["Runtime"], "provided.al2023", name)
            self.assertEqual(p["Architectures"], ["arm64"], name)
            self.assertEqual(p["Handler"], handler, name)
            self.assertEqual(p["Code"], "../build/lambda/function.zip", name)
            self.assertIn("LogGroup", p["LoggingConfig"], name)

    def test_import_memory_and_timeout_are_the_measured_choice(self):
        # docs/scaling.md and the template's comment reason from these two values and
        # bench/lambda_sizing.sh, the script that measured them: a change of either, or of the
        # script's name, must change the reasoning too.
        p = self.r["ImportLambdaFunction"]["Properties"]
        self.assertEqual((p["MemorySize"], p["Timeout"]), (1769, 900))
        with open(TEMPLATE, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("bench/lambda_sizing.sh", text)
        self.assertNotIn("first estimates", text)
        self.assertTrue(os.access(os.path.join(ROOT, "bench", "lambda_sizing.sh"), os.X_OK))
        with open(os.path.join(ROOT, "docs", "scaling.md"), encoding="utf-8") as f:
            scaling = f.read()
        self.assertIn("`MemorySize: 1769`", scaling)
        self.assertIn("`Timeout: 900`", scaling)

    def test_log_groups_have_retention(self):
        groups = {n: r for n, r in self.r.items() if r["Type"] == "AWS::Logs::LogGroup"}
        self.assertEqual(set(groups), {"ImportLogGroup", "SetupNotificationLogGroup"})
        for group in groups.values():
            self.assertEqual(group["Properties"]["RetentionInDays"], {"Ref": "LogRetentionDays"})
        retention = self.t["Parameters"]["LogRetentionDays"]
        self.assertEqual(retention["Type"], "Number")
        self.assertIn(retention["Default"], retention["AllowedValues"])
        # Each function logs to its own group, under Lambda's usual name for it, so nothing
        # lands in an unmanaged group kept forever.
        for function, group, name in (
                ("ImportLambdaFunction", "ImportLogGroup", "/aws/lambda/${LambdaFunctionName}"),
                ("SetupBucketNotificationFunction", "SetupNotificationLogGroup",
                 "/aws/lambda/${LambdaFunctionName}-setup-notification")):
            p = self.r[function]["Properties"]
            self.assertEqual(p["LoggingConfig"], {"LogGroup": {"Ref": group}}, function)
            self.assertEqual(groups[group]["Properties"]["LogGroupName"], {"Fn::Sub": name})
            self.assertEqual(p["FunctionName"], {"Ref": "LambdaFunctionName"}
                             if function == "ImportLambdaFunction" else
                             {"Fn::Sub": "${LambdaFunctionName}-setup-notification"})

    def test_bucket_is_private_encrypted_and_https_only(self):
        p = self.r["ImportBucket"]["Properties"]
        self.assertEqual(set(p["PublicAccessBlockConfiguration"].values()), {True})
        self.assertEqual(len(p["PublicAccessBlockConfiguration"]), 4)
        rule = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        self.assertIn(rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"], ("AES256", "aws:kms"))
        policy = self.r["ImportBucketPolicy"]["Properties"]
        self.assertEqual(policy["Bucket"], {"Ref": "ImportBucket"})
        [deny] = statements(policy["PolicyDocument"])
        self.assertEqual(deny["Effect"], "Deny")
        self.assertEqual(deny["Principal"], "*")
        self.assertEqual(deny["Condition"], {"Bool": {"aws:SecureTransport": "false"}})
        self.assertEqual(deny["Action"], "s3:*")
        # The bucket's own calls (notification configuration) and every object's.
        self.assertEqual(deny["Resource"], [{"Fn::GetAtt": ["ImportBucket", "Arn"]},
                                            {"Fn::Sub": "${ImportBucket.Arn}/*"}])
        self.assertEqual(p["OwnershipControls"],
                         {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})

    def test_custom_resource(self):
        c = self.r["BucketNotificationConfiguration"]
        self.assertTrue(c["Type"].startswith("Custom::"))
        p = c["Properties"]
        self.assertEqual(p["ServiceToken"],
                         {"Fn::GetAtt": ["SetupBucketNotificationFunction", "Arn"]})
        self.assertEqual(p["BucketName"], {"Ref": "ImportBucket"})
        self.assertEqual(p["LambdaArn"], {"Fn::GetAtt": ["ImportLambdaFunction", "Arn"]})
        # Exactly the suffixes the function imports (src/ingest/input_format.cpp), and .CSV.
        with open(os.path.join(ROOT, "src", "ingest", "input_format.cpp"), encoding="utf-8") as f:
            source = f.read()
        listed = source[source.index("kInputSuffixes"):]
        listed = listed[:listed.index("};")]
        self.assertEqual(sorted(p["Suffixes"]),
                         sorted(re.findall(r'"(\.[a-z.]+)"', listed) + [".CSV"]))
        self.assertNotIn(".json", p["Suffixes"])
        self.assertNotIn(".jsonl", p["Suffixes"])
        # CloudFormation gives up after ServiceTimeout instead of its hour; the function must
        # be able to finish (and answer) well within it.
        function_timeout = self.r["SetupBucketNotificationFunction"]["Properties"]["Timeout"]
        self.assertTrue(function_timeout < p["ServiceTimeout"] <= 3600, p["ServiceTimeout"])
        self.assertIn("LambdaPermission", c["DependsOn"])
        perm = self.r["LambdaPermission"]["Properties"]
        self.assertEqual(perm["Principal"], "s3.amazonaws.com")
        self.assertEqual(perm["SourceArn"], {"Fn::GetAtt": ["ImportBucket", "Arn"]})

    def grants(self, document, parameters=None):
        """{action: sorted resources} for the Allow statements; no wildcards, no Deny."""
        out = {}
        parameters = parameters or {"WriteMode": "put", "WriteCondition": ""}
        for s in statements(resolve(document, self.t, parameters)):
            self.assertEqual(s["Effect"], "Allow")
            self.assertNotIn("NotAction", s)
            self.assertNotIn("NotResource", s)
            for action in as_list(s["Action"]):
                self.assertNotIn("*", action)
                out.setdefault(action, []).extend(yaml.safe_dump(r, default_flow_style=True).strip()
                                                  for r in as_list(s["Resource"]))
        return {a: sorted(rs) for a, rs in out.items()}

    def test_import_policy_is_least_privilege(self):
        policy = self.r["DynamoDBWriteS3ReadPolicy"]["Properties"]
        self.assertEqual(policy["Roles"], [{"Ref": "LambdaExecutionRole"}])
        self.assertEqual(self.r["LambdaExecutionRole"]["Properties"].get("ManagedPolicyArns"), None)
        self.assertEqual(self.r["LambdaExecutionRole"]["Properties"].get("Policies"), None)
        grants = self.grants(policy["PolicyDocument"])
        dump = lambda v: yaml.safe_dump(v, default_flow_style=True).strip()
        outputs = sorted(dump({"Fn::Sub": "${ImportBucket.Arn}/" + p + "/*"})
                         for p in ("json-copy", "unprocessed", "rejected", "conflicts", "reports"))
        table = [dump({"Fn::GetAtt": ["DynamoDBTable", "Arn"]})]
        logs = [dump({"Fn::Sub": "${ImportLogGroup.Arn}:*"})]
        self.assertEqual(grants, {
            "dynamodb:DescribeTable": table,
            "dynamodb:BatchWriteItem": table,
            "s3:GetObject": [dump({"Fn::Sub": "${ImportBucket.Arn}/*"})],
            # Lambda's records of failed invocations go to aws/lambda/ with this role.
            "s3:PutObject": sorted(outputs + [dump({"Fn::Sub": "${ImportBucket.Arn}/aws/lambda/*"})]),
            "s3:ListBucket": [dump({"Fn::GetAtt": ["ImportBucket", "Arn"]})],
            "s3:DeleteObject": sorted(dump({"Fn::Sub": "${ImportBucket.Arn}/" + p + "/*"})
                                      for p in ("unprocessed", "rejected", "conflicts",
                                                "reports/.continuation", "reports/.fanout")),
            "s3:AbortMultipartUpload": outputs,
            "lambda:InvokeFunction": [dump({"Fn::Sub": (
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:"
                "function:${LambdaFunctionName}")})],
            "logs:CreateLogStream": logs,
            "logs:PutLogEvents": logs,
        })

    def test_failed_invocations_go_to_the_bucket(self):
        config = self.r["FailedInvocations"]
        self.assertEqual(config["Type"], "AWS::Lambda::EventInvokeConfig")
        self.assertEqual(config["Properties"]["FunctionName"], {"Ref": "ImportLambdaFunction"})
        self.assertEqual(config["Properties"]["MaximumRetryAttempts"], 2)
        self.assertEqual(config["Properties"]["DestinationConfig"],
                         {"OnFailure": {"Destination": {"Fn::GetAtt": ["ImportBucket", "Arn"]}}})

    def test_the_table_grant_follows_the_write_mode(self):
        policy = self.r["DynamoDBWriteS3ReadPolicy"]["Properties"]["PolicyDocument"]
        expected = {
            ("put", ""): "BatchWriteItem", ("delete", ""): "BatchWriteItem",
            ("update", ""): "UpdateItem", ("put-if-absent", ""): "PutItem",
            ("put", "version < :version"): "PutItem",
            ("delete", "version < :version"): "DeleteItem",
            ("update", "version < :version"): "UpdateItem",
        }
        for (mode, condition), write in expected.items():
            grants = self.grants(policy, {"WriteMode": mode, "WriteCondition": condition})
            dynamodb = sorted(a for a in grants if a.startswith("dynamodb:"))
            self.assertEqual(dynamodb, sorted(["dynamodb:DescribeTable", "dynamodb:" + write]),
                             (mode, condition))

    def test_setup_notification_policy_is_least_privilege(self):
        role = self.r["SetupNotificationRole"]["Properties"]
        self.assertIsNone(role.get("ManagedPolicyArns"))
        [policy] = role["Policies"]
        dump = lambda v: yaml.safe_dump(v, default_flow_style=True).strip()
        bucket = [dump({"Fn::GetAtt": ["ImportBucket", "Arn"]})]
        logs = [dump({"Fn::Sub": "${SetupNotificationLogGroup.Arn}:*"})]
        self.assertEqual(self.grants(policy["PolicyDocument"]), {
            "s3:GetBucketNotification": bucket,
            "s3:PutBucketNotification": bucket,
            "logs:CreateLogStream": logs,
            "logs:PutLogEvents": logs,
        })
        self.assertEqual(self.r["SetupBucketNotificationFunction"]["Properties"]["Role"],
                         {"Fn::GetAtt": ["SetupNotificationRole", "Arn"]})

    def test_roles_trust_only_lambda(self):
        for name in ("LambdaExecutionRole", "SetupNotificationRole"):
            [trust] = statements(self.r[name]["Properties"]["AssumeRolePolicyDocument"])
            self.assertEqual(trust["Principal"], {"Service": "lambda.amazonaws.com"})
            self.assertEqual(trust["Action"], "sts:AssumeRole")


class InitRunner:
    """Starts the bootstrap as Lambda would, against fake_runtime_api.py with no invocations:
    it validates its configuration, then ends at the first 410 Gone. Returns the init errors it
    reported."""

    def __init__(self, bootstrap):
        self.bootstrap = bootstrap

    def __enter__(self):
        self.scratch = tempfile.mkdtemp(prefix="csv2ddb-template-")
        events, self.record = (os.path.join(self.scratch, n) for n in ("events.json", "record"))
        with open(events, "w", encoding="utf-8") as f:
            f.write("[]")
        self.port = free_port()
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "tests", "lambda", "fake_runtime_api.py"),
             "--port", str(self.port), "--events", events, "--record", self.record])
        wait_for_port(self.port, self.server)
        return self

    def init_errors(self, variables):
        before = self.read()
        env = {"PATH": os.environ.get("PATH", ""),
               "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.port}",
               "_HANDLER": "import", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
               "AWS_SECRET_ACCESS_KEY": "test", "AWS_LAMBDA_FUNCTION_NAME": "csv2ddb-import",
               "DYNAMO_DB_TABLE_NAME": "offers", **variables}
        subprocess.run([self.bootstrap], env=env, capture_output=True, timeout=60)
        return [json.loads(p["body"]).get("errorMessage", "") for p in self.read()[len(before):]
                if p["kind"] == "init_error"]

    def read(self):
        if not os.path.exists(self.record):
            return []
        with open(self.record, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait()


if __name__ == "__main__":
    if "--bootstrap" in sys.argv:
        os.environ["CSV2DDB_TEMPLATE_BOOTSTRAP"] = sys.argv[sys.argv.index("--bootstrap") + 1]
    unittest.main(argv=[sys.argv[0]])
