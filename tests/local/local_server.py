"""Starting and stopping `csv2ddb local` (and dynalite) for the black-box tests, plus a small
SigV4 signer with an explicit clock so tests can send stale or badly signed requests that no
SDK would produce. Shared by the test_*.py scripts in this folder and by bench/."""
import datetime
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time

LISTENING_PREFIX = "csv2ddb local listening on http://127.0.0.1:"
DYNALITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                        "node_modules", ".bin", "dynalite")


class LocalServer:
    """One `csv2ddb local --port 0` process; waits for its listening line."""

    def __init__(self, binary, data_dir, *extra_args, env=None, stderr_path=None):
        """env: extra environment variables; stderr_path: a file for the server's stderr (read
        it after stop()), instead of a pipe nobody reads."""
        self.stderr_file = open(stderr_path, "w") if stderr_path else None
        self.process = subprocess.Popen(
            [binary, "local", "--port", "0", "--data-dir", data_dir, *extra_args],
            stdout=subprocess.PIPE,
            stderr=self.stderr_file if self.stderr_file else subprocess.PIPE, text=True,
            env=dict(os.environ, **(env or {})))
        line = self.process.stdout.readline()
        if not line.startswith(LISTENING_PREFIX):
            self.process.kill()
            raise RuntimeError("csv2ddb local did not start: %r %s" %
                               (line, "" if self.stderr_file else self.process.stderr.read()))
        self.port = int(line.strip()[len(LISTENING_PREFIX):])
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit status (negative: killed by that signal)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.stdout.close()
            if self.stderr_file:
                self.stderr_file.close()
            else:
                self.process.stderr.close()

    def cpu_seconds(self):
        """User plus system CPU time the server has used so far (from /proc)."""
        with open("/proc/%d/stat" % self.process.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dynalite:
    """dynalite on a free port (its --port 0 does not work), in memory."""

    def __init__(self):
        if not os.path.exists(DYNALITE) or not shutil.which("node"):
            raise RuntimeError("dynalite is not installed (scripts/setup.sh installs it)")
        self.port = free_port()
        self.process = subprocess.Popen(
            [DYNALITE, "--host", "127.0.0.1", "--port", str(self.port), "--createTableMs", "0",
             "--deleteTableMs", "0", "--updateTableMs", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("dynalite did not start")

    def node_pid(self):
        """The node process serving (the .bin/dynalite launcher may be a wrapper)."""
        children = "/proc/%d/task/%d/children" % (self.process.pid, self.process.pid)
        try:
            with open(children) as f:
                pids = [int(p) for p in f.read().split()]
        except OSError:
            pids = []
        return pids[0] if pids else self.process.pid

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def boto3_client(endpoint, key="test", secret="test", **config):
    import boto3
    import botocore.config
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 0}, **config))


def _hmac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign_dynamodb_request(port, operation, body, key="test", secret="test", when=None,
                          tamper_signature=False, authorization=True, raw_payload=None):
    """(headers, payload) of a DynamoDB request signed at `when` (UTC datetime, default now);
    the payload is `body` as JSON, or exactly the bytes `raw_payload` (JSON or not)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = when.strftime("%Y%m%d")
    payload = raw_payload if raw_payload is not None else json.dumps(body).encode()
    host = "127.0.0.1:%d" % port
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + operation,
        "X-Amz-Date": amz_date,
        "Host": host,
    }
    signed_names = sorted(name.lower() for name in headers)
    canonical_headers = "".join("%s:%s\n" % (name, headers[next(
        h for h in headers if h.lower() == name)].strip()) for name in signed_names)
    canonical_request = "\n".join([
        "POST", "/", "", canonical_headers, ";".join(signed_names),
        hashlib.sha256(payload).hexdigest()])
    scope = "%s/us-east-1/dynamodb/aws4_request" % day
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    signing_key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), day), "us-east-1"),
                              "dynamodb"), "aws4_request")
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if tamper_signature:
        signature = ("0" if signature[0] != "0" else "1") + signature[1:]
    if authorization:
        headers["Authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" %
            (key, scope, ";".join(signed_names), signature))
    return headers, payload


def signed_dynamodb_request(port, operation, body, **signing):
    """POSTs one signed DynamoDB request (see sign_dynamodb_request); returns
    (status, parsed JSON body)."""
    headers, payload = sign_dynamodb_request(port, operation, body, **signing)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/", body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


def sign_s3_request(port, method, path, headers=None, payload_hash=None, body=b"", key="test",
                    secret="test", when=None, query=""):
    """Headers of an S3 request signed at `when` (UTC datetime, default now), path-style.
    payload_hash is what x-amz-content-sha256 says (default: the SHA-256 of body); every header
    given is signed. Also returns the signature (the seed of a signed streaming body) and the
    pieces a chunk signer needs: (headers, signature, amz_date, scope, signing_key)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = when.strftime("%Y%m%d")
    payload_hash = payload_hash or hashlib.sha256(body).hexdigest()
    if "?" in path:  # "/b/k?uploads": the query is signed in canonical form ("uploads=")
        path, query = path.split("?", 1)
        query = "&".join(sorted(p if "=" in p else p + "=" for p in query.split("&") if p))
    headers = dict(headers or {})
    headers.update({"Host": "127.0.0.1:%d" % port, "X-Amz-Date": amz_date,
                    "x-amz-content-sha256": payload_hash})
    lowered = {name.lower(): str(value).strip() for name, value in headers.items()}
    signed_names = sorted(lowered)
    canonical_headers = "".join("%s:%s\n" % (name, lowered[name]) for name in signed_names)
    canonical_request = "\n".join([method, path, query, canonical_headers, ";".join(signed_names),
                                   payload_hash])
    scope = "%s/us-east-1/s3/aws4_request" % day
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    signing_key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), day), "us-east-1"), "s3"),
                        "aws4_request")
    signature = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                                "Signature=%s" % (key, scope, ";".join(signed_names), signature))
    return headers, signature, amz_date, scope, signing_key


def raw_request(port, method, path, body=b"", headers=None, timeout=30):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def s3_error_code(body):
    """The <Code> of an S3 XML error body."""
    text = body.decode() if isinstance(body, bytes) else body
    start = text.find("<Code>")
    return text[start + 6:text.find("</Code>")] if start >= 0 else None


def error_type(body):
    """The code after '#' in a DynamoDB error's __type."""
    return body.get("__type", "").rsplit("#", 1)[-1]


def error_message(body):
    return body.get("message", body.get("Message"))


def run_tests(module):
    """The main of a test file run as `python3 FILE --csv2ddb BIN [unittest options]`: sets the
    module's CSV2DDB to the binary's absolute path and runs the module's tests."""
    import argparse
    import sys
    import unittest
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    module.CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(module=module, argv=[sys.argv[0]] + rest, verbosity=2)
