"""`csv2ddb local` under trouble, black-box on 127.0.0.1: --fault on both services, kill -9
during S3 writes, bodies refused part-way, clients that vanish mid-request, 200 keep-alive
connections at once, the SQLite WAL over many operations, and requests no SDK sends (a stale
request signed with an unknown key, malformed JSON).

Run: python3 tests/local/test_local_robustness.py --csv2ddb BIN
(ctest: local.test_local_robustness)."""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None


class LocalTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="local-robust-")
        self.data = os.path.join(self.tmp, "data")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args, **kwargs):
        server = local_server.LocalServer(CSV2DDB, self.data, *args, **kwargs)
        self.servers.append(server)
        return server

    def s3(self, server, method, path, body=b"", timeout=30, **signing):
        headers = local_server.sign_s3_request(server.port, method, path, body=body, **signing)[0]
        return local_server.raw_request(server.port, method, path, body=body, headers=headers,
                                        timeout=timeout)

    def boto3_s3(self, server, **config):
        import boto3
        import botocore.config
        return boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=botocore.config.Config(retries={"max_attempts": 0}, **config))


class FaultsTest(LocalTestCase):
    def test_error_hits_s3_as_internal_error(self):
        server = self.start("--fault", "error=1")
        status, _, body = self.s3(server, "GET", "/")
        self.assertEqual((status, local_server.s3_error_code(body)), (500, "InternalError"))
        status, body = local_server.signed_dynamodb_request(server.port, "ListTables", {})
        self.assertEqual((status, local_server.error_type(body)), (500, "InternalServerError"))

    def test_slowdown_is_s3_throttling_on_writes_only(self):
        with local_server.LocalServer(CSV2DDB, self.data) as server:  # set up without faults
            self.assertEqual(self.s3(server, "PUT", "/throttled")[0], 200)
            self.assertEqual(self.s3(server, "PUT", "/throttled/k", body=b"v")[0], 200)
        # throttle= is DynamoDB's alone: S3 writes still succeed under it.
        server = self.start("--fault", "throttle=1")
        self.assertEqual(self.s3(server, "PUT", "/throttled/k0", body=b"v")[0], 200)
        server.stop()
        server = self.start("--fault", "slowdown=1")
        for method, path in (("PUT", "/throttled/k2"), ("DELETE", "/throttled/k"),
                             ("POST", "/throttled/k?uploads")):
            status, _, body = self.s3(server, method, path, body=b"x" if method == "PUT" else b"")
            self.assertEqual((status, local_server.s3_error_code(body)), (503, "SlowDown"), method)
        status, _, body = self.s3(server, "GET", "/throttled/k")
        self.assertEqual((status, body), (200, b"v"))
        # boto3 sees S3's throttling code.
        with self.assertRaises(Exception) as caught:
            self.boto3_s3(server).put_object(Bucket="throttled", Key="k3", Body=b"z")
        self.assertEqual(caught.exception.response["Error"]["Code"], "SlowDown")

    def test_drop_closes_without_a_response_on_both_services(self):
        server = self.start("--fault", "drop=1")
        with self.assertRaises(http.client.RemoteDisconnected):
            self.s3(server, "GET", "/")
        with self.assertRaises(http.client.RemoteDisconnected):
            local_server.signed_dynamodb_request(server.port, "ListTables", {})

    def test_latency_delays_both_services(self):
        """latency=3000: a client that gives up after 1 s times out on either service (a lower
        bound only: the answer comes no sooner than the latency); one that waits gets it."""
        server = self.start("--fault", "latency=3000")
        with self.assertRaises(socket.timeout):
            self.s3(server, "GET", "/", timeout=1)
        headers, payload = local_server.sign_dynamodb_request(server.port, "ListTables", {})
        with self.assertRaises(socket.timeout):
            local_server.raw_request(server.port, "POST", "/", body=payload, headers=headers,
                                     timeout=1)
        self.assertEqual(self.s3(server, "GET", "/", timeout=30)[0], 200)
        self.assertEqual(local_server.signed_dynamodb_request(server.port, "ListTables", {})[0],
                         200)


