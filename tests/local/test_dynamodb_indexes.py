"""Secondary indexes with boto3: CreateTable with global and local secondary indexes, Query and
Scan of an index with its projection and paging, and DynamoDB's write-time validation of index
keys, against `csv2ddb local` and, the same calls, against dynalite (an independent
implementation with DynamoDB's messages). Each case states what DynamoDB answers; csv2ddb local
must answer exactly that, dynalite too but for the differences in DYNALITE_DIFFERS, each with the
reason. Then the engine on a table with an index: `csv2ddb ingest` splits a batch DynamoDB
refuses for one bad index key until the bad rows stand alone, rejects them with DynamoDB's
reason, and writes the rest.

Written as a suite that could run against real DynamoDB: no csv2ddb internals."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import local_server  # noqa: E402

CSV2DDB = None
TABLE = "idx_offers"


def s(text):
    return {"S": text}


def n(text):
    return {"N": text}


A1 = {"account": s("a"), "offer": s("1"), "category": s("book"), "price": n("5"), "name": s("x"),
      "date": s("2024-01"), "extra": s("e")}
A2 = {"account": s("a"), "offer": s("2"), "category": s("book"), "price": n("3"), "name": s("y"),
      "date": s("2024-03")}
A3 = {"account": s("a"), "offer": s("3"), "category": s("toy"), "price": n("9")}
B1 = {"account": s("b"), "offer": s("1"), "category": s("book"), "price": n("7"),
      "date": s("2024-02")}
B2 = {"account": s("b"), "offer": s("2")}
ITEMS = [A1, A2, A3, B1, B2]


def keep(item, names):
    return {k: v for k, v in item.items() if k in names}


def in_gsi(item):  # INCLUDE name: the table's and the index's keys, and name
    return keep(item, ("account", "offer", "category", "price", "name"))


def in_lsi(item):  # KEYS_ONLY
    return keep(item, ("account", "offer", "date"))


def invalid(message):
    return ("error", "ValidationException", message)


BOOKS = {":c": s("book")}

# name: (operation, request without TableName, expected): ("ok", {member: value}) or
# ("error", type, message).
CASES = {
    "query_gsi_in_price_order": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS},
        ("ok", {"Items": [in_gsi(A2), in_gsi(A1), in_gsi(B1)], "Count": 3, "ScannedCount": 3})),
    "query_gsi_backward_with_range": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c AND price > :p",
                  "ExpressionAttributeValues": dict(BOOKS, **{":p": n("4")}),
                  "ScanIndexForward": False},
        ("ok", {"Items": [in_gsi(B1), in_gsi(A1)], "Count": 2, "ScannedCount": 2})),
    "query_gsi_first_page": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS, "Limit": 2},
        ("ok", {"Items": [in_gsi(A2), in_gsi(A1)], "Count": 2, "ScannedCount": 2,
                "LastEvaluatedKey": keep(A1, ("account", "offer", "category", "price"))})),
    "query_gsi_next_page": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS, "Limit": 2,
                  "ExclusiveStartKey": keep(A1, ("account", "offer", "category", "price"))},
        ("ok", {"Items": [in_gsi(B1)], "Count": 1, "ScannedCount": 1})),
    "query_gsi_projection_expression": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS, "ProjectionExpression": "price, #n",
                  "ExpressionAttributeNames": {"#n": "name"}},
        ("ok", {"Items": [keep(A2, ("price", "name")), keep(A1, ("price", "name")),
                          keep(B1, ("price",))], "Count": 3, "ScannedCount": 3})),
    "query_lsi_keys_only": (
        "query", {"IndexName": "by_date",
                  "KeyConditionExpression": "account = :a AND begins_with(#d, :y)",
                  "ExpressionAttributeNames": {"#d": "date"},
                  "ExpressionAttributeValues": {":a": s("a"), ":y": s("2024")}},
        ("ok", {"Items": [in_lsi(A1), in_lsi(A2)], "Count": 2, "ScannedCount": 2})),
    "query_lsi_all_attributes": (
        "query", {"IndexName": "by_date", "KeyConditionExpression": "account = :a",
                  "ExpressionAttributeValues": {":a": s("b")}, "Select": "ALL_ATTRIBUTES"},
        ("ok", {"Items": [B1], "Count": 1, "ScannedCount": 1})),
    "query_gsi_all_attributes": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS, "Select": "ALL_ATTRIBUTES"},
        invalid("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                "supported for global secondary index by_price because its projection type is "
                "not ALL")),
    "query_gsi_consistent": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS, "ConsistentRead": True},
        invalid("Consistent reads are not supported on global secondary indexes")),
    "query_unknown_index": (
        "query", {"IndexName": "nope", "KeyConditionExpression": "category = :c",
                  "ExpressionAttributeValues": BOOKS},
        invalid("The table does not have the specified index: nope")),
    "query_gsi_by_the_table_key": (
        "query", {"IndexName": "by_price", "KeyConditionExpression": "account = :a",
                  "ExpressionAttributeValues": {":a": s("a")}},
        invalid("Query condition missed key schema element: category")),
    "scan_gsi_holds_only_items_with_its_keys": (
        "scan", {"IndexName": "by_price"},
        ("ok", {"Items": [in_gsi(A1), in_gsi(A2), in_gsi(A3), in_gsi(B1)], "Count": 4,
                "ScannedCount": 4})),
    "put_index_key_of_the_wrong_type": (
        "put_item", {"Item": dict(B2, price=s("cheap"), category=s("toy"))},
        invalid("One or more parameter values were invalid: Type mismatch for Index Key price "
                "Expected: N Actual: S IndexName: by_price")),
    "put_empty_index_key": (
        "put_item", {"Item": dict(B2, category=s(""))},
        invalid("One or more parameter values are not valid. A value specified for a secondary "
                "index key is not supported. The AttributeValue for a key attribute cannot "
                "contain an empty string value. IndexName: by_price, IndexKey: category")),
    "update_to_a_wrong_index_key": (
        "update_item", {"Key": keep(A3, ("account", "offer")), "UpdateExpression": "SET price = :p",
                        "ExpressionAttributeValues": {":p": s("nine")}},
        invalid("One or more parameter values were invalid: Type mismatch for Index Key price "
                "Expected: N Actual: S IndexName: by_price")),
    "batch_with_one_bad_index_key": (
        "batch_write_item", {"RequestItems": {TABLE: [
            {"PutRequest": {"Item": {"account": s("c"), "offer": s("1")}}},
            {"PutRequest": {"Item": {"account": s("c"), "offer": s("2"), "date": n("2024")}}}]}},
        invalid("One or more parameter values were invalid: Type mismatch for Index Key date "
                "Expected: S Actual: N IndexName: by_date")),
}

# CreateTable refusals: (request, message).
CREATE_CASES = {
    "lsi_with_another_hash_key": (
        {"AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"},
                                  {"AttributeName": "r", "AttributeType": "S"},
                                  {"AttributeName": "x", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"},
                       {"AttributeName": "r", "KeyType": "RANGE"}],
         "LocalSecondaryIndexes": [{"IndexName": "lsi1",
                                    "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"},
                                                  {"AttributeName": "r", "KeyType": "RANGE"}],
                                    "Projection": {"ProjectionType": "ALL"}}]},
        "One or more parameter values were invalid: Index KeySchema does not have the same "
        "leading hash key as table KeySchema for index: lsi1. index hash key: x, table hash key: h"),
    "gsi_key_not_defined": (
        {"AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
         "GlobalSecondaryIndexes": [{"IndexName": "gsi1",
                                     "KeySchema": [{"AttributeName": "y", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}]},
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [y], AttributeDefinitions: [h]"),
    "include_without_include": (
        {"AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"},
                                  {"AttributeName": "y", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}],
         "GlobalSecondaryIndexes": [{"IndexName": "gsi1",
                                     "KeySchema": [{"AttributeName": "y", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY",
                                                    "NonKeyAttributes": ["z"]}}]},
        "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but "
        "NonKeyAttributes is specified"),
}

# Where dynalite is not DynamoDB, and why.
DYNALITE_DIFFERS = {
    # DynamoDB refuses an empty string for a secondary index key (since empty strings became
    # valid attribute values in 2020); dynalite checks only the type.
    "put_empty_index_key": "dynalite takes an empty string as an index key",
}


def create(client, extra=None, name=TABLE):
    request = {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": t} for a, t in (
            ("account", "S"), ("offer", "S"), ("category", "S"), ("price", "N"), ("date", "S"))],
        "KeySchema": [{"AttributeName": "account", "KeyType": "HASH"},
                      {"AttributeName": "offer", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": "by_price",
            "KeySchema": [{"AttributeName": "category", "KeyType": "HASH"},
                          {"AttributeName": "price", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}}],
        "LocalSecondaryIndexes": [{
            "IndexName": "by_date",
            "KeySchema": [{"AttributeName": "account", "KeyType": "HASH"},
                          {"AttributeName": "date", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}]}
    request.update(extra or {})
    client.create_table(**request)
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2})


class Suite:
    def __init__(self, endpoint):
        self.client = local_server.boto3_client(endpoint)
        create(self.client)
        for item in ITEMS:
            self.client.put_item(TableName=TABLE, Item=item)

    def run(self, operation, request):
        if operation != "batch_write_item":
            request = dict(request, TableName=TABLE)
        try:
            response = getattr(self.client, operation)(**request)
        except botocore.exceptions.ClientError as error:
            return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
        answer = {k: response[k] for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")
                  if k in response}
        if operation == "scan":
            answer["Items"] = sorted(answer["Items"], key=lambda i: json.dumps(i, sort_keys=True))
        return ("ok", answer)

    def describe(self):
        table = self.client.describe_table(TableName=TABLE)["Table"]
        return ([(i["IndexName"], [k["AttributeName"] for k in i["KeySchema"]],
                  i["Projection"]) for i in table["GlobalSecondaryIndexes"]],
                [(i["IndexName"], [k["AttributeName"] for k in i["KeySchema"]],
                  i["Projection"]) for i in table["LocalSecondaryIndexes"]])

    def create_error(self, request):
        try:
            self.client.create_table(TableName="idx_refused", BillingMode="PAY_PER_REQUEST",
                                     **request)
        except botocore.exceptions.ClientError as error:
            return error.response["Error"]["Message"]
        return "created"


class DynamoDbIndexes(unittest.TestCase):
    def check(self, endpoint, skip=()):
        suite = Suite(endpoint)
        with self.subTest(case="describe"):
            self.assertEqual(suite.describe(), (
                [("by_price", ["category", "price"],
                  {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]})],
                [("by_date", ["account", "date"], {"ProjectionType": "KEYS_ONLY"})]))
        for name, (operation, request, expected) in CASES.items():
            if name in skip:
                continue
            with self.subTest(case=name):
                if operation == "scan":
                    expected = ("ok", dict(expected[1], Items=sorted(
                        expected[1]["Items"], key=lambda i: json.dumps(i, sort_keys=True))))
                self.assertEqual(suite.run(operation, request), expected)
        for name, (request, message) in CREATE_CASES.items():
            with self.subTest(case=name):
                self.assertEqual(suite.create_error(request), message)

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check(server.endpoint)

    def test_dynalite_agrees_but_for_the_listed_differences(self):
        with local_server.Dynalite() as dynalite:
            self.check(dynalite.endpoint, skip=DYNALITE_DIFFERS)

    def test_ingest_rejects_the_rows_with_a_bad_index_key(self):
        """A price that is not a number is a string under --types infer: DynamoDB refuses the
        batch that holds it; csv2ddb ingest splits the batch until the bad rows stand alone,
        rejects each with DynamoDB's reason and its line, and writes every other row."""
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            client = local_server.boto3_client(server.endpoint)
            create(client, name="idx_ingest")
            path = os.path.join(data, "offers.csv")
            bad_lines = set()
            with open(path, "w") as f:
                f.write("account,offer,category,price\n")
                for i in range(200):
                    price = "n/a" if i % 37 == 5 else str(i)
                    if price == "n/a":
                        bad_lines.add(i + 2)
                    f.write("acc%d,o%d,cat%d,%s\n" % (i % 3, i, i % 4, price))
            done = subprocess.run(
                [CSV2DDB, "ingest", path, "--table", "idx_ingest", "--types", "infer",
                 "--endpoint-url", server.endpoint, "--rejected",
                 os.path.join(data, "rejected.jsonl")],
                capture_output=True, text=True, env=local_server_env(), cwd=data, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            report = json.loads(done.stdout)
            self.assertEqual((report["rows_written"], report["rows_rejected"]),
                             (200 - len(bad_lines), len(bad_lines)))
            with open(os.path.join(data, "rejected.jsonl")) as f:
                rejected = [json.loads(line) for line in f]
            self.assertEqual({r["line"] for r in rejected}, bad_lines)
            for r in rejected:
                self.assertEqual(r["reason"], "ValidationException: One or more parameter values "
                                 "were invalid: Type mismatch for Index Key price Expected: N "
                                 "Actual: S IndexName: by_price")
            count = client.scan(TableName="idx_ingest", Select="COUNT")["Count"]
            self.assertEqual(count, 200 - len(bad_lines))


TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Offers:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: idx_from_template
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      AttributeDefinitions:
        - {AttributeName: account, AttributeType: S}
        - {AttributeName: category, AttributeType: S}
      KeySchema:
        - {AttributeName: account, KeyType: HASH}
      GlobalSecondaryIndexes:
        - IndexName: by_category
          KeySchema:
            - {AttributeName: category, KeyType: HASH}
          Projection: {ProjectionType: KEYS_ONLY}
          ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 3}
