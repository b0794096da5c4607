#!/usr/bin/env python3
"""Fake EC2 instance metadata (IMDSv2) and container credentials endpoints on 127.0.0.1.

Prints "PORT <n>" once it listens; stops when stdin closes.
Every answer of credentials carries a fresh AccessKeyId (ASIAFAKE0000000001, ...02, ...) so a
test can see a refresh. The Expiration is the --expiration argument.
  PUT /latest/api/token                     needs X-aws-ec2-metadata-token-ttl-seconds
  GET /latest/meta-data/iam/security-credentials/        needs the token; "fake-role"
  GET /latest/meta-data/iam/security-credentials/fake-role
  GET /container/credentials                needs Authorization: <--container-token> when given
  GET /stats                                "imds <n> container <n>": credentials answered
"""
import argparse
import http.server
import json
import socketserver
import sys
import threading

TOKEN = "fake-imds-token-123"
ROLE = "fake-role"
lock = threading.Lock()
issued = {"imds": 0, "container": 0, "total": 0}
options = None


def credentials(kind):
    with lock:
        issued[kind] += 1
        issued["total"] += 1
        n = issued["total"]
    return json.dumps({
        "Code": "Success",
        "Type": "AWS-HMAC",
        "AccessKeyId": f"ASIAFAKE{n:010d}",
        "SecretAccessKey": f"fakeSecretKey{n}",
        "Token": f"fakeSessionToken{n}",
        "Expiration": options.expiration,
        "LastUpdated": "2020-01-01T00:00:00Z",
    }).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        if self.path != "/latest/api/token":
            return self.reply(404, b"")
        if options.imds_v1_only:
            return self.reply(404, b"")
        if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, b"missing ttl")
        self.reply(200, TOKEN.encode())

    def do_GET(self):
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(prefix):
            if not options.imds_v1_only and self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
                return self.reply(401, b"")
            role = self.path[len(prefix):]
            if role == "":
                return self.reply(200, ROLE.encode())
            if role == ROLE:
                return self.reply(200, credentials("imds"))
            return self.reply(404, b"")
        if self.path == "/container/credentials":
            if options.container_token and self.headers.get("Authorization") != options.container_token:
                return self.reply(403, b'{"message":"bad token"}')
            return self.reply(200, credentials("container"))
        if self.path == "/stats":
            with lock:
                body = f"imds {issued['imds']} container {issued['container']}".encode()
            return self.reply(200, body)
        self.reply(404, b"")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global options
    parser = argparse.ArgumentParser()
    parser.add_argument("--expiration", default="2100-01-01T00:00:00Z")
    parser.add_argument("--container-token", default="")
    parser.add_argument("--imds-v1-only", action="store_true")
    options = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
