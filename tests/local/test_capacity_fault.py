#!/usr/bin/env python3
"""`csv2ddb local --fault capacity=N,partition=N` seen by boto3: a table that takes N write
units a second, and each hash-key value N a second. Buckets hold one second of their rate, so
calls made within a few milliseconds of each other meet the bucket as the first one left it
(refill in that time is a few thousandths of a unit); each check is retried when the machine
stalled long enough for a bucket to refill."""
import argparse
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None


def offers_table(client, name):
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                   {"AttributeName": "offer", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "offer", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST")


def put(account, number, padding=0):
    item = {"account": {"S": account}, "offer": {"N": str(number)}}
    if padding:
        item["pad"] = {"S": "x" * padding}
    return {"PutRequest": {"Item": item}}


def stored(client, table):
    items = client.scan(TableName=table)["Items"]
    return sorted((i["account"]["S"], int(i["offer"]["N"])) for i in items)


class CapacityFault(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="csv2ddb-capacity-")

    def tearDown(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def within_a_moment(self, check, attempts=3):
        """Runs check(table) on a fresh table until it ran in under 0.5 s of wall time (a
        bucket refills in 1 s); the assertions themselves never look at the clock."""
        for attempt in range(attempts):
            started = time.monotonic()
            result = check(f"table{attempt}")
            if time.monotonic() - started < 0.5:
                return result
        self.fail("the machine stalled on every attempt")

    def test_partition_limit_takes_what_each_key_value_can_and_returns_the_rest(self):
        with local_server.LocalServer(CSV2DDB, self.data_dir, "--fault", "partition=2") as s:
            client = local_server.boto3_client(s.endpoint)

            def check(table):
                offers_table(client, table)
                # 5 accounts x 5 offers, accounts interleaved: each account takes its first two.
                requests = [put(f"A{a}", n) for n in range(5) for a in range(5)]
                response = client.batch_write_item(RequestItems={table: requests})
                self.assertEqual(response["UnprocessedItems"], {table: requests[10:]})
                self.assertEqual(stored(client, table),
                                 sorted((f"A{a}", n) for a in range(5) for n in range(2)))
                # The same accounts at once again: nothing fits, the call is throttled whole.
                with self.assertRaises(client.exceptions.ProvisionedThroughputExceededException):
                    client.batch_write_item(RequestItems={table: requests[10:]})
                with self.assertRaises(client.exceptions.ProvisionedThroughputExceededException):
                    client.put_item(TableName=table, Item=requests[10]["PutRequest"]["Item"])
                # Another account has its own partition.
                response = client.batch_write_item(RequestItems={table: [put("B", 1)]})
                self.assertEqual(response["UnprocessedItems"], {})
            self.within_a_moment(check)

    def test_table_capacity_meters_write_units_of_each_item(self):
        with local_server.LocalServer(CSV2DDB, self.data_dir, "--fault", "capacity=5") as s:
            client = local_server.boto3_client(s.endpoint)

            def check(table):
                offers_table(client, table)
                # Units are per started KB: 3 + 3 + 1 + 1 against 5 in the bucket, in order.
                requests = [put("A", 1, 2500), put("B", 2, 2500), put("C", 3), put("D", 4)]
                response = client.batch_write_item(RequestItems={table: requests},
                                                   ReturnConsumedCapacity="TOTAL")
                self.assertEqual(response["UnprocessedItems"], {table: [requests[1]]})
                self.assertEqual(response["ConsumedCapacity"],
                                 [{"TableName": table, "CapacityUnits": 5.0}])
                self.assertEqual(stored(client, table), [("A", 1), ("C", 3), ("D", 4)])
                with self.assertRaises(client.exceptions.ProvisionedThroughputExceededException):
                    client.put_item(TableName=table, Item=put("E", 5)["PutRequest"]["Item"])
            self.within_a_moment(check)

    def test_bucket_refills(self):
        with local_server.LocalServer(CSV2DDB, self.data_dir, "--fault", "capacity=20") as s:
            client = local_server.boto3_client(s.endpoint)
            offers_table(client, "refill")
            requests = [put("A", n) for n in range(25)]
            first = client.batch_write_item(RequestItems={"refill": requests})
            self.assertGreaterEqual(len(first["UnprocessedItems"]["refill"]), 4)
            time.sleep(1.2)  # a full second of units again
            rest = first["UnprocessedItems"]["refill"]
            again = client.batch_write_item(RequestItems={"refill": rest})
            self.assertEqual(again["UnprocessedItems"], {})
            self.assertEqual(len(stored(client, "refill")), 25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
