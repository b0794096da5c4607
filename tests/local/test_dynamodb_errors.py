"""Requests DynamoDB refuses, and the shapes of a few answers, sent as raw signed requests (so
that no SDK validates them first) to `csv2ddb local` and, the same requests, to dynalite (an
independent implementation with DynamoDB's messages). Each case states what DynamoDB answers:
(status, error type, message) or, for an answer, what is compared of it. csv2ddb local must
answer exactly that; dynalite too, but for the differences in DYNALITE_DIFFERS, each with the
reason.

Written as a suite that could run against real DynamoDB: no csv2ddb internals."""
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
TABLE = "errors_table"


def nested(levels):
    """A string inside `levels` maps."""
    value = {"S": "x"}
    for _ in range(levels):
        value = {"M": {"a": value}}
    return value


def put(value):
    return ("PutItem", {"TableName": TABLE, "Item": {"k": {"S": "n"}, "v": value}})


def create(definitions, key):
    return ("CreateTable", {"TableName": "errors_other", "BillingMode": "PAY_PER_REQUEST",
                            "AttributeDefinitions": definitions, "KeySchema": key})


NESTING = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested "
           "levels beyond supported limit")

# name: ((operation, body), expected). Expected is (status, type, message) for an error, or
# (200, "keys", [...]) for an answer whose TableDescription members are compared, or (200,) for
# any 200.
CASES = {
    "batch_write_null_table": (
        ("BatchWriteItem", {"RequestItems": {TABLE: None}}),
        (400, "ValidationException",
         "1 validation error detected: Value '{\"%s\":null}' at 'requestItems' failed to "
         "satisfy constraint: Map value must satisfy constraint: [Member must have length less "
         "than or equal to 25, Member must have length greater than or equal to 1]" % TABLE)),
    "base64_length": (
        put({"B": "abc"}),
        (400, "SerializationException",
         "Base64 encoded length is expected a multiple of 4 bytes but found: 3")),
    "base64_not_canonical": (
        put({"B": "ab$="}),
        (400, "SerializationException", "Invalid last non-pad Base64 character dectected")),
    "nesting_31_levels_taken": (put(nested(31)), (200,)),
    "nesting_32_levels_refused": (put(nested(32)), (400, "ValidationException", NESTING)),
    "nesting_40_levels_refused": (put(nested(40)), (400, "ValidationException", NESTING)),
    "create_duplicate_attribute": (
        create([{"AttributeName": "x", "AttributeType": "S"},
                {"AttributeName": "x", "AttributeType": "S"}],
               [{"AttributeName": "x", "KeyType": "HASH"}]),
        (400, "ValidationException", "Attribute Name is duplicated: x")),
    "create_key_name_too_long": (
        create([{"AttributeName": "k" * 256, "AttributeType": "S"}],
               [{"AttributeName": "k" * 256, "KeyType": "HASH"}]),
        (400, "ValidationException",
         "2 validation errors detected: Value '%s' at "
         "'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: Member "
         "must have length less than or equal to 255; Value '%s' at "
         "'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have "
         "length less than or equal to 255" % ("k" * 256, "k" * 256))),
    "update_table_nothing_to_do": (
        ("UpdateTable", {"TableName": TABLE}),
        (400, "ValidationException",
         "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
         "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")),
    "update_table_provisioned_without_throughput": (
        ("UpdateTable", {"TableName": TABLE, "BillingMode": "PROVISIONED"}),
        (400, "ValidationException",
         "One or more parameter values were invalid: ProvisionedThroughput must be specified "
         "when BillingMode is PROVISIONED")),
    "update_table_throughput_on_demand": (
        ("UpdateTable", {"TableName": TABLE,
                         "ProvisionedThroughput": {"ReadCapacityUnits": 5,
                                                   "WriteCapacityUnits": 5}}),
        (400, "ValidationException",
         "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
         "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")),
    "update_table_to_provisioned": (
        ("UpdateTable", {"TableName": TABLE, "BillingMode": "PROVISIONED",
                         "ProvisionedThroughput": {"ReadCapacityUnits": 5,
                                                   "WriteCapacityUnits": 7}}),
        (200, "table", ["UPDATING", "PROVISIONED", 5, 7])),
    "update_table_unchanged": (
        ("UpdateTable", {"TableName": TABLE,
                         "ProvisionedThroughput": {"ReadCapacityUnits": 5,
                                                   "WriteCapacityUnits": 7}}),
        (400, "ValidationException",
         "The provisioned throughput for the table will not change. The requested value equals "
         "the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
         "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 7. "
         "Requested WriteCapacityUnits: 7. Refer to the Amazon DynamoDB Developer Guide for "
         "current limits and how to request higher limits.")),
    "delete_table_leaves_out_the_schema": (
        ("DeleteTable", {"TableName": TABLE}),
        (200, "keys", ["BillingModeSummary", "ItemCount", "ProvisionedThroughput", "TableArn",
                       "TableId", "TableName", "TableSizeBytes", "TableStatus"])),
}

