"""Reads as DynamoDB's clients make them: Query and Scan with filters, projections of nested
paths, key conditions written either way round, the legacy KeyConditions and AttributesToGet,
parallel Scan, Select, and the validation DynamoDB answers for each, with boto3 against
`csv2ddb local` and, on the same requests, against dynalite (an independent implementation
with DynamoDB's messages). Each case states what DynamoDB answers: the response's items and
counts, or the error type and message. csv2ddb local must answer exactly that; dynalite too, but
for the differences listed in DYNALITE_DIFFERS with the reason for each.

Written as a suite that could run against real DynamoDB: no csv2ddb internals."""
import json
import os
import sys
import tempfile
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
TABLE = "reads_offers"
A1 = {"p": {"S": "a"}, "c": {"N": "1"}, "n": {"N": "5"}, "tags": {"SS": ["x", "y"]},
      "m": {"M": {"b": {"S": "x"}, "d": {"M": {"e": {"N": "1"}, "f": {"S": "g"}}}}},
      "l": {"L": [{"S": "y"}, {"N": "2"}, {"BOOL": True}]}}
A2 = {"p": {"S": "a"}, "c": {"N": "2"}, "n": {"N": "7"}, "s": {"S": "hello"}}
A3 = {"p": {"S": "a"}, "c": {"N": "3"}, "n": {"N": "9"}}
B1 = {"p": {"S": "b"}, "c": {"N": "1"}, "n": {"N": "1"}}
ITEMS = [A1, A2, A3, B1]
KEY_A1 = {"p": {"S": "a"}, "c": {"N": "1"}}
PA = {":p": {"S": "a"}}


def values(**more):
    out = dict(PA)
    out.update({":" + k: v for k, v in more.items()})
    return out


def invalid(message):
    return ("error", "ValidationException", message)


