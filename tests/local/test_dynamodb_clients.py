"""Black-box tests of `csv2ddb local`'s DynamoDB with real clients on 127.0.0.1: boto3 in both
versions on this machine (the machine's python3 and Debian's /usr/bin/python3), awscli v1 (on
the PATH) and v2 (/usr/bin/aws); authentication failures with hand-signed requests; and
durability across a restart and a kill -9 during writes.

Each test says what it proves. Run: python3 tests/local/test_dynamodb_clients.py --csv2ddb BIN
(ctest runs it as local.test_dynamodb_clients)."""
import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
DEBIAN_PYTHON = "/usr/bin/python3"
AWS_V2 = "/usr/bin/aws"


def offers_table(client, name, billing="PAY_PER_REQUEST"):
    extra = {"BillingMode": billing} if billing == "PAY_PER_REQUEST" else {
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}
    return client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                   {"AttributeName": "offer", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "offer", "AttributeType": "N"}], **extra)


def offer(account, number, **more):
    item = {"account": {"S": account}, "offer": {"N": str(number)}, "risk": {"S": "low"}}
    item.update(more)
    return item


def exercise_boto3(endpoint):
    """The calls csv2ddb and its users make, with exact expectations. Runs in whichever Python
    runs this file, so the same code checks boto3 1.43 and 1.26."""
    import boto3  # noqa: F401
    client = local_server.boto3_client(endpoint)
    table = "boto3_%s" % sys.version_info.minor
    created = offers_table(client, table)["TableDescription"]
    assert created["TableStatus"] == "CREATING", created
    client.get_waiter("table_exists").wait(TableName=table)

    # 60 items over 3 accounts, offers -10..9 (negative numbers must sort before positive).
    items = [offer(account, n) for account in ("A1", "A2", "A3") for n in range(-10, 10)]
    for start in range(0, len(items), 25):
        response = client.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": i}} for i in items[start:start + 25]]},
            ReturnConsumedCapacity="TOTAL")
        assert response["UnprocessedItems"] == {}, response
        assert response["ConsumedCapacity"] == [
            {"TableName": table, "CapacityUnits": float(len(items[start:start + 25]))}], response

    description = client.describe_table(TableName=table)["Table"]
    assert description["ItemCount"] == 60, description
    assert description["TableStatus"] == "ACTIVE"
    assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert description["KeySchema"] == [{"AttributeName": "account", "KeyType": "HASH"},
                                        {"AttributeName": "offer", "KeyType": "RANGE"}]

    pages = list(client.get_paginator("scan").paginate(
        TableName=table, PaginationConfig={"PageSize": 7}))
    assert [len(p["Items"]) for p in pages] == [7] * 8 + [4, 0] or \
        [len(p["Items"]) for p in pages] == [7] * 8 + [4], [len(p["Items"]) for p in pages]
    scanned = sorted((i["account"]["S"], int(i["offer"]["N"])) for p in pages for i in p["Items"])
    assert scanned == sorted((a, n) for a in ("A1", "A2", "A3") for n in range(-10, 10))

    count = client.scan(TableName=table, Select="COUNT")
    assert count["Count"] == 60 and "Items" not in count, count

    def offers(**kwargs):
        pages = client.get_paginator("query").paginate(TableName=table, **kwargs)
        return [int(i["offer"]["N"]) for p in pages for i in p["Items"]]

    values = {":a": {"S": "A2"}, ":lo": {"N": "-3"}, ":hi": {"N": "2"}}
    assert offers(KeyConditionExpression="account = :a AND offer BETWEEN :lo AND :hi",
                  ExpressionAttributeValues=values) == [-3, -2, -1, 0, 1, 2]
    assert offers(KeyConditionExpression="#a = :a AND #o < :lo",
                  ExpressionAttributeNames={"#a": "account", "#o": "offer"},
                  ExpressionAttributeValues={":a": {"S": "A2"}, ":lo": {"N": "-7"}},
                  ScanIndexForward=False) == [-8, -9, -10]
    assert offers(KeyConditionExpression="account = :a AND offer >= :hi",
                  ExpressionAttributeValues={":a": {"S": "A1"}, ":hi": {"N": "7"}},
                  PaginationConfig={"PageSize": 2}) == [7, 8, 9]

    got = client.get_item(TableName=table, Key={"account": {"S": "A3"}, "offer": {"N": "-10"}})
    assert got["Item"] == offer("A3", -10), got
    missing = client.get_item(TableName=table, Key={"account": {"S": "A3"}, "offer": {"N": "99"}})
    assert "Item" not in missing

    try:
        client.put_item(TableName=table, Item={"account": {"S": "A1"}})
        raise AssertionError("a put without the range key must fail")
    except client.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationException"
        assert e.response["Error"]["Message"] == (
            "One or more parameter values were invalid: Missing the key offer in the item")

    client.delete_table(TableName=table)
    assert table not in client.list_tables()["TableNames"]
    return "ok"