class S3DurabilityTest(LocalTestCase):
    def test_kill_9_loses_no_acknowledged_object(self):
        """Writers keep putting objects (single PUTs, and multipart uploads completed), each
        with bytes of its own; the server is killed with SIGKILL mid-stream. After a restart
        every object whose PUT or CompleteMultipartUpload got a 200 is there, byte for byte."""
        server = self.start()
        self.boto3_s3(server).create_bucket(Bucket="crash")
        acknowledged = {}
        lock = threading.Lock()
        stop = threading.Event()

        def writer(name):
            s3 = self.boto3_s3(server)
            n = 0
            while not stop.is_set():
                key = "%s/%05d" % (name, n)
                body = hashlib.sha256(key.encode()).digest() * (1 + n % 300)
                try:
                    if n % 10 == 9:
                        upload = s3.create_multipart_upload(Bucket="crash", Key=key)["UploadId"]
                        first = body * 2 + b"\0" * (5 * 1024 * 1024)
                        parts = []
                        for number, data in ((1, first), (2, body)):
                            etag = s3.upload_part(Bucket="crash", Key=key, UploadId=upload,
                                                  PartNumber=number, Body=data)["ETag"]
                            parts.append({"PartNumber": number, "ETag": etag})
                        s3.complete_multipart_upload(Bucket="crash", Key=key, UploadId=upload,
                                                     MultipartUpload={"Parts": parts})
                        body = first + body
                    else:
                        s3.put_object(Bucket="crash", Key=key, Body=body)
                except Exception:
                    return  # the server is gone
                with lock:
                    acknowledged[key] = hashlib.md5(body).hexdigest()
                n += 1

        threads = [threading.Thread(target=writer, args=("w%d" % i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.time() + 120
        while time.time() < deadline:
            with lock:
                multipart = sum(1 for key in acknowledged if key.endswith("9"))
                if len(acknowledged) >= 300 and multipart >= 4:
                    break
            time.sleep(0.01)
        self.assertEqual(self.servers.pop().stop(signal.SIGKILL), -signal.SIGKILL)
        stop.set()
        for thread in threads:
            thread.join()
        with lock:
            expected = dict(acknowledged)
        self.assertGreaterEqual(len(expected), 300)
        restarted = self.start()
        s3 = self.boto3_s3(restarted)
        for key, digest in expected.items():
            got = s3.get_object(Bucket="crash", Key=key)["Body"].read()
            self.assertEqual(hashlib.md5(got).hexdigest(), digest, key)


class SpoolTest(LocalTestCase):
    """Bodies over 1 MiB are spooled to <data-dir>/tmp while they arrive."""

    def tmp_files(self):
        return sorted(os.listdir(os.path.join(self.data, "tmp")))

    def chunked_put(self, server, path, pieces, extra=b""):
        """A chunked PUT sent piece by piece until the server answers or closes."""
        headers = local_server.sign_s3_request(server.port, "PUT", path,
                                               payload_hash="UNSIGNED-PAYLOAD")[0]
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        try:
            head = "PUT %s HTTP/1.1\r\n%sTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % (
                path, "".join("%s: %s\r\n" % item for item in headers.items()))
            sock.sendall(head.encode())
            try:
                for piece in pieces:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sock.sendall(extra)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused part-way: the answer is waiting
            answer = b""
            while True:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not data:
                    break
                answer += data
            return answer
        finally:
            sock.close()

    def test_stale_spool_files_are_removed_at_start(self):
        os.makedirs(os.path.join(self.data, "tmp"))
        with open(os.path.join(self.data, "tmp", "body-left-by-a-kill"), "wb") as f:
            f.write(b"x" * 1000)
        self.start()
        self.assertEqual(self.tmp_files(), [])

    def test_a_body_refused_part_way_leaves_no_spool_file(self):
        server = self.start(env={"CSV2DDB_LOCAL_S3_MAX_OBJECT_BYTES": str(2 * 1024 * 1024)})
        self.assertEqual(self.s3(server, "PUT", "/spool")[0], 200)
        piece = b"s" * (256 * 1024)
        answer = self.chunked_put(server, "/spool/too-big", [piece] * 16)  # 4 MiB > 2 MiB
        self.assertIn(b"EntityTooLarge", answer)
        self.assertEqual(self.tmp_files(), [])
        # Malformed framing after 1.5 MiB (spooled by then): 400, and the file goes too.
        answer = self.chunked_put(server, "/spool/broken", [piece] * 6, extra=b"zz\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer[:100])
        self.assertEqual(self.tmp_files(), [])
        # A body that fits is stored, and its spool file became the object (nothing left).
        answer = self.chunked_put(server, "/spool/fits", [piece] * 6, extra=b"0\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        self.assertEqual(self.tmp_files(), [])
        self.assertEqual(self.s3(server, "GET", "/spool/fits")[2], piece * 6)


class ConnectionsTest(LocalTestCase):
    def test_client_reset_during_a_slow_request_does_not_spin_the_server(self):
        """A DynamoDB request that sleeps 3 s on a worker (--fault latency=3000); its client
        resets the connection at once. The server must sit idle until the worker is done, not
        spin on the dead socket: over 2 s it uses well under a second of CPU."""
        server = self.start("--fault", "latency=3000")
        headers, payload = local_server.sign_dynamodb_request(server.port, "ListTables", {})
        for _ in range(2):
            sock = socket.create_connection(("127.0.0.1", server.port))
            request = "POST / HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n" % (
                "".join("%s: %s\r\n" % item for item in headers.items()), len(payload))
            sock.sendall(request.encode() + payload)
            time.sleep(0.2)  # the request reaches a worker
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # RST
        before = server.cpu_seconds()
        time.sleep(2)
        used = server.cpu_seconds() - before
        self.assertLess(used, 0.5, "the server used %.2f s of CPU while idle" % used)
        # And it still serves.
        self.assertEqual(local_server.signed_dynamodb_request(server.port, "ListTables", {})[0],
                         200)

    def test_200_concurrent_keep_alive_connections(self):
        """200 clients, each on one keep-alive connection, send 5 requests each (DynamoDB and
        S3 alternately), all at once: every answer is right and every connection stays open."""
        server = self.start()
        client = local_server.boto3_client(server.endpoint)
        client.create_table(TableName="many", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
        self.assertEqual(self.s3(server, "PUT", "/many")[0], 200)
        connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                       for _ in range(200)]
        for connection in connections:
            connection.connect()
        barrier = threading.Barrier(200)
        failures = []
        ports = set()

        def run(index, connection):
            barrier.wait()
            ports.add(connection.sock.getsockname()[1])
            for round_ in range(5):
                key = "c%03d-%d" % (index, round_)
                if round_ % 2 == 0:
                    headers, payload = local_server.sign_dynamodb_request(
                        server.port, "PutItem", {"TableName": "many", "Item": {"k": {"S": key}}})
                    connection.request("POST", "/", body=payload, headers=headers)
                else:
                    headers = local_server.sign_s3_request(server.port, "PUT", "/many/" + key,
                                                           body=key.encode())[0]
                    connection.request("PUT", "/many/" + key, body=key.encode(), headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200 or response.getheader("Connection") == "close":
                    failures.append((index, round_, response.status))
            if connection.sock.getsockname()[1] not in ports:
                failures.append((index, "reconnected"))

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for connection in connections:
            connection.close()
        self.assertEqual(failures, [])
        self.assertEqual(len(ports), 200)
        self.assertEqual(client.describe_table(TableName="many")["Table"]["ItemCount"], 600)
        listed = self.boto3_s3(server).list_objects_v2(Bucket="many")
        self.assertEqual(listed["KeyCount"], 400)


class WalTest(LocalTestCase):
    def test_no_read_transaction_is_left_open(self):
        """Many S3 and DynamoDB operations, including queries that stop after their first row
        (HeadObject, GetItem, the bucket checks of every PUT). Then, with the server still
        running, a full checkpoint from another connection must succeed (busy = 0) and leave an
        empty WAL: no statement of the server holds a read transaction that pins the WAL."""
        server = self.start()
        client = local_server.boto3_client(server.endpoint)
        client.create_table(TableName="wal", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
        self.assertEqual(self.s3(server, "PUT", "/wal")[0], 200)
        for n in range(150):
            self.assertEqual(self.s3(server, "PUT", "/wal/k%03d" % n, body=b"x" * n)[0], 200)
            self.assertEqual(self.s3(server, "HEAD", "/wal/k%03d" % n)[0], 200)
            client.put_item(TableName="wal", Item={"k": {"S": str(n)}})
            client.get_item(TableName="wal", Key={"k": {"S": str(n)}})
        client.describe_table(TableName="wal")
        self.s3(server, "GET", "/wal?list-type=2&max-keys=5")
        for name in ("s3/meta.sqlite3", "dynamodb.sqlite3"):
            with self.subTest(database=name):
                path = os.path.join(self.data, name)
                connection = sqlite3.connect(path, timeout=0.1)
                try:
                    busy, log, checkpointed = connection.execute(
                        "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    connection.close()
                self.assertEqual(busy, 0, "a reader pins the WAL of " + name)
                self.assertEqual(os.path.getsize(path + "-wal"), 0)


class RequestsNoSdkSendsTest(LocalTestCase):
    def test_stale_request_with_an_unknown_key_in_open_mode(self):
        """--auth open takes an unknown key on trust, but not a stale clock: DynamoDB's own
        answer to a request 10 minutes old."""
        server = self.start()
        stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
        status, body = local_server.signed_dynamodb_request(
            server.port, "ListTables", {}, key="not-a-known-key", secret="whatever", when=stale)
        self.assertEqual((status, local_server.error_type(body)),
                         (400, "InvalidSignatureException"))
        self.assertTrue(local_server.error_message(body).startswith("Signature expired: "),
                        body)
        ahead = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
        status, body = local_server.signed_dynamodb_request(
            server.port, "ListTables", {}, key="not-a-known-key", when=ahead)
        self.assertTrue(local_server.error_message(body).startswith("Signature not yet current: "),
                        body)
        self.assertEqual(local_server.signed_dynamodb_request(
            server.port, "ListTables", {}, key="not-a-known-key")[0], 200)

    def test_malformed_json_is_a_serialization_exception(self):
        server = self.start()
        for payload in (b"{not json", b"[1, 2]", b'{"TableName": "a"', b"\xff\xfe"):
            headers, _ = local_server.sign_dynamodb_request(server.port, "ListTables", None,
                                                            raw_payload=payload)
            status, _, body = local_server.raw_request(server.port, "POST", "/", body=payload,
                                                       headers=headers)
            parsed = json.loads(body)
            self.assertEqual((status, local_server.error_type(parsed)),
                             (400, "SerializationException"), payload)

    def test_help_says_what_is_served(self):
        result = subprocess.run([CSV2DDB, "local", "--help"], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(result.returncode, 0)
        self.assertIn("Serves S3, DynamoDB, Lambda, STS and the SSO portal on one local port",
                      result.stdout)
        self.assertNotIn("later", result.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
