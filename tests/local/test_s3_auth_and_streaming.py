"""`csv2ddb local`'s S3 authentication, with requests built by hand so that each carries exactly
what is under test: signed streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD and its
-TRAILER form, AWS's "sigv4-streaming"), whose chunk signatures are checked for known keys, and
the auth errors as S3 words them (SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed,
AccessDenied). Also proof, from the server's own upload trace, of what boto3 1.43 really sends:
over http a signed payload with a CRC32 header, over https (a TLS proxy in the test) an
aws-chunked body with a CRC32 trailer; both pass.

Run: python3 tests/local/test_s3_auth_and_streaming.py --csv2ddb BIN
(ctest: local.test_s3_auth_and_streaming)."""
import argparse
import base64
import datetime
import hashlib
import hmac
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def sign(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def signed_streaming_body(chunks, seed, amz_date, scope, signing_key, trailer=None):
    """The aws-chunked body of `chunks`, each signed and chained from `seed`; with `trailer`
    (name, value), the -TRAILER form: the trailer field and its x-amz-trailer-signature."""
    previous = seed
    body = b""
    for data in list(chunks) + [b""]:
        signature = sign(signing_key, "\n".join([
            "AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256,
            hashlib.sha256(data).hexdigest()]))
        body += b"%x;chunk-signature=%s\r\n" % (len(data), signature.encode()) + data + b"\r\n"
        previous = signature
    if trailer is None:
        return body
    name, value = trailer
    canonical = "%s:%s\n" % (name, value)
    trailer_signature = sign(signing_key, "\n".join([
        "AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
        hashlib.sha256(canonical.encode()).hexdigest()]))
    # The last chunk's CRLF above ends the 0-size line; the trailer section follows it.
    body = body[:-2]
    body += ("%s:%s\r\nx-amz-trailer-signature:%s\r\n\r\n" % (name, value, trailer_signature)
             ).encode()
    return body


class S3AuthTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="s3-auth-")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args, **kwargs):
        server = local_server.LocalServer(CSV2DDB, os.path.join(self.tmp, "data"), *args, **kwargs)
        self.servers.append(server)
        return server

    def send(self, server, method, path, body=b"", key="test", secret="test", when=None,
             headers=None, payload_hash=None):
        signed = local_server.sign_s3_request(server.port, method, path, headers=headers,
                                              payload_hash=payload_hash, body=body, key=key,
                                              secret=secret, when=when)[0]
        return local_server.raw_request(server.port, method, path, body=body, headers=signed)

    def streaming_put(self, server, path, chunks, tamper=None, trailer=None, key="test"):
        """A signed streaming PutObject; `tamper(body) -> body` alters the bytes on the wire."""
        mode = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if trailer
                else "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        payload = b"".join(chunks)
        head = {"Content-Encoding": "aws-chunked",
                "x-amz-decoded-content-length": str(len(payload))}
        if trailer:
            head["x-amz-trailer"] = trailer[0]
        # The body's length depends only on the chunk sizes, not on the signatures: sign the
        # head with it first, then build the body from the head's signature.
        draft = signed_streaming_body(chunks, "0" * 64, "x", "x", b"x", trailer)
        head["Content-Length"] = str(len(draft))
        headers, seed, amz_date, scope, signing_key = local_server.sign_s3_request(
            server.port, "PUT", path, headers=head, payload_hash=mode, key=key)
        body = signed_streaming_body(chunks, seed, amz_date, scope, signing_key, trailer)
        self.assertEqual(len(body), len(draft))
        if tamper:
            body = tamper(body)
        return local_server.raw_request(server.port, "PUT", path, body=body, headers=headers)