class LocalTestCase(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="csv2ddb-local-test-")

    def tearDown(self):
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def start(self, *args):
        return local_server.LocalServer(CSV2DDB, self.data_dir, *args)


class Boto3Test(LocalTestCase):
    def test_boto3_current(self):
        """boto3 1.4x from the machine's python3: every core operation and the paginators."""
        with self.start() as server:
            self.assertEqual(exercise_boto3(server.endpoint), "ok")

    @unittest.skipUnless(os.path.exists(DEBIAN_PYTHON), "no Debian python3")
    def test_boto3_debian(self):
        """Debian's boto3 1.26 runs the same script against the same server."""
        with self.start() as server:
            result = subprocess.run([DEBIAN_PYTHON, os.path.abspath(__file__), "--exercise",
                                     server.endpoint], capture_output=True, text=True,
                                    timeout=300)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.strip(), "ok")


class AwsCliTest(LocalTestCase):
    def run_aws(self, aws, endpoint, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                   AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        env.pop("AWS_PROFILE", None)
        result = subprocess.run([aws, "--endpoint-url", endpoint, "--output", "json",
                                 "dynamodb", *args], capture_output=True, text=True, env=env,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else None

    def exercise(self, aws):
        with self.start() as server:
            e = server.endpoint
            self.run_aws(aws, e, "create-table", "--table-name", "cli_offers",
                         "--key-schema", "AttributeName=account,KeyType=HASH",
                         "AttributeName=offer,KeyType=RANGE",
                         "--attribute-definitions", "AttributeName=account,AttributeType=S",
                         "AttributeName=offer,AttributeType=N",
                         "--billing-mode", "PAY_PER_REQUEST")
            batch = os.path.join(self.data_dir, "batch.json")
            with open(batch, "w") as f:
                json.dump({"cli_offers": [{"PutRequest": {"Item": offer("A", n)}}
                                          for n in range(20)]}, f)
            written = self.run_aws(aws, e, "batch-write-item", "--request-items",
                                   "file://" + batch)
            self.assertEqual(written["UnprocessedItems"], {})
            # awscli paginates scan itself; --page-size 3 forces 7 requests.
            scanned = self.run_aws(aws, e, "scan", "--table-name", "cli_offers",
                                   "--page-size", "3")
            self.assertEqual(sorted(int(i["offer"]["N"]) for i in scanned["Items"]),
                             list(range(20)))
            queried = self.run_aws(aws, e, "query", "--table-name", "cli_offers",
                                   "--key-condition-expression",
                                   "account = :a AND offer > :n",
                                   "--expression-attribute-values",
                                   '{":a":{"S":"A"},":n":{"N":"16"}}')
            self.assertEqual([int(i["offer"]["N"]) for i in queried["Items"]], [17, 18, 19])
            got = self.run_aws(aws, e, "get-item", "--table-name", "cli_offers", "--key",
                               '{"account":{"S":"A"},"offer":{"N":"5"}}')
            self.assertEqual(got["Item"], offer("A", 5))
            described = self.run_aws(aws, e, "describe-table", "--table-name", "cli_offers")
            self.assertEqual(described["Table"]["ItemCount"], 20)
            self.run_aws(aws, e, "delete-table", "--table-name", "cli_offers")
            self.assertEqual(self.run_aws(aws, e, "list-tables")["TableNames"], [])

    @unittest.skipUnless(shutil.which("aws"), "no awscli on the PATH")
    def test_awscli_v1(self):
        """awscli from the PATH (v1)."""
        self.exercise(shutil.which("aws"))

    @unittest.skipUnless(os.path.exists(AWS_V2), "no /usr/bin/aws")
    def test_awscli_v2(self):
        """Debian's awscli v2."""
        self.exercise(AWS_V2)


class AuthTest(LocalTestCase):
    def test_strict_mode_rejects_unknown_keys(self):
        """--auth strict: a key we do not know is UnrecognizedClientException, AWS's words."""
        with self.start("--auth", "strict") as server:
            status, body = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, key="stranger", secret="whatever")
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "UnrecognizedClientException")
            self.assertEqual(local_server.error_message(body),
                             "The security token included in the request is invalid.")
            status, body = local_server.signed_dynamodb_request(server.port, "ListTables", {})
            self.assertEqual((status, body), (200, {"TableNames": []}))

    def test_open_mode_accepts_unknown_keys_but_checks_known_ones(self):
        """--auth open (default): any key works; the known key test/test must sign right."""
        with self.start() as server:
            status, _ = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, key="anyone", secret="anything")
            self.assertEqual(status, 200)
            status, body = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, secret="wrong")
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "InvalidSignatureException")

    def test_bad_signature(self):
        """One changed hex digit in the signature: InvalidSignatureException."""
        with self.start() as server:
            status, body = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, tamper_signature=True)
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "InvalidSignatureException")
            self.assertTrue(local_server.error_message(body).startswith(
                "The request signature we calculated does not match"), body)

    def test_stale_timestamp(self):
        """Signed 6 minutes ago: outside DynamoDB's 5 minutes, 'Signature expired'."""
        with self.start() as server:
            when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=6)
            status, body = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, when=when)
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "InvalidSignatureException")
            self.assertIn("Signature expired: " + when.strftime("%Y%m%dT%H%M%SZ") +
                          " is now earlier than ", local_server.error_message(body))
            recent = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=4)
            status, _ = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, when=recent)
            self.assertEqual(status, 200)

    def test_another_region_and_a_bogus_token_are_refused(self):
        """A scope for another region, a token with a static key: as DynamoDB answers them."""
        import boto3
        import botocore.config
        import botocore.exceptions
        with self.start() as server:
            def client(**kwargs):
                settings = dict(endpoint_url=server.endpoint, region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key="test",
                                config=botocore.config.Config(retries={"max_attempts": 0}))
                settings.update(kwargs)
                return boto3.client("dynamodb", **settings)
            cases = [(dict(region_name="eu-west-1"), "InvalidSignatureException",
                      "Credential should be scoped to a valid region, not 'eu-west-1'. "),
                     (dict(aws_session_token="bogus"), "UnrecognizedClientException",
                      "The security token included in the request is invalid.")]
            for kwargs, code, message in cases:
                with self.assertRaises(botocore.exceptions.ClientError) as caught:
                    client(**kwargs).list_tables()
                error = caught.exception.response
                self.assertEqual((error["ResponseMetadata"]["HTTPStatusCode"],
                                  error["Error"]["Code"], error["Error"]["Message"]),
                                 (400, code, message), kwargs)
            self.assertEqual(client().list_tables()["TableNames"], [])

    def test_missing_authentication(self):
        """No Authorization header at all: MissingAuthenticationTokenException."""
        with self.start() as server:
            status, body = local_server.signed_dynamodb_request(
                server.port, "ListTables", {}, authorization=False)
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "MissingAuthenticationTokenException")


