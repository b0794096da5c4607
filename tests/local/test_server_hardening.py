"""csv2ddb local under clients that are slow, careless or many: what the server does with its
threads, its sockets and its memory. Each test fails on a server that gets it wrong; none
asserts a wall-clock time (they assert an order of events or bytes on the wire)."""
import argparse
import http.client
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None


class ServerHardening(unittest.TestCase):
    def test_an_empty_body_that_expects_100_continue_gets_it(self):
        # As S3 does: 100 Continue, then the final answer, also for Content-Length: 0. A final
        # answer alone makes botocore (1.29 to 1.43) misread the next response on the
        # connection: the next PUT stalls for 60 s and is sent twice.
        import socket
        with local_server.LocalServer(CSV2DDB, self.data) as server:
            boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test"
                         ).create_bucket(Bucket="bucket")
            headers, *_ = local_server.sign_s3_request(
                server.port, "PUT", "/bucket/_started",
                headers={"Content-Length": "0", "Expect": "100-continue"})
            with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
                head = "PUT /bucket/_started HTTP/1.1\r\n" + "".join(
                    "%s: %s\r\n" % item for item in headers.items()) + "\r\n"
                sock.sendall(head.encode())
                received = b""
                while b"\r\n\r\n" not in received.split(b"100 Continue\r\n\r\n", 1)[-1]:
                    piece = sock.recv(4096)
                    self.assertTrue(piece, received)
                    received += piece
            self.assertTrue(received.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"
                                                b"HTTP/1.1 200 OK\r\n"), received)

    # ---- timeouts, the connection cap and refusals from the head (each an order of events:
    # what the server sends, or whether it closed, while the client sends nothing more) ----

    def read_until_closed(self, sock, limit=30):
        """Everything the server sends until it closes the connection."""
        sock.settimeout(limit)
        received = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                return received
            received += piece

    def test_idle_and_stalled_connections_are_closed(self):
        import socket
        with local_server.LocalServer(CSV2DDB, self.data, "--idle-timeout", "1",
                                      "--stall-timeout", "2") as server:
            idle = socket.create_connection(("127.0.0.1", server.port))
            half_head = socket.create_connection(("127.0.0.1", server.port))
            half_head.sendall(b"PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.assertEqual(self.read_until_closed(idle), b"")
            self.assertEqual(self.read_until_closed(half_head), b"")
            # A body that stops: S3's RequestTimeout, then the close.
            boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test"
                         ).create_bucket(Bucket="bucket")
            headers, *_ = local_server.sign_s3_request(
                server.port, "PUT", "/bucket/key", headers={"Content-Length": "100"},
                payload_hash="UNSIGNED-PAYLOAD")
            with socket.create_connection(("127.0.0.1", server.port)) as stalled:
                head = "PUT /bucket/key HTTP/1.1\r\n" + "".join(
                    "%s: %s\r\n" % item for item in headers.items()) + "\r\n"
                stalled.sendall(head.encode() + b"x" * 10)
                answer = self.read_until_closed(stalled)
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
            self.assertEqual(local_server.s3_error_code(answer.split(b"\r\n\r\n", 1)[1]),
                             "RequestTimeout")
            idle.close()
            half_head.close()

    def test_beyond_the_connection_cap_clients_wait_until_one_closes(self):
        import socket
        with local_server.LocalServer(CSV2DDB, self.data, "--max-connections", "3") as server:
            held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
            time.sleep(0.3)  # the server has taken the three
            waiting = socket.create_connection(("127.0.0.1", server.port))  # the backlog
            waiting.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            waiting.settimeout(1.5)
            with self.assertRaises(socket.timeout):
                waiting.recv(1)  # not served while three connections are open
            held[0].close()
            waiting.settimeout(30)
            self.assertTrue(waiting.recv(4096).startswith(b"HTTP/1.1 "))
            for sock in held[1:] + [waiting]:
                sock.close()

    def test_out_of_descriptors_the_server_waits_instead_of_spinning(self):
        import resource
        import socket

        def few_descriptors():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        server = local_server.LocalServer.__new__(local_server.LocalServer)
        import subprocess
        process = subprocess.Popen(
            [CSV2DDB, "local", "--port", "0", "--data-dir", self.data, "--threads", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            preexec_fn=few_descriptors)
        line = process.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        server.process = process
        try:
            clients = []
            for _ in range(80):  # more than the server has descriptors for
                clients.append(socket.create_connection(("127.0.0.1", port)))
            time.sleep(0.5)
            before = local_server.LocalServer.cpu_seconds(server)
            time.sleep(2)
            spent = local_server.LocalServer.cpu_seconds(server) - before
            # A spinning accept loop burns a whole core: 2 s of CPU in 2 s.
            self.assertLess(spent, 0.5)
            for sock in clients:
                sock.close()
            status, _, _ = local_server.raw_request(port, "GET", "/", timeout=30)
            self.assertEqual(status, 403)  # served again (an anonymous ListBuckets)
        finally:
            process.terminate()
            process.wait(timeout=30)
            process.stdout.close()

    def test_strict_mode_refuses_from_the_head_before_the_body(self):
        import socket
        with local_server.LocalServer(CSV2DDB, self.data, "--auth", "strict") as server:
            # An anonymous 1 GiB upload: refused before one body byte is sent.
            with socket.create_connection(("127.0.0.1", server.port)) as sock:
                sock.sendall(b"PUT /bucket/big HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             b"Content-Length: 1073741824\r\n\r\n")
                sock.settimeout(30)
                answer = sock.recv(65536)
            self.assertTrue(answer.startswith(b"HTTP/1.1 403 "), answer)
            self.assertEqual(os.listdir(os.path.join(self.data, "tmp")), [])
            # A 16 MB DynamoDB body from an unknown key: refused from its head too.
            headers, _ = local_server.sign_dynamodb_request(
                server.port, "ListTables", {}, key="AKIDUNKNOWN", secret="x")
            headers["Content-Length"] = str(16 * 1024 * 1024)
            with socket.create_connection(("127.0.0.1", server.port)) as sock:
                sock.sendall(("POST / HTTP/1.1\r\n" + "".join(
                    "%s: %s\r\n" % item for item in headers.items()) + "\r\n").encode())
                sock.settimeout(30)
                answer = sock.recv(65536)
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 "), answer)
            self.assertIn(b"UnrecognizedClientException", answer)

    def test_dynamodb_refuses_more_than_16_kb_of_headers(self):
        """DynamoDB answers a request with over 16 KB of headers with a ValidationException
        (the server's own 64 KB cap, 431, is for every service); 15 KB pass."""
        with local_server.LocalServer(CSV2DDB, self.data) as server:
            answers = []
            for padding in (15 * 1024, 17 * 1024):
                headers, payload = local_server.sign_dynamodb_request(server.port, "ListTables", {})
                headers["X-Padding"] = "p" * padding  # unsigned headers are allowed
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                connection.request("POST", "/", body=payload, headers=headers)
                response = connection.getresponse()
                answers.append((response.status, json.loads(response.read())))
                connection.close()
            self.assertEqual(answers[0], (200, {"TableNames": []}))
            self.assertEqual(answers[1][0], 400)
            self.assertEqual(answers[1][1]["__type"].split("#")[1], "ValidationException")
            self.assertRegex(answers[1][1]["message"],
                             r"^The request's headers are 1[78]\d{3} bytes; DynamoDB takes at "
                             r"most 16384$")

    def test_bodies_in_memory_share_one_budget(self):
        # A 1 MB budget: a 600 KB DynamoDB body being sent holds 600 KB of it, so a second
        # one is answered 503 ServiceUnavailable from its head, before its body; once the first
        # is answered, the budget is back.
        import socket
        with local_server.LocalServer(CSV2DDB, self.data, "--body-memory-mb", "1") as server:
            def head_of(size):
                headers, _ = local_server.sign_dynamodb_request(server.port, "ListTables", {})
                headers["Content-Length"] = str(size)
                return ("POST / HTTP/1.1\r\n" + "".join(
                    "%s: %s\r\n" % item for item in headers.items()) + "\r\n").encode()
            first = socket.create_connection(("127.0.0.1", server.port))
            first.sendall(head_of(600 * 1024) + b"{")  # the body is still coming
            time.sleep(0.3)
            with socket.create_connection(("127.0.0.1", server.port)) as second:
                second.sendall(head_of(600 * 1024))
                second.settimeout(30)
                answer = second.recv(65536)
            self.assertTrue(answer.startswith(b"HTTP/1.1 503 "), answer)
            self.assertIn(b"ServiceUnavailable", answer)
            first.close()
            time.sleep(0.3)
            status, body = local_server.signed_dynamodb_request(server.port, "ListTables", {})
            self.assertEqual(status, 200, body)

    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="csv2ddb-hardening-")

    def tearDown(self):
        shutil.rmtree(self.data, ignore_errors=True)

    def test_latency_holds_no_worker_thread(self):
        # 64 DynamoDB requests delayed by --fault latency on a server with 2 worker threads,
        # then one Lambda request, which has no injected latency: it is answered while the 64
        # still wait. A server that sleeps on its workers answers it after them.
        with local_server.LocalServer(CSV2DDB, self.data, "--fault", "latency=4000",
                                      "--threads", "2") as server:
            finished = []
            lock = threading.Lock()
            sent = threading.Barrier(65)

            def delayed(n):
                headers, payload = local_server.sign_dynamodb_request(server.port, "ListTables",
                                                                      {})
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                connection.request("POST", "/", body=payload, headers=headers)
                sent.wait()
                response = connection.getresponse()
                response.read()
                with lock:
                    finished.append(("dynamodb", response.status))
                connection.close()

            threads = [threading.Thread(target=delayed, args=(n,)) for n in range(64)]
            for thread in threads:
                thread.start()
            sent.wait()
            time.sleep(0.5)  # let the server read the 64 requests before the next one
            client = boto3.client("lambda", endpoint_url=server.endpoint, region_name="us-east-1",
                                  aws_access_key_id="test", aws_secret_access_key="test")
            client.list_functions()
            with lock:
                finished.append(("lambda", 200))
            for thread in threads:
                thread.join()
            self.assertEqual(finished[0], ("lambda", 200), finished[:3])
            self.assertEqual(sorted(finished[1:]), [("dynamodb", 200)] * 64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