# name: (operation, request without TableName, expected). Expected is ("ok", {member: value})
# for the members of the answer that matter, or ("error", type, message).
CASES = {
    "query_value_first": (
        "query", {"KeyConditionExpression": ":p = p AND :c < c",
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        ("ok", {"Items": [A2, A3], "Count": 2, "ScannedCount": 2})),
    "query_descending_between": (
        "query", {"KeyConditionExpression": "p = :p AND c BETWEEN :lo AND :hi",
                  "ExpressionAttributeValues": values(lo={"N": "1"}, hi={"N": "2"}),
                  "ScanIndexForward": False},
        ("ok", {"Items": [A2, A1], "Count": 2, "ScannedCount": 2})),
    "query_filter": (
        "query", {"KeyConditionExpression": "p = :p", "FilterExpression": "n > :n",
                  "ExpressionAttributeValues": values(n={"N": "6"})},
        ("ok", {"Items": [A2, A3], "Count": 2, "ScannedCount": 3})),
    "query_filter_pages_by_items_read": (
        "query", {"KeyConditionExpression": "p = :p", "FilterExpression": "n > :n",
                  "ExpressionAttributeValues": values(n={"N": "6"}), "Limit": 2},
        ("ok", {"Items": [A2], "Count": 1, "ScannedCount": 2,
                "LastEvaluatedKey": {"p": {"S": "a"}, "c": {"N": "2"}}})),
    "query_filter_functions_and_nesting": (
        "query", {"KeyConditionExpression": "p = :p",
                  "FilterExpression": "(contains(tags, :x) OR begins_with(s, :h)) AND "
                                      "NOT attribute_exists(gone)",
                  "ExpressionAttributeValues": values(x={"S": "x"}, h={"S": "he"})},
        ("ok", {"Items": [A1, A2], "Count": 2, "ScannedCount": 3})),
    "query_filter_size": (
        "query", {"KeyConditionExpression": "p = :p",
                  "FilterExpression": "size(tags) = :two OR size(n) > :zero",
                  "ExpressionAttributeValues": values(two={"N": "2"}, zero={"N": "0"})},
        ("ok", {"Items": [A1], "Count": 1, "ScannedCount": 3})),
    "query_filter_on_the_key": (
        "query", {"KeyConditionExpression": "p = :p", "FilterExpression": "c > :c",
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        invalid("Filter Expression can only contain non-primary key attributes: Primary key "
                "attribute: c")),
    "query_count": (
        "query", {"KeyConditionExpression": "p = :p", "Select": "COUNT",
                  "ExpressionAttributeValues": PA},
        ("ok", {"Count": 3, "ScannedCount": 3})),
    "query_projection_nested": (
        "query", {"KeyConditionExpression": "p = :p AND c = :c",
                  "ProjectionExpression": "m.d.e, #l[1], tags",
                  "ExpressionAttributeNames": {"#l": "l"},
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        ("ok", {"Items": [{"m": {"M": {"d": {"M": {"e": {"N": "1"}}}}}, "l": {"L": [{"N": "2"}]},
                           "tags": {"SS": ["x", "y"]}}], "Count": 1, "ScannedCount": 1})),
    "query_two_conditions_on_one_key": (
        "query", {"KeyConditionExpression": "p = :p AND p = :p",
                  "ExpressionAttributeValues": PA},
        invalid("KeyConditionExpressions must only contain one condition per key")),
    "query_in": (
        "query", {"KeyConditionExpression": "p IN (:p)", "ExpressionAttributeValues": PA},
        invalid("Invalid operator used in KeyConditionExpression: IN")),
    "query_or": (
        "query", {"KeyConditionExpression": "p = :p OR c = :c",
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        invalid("Invalid operator used in KeyConditionExpression: OR")),
    "query_unknown_function": (
        "query", {"KeyConditionExpression": "p = :p AND foo(c, :c)",
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        invalid("Invalid KeyConditionExpression: Invalid function name; function: foo")),
    "query_upper_case_begins_with": (
        "query", {"KeyConditionExpression": "p = :p AND BEGINS_WITH(c, :c)",
                  "ExpressionAttributeValues": values(c={"N": "1"})},
        invalid("Invalid KeyConditionExpression: Invalid function name; function: "
                "BEGINS_WITH")),
    "query_nested_key_attribute": (
        "query", {"KeyConditionExpression": "p.q = :p", "ExpressionAttributeValues": PA},
        invalid("KeyConditionExpressions cannot have conditions on nested attributes")),
    "query_missing_hash_key": (
        "query", {"KeyConditionExpression": "c = :c",
                  "ExpressionAttributeValues": {":c": {"N": "1"}}},
        invalid("Query condition missed key schema element: p")),
    "query_legacy_key_conditions": (
        "query", {"KeyConditions": {
            "p": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"},
            "c": {"AttributeValueList": [{"N": "1"}], "ComparisonOperator": "GT"}}},
        ("ok", {"Items": [A2, A3], "Count": 2, "ScannedCount": 2})),
    "query_legacy_not_indexable": (
        "query", {"KeyConditions": {
            "p": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "NE"}}},
        invalid("Attempted conditional constraint is not an indexable operation")),
    "query_mixes_expression_and_legacy": (
        "query", {"KeyConditionExpression": "p = :p", "ExpressionAttributeValues": PA,
                  "AttributesToGet": ["n"]},
        invalid("Can not use both expression and non-expression parameters in the same "
                "request: Non-expression parameters: {AttributesToGet} Expression parameters: "
                "{KeyConditionExpression}")),
    "query_specific_attributes_without_projection": (
        "query", {"KeyConditionExpression": "p = :p", "ExpressionAttributeValues": PA,
                  "Select": "SPECIFIC_ATTRIBUTES"},
        invalid("1 validation error detected: Must specify the AttributesToGet or "
                "ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")),
    "query_projection_with_all_attributes": (
        "query", {"KeyConditionExpression": "p = :p", "ExpressionAttributeValues": PA,
                  "Select": "ALL_ATTRIBUTES", "ProjectionExpression": "n"},
        invalid("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")),
    "query_all_projected_without_index": (
        "query", {"KeyConditionExpression": "p = :p", "ExpressionAttributeValues": PA,
                  "Select": "ALL_PROJECTED_ATTRIBUTES"},
        invalid("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")),
    "query_legacy_query_filter": (
        "query", {"KeyConditions": {"p": {"AttributeValueList": [{"S": "a"}],
                                          "ComparisonOperator": "EQ"}},
                  "QueryFilter": {"n": {"AttributeValueList": [{"N": "6"}],
                                        "ComparisonOperator": "GT"}}},
        ("ok", {"Items": [A2, A3], "Count": 2, "ScannedCount": 3})),
    "query_legacy_query_filter_on_the_key": (
        "query", {"KeyConditions": {"p": {"AttributeValueList": [{"S": "a"}],
                                          "ComparisonOperator": "EQ"}},
                  "QueryFilter": {"c": {"AttributeValueList": [{"N": "1"}],
                                        "ComparisonOperator": "GT"}}},
        invalid("QueryFilter can only contain non-primary key attributes: Primary key "
                "attribute: c")),
    "scan_legacy_filter_or": (
        "scan", {"ScanFilter": {"n": {"AttributeValueList": [{"N": "5"}],
                                      "ComparisonOperator": "EQ"},
                                "s": {"AttributeValueList": [{"S": "he"}],
                                      "ComparisonOperator": "BEGINS_WITH"}},
                 "ConditionalOperator": "OR"},
        ("ok", {"Items": [A1, A2], "Count": 2, "ScannedCount": 4})),
    "scan_legacy_filter_null_and_in": (
        "scan", {"ScanFilter": {"tags": {"ComparisonOperator": "NULL"},
                                "n": {"AttributeValueList": [{"N": "1"}, {"N": "9"}],
                                      "ComparisonOperator": "IN"}}},
        ("ok", {"Items": [A3, B1], "Count": 2, "ScannedCount": 4})),
    "scan_legacy_not_contains": (
        "scan", {"ScanFilter": {"tags": {"AttributeValueList": [{"S": "x"}],
                                         "ComparisonOperator": "NOT_CONTAINS"}}},
        ("ok", {"Items": [A2, A3, B1], "Count": 3, "ScannedCount": 4})),
    "scan_legacy_wrong_count": (
        "scan", {"ScanFilter": {"n": {"AttributeValueList": [{"N": "1"}],
                                      "ComparisonOperator": "BETWEEN"}}},
        invalid("One or more parameter values were invalid: Invalid number of argument(s) for "
                "the BETWEEN ComparisonOperator")),
    "scan_filter": (
        "scan", {"FilterExpression": "n BETWEEN :lo AND :hi",
                 "ExpressionAttributeValues": {":lo": {"N": "2"}, ":hi": {"N": "8"}}},
        ("ok", {"Items": [A1, A2], "Count": 2, "ScannedCount": 4})),
    "scan_attributes_to_get": (
        "scan", {"AttributesToGet": ["n", "c"]},
        ("ok", {"Items": [{"c": {"N": "1"}, "n": {"N": "5"}}, {"c": {"N": "2"}, "n": {"N": "7"}},
                          {"c": {"N": "3"}, "n": {"N": "9"}}, {"c": {"N": "1"}, "n": {"N": "1"}}],
                "Count": 4, "ScannedCount": 4})),
    "scan_duplicate_attributes_to_get": (
        "scan", {"AttributesToGet": ["n", "n"]},
        invalid("One or more parameter values were invalid: Duplicate value in attribute name: "
                "n")),
    "scan_segment_without_total": (
        "scan", {"Segment": 0},
        invalid("The TotalSegments parameter is required but was not present in the request "
                "when Segment parameter is present")),
    "scan_segment_past_total": (
        "scan", {"Segment": 2, "TotalSegments": 2},
        invalid("The Segment parameter is zero-based and must be less than parameter "
                "TotalSegments: Segment: 2 is not less than TotalSegments: 2")),
    "scan_consistent_capacity": (
        "scan", {"ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL", "Select": "COUNT"},
        ("ok", {"Count": 4, "ScannedCount": 4,
                "ConsumedCapacity": {"TableName": TABLE, "CapacityUnits": 1.0}})),
    "get_projection_nested": (
        "get_item", {"Key": KEY_A1, "ProjectionExpression": "m.d.f, l[0], l[2], nothing.here"},
        ("ok", {"Item": {"m": {"M": {"d": {"M": {"f": {"S": "g"}}}}},
                         "l": {"L": [{"S": "y"}, {"BOOL": True}]}}})),
    "get_projection_overlap": (
        "get_item", {"Key": KEY_A1, "ProjectionExpression": "m, m.b"},
        invalid("Invalid ProjectionExpression: Two document paths overlap with each other; must "
                "remove or rewrite one of these paths; path one: [m], path two: [m, b]")),
    "get_projection_too_long": (
        "get_item", {"Key": KEY_A1, "ProjectionExpression": ",".join("a%d" % i
                                                                    for i in range(1000))},
        invalid("Invalid ProjectionExpression: Expression size has exceeded the maximum allowed "
                "size; expression size: 4889")),
    "get_attributes_to_get": (
        "get_item", {"Key": KEY_A1, "AttributesToGet": ["n", "s"]},
        ("ok", {"Item": {"n": {"N": "5"}}})),
    "get_names_without_expression": (
        "get_item", {"Key": KEY_A1, "ExpressionAttributeNames": {"#n": "n"}},
        invalid("ExpressionAttributeNames can only be specified when using expressions")),
    "get_unused_name": (
        "get_item", {"Key": KEY_A1, "ProjectionExpression": "n",
                     "ExpressionAttributeNames": {"#n": "n"}},
        invalid("Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}")),
    "batch_get_attributes_to_get": (
        "batch_get_item", {"RequestItems": {TABLE: {"Keys": [KEY_A1],
                                                    "AttributesToGet": ["n"]}}},
        ("ok", {"Responses": {TABLE: [{"n": {"N": "5"}}]}})),
    "batch_get_projection_nested": (
        "batch_get_item", {"RequestItems": {TABLE: {"Keys": [KEY_A1],
                                                    "ProjectionExpression": "m.b"}}},
        ("ok", {"Responses": {TABLE: [{"m": {"M": {"b": {"S": "x"}}}}]}})),
}

# Where dynalite is not DynamoDB, and why.
DYNALITE_DIFFERS = {
    # DynamoDB refuses expressions over 4 KB (the developer guide's "Expression parameters"
    # limits); dynalite has no such check.
    "get_projection_too_long": "dynalite has no expression size limit",
    # API_Query.html, Select: ALL_PROJECTED_ATTRIBUTES is "allowed only when querying an index";
    # dynalite serves it as ALL_ATTRIBUTES.
    "query_all_projected_without_index": "dynalite takes ALL_PROJECTED_ATTRIBUTES anywhere",
    "query_specific_attributes_without_projection": "dynalite does not check Select against "
                                                    "the projection",
    "query_projection_with_all_attributes": "dynalite does not check Select against the "
                                            "projection",
    # dynalite tests `data.Segment && data.TotalSegments == null`: Segment 0 is falsy there.
    "scan_segment_without_total": "dynalite lets Segment 0 through without TotalSegments",
    # The developer guide ("Read consumption: Scan"): a strongly consistent Scan costs one read
    # unit per 4 KB read, an eventually consistent one half; dynalite charges half for both.
    "scan_consistent_capacity": "dynalite charges a consistent Scan as an eventual one",
    # The API reference (ConditionalOperator): with OR, "at least one of the conditions must
    # evaluate to true"; dynalite's matchesFilter stops at the first condition that fails.
    "scan_legacy_filter_or": "dynalite's OR stops at the first false condition",
}

MEMBERS = ("Items", "Item", "Count", "ScannedCount", "LastEvaluatedKey", "Responses",
           "ConsumedCapacity")


class ReadSuite:
    """The cases, against one endpoint."""

    def __init__(self, endpoint):
        self.client = local_server.boto3_client(endpoint)
        self.client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"},
                                  {"AttributeName": "c", "AttributeType": "N"}],
            KeySchema=[{"AttributeName": "p", "KeyType": "HASH"},
                       {"AttributeName": "c", "KeyType": "RANGE"}])
        self.client.get_waiter("table_exists").wait(TableName=TABLE,
                                                    WaiterConfig={"Delay": 0.2})
        for item in ITEMS:
            self.client.put_item(TableName=TABLE, Item=item)

    def run(self, operation, request):
        if operation != "batch_get_item":
            request = dict(request, TableName=TABLE)
        try:
            response = getattr(self.client, operation)(**request)
        except botocore.exceptions.ClientError as error:
            return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
        answer = {k: response[k] for k in MEMBERS if k in response}
        if operation == "scan" and "Items" in answer:
            # A Scan's order is the table's hash order, which DynamoDB does not promise.
            answer["Items"] = in_some_order(answer["Items"])
        return ("ok", answer)

    def scan_segments(self, total):
        """Every segment's items, scanned a page of one item at a time."""
        segments = []
        for segment in range(total):
            items, start = [], {}
            while True:
                page = self.client.scan(TableName=TABLE, Segment=segment, TotalSegments=total,
                                        Limit=1, **start)
                items += page["Items"]
                if "LastEvaluatedKey" not in page:
                    break
                start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
            segments.append(items)
        return segments


def in_some_order(items):
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def key_of(item):
    return (item["p"]["S"], item["c"]["N"])


class DynamoDbReads(unittest.TestCase):
    def check(self, endpoint, skip=()):
        suite = ReadSuite(endpoint)
        for name, (operation, request, expected) in CASES.items():
            if name in skip:
                continue
            if operation == "scan" and expected[0] == "ok" and "Items" in expected[1]:
                expected = ("ok", dict(expected[1], Items=in_some_order(expected[1]["Items"])))
            with self.subTest(case=name):
                self.assertEqual(suite.run(operation, request), expected)
        return suite

    def check_segments(self, suite):
        """A parallel scan's segments share the table out: each item in exactly one, and one
        partition's items all in the same one."""
        for total in (1, 2, 3):
            segments = suite.scan_segments(total)
            keys = sorted(key_of(i) for items in segments for i in items)
            self.assertEqual(keys, sorted(key_of(i) for i in ITEMS), total)
            for items in segments:
                partitions = {i["p"]["S"] for i in items}
                for other in segments:
                    if other is not items:
                        self.assertFalse(partitions & {i["p"]["S"] for i in other}, total)

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check_segments(self.check(server.endpoint))

    def test_dynalite_agrees_but_for_the_listed_differences(self):
        with local_server.Dynalite() as dynalite:
            self.check_segments(self.check(dynalite.endpoint, skip=DYNALITE_DIFFERS))


if __name__ == "__main__":
    local_server.run_tests(sys.modules[__name__])