class RoutingTest(LocalTestCase):
    def test_unknown_operation(self):
        """An X-Amz-Target with an operation we do not serve: UnknownOperationException."""
        with self.start() as server:
            status, body = local_server.signed_dynamodb_request(server.port, "ExecuteStatement",
                                                                {})
            self.assertEqual(status, 400)
            self.assertEqual(local_server.error_type(body), "UnknownOperationException")

    def test_oversized_body(self):
        """A DynamoDB request over 16 MB (plus headroom) is refused with 413 before it is
        read whole."""
        with self.start() as server:
            big = {"TableName": "x" * 3, "Pad": "y" * (17 * 1024 * 1024)}
            try:
                status, body = local_server.signed_dynamodb_request(server.port, "ListTables", big)
            except (BrokenPipeError, ConnectionResetError):
                return  # the server answered and closed while we were still sending: fine
            self.assertEqual(status, 413)
            self.assertEqual(local_server.error_type(body), "RequestEntityTooLarge")


class HttpTest(LocalTestCase):
    """The HTTP/1.1 features SDKs rely on, on a raw socket: 100-continue, chunked bodies,
    pipelining on one keep-alive connection."""

    def read_response(self, sock):
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, rest = data.split(b"\r\n\r\n", 1)
        length = int([line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")][0])
        while len(rest) < length:
            rest += sock.recv(65536)
        return head, rest[:length], rest[length:]

    def test_expect_continue_chunked_and_pipelining(self):
        import socket
        with self.start() as server:
            headers, body = local_server.sign_dynamodb_request(server.port, "ListTables",
                                                                {"Limit": 5})
            head_lines = "".join("%s: %s\r\n" % (k, v) for k, v in headers.items()
                                 if k.lower() != "content-length")
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            try:
                # Expect: 100-continue: the interim answer comes before we send the body.
                sock.sendall(("POST / HTTP/1.1\r\n%sContent-Length: %d\r\n"
                              "Expect: 100-continue\r\n\r\n" % (head_lines, len(body))).encode())
                self.assertEqual(sock.recv(25), b"HTTP/1.1 100 Continue\r\n\r\n")
                sock.sendall(body)
                head, payload, rest = self.read_response(sock)
                self.assertTrue(head.startswith(b"HTTP/1.1 200 OK"), head)
                self.assertEqual(json.loads(payload), {"TableNames": []})
                # Two requests in one write, the first chunked in three pieces.
                chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p)
                                  for p in (body[:3], body[3:7], body[7:])) + b"0\r\n\r\n"
                sock.sendall(("POST / HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\n\r\n" %
                              head_lines).encode() + chunks +
                             ("POST / HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n" %
                              (head_lines, len(body))).encode() + body)
                for _ in range(2):
                    head, payload, rest = self.read_response(sock)
                    self.assertTrue(head.startswith(b"HTTP/1.1 200 OK"), head)
                    self.assertEqual(json.loads(payload), {"TableNames": []})
            finally:
                sock.close()

    def test_malformed_request_gets_400_and_close(self):
        import socket
        with self.start() as server:
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            try:
                sock.sendall(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                data = b""
                while True:
                    got = sock.recv(4096)
                    if not got:
                        break
                    data += got
                self.assertTrue(data.startswith(b"HTTP/1.1 400 Bad Request\r\n"), data)
                self.assertIn(b"Connection: close", data)
            finally:
                sock.close()


class DurabilityTest(LocalTestCase):
    def test_data_survives_restart(self):
        """Written, stopped with SIGTERM (exit 0), started again on the same folder: all there."""
        server = self.start()
        client = local_server.boto3_client(server.endpoint)
        offers_table(client, "durable")
        client.batch_write_item(RequestItems={"durable": [
            {"PutRequest": {"Item": offer("A", n)}} for n in range(25)]})
        self.assertEqual(server.stop(signal.SIGTERM), 0)  # a graceful stop exits 0
        with self.start() as server:
            client = local_server.boto3_client(server.endpoint)
            self.assertEqual(client.describe_table(TableName="durable")["Table"]["ItemCount"], 25)
            self.assertEqual(client.get_item(TableName="durable", Key={
                "account": {"S": "A"}, "offer": {"N": "24"}})["Item"], offer("A", 24))

    def test_kill_9_loses_no_acknowledged_write(self):
        """Four writers keep sending batches; the server is killed with SIGKILL mid-stream.
        After a restart every batch that got a 200 is there, item for item."""
        server = self.start()
        client = local_server.boto3_client(server.endpoint)
        offers_table(client, "crash")
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(account):
            own = local_server.boto3_client(server.endpoint)
            batch = 0
            while not stop.is_set():
                items = [offer(account, batch * 25 + i) for i in range(25)]
                try:
                    own.batch_write_item(RequestItems={"crash": [
                        {"PutRequest": {"Item": item}} for item in items]})
                except Exception:
                    return  # the server is gone
                with lock:
                    acknowledged.extend((account, batch * 25 + i) for i in range(25))
                batch += 1

        threads = [threading.Thread(target=writer, args=("W%d" % i,)) for i in range(4)]
        for t in threads:
            t.start()
        while True:
            with lock:
                if len(acknowledged) >= 2000:
                    break
        self.assertEqual(server.stop(signal.SIGKILL), -signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join()
        with lock:
            expected = set(acknowledged)
        with self.start() as restarted:
            client = local_server.boto3_client(restarted.endpoint)
            found = set()
            for page in client.get_paginator("scan").paginate(TableName="crash"):
                found.update((i["account"]["S"], int(i["offer"]["N"])) for i in page["Items"])
        self.assertGreaterEqual(len(expected), 2000)
        self.assertEqual(expected - found, set())


class FaultTest(LocalTestCase):
    def test_unprocessed_fault_returns_items_unwritten(self):
        """--fault unprocessed=1: every item comes back in UnprocessedItems, none is written."""
        with self.start("--fault", "unprocessed=1") as server:
            client = local_server.boto3_client(server.endpoint)
            offers_table(client, "faulty")
            requests = [{"PutRequest": {"Item": offer("A", n)}} for n in range(3)]
            response = client.batch_write_item(RequestItems={"faulty": requests})
            self.assertEqual(response["UnprocessedItems"], {"faulty": requests})
            self.assertEqual(client.scan(TableName="faulty")["Count"], 0)

    def test_throttle_fault(self):
        """--fault throttle=1: writes fail with ProvisionedThroughputExceededException, reads
        do not."""
        with self.start("--fault", "throttle=1") as server:
            client = local_server.boto3_client(server.endpoint)
            offers_table(client, "throttled")
            with self.assertRaises(client.exceptions.ProvisionedThroughputExceededException):
                client.put_item(TableName="throttled", Item=offer("A", 1))
            self.assertEqual(client.scan(TableName="throttled")["Count"], 0)

    def test_error_and_drop_faults_are_seeded(self):
        """--fault error=0.5 --seed N: the same seed gives the same sequence of 500s."""
        def outcomes(seed):
            with self.start("--fault", "error=0.5", "--seed", str(seed)) as server:
                return [local_server.signed_dynamodb_request(server.port, "ListTables", {})[0]
                        for _ in range(20)]
        first = outcomes(7)
        self.assertEqual(first, outcomes(7))
        self.assertIn(500, first)
        self.assertIn(200, first)

    def test_bad_fault_spec_is_a_usage_error(self):
        result = subprocess.run([CSV2DDB, "local", "--port", "0", "--fault", "throttle=2"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("'throttle=2' needs a rate from 0 to 1", result.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb")
    parser.add_argument("--exercise", help="run the boto3 exercise against this endpoint")
    args, rest = parser.parse_known_args()
    if args.exercise:
        print(exercise_boto3(args.exercise))
        return
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