"""


class IndexesFromATemplate(unittest.TestCase):
    def test_update_table_creates_updates_and_deletes_a_global_index(self):
        """GlobalSecondaryIndexUpdates on an existing table (csv2ddb local only: dynalite does not
        create or delete indexes): the new index is described, queried and enforced on writes;
        DynamoDB's refusals, exactly; a delete drops the index and the definitions it alone
        used."""
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            client = local_server.boto3_client(server.endpoint)
            client.create_table(
                TableName="grow", BillingMode="PROVISIONED",
                ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}])
            for account, category in (("a", "book"), ("b", "toy"), ("c", "book")):
                client.put_item(TableName="grow",
                                Item={"account": s(account), "category": s(category)})

            def update(**request):
                try:
                    return client.update_table(TableName="grow", **request)["TableDescription"]
                except botocore.exceptions.ClientError as error:
                    return (error.response["Error"]["Code"], error.response["Error"]["Message"])

            create = {"IndexName": "by_category",
                      "KeySchema": [{"AttributeName": "category", "KeyType": "HASH"}],
                      "Projection": {"ProjectionType": "KEYS_ONLY"},
                      "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}}
            category = [{"AttributeName": "category", "AttributeType": "S"}]
            self.assertEqual(
                update(AttributeDefinitions=category, GlobalSecondaryIndexUpdates=[
                    {"Create": {k: v for k, v in create.items() if k != "ProvisionedThroughput"}}]),
                ("ValidationException", "One or more parameter values were invalid: "
                 "ProvisionedThroughput is not specified for index: by_category"))
            self.assertEqual(
                update(GlobalSecondaryIndexUpdates=[{"Create": create}]),
                ("ValidationException", "One or more parameter values were invalid: Some index "
                 "key attributes are not defined in AttributeDefinitions. Keys: [category], "
                 "AttributeDefinitions: [account]"))
            self.assertEqual(
                update(AttributeDefinitions=category, GlobalSecondaryIndexUpdates=[
                    {"Create": create}, {"Create": dict(create, IndexName="other")}]),
                ("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can "
                 "be created or deleted simultaneously per table"))
            described = update(AttributeDefinitions=category,
                               GlobalSecondaryIndexUpdates=[{"Create": create}])
            self.assertEqual([i["IndexName"] for i in described["GlobalSecondaryIndexes"]],
                             ["by_category"])
            self.assertEqual(
                update(AttributeDefinitions=category,
                       GlobalSecondaryIndexUpdates=[{"Create": create}]),
                ("ValidationException", "One or more parameter values were invalid: Index with "
                 "name by_category already exists on table grow"))
            items = client.query(TableName="grow", IndexName="by_category",
                                 KeyConditionExpression="category = :c",
                                 ExpressionAttributeValues={":c": s("book")})["Items"]
            self.assertEqual(sorted(i["account"]["S"] for i in items), ["a", "c"])
            with self.assertRaises(botocore.exceptions.ClientError) as refused:
                client.put_item(TableName="grow", Item={"account": s("d"), "category": n("1")})
            self.assertEqual(refused.exception.response["Error"]["Message"],
                             "One or more parameter values were invalid: Type mismatch for "
                             "Index Key category Expected: S Actual: N IndexName: by_category")
            update(GlobalSecondaryIndexUpdates=[{"Update": {
                "IndexName": "by_category",
                "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 8}}}])
            index = client.describe_table(TableName="grow")["Table"]["GlobalSecondaryIndexes"][0]
            self.assertEqual((index["ProvisionedThroughput"]["ReadCapacityUnits"],
                              index["ProvisionedThroughput"]["WriteCapacityUnits"]), (7, 8))
            self.assertEqual(
                update(GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}]),
                ("ResourceNotFoundException",
                 "Requested resource not found: Index: nope not found in table grow"))
            update(GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_category"}}])
            table = client.describe_table(TableName="grow")["Table"]
            self.assertEqual(("GlobalSecondaryIndexes" in table, table["AttributeDefinitions"]),
                             (False, [{"AttributeName": "account", "AttributeType": "S"}]))
            client.put_item(TableName="grow", Item={"account": s("d"), "category": n("1")})

    def test_a_template_declares_a_global_index(self):
        """AWS::DynamoDB::Table's GlobalSecondaryIndexes reach CreateTable: the deployed table
        has the index, with its throughput, and refuses an item with a bad index key."""
        with tempfile.TemporaryDirectory() as data:
            path = os.path.join(data, "template.yaml")
            with open(path, "w") as f:
                f.write(TEMPLATE)
            with local_server.LocalServer(CSV2DDB, data, "--template", path) as server:
                client = local_server.boto3_client(server.endpoint)
                client.get_waiter("table_exists").wait(TableName="idx_from_template",
                                                       WaiterConfig={"Delay": 0.2})
                index = client.describe_table(
                    TableName="idx_from_template")["Table"]["GlobalSecondaryIndexes"][0]
                self.assertEqual(
                    (index["IndexName"], index["Projection"], index["IndexStatus"],
                     index["ProvisionedThroughput"]["ReadCapacityUnits"],
                     index["ProvisionedThroughput"]["WriteCapacityUnits"]),
                    ("by_category", {"ProjectionType": "KEYS_ONLY"}, "ACTIVE", 2, 3))
                with self.assertRaises(botocore.exceptions.ClientError) as refused:
                    client.put_item(TableName="idx_from_template",
                                    Item={"account": s("a"), "category": n("1")})
                self.assertIn("Type mismatch for Index Key category",
                              refused.exception.response["Error"]["Message"])


def local_server_env():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "AWS_REGION": "us-east-1"})
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        env.pop(name, None)
    return env


if __name__ == "__main__":
    local_server.run_tests(sys.modules[__name__])