# Where dynalite is not DynamoDB, and why.
DYNALITE_DIFFERS = {
    # The developer guide's limits: 32 levels of nesting; dynalite has no limit.
    "nesting_32_levels_refused": "dynalite does not limit nesting",
    "nesting_40_levels_refused": "dynalite does not limit nesting",
    # DynamoDB names the duplicated attribute (captured against the service by ScyllaDB's
    # Alternator tests); dynalite counts attributes instead.
    "create_duplicate_attribute": "dynalite reports a count mismatch",
    # DynamoDB's DeleteTable leaves out KeySchema, AttributeDefinitions and CreationDateTime
    # (dynalite issue 60, Alternator issue 14132); dynalite returns DescribeTable's members.
    "delete_table_leaves_out_the_schema": "dynalite returns the whole description",
    # The API reference: AttributeDefinition and KeySchemaElement names are 1 to 255 bytes;
    # dynalite does not check their length.
    "create_key_name_too_long": "dynalite takes any attribute name length",
}


class Suite:
    def __init__(self, port):
        self.port = port
        status, body = self.call("CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]})
        assert status == 200, body
        self.wait_active()

    def wait_active(self):
        deadline = time.time() + 30
        while self.call("DescribeTable", {"TableName": TABLE})[1]["Table"]["TableStatus"] != \
                "ACTIVE":
            assert time.time() < deadline
            time.sleep(0.1)

    def call(self, operation, body):
        return local_server.signed_dynamodb_request(self.port, operation, body)

    def run(self, operation, body, expected):
        status, answer = self.call(operation, body)
        if status != 200:
            return (status, local_server.error_type(answer), local_server.error_message(answer))
        if len(expected) > 1 and expected[1] == "keys":
            return (200, "keys", sorted(answer["TableDescription"]))
        if len(expected) > 1 and expected[1] == "table":
            table = answer["TableDescription"]
            self.wait_active()
            return (200, "table", [table["TableStatus"],
                                   table.get("BillingModeSummary", {}).get("BillingMode"),
                                   table["ProvisionedThroughput"]["ReadCapacityUnits"],
                                   table["ProvisionedThroughput"]["WriteCapacityUnits"]])
        return (200,)


class DynamoDbErrors(unittest.TestCase):
    def check(self, port, skip=()):
        suite = Suite(port)
        for name, ((operation, body), expected) in CASES.items():
            if name in skip:
                continue
            with self.subTest(case=name):
                self.assertEqual(suite.run(operation, body, expected), expected)

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check(server.port)

    def test_dynalite_agrees_but_for_the_listed_differences(self):
        with local_server.Dynalite() as dynalite:
            self.check(dynalite.port, skip=DYNALITE_DIFFERS)


if __name__ == "__main__":
    local_server.run_tests(sys.modules[__name__])
