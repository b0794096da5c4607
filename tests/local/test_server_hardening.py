"""csv2ddb local under clients that are slow, careless or many: what the server does with its
threads, its sockets and its memory. Each test fails on a server that gets it wrong; none
asserts a wall-clock time (they assert an order of events or bytes on the wire)."""
import argparse
import http.client
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
