"""TransactWriteItems and TransactGetItems with boto3, against `csv2ddb local` and, the same
calls, against moto (dynalite has no transactions). Each case states what DynamoDB answers
(the API reference: TransactWriteItems, TransactGetItems, TransactionCanceledException): the
items the tables then hold, or the error with its cancellation reasons. csv2ddb local must
answer exactly that; moto too, but for the differences in MOTO_DIFFERS, each with the reason.

Written as a suite that could run against real DynamoDB: no csv2ddb internals."""
import os
import sys
import tempfile
import unittest

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402
import test_s3_moto  # noqa: E402

CSV2DDB = None
ORDERS, STOCK = "tx_orders", "tx_stock"
WIDGET = {"sku": {"S": "widget"}, "count": {"N": "5"}}


def put(table, item, condition=None, values=None, old=False):
    op = {"TableName": table, "Item": item}
    if condition:
        op["ConditionExpression"] = condition
    if values:
        op["ExpressionAttributeValues"] = values
    if old:
        op["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Put": op}


def check(table, key, condition, values):
    return {"ConditionCheck": {"TableName": table, "Key": key, "ConditionExpression": condition,
                               "ExpressionAttributeValues": values}}


ORDER_1 = {"id": {"S": "o1"}, "sku": {"S": "widget"}}
STOCK_KEY = {"sku": {"S": "widget"}}
TAKE_ONE = {"Update": {"TableName": STOCK, "Key": STOCK_KEY,
                       "UpdateExpression": "SET #c = #c - :one",
                       "ConditionExpression": "#c >= :one",
                       "ExpressionAttributeNames": {"#c": "count"},
                       "ExpressionAttributeValues": {":one": {"N": "1"}}}}

# name: (TransactItems, expected). Expected is ("ok", {table: items after}) or
# ("cancelled", message, reasons, {table: items after}) or ("error", type, message).
CASES = {
    "order_and_stock_together": (
        [put(ORDERS, ORDER_1, "attribute_not_exists(id)"), TAKE_ONE],
        ("ok", {ORDERS: [ORDER_1], STOCK: [dict(WIDGET, count={"N": "4"})]})),
    "a_failed_check_cancels_everything": (
        [put(ORDERS, ORDER_1), check(STOCK, STOCK_KEY, "#c > :n", None)],
        None),  # filled in below: needs names
    "the_old_item_in_the_reason": (
        [put(STOCK, dict(WIDGET, count={"N": "9"}), "#c > :ten",
             {":ten": {"N": "10"}}, old=True)],
        None),
    "one_item_twice": (
        [put(ORDERS, ORDER_1), {"Delete": {"TableName": ORDERS, "Key": {"id": {"S": "o1"}}}}],
        ("error", "ValidationException",
         "Transaction request cannot include multiple operations on one item")),
    "delete_and_put": (
        [{"Delete": {"TableName": STOCK, "Key": STOCK_KEY}},
         put(ORDERS, {"id": {"S": "o2"}})],
        ("ok", {ORDERS: [{"id": {"S": "o2"}}], STOCK: []})),
}
CASES["a_failed_check_cancels_everything"] = (
    [put(ORDERS, ORDER_1),
     {"ConditionCheck": {"TableName": STOCK, "Key": STOCK_KEY,
                         "ConditionExpression": "#c > :n",
                         "ExpressionAttributeNames": {"#c": "count"},
                         "ExpressionAttributeValues": {":n": {"N": "100"}}}}],
    ("cancelled",
     "Transaction cancelled, please refer cancellation reasons for specific reasons "
     "[None, ConditionalCheckFailed]",
     [{"Code": "None"},
      {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}],
     {ORDERS: [], STOCK: [WIDGET]}))
CASES["the_old_item_in_the_reason"] = (
    [put(STOCK, dict(WIDGET, count={"N": "9"}), "#c > :ten", {":ten": {"N": "10"}}, old=True)],
    None)
CASES["the_old_item_in_the_reason"][0][0]["Put"]["ExpressionAttributeNames"] = {"#c": "count"}
CASES["the_old_item_in_the_reason"] = (
    CASES["the_old_item_in_the_reason"][0],
    ("cancelled",
     "Transaction cancelled, please refer cancellation reasons for specific reasons "
     "[ConditionalCheckFailed]",
     [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
       "Item": WIDGET}],
     {ORDERS: [], STOCK: [WIDGET]}))

MOTO_DIFFERS = {
    # moto 5.2 answers TransactGetItems with the whole item, ignoring ProjectionExpression.
    "transact_get_items": "moto ignores the projection of a Get",
}


class Suite:
    def __init__(self, endpoint):
        self.client = local_server.boto3_client(endpoint)
        for table, key in ((ORDERS, "id"), (STOCK, "sku")):
            self.client.create_table(
                TableName=table, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}])
            self.client.get_waiter("table_exists").wait(TableName=table,
                                                        WaiterConfig={"Delay": 0.2})

    def reset(self):
        for table in (ORDERS, STOCK):
            for item in self.items(table):
                key = "id" if table == ORDERS else "sku"
                self.client.delete_item(TableName=table, Key={key: item[key]})
        self.client.put_item(TableName=STOCK, Item=WIDGET)

    def items(self, table):
        return sorted(self.client.scan(TableName=table)["Items"], key=str)

    def run(self, transact_items):
        self.reset()
        try:
            self.client.transact_write_items(TransactItems=transact_items)
        except botocore.exceptions.ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "TransactionCanceledException":
                return ("cancelled", error.response["Error"]["Message"],
                        error.response["CancellationReasons"],
                        {t: self.items(t) for t in (ORDERS, STOCK)})
            return ("error", code, error.response["Error"]["Message"])
        return ("ok", {t: self.items(t) for t in (ORDERS, STOCK)})

    def gets(self):
        self.reset()
        return self.client.transact_get_items(TransactItems=[
            {"Get": {"TableName": STOCK, "Key": STOCK_KEY, "ProjectionExpression": "#c",
                     "ExpressionAttributeNames": {"#c": "count"}}},
            {"Get": {"TableName": ORDERS, "Key": {"id": {"S": "none"}}}}])["Responses"]


class DynamoDbTransactions(unittest.TestCase):
    def check(self, endpoint, skip=()):
        suite = Suite(endpoint)
        for name, (items, expected) in CASES.items():
            if name in skip:
                continue
            with self.subTest(case=name):
                self.assertEqual(suite.run(items), expected)
        if "transact_get_items" not in skip:
            with self.subTest(case="transact_get_items"):
                self.assertEqual(suite.gets(), [{"Item": {"count": {"N": "5"}}}, {}])

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check(server.endpoint)

    def test_moto_agrees_but_for_the_listed_differences(self):
        moto = test_s3_moto.Moto()
        try:
            self.check(moto.endpoint, skip=MOTO_DIFFERS)
        finally:
            moto.stop()


if __name__ == "__main__":
    local_server.run_tests(sys.modules[__name__])