class SignedStreamingTest(S3AuthTestCase):
    def setUp(self):
        super().setUp()
        self.server = self.start()
        self.assertEqual(self.send(self.server, "PUT", "/streams")[0], 200)

    def get(self, path):
        return self.send(self.server, "GET", path)

    def test_signed_chunks_accepted_and_a_flipped_byte_refused(self):
        chunks = [b"a,b\n" * 20000, b"1,2\n" * 300, b"tail"]  # 80 KB, 1.2 KB, 4 B
        status, _, body = self.streaming_put(self.server, "/streams/signed.csv", chunks)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.get("/streams/signed.csv")[2], b"".join(chunks))

        def flip(body):
            at = body.index(b"1,2\n")  # a byte of the second chunk's data
            return body[:at] + b"9" + body[at + 1:]

        status, _, body = self.streaming_put(self.server, "/streams/signed.csv",
                                             [c.replace(b"tail", b"new!") for c in chunks],
                                             tamper=flip)
        self.assertEqual(status, 403, body)
        self.assertEqual(local_server.s3_error_code(body), "SignatureDoesNotMatch")
        # Refused whole: the object is the one from before.
        self.assertEqual(self.get("/streams/signed.csv")[2], b"".join(chunks))

    def test_a_chunk_signature_replaced_or_removed_is_refused(self):
        chunks = [b"x" * 70000, b"y" * 10]

        def wrong_signature(body):
            at = body.index(b"chunk-signature=", 100) + len(b"chunk-signature=")
            return body[:at] + (b"0" if body[at:at + 1] != b"0" else b"1") + body[at + 1:]

        def dropped_signatures(body):
            # Same length on the wire: the extension renamed, so no chunk-signature is found.
            return body.replace(b";chunk-signature=", b";chunk-signaturX=")

        for tamper in (wrong_signature, dropped_signatures):
            with self.subTest(tamper=tamper.__name__):
                status, _, body = self.streaming_put(self.server, "/streams/k", chunks,
                                                     tamper=tamper)
                self.assertEqual((status, local_server.s3_error_code(body)),
                                 (403, "SignatureDoesNotMatch"))
        self.assertEqual(self.get("/streams/k")[0], 404)

    def test_signed_trailer_accepted_and_an_altered_trailer_refused(self):
        chunks = [b"id,v\n" + b"7,8\n" * 5000]
        crc = base64.b64encode(zlib.crc32(b"".join(chunks)).to_bytes(4, "big")).decode()
        trailer = ("x-amz-checksum-crc32", crc)
        status, headers, body = self.streaming_put(self.server, "/streams/t.csv", chunks,
                                                   trailer=trailer)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.get("/streams/t.csv")[2], b"".join(chunks))
        status, _, body = self.streaming_put(
            self.server, "/streams/t2.csv", chunks, trailer=trailer,
            tamper=lambda b: b.replace(crc.encode(), b"AAAAAA==" if crc != "AAAAAA==" else b"B"))
        self.assertEqual((status, local_server.s3_error_code(body)),
                         (403, "SignatureDoesNotMatch"))
        self.assertEqual(self.get("/streams/t2.csv")[0], 404)

    def test_unknown_key_in_open_mode_is_taken_on_trust(self):
        """--auth open has no secret for an unknown key: neither the request's signature nor
        its chunks' can be checked (as for any request signed with such a key)."""
        chunks = [b"z" * 1000]
        status, _, body = self.streaming_put(
            self.server, "/streams/trusted", chunks, key="someone",
            tamper=lambda b: b.replace(b"z" * 10, b"Z" * 10, 1))
        self.assertEqual(status, 200, body)


class AuthErrorsTest(S3AuthTestCase):
    def test_open_mode(self):
        server = self.start()
        self.assertEqual(self.send(server, "PUT", "/auth-open")[0], 200)
        # The known key with a wrong secret.
        status, _, body = self.send(server, "GET", "/auth-open", secret="wrong")
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "SignatureDoesNotMatch"))
        # 20 minutes off (S3 allows 15), with the known key and with a key taken on trust.
        stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        for key in ("test", "unknown-key"):
            status, _, body = self.send(server, "GET", "/auth-open", key=key, when=stale)
            self.assertEqual((status, local_server.s3_error_code(body)),
                             (403, "RequestTimeTooSkewed"), key)
        ahead = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=16)
        status, _, body = self.send(server, "GET", "/auth-open", key="unknown-key", when=ahead)
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "RequestTimeTooSkewed"))
        # 14 minutes is within S3's 15.
        near = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14)
        self.assertEqual(self.send(server, "GET", "/auth-open", key="unknown-key", when=near)[0],
                         200)

    def test_strict_mode(self):
        server = self.start("--auth", "strict")
        self.assertEqual(self.send(server, "PUT", "/auth-strict")[0], 200)
        status, _, body = self.send(server, "GET", "/auth-strict", key="AKIDUNKNOWN")
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "InvalidAccessKeyId"))
        status, _, body = local_server.raw_request(server.port, "GET", "/auth-strict")
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "AccessDenied"))
        status, _, body = self.send(server, "GET", "/auth-strict", secret="wrong")
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "SignatureDoesNotMatch"))
        stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        status, _, body = self.send(server, "GET", "/auth-strict", when=stale)
        self.assertEqual((status, local_server.s3_error_code(body)), (403, "RequestTimeTooSkewed"))


