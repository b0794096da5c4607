#!/usr/bin/env python3
"""deploy/template.yaml keeps the reference's names and the promises of ARCHITECTURE.md:
runtime and architecture, the custom resource, a private encrypted HTTPS-only bucket, log
retention, and least privilege: each policy grants exactly the listed actions on exactly the
listed resources. The template uses the long-form Fn:: syntax, so a plain YAML loader reads it."""
import os
import sys
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")


def load():
    with open(TEMPLATE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def statements(document):
    found = document["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value):
    return value if isinstance(value, list) else [value]


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

    def test_settings_parameters(self):
        env = self.r["ImportLambdaFunction"]["Properties"]["Environment"]["Variables"]
        self.assertEqual(env["DYNAMO_DB_TABLE_NAME"], {"Ref": "DynamoDBTable"})
        self.assertEqual(env["CSV2DDB_TYPES"], {"Ref": "ValueTypes"})
        self.assertEqual(env["CSV2DDB_DELIMITER"], {"Ref": "Delimiter"})
        self.assertEqual(env["CSV2DDB_MAX_RETRIES"], {"Ref": "MaxRetries"})
        self.assertEqual(self.t["Parameters"]["MaxRetries"]["Default"], 3)

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

    def test_log_groups_have_retention(self):
        groups = [r for r in self.r.values() if r["Type"] == "AWS::Logs::LogGroup"]
        self.assertEqual(len(groups), 2)
        for group in groups:
            self.assertEqual(group["Properties"]["RetentionInDays"], {"Ref": "LogRetentionDays"})

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
        self.assertEqual(deny["Condition"], {"Bool": {"aws:SecureTransport": "false"}})
        self.assertEqual(deny["Action"], "s3:*")

    def test_custom_resource(self):
        c = self.r["BucketNotificationConfiguration"]
        self.assertTrue(c["Type"].startswith("Custom::"))
        p = c["Properties"]
        self.assertEqual(p["ServiceToken"], {"Fn::GetAtt": ["SetupBucketNotificationFunction", "Arn"]})
        self.assertEqual(p["BucketName"], {"Ref": "ImportBucket"})
        self.assertEqual(p["LambdaArn"], {"Fn::GetAtt": ["ImportLambdaFunction", "Arn"]})
        self.assertEqual(p["Suffix"], ".csv")
        self.assertTrue(1 <= p["ServiceTimeout"] <= 3600)
        self.assertIn("LambdaPermission", c["DependsOn"])
        perm = self.r["LambdaPermission"]["Properties"]
        self.assertEqual(perm["Principal"], "s3.amazonaws.com")
        self.assertEqual(perm["SourceArn"], {"Fn::GetAtt": ["ImportBucket", "Arn"]})

    def grants(self, document):
        """{action: sorted resources} for the Allow statements; no wildcards, no Deny."""
        out = {}
        for s in statements(document):
            self.assertEqual(s["Effect"], "Allow")
            self.assertNotIn("NotAction", s)
            self.assertNotIn("NotResource", s)
            for action in as_list(s["Action"]):
                self.assertNotIn("*", action)
                out.setdefault(action, []).extend(
                    yaml.safe_dump(r, default_flow_style=True).strip() for r in as_list(s["Resource"]))
        return {a: sorted(rs) for a, rs in out.items()}

    def test_import_policy_is_least_privilege(self):
        policy = self.r["DynamoDBWriteS3ReadPolicy"]["Properties"]
        self.assertEqual(policy["Roles"], [{"Ref": "LambdaExecutionRole"}])
        self.assertEqual(self.r["LambdaExecutionRole"]["Properties"].get("ManagedPolicyArns"), None)
        self.assertEqual(self.r["LambdaExecutionRole"]["Properties"].get("Policies"), None)
        grants = self.grants(policy["PolicyDocument"])
        dump = lambda v: yaml.safe_dump(v, default_flow_style=True).strip()
        outputs = sorted(dump({"Fn::Sub": "${ImportBucket.Arn}/" + p + "/*"})
                         for p in ("json-copy", "unprocessed", "rejected", "reports"))
        table = [dump({"Fn::GetAtt": ["DynamoDBTable", "Arn"]})]
        logs = [dump({"Fn::Sub": "${ImportLogGroup.Arn}:*"})]
        self.assertEqual(grants, {
            "dynamodb:DescribeTable": table,
            "dynamodb:BatchWriteItem": table,
            "s3:GetObject": [dump({"Fn::Sub": "${ImportBucket.Arn}/*"})],
            "s3:PutObject": outputs,
            "s3:DeleteObject": outputs,
            "s3:AbortMultipartUpload": outputs,
            "lambda:InvokeFunction": [dump({"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:"
                                                   "${AWS::AccountId}:function:${LambdaFunctionName}"})],
            "logs:CreateLogStream": logs,
            "logs:PutLogEvents": logs,
        })

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


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
