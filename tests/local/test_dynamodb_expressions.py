"""Condition and update expressions on PutItem, UpdateItem and DeleteItem, with boto3, against
`csv2ddb local` and, on the same requests, against dynalite (an independent implementation with
DynamoDB's messages). Each case states what DynamoDB answers: the item the table then holds and
the attributes returned, or the error type and message. csv2ddb local must answer exactly that;
dynalite too, but for the differences listed in DYNALITE_DIFFERS with the reason for each.

Written as a suite that could run against real DynamoDB: no csv2ddb internals."""
import argparse
import os
import sys
import tempfile
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
TABLE = "expr_offers"
KEY = {"k": {"S": "a"}}
STORED = {"k": {"S": "a"}, "n": {"N": "5"}, "s": {"S": "hello"}, "tags": {"SS": ["x", "y"]},
          "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}, "m": {"M": {"in": {"S": "v"}}}}

# name: (operation, request without TableName, expected). Expected is ("ok", item after,
# returned attributes or None) or ("error", type, message). Every case starts from STORED.
CASES = {
    "update_set_and_arithmetic": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET n = n + :one, #new = :v",
         "ExpressionAttributeNames": {"#new": "fresh"},
         "ExpressionAttributeValues": {":one": {"N": "1.5"}, ":v": {"S": "x"}},
         "ReturnValues": "UPDATED_NEW"},
        ("ok", dict(STORED, n={"N": "6.5"}, fresh={"S": "x"}),
         {"n": {"N": "6.5"}, "fresh": {"S": "x"}})),
    "update_keeps_untouched_attributes": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET s = :v", "ExpressionAttributeValues": {":v": {"S": "y"}},
         "ReturnValues": "UPDATED_OLD"},
        ("ok", dict(STORED, s={"S": "y"}), {"s": {"S": "hello"}})),
    "update_remove_list_elements": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "REMOVE l[0], l[2], m.#in",
         "ExpressionAttributeNames": {"#in": "in"}, "ReturnValues": "ALL_NEW"},
        ("ok", dict(STORED, l={"L": [{"N": "2"}]}, m={"M": {}}),
         dict(STORED, l={"L": [{"N": "2"}]}, m={"M": {}}))),
    "update_add_to_set_and_number": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "ADD tags :more, c :one",
         "ExpressionAttributeValues": {":more": {"SS": ["z"]}, ":one": {"N": "1"}}},
        ("ok", dict(STORED, tags={"SS": ["x", "y", "z"]}, c={"N": "1"}), None)),
    "update_delete_from_set": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "DELETE tags :gone",
         "ExpressionAttributeValues": {":gone": {"SS": ["x", "y"]}}},
        ("ok", {k: v for k, v in STORED.items() if k != "tags"}, None)),
    "update_one_path_twice": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "ADD tags :more, c :one DELETE tags :gone",
         "ExpressionAttributeValues": {":more": {"SS": ["z"]}, ":one": {"N": "1"},
                                       ":gone": {"SS": ["x"]}}},
        ("error", "ValidationException",
         "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
         "rewrite one of these paths; path one: [tags], path two: [tags]")),
    "update_list_append_if_not_exists": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET l = list_append(l, :tail), c = if_not_exists(c, :zero)",
         "ExpressionAttributeValues": {":tail": {"L": [{"N": "4"}]}, ":zero": {"N": "0"}}},
        ("ok", dict(STORED, l={"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]},
                    c={"N": "0"}), None)),
    "update_key_attribute": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET k = :v", "ExpressionAttributeValues": {":v": {"S": "b"}}},
        ("error", "ValidationException",
         "One or more parameter values were invalid: Cannot update attribute k. This attribute is "
         "part of the key")),
    "update_condition_fails": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET s = :v", "ConditionExpression": "n > :big",
         "ExpressionAttributeValues": {":v": {"S": "y"}, ":big": {"N": "10"}}},
        ("error", "ConditionalCheckFailedException", "The conditional request failed")),
    "update_wrong_operand_type": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET n = s + :one",
         "ExpressionAttributeValues": {":one": {"N": "1"}}},
        ("error", "ValidationException",
         "An operand in the update expression has an incorrect data type")),
    "update_invalid_document_path": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET nothere.x = :v",
         "ExpressionAttributeValues": {":v": {"S": "y"}}},
        ("error", "ValidationException",
         "The document path provided in the update expression is invalid for update")),
    "update_unused_value": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET s = :v",
         "ExpressionAttributeValues": {":v": {"S": "y"}, ":w": {"S": "z"}}},
        ("error", "ValidationException",
         "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}")),
    "update_undefined_name": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET #x = :v", "ExpressionAttributeValues": {":v": {"S": "y"}}},
        ("error", "ValidationException",
         "Invalid UpdateExpression: An expression attribute name used in the document path is not "
         "defined; attribute name: #x")),
    "update_reserved_word": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET name = :v", "ExpressionAttributeValues": {":v": {"S": "y"}}},
        ("error", "ValidationException",
         "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name")),
    "update_section_twice": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET s = :v SET n = :v",
         "ExpressionAttributeValues": {":v": {"S": "y"}}},
        ("error", "ValidationException",
         "Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
         "expression;")),
    "update_syntax_error": (
        "update_item",
        {"Key": KEY, "UpdateExpression": "SET"},
        ("error", "ValidationException",
         "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\"")),
    "update_values_without_expressions": (
        "update_item",
        {"Key": KEY, "ExpressionAttributeValues": {":v": {"S": "y"}}},
        ("error", "ValidationException",
         "ExpressionAttributeValues can only be specified when using expressions: "
         "UpdateExpression and ConditionExpression are null")),
    "update_creates_absent_item": (
        "update_item",
        {"Key": {"k": {"S": "new"}}, "UpdateExpression": "ADD c :one",
         "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "ALL_NEW"},
        ("ok", None, {"k": {"S": "new"}, "c": {"N": "1"}})),
    "put_if_absent_conflicts": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(k)"},
        ("error", "ConditionalCheckFailedException", "The conditional request failed")),
    "put_only_if_newer": (
        "put_item",
        {"Item": {"k": {"S": "a"}, "n": {"N": "7"}},
         "ConditionExpression": "attribute_not_exists(k) OR n < :n",
         "ExpressionAttributeValues": {":n": {"N": "7"}}, "ReturnValues": "ALL_OLD"},
        ("ok", {"k": {"S": "a"}, "n": {"N": "7"}}, STORED)),
    "put_condition_functions": (
        "put_item",
        {"Item": {"k": {"S": "a"}},
         "ConditionExpression": "begins_with(s, :p) AND contains(tags, :t) AND size(l) = :three "
                                "AND attribute_type(m, :map) AND m.#in IN (:v, :w) "
                                "AND n BETWEEN :low AND :high",
         "ExpressionAttributeNames": {"#in": "in"},
         "ExpressionAttributeValues": {":p": {"S": "he"}, ":t": {"S": "y"}, ":three": {"N": "3"},
                                       ":map": {"S": "M"}, ":v": {"S": "v"}, ":w": {"S": "w"},
                                       ":low": {"N": "5"}, ":high": {"N": "6"}}},
        ("ok", {"k": {"S": "a"}}, None)),
    "put_redundant_parentheses": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ConditionExpression": "((n = :n))",
         "ExpressionAttributeValues": {":n": {"N": "5"}}},
        ("error", "ValidationException",
         "Invalid ConditionExpression: The expression has redundant parentheses;")),
    "put_unknown_function": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ConditionExpression": "exists(n)"},
        ("error", "ValidationException",
         "Invalid ConditionExpression: Invalid function name; function: exists")),
    "put_wrong_arity": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ConditionExpression": "begins_with(s)"},
        ("error", "ValidationException",
         "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
         "operator or function: begins_with, number of operands: 1")),
    "put_names_without_expressions": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ExpressionAttributeNames": {"#a": "a"}},
        ("error", "ValidationException",
         "ExpressionAttributeNames can only be specified when using expressions")),
    "put_empty_condition": (
        "put_item",
        {"Item": {"k": {"S": "a"}}, "ConditionExpression": ""},
        ("error", "ValidationException",
         "Invalid ConditionExpression: The expression can not be empty;")),
    "delete_condition_holds": (
        "delete_item",
        {"Key": KEY, "ConditionExpression": "attribute_exists(n) AND NOT s = :x",
         "ExpressionAttributeValues": {":x": {"S": "x"}}, "ReturnValues": "ALL_OLD"},
        ("ok", None, STORED)),
    "delete_condition_fails": (
        "delete_item",
        {"Key": KEY, "ConditionExpression": "n <> :five", "ExpressionAttributeValues": {":five": {"N": "5"}}},
        ("error", "ConditionalCheckFailedException", "The conditional request failed")),
    "put_legacy_expected_absent": (
        "put_item",
        {"Item": STORED, "Expected": {"k": {"Exists": False}}},
        ("error", "ConditionalCheckFailedException", "The conditional request failed")),
    "put_legacy_expected_value": (
        "put_item",
        {"Item": dict(STORED, n={"N": "6"}), "Expected": {"n": {"Value": {"N": "5"}}},
         "ReturnValues": "ALL_OLD"},
        ("ok", dict(STORED, n={"N": "6"}), STORED)),
    "update_legacy_attribute_updates": (
        "update_item",
        {"Key": KEY, "AttributeUpdates": {
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "PUT", "Value": {"S": "z"}},
            "tags": {"Action": "DELETE", "Value": {"SS": ["x"]}},
            "m": {"Action": "DELETE"},
            "l": {"Action": "ADD", "Value": {"L": [{"N": "4"}]}}},
         "ReturnValues": "UPDATED_NEW"},
        ("ok", {"k": {"S": "a"}, "n": {"N": "7"}, "s": {"S": "z"}, "tags": {"SS": ["y"]},
                "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]}},
         {"n": {"N": "7"}, "s": {"S": "z"}, "tags": {"SS": ["y"]},
          "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]}})),
    "update_legacy_expected_or": (
        "update_item",
        {"Key": KEY, "AttributeUpdates": {"s": {"Action": "PUT", "Value": {"S": "q"}}},
         "Expected": {"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "9"}]},
                      "s": {"ComparisonOperator": "BEGINS_WITH",
                            "AttributeValueList": [{"S": "he"}]}},
         "ConditionalOperator": "OR"},
        ("ok", dict(STORED, s={"S": "q"}), None)),
    "update_legacy_put_without_value": (
        "update_item",
        {"Key": KEY, "AttributeUpdates": {"s": {"Action": "PUT"}}},
        ("error", "ValidationException", "One or more parameter values were invalid: Only DELETE "
         "action is allowed when no attribute value is specified")),
    "update_legacy_and_expression": (
        "update_item",
        {"Key": KEY, "AttributeUpdates": {"s": {"Action": "PUT", "Value": {"S": "q"}}},
         "UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
        ("error", "ValidationException", "Can not use both expression and non-expression "
         "parameters in the same request: Non-expression parameters: {AttributeUpdates} "
         "Expression parameters: {UpdateExpression}")),
    "delete_legacy_expected_fails": (
        "delete_item",
        {"Key": KEY, "Expected": {"n": {"ComparisonOperator": "GT",
                                        "AttributeValueList": [{"N": "9"}]}}},
        ("error", "ConditionalCheckFailedException", "The conditional request failed")),
}

# Where dynalite is not DynamoDB, and why.
DYNALITE_DIFFERS = {
    # dynalite's PEG parser words syntax errors its own way ("Expected ... but end of input
    # found"); DynamoDB names the token and the text near it.
    "update_syntax_error": "dynalite words syntax errors as PEG.js does",
    # DynamoDB's developer guide ("Removing elements from a list"): REMOVE l[1], l[2] removes the
    # elements at those positions of the list as it was. dynalite removes them one after the
    # other from the shrinking list, so the second position has moved.
    "update_remove_list_elements": "dynalite removes list elements from the shrinking list",
    # The API reference (ConditionalOperator): with OR, "at least one of the conditions must
    # evaluate to true". dynalite's matchesFilter returns false at the first condition that
    # fails, so OR behaves as AND unless the first condition holds.
    "update_legacy_expected_or": "dynalite's OR stops at the first false condition",
}


class ExpressionSuite:
    """The cases, against one endpoint."""

    def __init__(self, endpoint):
        self.client = local_server.boto3_client(endpoint)
        self.client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])

    def run(self, operation, request):
        self.client.put_item(TableName=TABLE, Item=STORED)
        self.client.delete_item(TableName=TABLE, Key={"k": {"S": "new"}})
        try:
            response = getattr(self.client, operation)(TableName=TABLE, **request)
        except botocore.exceptions.ClientError as error:
            return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
        key = request.get("Key", {"k": request.get("Item", {}).get("k")})
        stored = self.client.get_item(TableName=TABLE, Key=KEY).get("Item")
        if key != KEY:
            return ("ok", None, response.get("Attributes"))
        return ("ok", stored, response.get("Attributes"))


class DynamoDbExpressions(unittest.TestCase):
    def check(self, endpoint, skip=()):
        suite = ExpressionSuite(endpoint)
        for name, (operation, request, expected) in CASES.items():
            if name in skip:
                continue
            with self.subTest(case=name):
                self.assertEqual(suite.run(operation, request), expected)

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check(server.endpoint)

    def test_dynalite_agrees_but_for_the_listed_differences(self):
        with local_server.Dynalite() as dynalite:
            self.check(dynalite.endpoint, skip=DYNALITE_DIFFERS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