class ScopeAndTokenTest(S3AuthTestCase):
    """A scope for another region, and a security token sent with a static key: refused as AWS
    refuses them, in both modes (boto3 sends them as a misconfigured user's client would)."""

    def client(self, server, **kwargs):
        import boto3
        import botocore.config
        settings = dict(endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=botocore.config.Config(retries={"max_attempts": 1}))
        settings.update(kwargs)
        return boto3.client("s3", **settings)

    def test_another_region_and_a_bogus_token_are_refused(self):
        import botocore.exceptions
        for mode in ("open", "strict"):
            server = self.start("--auth", mode)
            self.client(server).create_bucket(Bucket="scoped-" + mode)
            cases = [(dict(region_name="eu-west-1"), 400, "AuthorizationHeaderMalformed",
                      "The authorization header is malformed; the region 'eu-west-1' is wrong; "
                      "expecting 'us-east-1'"),
                     (dict(aws_session_token="bogus"), 400, "InvalidToken",
                      "The provided token is malformed or otherwise invalid.")]
            for kwargs, status, code, message in cases:
                with self.assertRaises(botocore.exceptions.ClientError) as caught:
                    self.client(server, **kwargs).list_objects_v2(Bucket="scoped-" + mode)
                error = caught.exception.response
                self.assertEqual((error["ResponseMetadata"]["HTTPStatusCode"],
                                  error["Error"]["Code"], error["Error"]["Message"]),
                                 (status, code, message), (mode, kwargs))


class TlsProxy:
    """TLS on 127.0.0.1 in front of the server (a self-signed certificate made with openssl):
    botocore sends aws-chunked bodies only over https, so this is how a test sees them."""

    def __init__(self, backend_port, tmp):
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.backend_port = backend_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.accept, daemon=True)]
        self.threads[0].start()

    def accept(self):
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            thread = threading.Thread(target=self.pipe, args=(client,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def pipe(self, client):
        try:
            secure = self.context.wrap_socket(client, server_side=True)
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
        except (OSError, ssl.SSLError):
            client.close()
            return
        with secure, backend:
            peers = {secure: backend, backend: secure}
            while not self.stopping.is_set():
                # Bytes buffered inside the TLS layer are not visible to select.
                ready = [secure] if secure.pending() else select.select(list(peers), [], [], 0.2)[0]
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.listener.close()


class WhatBoto3SendsTest(S3AuthTestCase):
    """The server's upload trace (CSV2DDB_LOCAL_S3_TRACE_UPLOADS=1) shows what boto3 1.43 puts
    on the wire. Over http (as users of csv2ddb local connect) botocore signs the payload and
    sends the CRC32 as a header; over https it sends an aws-chunked body with
    STREAMING-UNSIGNED-PAYLOAD-TRAILER and a CRC32 trailer. Both pass every check."""

    def trace_of(self, endpoint_for, verify=None):
        import boto3
        self.assertTrue(boto3.__version__.startswith("1.4"), boto3.__version__)
        trace = os.path.join(self.tmp, "server.stderr")
        server = self.start(env={"CSV2DDB_LOCAL_S3_TRACE_UPLOADS": "1"}, stderr_path=trace)
        endpoint, cleanup = endpoint_for(server)
        try:
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test",
                              verify=verify)
            s3.create_bucket(Bucket="traced")
            s3.put_object(Bucket="traced", Key="a.csv", Body=b"a,b\n1,2\n")
            self.assertEqual(s3.get_object(Bucket="traced", Key="a.csv")["Body"].read(),
                             b"a,b\n1,2\n")
        finally:
            cleanup()
        server.stop()
        with open(trace) as f:
            return [line.strip() for line in f if line.startswith("csv2ddb local s3: body")]

    def test_over_http_a_signed_payload_and_a_crc32_header(self):
        lines = self.trace_of(lambda server: (server.endpoint, lambda: None))
        self.assertEqual(lines, [
            "csv2ddb local s3: body /traced/a.csv framing=plain content-sha256=%s trailer= "
            "crc32-header=%s chunk-signatures=none bytes=8 result=ok"
            % (hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
               base64.b64encode(zlib.crc32(b"a,b\n1,2\n").to_bytes(4, "big")).decode())])

    def test_over_https_an_aws_chunked_body_with_a_crc32_trailer(self):
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

        def behind_tls(server):
            proxy = TlsProxy(server.port, self.tmp)
            return "https://127.0.0.1:%d" % proxy.port, proxy.stop

        lines = self.trace_of(behind_tls, verify=False)
        self.assertEqual(lines, [
            "csv2ddb local s3: body /traced/a.csv framing=aws-chunked "
            "content-sha256=STREAMING-UNSIGNED-PAYLOAD-TRAILER trailer=x-amz-checksum-crc32 "
            "crc32-header= chunk-signatures=none bytes=8 result=ok"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
