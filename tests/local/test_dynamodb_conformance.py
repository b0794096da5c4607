"""Conformance corpus: the same DynamoDB requests, valid and invalid, sent to dynalite (an
independent implementation, the oracle for messages) and to csv2ddb local. The HTTP status,
the error type and message, and the items returned must match.

Deliberate differences (and why), not compared:
  - __type prefix: we write com.amazonaws.dynamodb.v20120810#X for every error (one encoder
    shared with our client); dynalite writes com.amazon.coral.validate#/service# for some.
    Clients look only at what follows '#', which is compared.
  - Request ids, TableId, CreationDateTime: random or clock-dependent.
  - Auth and request framing: we check the signature before looking at the body (AWS does too);
    dynalite parses the body first. Not exercised here (every request here is well signed).
  - Scan order: DynamoDB scans in hash order of partition keys; dynalite and we each have our
    own order, so Scan items are compared as sets (Query order is compared exactly).
  - ResourceInUseException on CreateTable: dynalite sends no message; we send AWS's
    "Table already exists: NAME" (compared by type only).
  - DeleteItem with ReturnValues other than ALL_OLD/NONE: dynalite accepts it, DynamoDB and we
    refuse it (ValidationException); not in the corpus.
  - Secondary indexes, conditions, filters, UpdateItem: refused by us with a clear
    ValidationException (csv2ddb does not use them); not in the corpus.
  - BatchWriteItem with more than 25 requests in all, spread over tables (none over 25):
    DynamoDB refuses the call ("Too many items requested for the BatchWriteItem call", its 25
    is a limit of the call), dynalite checks 25 per table only and writes them. We answer as
    DynamoDB does; the cases marked "ours" check our answer and that dynalite still differs
    (so this list stays true).
  - A body over 16 MB: both answer 413; dynalite with an empty body, we with DynamoDB's JSON
    error (compared by status).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None

KEYS = [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "o", "KeyType": "RANGE"}]
DEFS = [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "o", "AttributeType": "N"}]


def put(a, o, **more):
    item = {"a": {"S": a}, "o": {"N": str(o)}}
    item.update(more)
    return {"PutRequest": {"Item": item}}


def table(name, keys=KEYS, defs=DEFS, **more):
    body = {"TableName": name, "KeySchema": keys, "AttributeDefinitions": defs,
            "BillingMode": "PAY_PER_REQUEST"}
    body.update(more)
    return body


def sixteen_mb_body(extra):
    """A BatchWriteItem of 25 items of 400 KB, padded with whitespace to 16 MiB + extra bytes."""
    body = json.dumps({"RequestItems": {"conf_hash": [
        {"PutRequest": {"Item": {"a": {"S": "big%02d" % n}, "big": {"S": "x" * 409590}}}}
        for n in range(25)]}}).encode()
    return body[:-1] + b" " * (16 * 1024 * 1024 + extra - len(body)) + body[-1:]


# (name, operation, body, how to compare). Order matters: later cases read earlier writes.
# A body given as bytes is sent as it is.
CORPUS = [
    # Tables.
    ("create", "CreateTable", table("conf"), "status"),
    ("create hash-only", "CreateTable", table("conf_hash", keys=KEYS[:1], defs=DEFS[:1]), "status"),
    ("create string range", "CreateTable",
     table("conf_s", defs=[DEFS[0], {"AttributeName": "o", "AttributeType": "S"}]), "status"),
    ("create again", "CreateTable", table("conf"), "type"),
    ("create no name", "CreateTable", {}, "error"),
    ("create short name", "CreateTable", table("ab"), "error"),
    ("create bad name", "CreateTable", table("a b c"), "error"),
    ("create bad billing", "CreateTable", table("conf2", BillingMode="FREE"), "error"),
    ("create no keys", "CreateTable", {"TableName": "conf2"}, "error"),
    ("create three keys", "CreateTable", table("conf2", keys=KEYS + KEYS[:1]), "error"),
    ("create bad key type", "CreateTable",
     table("conf2", keys=[{"AttributeName": "a", "KeyType": "SORT"}]), "error"),
    ("create bad attr type", "CreateTable",
     table("conf2", defs=[{"AttributeName": "a", "AttributeType": "X"}]), "error"),
    ("create undefined key", "CreateTable", table("conf2", defs=DEFS[:1]), "error"),
    ("create extra definition", "CreateTable", table("conf2", keys=KEYS[:1]), "error"),
    ("create range first", "CreateTable", table("conf2", keys=KEYS[::-1]), "error"),
    ("create same names", "CreateTable",
     table("conf2", keys=[KEYS[0], {"AttributeName": "a", "KeyType": "RANGE"}], defs=DEFS[:1]),
     "error"),
    ("create provisioned without throughput", "CreateTable",
     {"TableName": "conf2", "KeySchema": KEYS[:1], "AttributeDefinitions": DEFS[:1]}, "error"),
    ("create pay per request with throughput", "CreateTable",
     table("conf2", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}),
     "error"),
    ("create zero throughput", "CreateTable",
     {"TableName": "conf2", "KeySchema": KEYS[:1], "AttributeDefinitions": DEFS[:1],
      "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}}, "error"),
    ("create name is a number", "CreateTable", {"TableName": 5}, "error"),
    ("create keys not a list", "CreateTable", {"TableName": "conf2", "KeySchema": "a"}, "error"),
    ("describe missing", "DescribeTable", {"TableName": "nope"}, "error"),
    ("describe no name", "DescribeTable", {}, "error"),
    ("list tables", "ListTables", {}, "exact"),
    ("list tables limit", "ListTables", {"Limit": 1}, "exact"),
    ("list tables after", "ListTables", {"ExclusiveStartTableName": "conf"}, "exact"),
    ("list tables limit 0", "ListTables", {"Limit": 0}, "error"),
    ("list tables limit 101", "ListTables", {"Limit": 101}, "error"),
    # Writes.
    ("batch write", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", n) for n in (-3, -1.5, 0, 2, 10, 100)] +
                       [put("y", 1, v={"SS": ["b", "a"]}, m={"M": {"k": {"L": [{"N": "1e2"}]}}})]}},
     "exact"),
    ("batch write capacity", "BatchWriteItem",
     {"RequestItems": {"conf": [put("z", 1, big={"S": "x" * 1500}), put("z", 2)]},
      "ReturnConsumedCapacity": "TOTAL"}, "exact"),
    ("batch 26", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", n) for n in range(26)]}}, "error"),
    ("batch empty list", "BatchWriteItem", {"RequestItems": {"conf": []}}, "error"),
    ("batch no items", "BatchWriteItem", {"RequestItems": {}}, "error"),
    ("batch missing", "BatchWriteItem", {}, "error"),
    ("batch duplicate keys", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 1), put("x", "1.0")]}}, "error"),
    ("batch put and delete same key", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 1), {"DeleteRequest": {"Key": {
         "a": {"S": "x"}, "o": {"N": "1"}}}}]}}, "error"),
    ("batch missing range", "BatchWriteItem",
     {"RequestItems": {"conf": [{"PutRequest": {"Item": {"a": {"S": "x"}}}}]}}, "error"),
    ("batch key type", "BatchWriteItem",
     {"RequestItems": {"conf": [{"PutRequest": {"Item": {"a": {"N": "1"}, "o": {"N": "1"}}}}]}},
     "error"),
    ("batch empty key", "BatchWriteItem", {"RequestItems": {"conf": [put("", 1)]}}, "error"),
    ("batch bad number", "BatchWriteItem", {"RequestItems": {"conf": [put("x", "1x")]}}, "error"),
    ("batch too precise", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", "1" * 39)]}}, "error"),
    ("batch overflow", "BatchWriteItem", {"RequestItems": {"conf": [put("x", "1e126")]}}, "error"),
    ("batch underflow", "BatchWriteItem", {"RequestItems": {"conf": [put("x", "1e-131")]}},
     "error"),
    ("batch empty string set", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, s={"SS": []})]}}, "error"),
    ("batch empty number set", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, s={"NS": []})]}}, "error"),
    ("batch duplicate set", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, s={"SS": ["a", "a"]})]}}, "error"),
    ("batch null false", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, n={"NULL": False})]}}, "error"),
    ("batch two types", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, n={"S": "a", "N": "1"})]}}, "error"),
    ("batch empty value", "BatchWriteItem", {"RequestItems": {"conf": [put("x", 5, n={})]}},
     "error"),
    ("batch item too large", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 5, big={"S": "x" * 409600})]}}, "error"),
    ("batch hash key too large", "BatchWriteItem",
     {"RequestItems": {"conf_hash": [{"PutRequest": {"Item": {"a": {"S": "k" * 2049}}}}]}},
     "error"),
    ("batch no such table", "BatchWriteItem", {"RequestItems": {"nope": [put("x", 1)]}}, "error"),
    # 400 KB: an item of exactly 409,600 bytes (names and values: 1+1 + 3+409,595) is taken,
    # one byte more is not.
    ("batch item of 400 KB", "BatchWriteItem",
     {"RequestItems": {"conf_hash": [{"PutRequest": {"Item": {
         "a": {"S": "k"}, "big": {"S": "x" * 409595}}}}]}}, "exact"),
    ("batch item over 400 KB", "BatchWriteItem",
     {"RequestItems": {"conf_hash": [{"PutRequest": {"Item": {
         "a": {"S": "k"}, "big": {"S": "x" * 409596}}}}]}}, "error"),
    ("put item of 400 KB", "PutItem",
     {"TableName": "conf_hash", "Item": {"a": {"S": "p"}, "big": {"S": "x" * 409595}}}, "exact"),
    ("put item over 400 KB", "PutItem",
     {"TableName": "conf_hash", "Item": {"a": {"S": "p"}, "big": {"S": "x" * 409596}}}, "error"),
    # 16 MB: 25 items of 400 KB padded with JSON whitespace to exactly 16 MiB, and one byte
    # more.
    ("batch body of 16 MB", "BatchWriteItem", sixteen_mb_body(0), "exact"),
    ("batch body over 16 MB", "BatchWriteItem", sixteen_mb_body(1), "status"),
    ("batch 13 and 13 in two tables", "BatchWriteItem",
     {"RequestItems": {"conf": [put("t", n) for n in range(13)],
                       "conf_hash": [{"PutRequest": {"Item": {"a": {"S": "t%d" % n}}}}
                                     for n in range(13)]}},
     ("ours", 400, "ValidationException", "Too many items requested for the BatchWriteItem call")),
    ("batch delete what dynalite alone wrote", "BatchWriteItem",
     {"RequestItems": {"conf": [{"DeleteRequest": {"Key": {"a": {"S": "t"}, "o": {"N": "12"}}}}],
                       "conf_hash": [{"DeleteRequest": {"Key": {"a": {"S": "t%d" % n}}}}
                                     for n in range(13)]}}, "exact"),
    ("batch 25 in two tables", "BatchWriteItem",
     {"RequestItems": {"conf": [put("t", n) for n in range(12)],
                       "conf_hash": [{"PutRequest": {"Item": {"a": {"S": "t%d" % n}}}}
                                     for n in range(13)]}}, "exact"),
    ("batch short table name", "BatchWriteItem", {"RequestItems": {"ab": [put("x", 1)]}}, "error"),
    ("batch bad capacity mode", "BatchWriteItem",
     {"RequestItems": {"conf": [put("x", 1)]}, "ReturnConsumedCapacity": "ALL"}, "error"),
    ("put", "PutItem", {"TableName": "conf", "Item": put("w", 1)["PutRequest"]["Item"]}, "exact"),
    ("put all old", "PutItem",
     {"TableName": "conf", "Item": put("w", 1, v={"S": "new"})["PutRequest"]["Item"],
      "ReturnValues": "ALL_OLD"}, "exact"),
    ("put all new", "PutItem",
     {"TableName": "conf", "Item": put("w", 1)["PutRequest"]["Item"], "ReturnValues": "ALL_NEW"},
     "error"),
    ("put missing key", "PutItem", {"TableName": "conf", "Item": {"a": {"S": "w"}}}, "error"),
    ("put type mismatch", "PutItem",
     {"TableName": "conf", "Item": {"a": {"S": "w"}, "o": {"S": "1"}}}, "error"),
    ("put no table", "PutItem", {"TableName": "nope", "Item": put("w", 1)["PutRequest"]["Item"]},
     "error"),
    ("put no item", "PutItem", {"TableName": "conf"}, "error"),
    # Reads.
    ("get", "GetItem", {"TableName": "conf", "Key": {"a": {"S": "y"}, "o": {"N": "1"}}}, "exact"),
    ("get missing", "GetItem", {"TableName": "conf", "Key": {"a": {"S": "y"}, "o": {"N": "9"}}},
     "exact"),
    ("get capacity", "GetItem",
     {"TableName": "conf", "Key": {"a": {"S": "z"}, "o": {"N": "1"}},
      "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": True}, "exact"),
    ("get projection", "GetItem",
     {"TableName": "conf", "Key": {"a": {"S": "y"}, "o": {"N": "1"}},
      "ProjectionExpression": "#s, o", "ExpressionAttributeNames": {"#s": "v"}}, "exact"),
    ("get partial key", "GetItem", {"TableName": "conf", "Key": {"a": {"S": "y"}}}, "error"),
    ("get extra key", "GetItem",
     {"TableName": "conf", "Key": {"a": {"S": "y"}, "o": {"N": "1"}, "p": {"S": "z"}}}, "error"),
    ("get wrong type", "GetItem", {"TableName": "conf", "Key": {"a": {"S": "y"}, "o": {"S": "1"}}},
     "error"),
    ("get empty key", "GetItem", {"TableName": "conf", "Key": {"a": {"S": ""}, "o": {"N": "1"}}},
     "error"),
    ("batch get", "BatchGetItem",
     {"RequestItems": {"conf": {"Keys": [{"a": {"S": "x"}, "o": {"N": "2"}},
                                         {"a": {"S": "x"}, "o": {"N": "77"}}]}}}, "items"),
    ("batch get duplicates", "BatchGetItem",
     {"RequestItems": {"conf": {"Keys": [{"a": {"S": "x"}, "o": {"N": "2"}},
                                         {"a": {"S": "x"}, "o": {"N": "2.0"}}]}}}, "error"),
    ("batch get 101", "BatchGetItem",
     {"RequestItems": {"conf": {"Keys": [{"a": {"S": "x"}, "o": {"N": str(n)}}
                                         for n in range(101)]}}}, "error"),
    ("batch get 51 and 50 in two tables", "BatchGetItem",
     {"RequestItems": {"conf": {"Keys": [{"a": {"S": "x"}, "o": {"N": str(n)}}
                                         for n in range(51)]},
                       "conf_hash": {"Keys": [{"a": {"S": "t%d" % n}} for n in range(50)]}}},
     "error"),
    ("batch get 50 and 50 in two tables", "BatchGetItem",
     {"RequestItems": {"conf": {"Keys": [{"a": {"S": "x"}, "o": {"N": str(n)}}
                                         for n in range(50)]},
                       "conf_hash": {"Keys": [{"a": {"S": "t%d" % n}} for n in range(50)]}}},
     "items"),
    ("scan all", "Scan", {"TableName": "conf"}, "items"),
    ("scan count", "Scan", {"TableName": "conf", "Select": "COUNT"}, "exact"),
    ("scan limit 0", "Scan", {"TableName": "conf", "Limit": 0}, "error"),
    ("scan bad select", "Scan", {"TableName": "conf", "Select": "SOME"}, "error"),
    ("scan bad start key", "Scan",
     {"TableName": "conf", "ExclusiveStartKey": {"a": {"S": "x"}}}, "error"),
    ("scan no table", "Scan", {"TableName": "nope"}, "error"),
    ("query between", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o BETWEEN :l AND :h",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "-2"}, ":h": {"N": "10"}}},
     "exact"),
    ("query backwards", "Query",
     {"TableName": "conf", "KeyConditionExpression": "#a = :a AND #o < :h",
      "ExpressionAttributeNames": {"#a": "a", "#o": "o"},
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":h": {"N": "10"}},
      "ScanIndexForward": False}, "exact"),
    ("query page", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o >= :l", "Limit": 2,
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "-1.5"}}}, "exact"),
    ("query next page", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o >= :l", "Limit": 2,
      "ExclusiveStartKey": {"a": {"S": "x"}, "o": {"N": "0"}},
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "-1.5"}}}, "exact"),
    ("query hash only", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a",
      "ExpressionAttributeValues": {":a": {"S": "y"}}}, "exact"),
    ("query eq range", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o = :o",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":o": {"N": "100"}}}, "exact"),
    ("query count", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a", "Select": "COUNT",
      "ExpressionAttributeValues": {":a": {"S": "x"}}}, "exact"),
    ("query no condition", "Query", {"TableName": "conf"}, "error"),
    ("query missing hash", "Query",
     {"TableName": "conf", "KeyConditionExpression": "o = :o",
      "ExpressionAttributeValues": {":o": {"N": "1"}}}, "error"),
    ("query hash not equal", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a > :a",
      "ExpressionAttributeValues": {":a": {"S": "x"}}}, "error"),
    ("query type mismatch", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o = :o",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":o": {"S": "1"}}}, "error"),
    ("query empty values", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a", "ExpressionAttributeValues": {}},
     "error"),
    ("query empty names", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a", "ExpressionAttributeNames": {},
      "ExpressionAttributeValues": {":a": {"S": "x"}}}, "error"),
    ("query unused value", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :b",
      "ExpressionAttributeValues": {":b": {"S": "x"}, ":c": {"S": "y"}}}, "error"),
    ("query unused name", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :b",
      "ExpressionAttributeNames": {"#x": "x"}, "ExpressionAttributeValues": {":b": {"S": "x"}}},
     "error"),
    ("query undefined value", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a",
      "ExpressionAttributeValues": {":b": {"S": "x"}}}, "error"),
    ("query undefined name", "Query",
     {"TableName": "conf", "KeyConditionExpression": "#a = :b",
      "ExpressionAttributeValues": {":b": {"S": "x"}}}, "error"),
    ("query syntax error", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :b OR o = :b",
      "ExpressionAttributeValues": {":b": {"S": "x"}}}, "error"),
    ("query begins_with number", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND begins_with(o, :o)",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":o": {"N": "1"}}}, "error"),
    ("query less or equal", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o <= :h",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":h": {"N": "2"}}}, "exact"),
    ("query greater", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o > :l",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "2"}}}, "exact"),
    ("query between equal bounds", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o BETWEEN :l AND :h",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "10"}, ":h": {"N": "10.0"}}},
     "exact"),
    ("query between reversed", "Query",
     {"TableName": "conf", "KeyConditionExpression": "a = :a AND o BETWEEN :l AND :h",
      "ExpressionAttributeValues": {":a": {"S": "x"}, ":l": {"N": "10"}, ":h": {"N": "2"}}},
     "error"),
    ("string range items", "BatchWriteItem",
     {"RequestItems": {"conf_s": [
         {"PutRequest": {"Item": {"a": {"S": "s"}, "o": {"S": o}}}}
         for o in ("2024-01", "2024-01-15", "2024-02", "2024/01", "2023-12", "2024", "\u00e9t\u00e9",
                   "Z", "a")]}}, "exact"),
    ("query begins_with", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "a = :a AND begins_with(o, :p)",
      "ExpressionAttributeValues": {":a": {"S": "s"}, ":p": {"S": "2024-"}}}, "exact"),
    ("query begins_with backwards", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "a = :a AND begins_with(#o, :p)",
      "ExpressionAttributeNames": {"#o": "o"}, "ScanIndexForward": False,
      "ExpressionAttributeValues": {":a": {"S": "s"}, ":p": {"S": "2024"}}}, "exact"),
    ("query begins_with non-ascii", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "a = :a AND begins_with(o, :p)",
      "ExpressionAttributeValues": {":a": {"S": "s"}, ":p": {"S": "\u00e9"}}}, "exact"),
    ("query string between", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "a = :a AND o BETWEEN :l AND :h",
      "ExpressionAttributeValues": {":a": {"S": "s"}, ":l": {"S": "2024-01"}, ":h": {"S": "Z"}}},
     "exact"),
    ("query string less or equal", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "a = :a AND o <= :h",
      "ExpressionAttributeValues": {":a": {"S": "s"}, ":h": {"S": "2024-01"}}}, "exact"),
    ("query begins_with on hash key", "Query",
     {"TableName": "conf_s", "KeyConditionExpression": "begins_with(a, :a)",
      "ExpressionAttributeValues": {":a": {"S": "s"}}}, "error"),
    ("query begins_with on hash table", "Query",
     {"TableName": "conf_hash", "KeyConditionExpression": "a = :a",
      "ExpressionAttributeValues": {":a": {"S": "nothing"}}}, "exact"),
    # Deletes.
    ("delete", "DeleteItem",
     {"TableName": "conf", "Key": {"a": {"S": "x"}, "o": {"N": "-3"}}, "ReturnValues": "ALL_OLD"},
     "exact"),
    ("delete absent", "DeleteItem",
     {"TableName": "conf", "Key": {"a": {"S": "x"}, "o": {"N": "-3"}},
      "ReturnConsumedCapacity": "TOTAL"}, "exact"),
    ("batch delete", "BatchWriteItem",
     {"RequestItems": {"conf": [{"DeleteRequest": {"Key": {"a": {"S": "x"}, "o": {"N": "2"}}}}]}},
     "exact"),
    ("batch delete partial key", "BatchWriteItem",
     {"RequestItems": {"conf": [{"DeleteRequest": {"Key": {"a": {"S": "x"}}}}]}}, "error"),
    ("scan after deletes", "Scan", {"TableName": "conf"}, "items"),
    ("delete table", "DeleteTable", {"TableName": "conf_hash"}, "status"),
    ("delete table again", "DeleteTable", {"TableName": "conf_hash"}, "error"),
]


def normalize(body):
    """Drops what legitimately differs between two servers (see the module docstring)."""
    if isinstance(body, dict):
        return {k: normalize(v) for k, v in body.items()
                if k not in ("TableId", "CreationDateTime", "LastUpdateToPayPerRequestDateTime")}
    if isinstance(body, list):
        return [normalize(v) for v in body]
    return body


class ConformanceTest(unittest.TestCase):
    def test_corpus(self):
        data_dir = tempfile.mkdtemp(prefix="csv2ddb-conformance-")
        mismatches = []
        try:
            with local_server.Dynalite() as dynalite, \
                    local_server.LocalServer(CSV2DDB, data_dir) as ours:
                for name, operation, body, how in CORPUS:
                    raw = body if isinstance(body, bytes) else None
                    theirs = local_server.signed_dynamodb_request(dynalite.port, operation, body,
                                                                  raw_payload=raw)
                    mine = local_server.signed_dynamodb_request(ours.port, operation, body,
                                                                raw_payload=raw)
                    problem = compare(how, theirs, mine)
                    if problem:
                        mismatches.append("%s (%s): %s" % (name, operation, problem))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))


def compare(how, theirs, mine):
    (their_status, their_body), (my_status, my_body) = theirs, mine
    if isinstance(how, tuple):  # ("ours", status, type, message): a deliberate difference
        _, status, error, message = how
        if (my_status, local_server.error_type(my_body or {}),
                local_server.error_message(my_body or {})) != (status, error, message):
            return "ours %d %s, expected %d %s %s" % (my_status, json.dumps(my_body)[:300],
                                                       status, error, message)
        if their_status == status:
            return "dynalite now answers %d too: drop this deliberate difference" % status
        return None
    if their_status != my_status:
        return "status %d vs ours %d; dynalite %s; ours %s" % (
            their_status, my_status, json.dumps(their_body)[:300], json.dumps(my_body)[:300])
    if how == "status":
        return None
    if their_status != 200:
        their = (local_server.error_type(their_body), local_server.error_message(their_body))
        mine_ = (local_server.error_type(my_body), local_server.error_message(my_body))
        if their[0] != mine_[0] or (how != "type" and (their[1] or "") != (mine_[1] or "")):
            return "dynalite %r\n    ours     %r" % (their, mine_)
        return None
    if how == "items":
        key = lambda item: json.dumps(item, sort_keys=True)  # noqa: E731
        if sorted(their_body.get("Items", []), key=key) != sorted(my_body.get("Items", []),
                                                                   key=key):
            return "items differ:\n    dynalite %s\n    ours     %s" % (
                json.dumps(their_body)[:500], json.dumps(my_body)[:500])
        if their_body.get("Count") != my_body.get("Count"):
            return "count %s vs %s" % (their_body.get("Count"), my_body.get("Count"))
        if "Responses" in their_body:
            for table, items in their_body["Responses"].items():
                if sorted(items, key=key) != sorted(my_body["Responses"].get(table, []), key=key):
                    return "responses differ: %s vs %s" % (their_body, my_body)
        return None
    if normalize(their_body) != normalize(my_body):
        return "dynalite %s\n    ours     %s" % (json.dumps(normalize(their_body))[:500],
                                                  json.dumps(normalize(my_body))[:500])
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
