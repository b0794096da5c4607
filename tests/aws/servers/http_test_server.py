#!/usr/bin/env python3
"""A small HTTP/1.1 server for the HTTP client's tests, on 127.0.0.1 only.

Prints "PORT <n>" once it listens, then serves until stdin closes or it is killed.
Routes:
  /echo          any method: answers 200 with the request body; X-Seen-* headers report what
                 arrived (method, body length, Expect, Transfer-Encoding, X-Amzn-Trace-Id).
  /digest        reads the body, answers "<length> <sha256 hex>" without keeping it.
  /big?size=N    N bytes of the pattern i % 251, sent in 64 KiB writes with Content-Length.
  /status?code=C answers status C with body "status C".
  /drop          reads the request, then closes the connection without answering.
  /stall...      (any path starting so, e.g. an endpoint URL ending in /stall) reads the
                 request, then answers nothing for --stall-seconds (default 30), then closes.
  /inflight?n=N  waits until N requests are inside this handler at once (10 s at most), then
                 answers "ok"; 500 when they never were.
  /expect-reject with "Expect: 100-continue": answers 403 at once, never reads the body.
  /stats         "connections <n> stalled <m>": TCP connections accepted, /stall requests.
  /answer-then-close  answers 200 "closing" with a Content-Length and no "Connection: close",
                 then closes the connection (a server dropping an idle kept-alive connection).
  /chunked       answers 200 with the body "abcde0123456789" in three chunks and a trailer.
"""
import argparse
import hashlib
import http.server
import socketserver
import sys
import threading
import time
import urllib.parse

STALL_SECONDS = 30.0
lock = threading.Lock()
connections = 0
stalled = 0
barriers = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1

    def handle_expect_100(self):
        if self.path.startswith("/expect-reject"):
            self.reply(403, b"rejected before the body")
            self.close_connection = True
            return False
        return super().handle_expect_100()

    def read_body(self, sink):
        length = self.headers.get("Content-Length")
        if length is not None:
            remaining = int(length)
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                sink(chunk)
                remaining -= len(chunk)
            return
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                sink(self.rfile.read(size))
                self.rfile.readline()

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        global stalled
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        route = url.path
        if route == "/echo":
            parts = []
            self.read_body(parts.append)
            body = b"".join(parts)
            seen = [
                ("X-Seen-Method", self.command),
                ("X-Seen-Length", str(len(body))),
                ("X-Seen-Expect", self.headers.get("Expect", "-")),
                ("X-Seen-Transfer-Encoding", self.headers.get("Transfer-Encoding", "-")),
                ("X-Seen-Trace-Id", self.headers.get("X-Amzn-Trace-Id", "-")),
                ("X-Seen-Custom", self.headers.get("X-Custom", "-")),
                ("X-Seen-Content-Type", self.headers.get("Content-Type", "-")),
                ("X-Seen-Content-Length", self.headers.get("Content-Length", "-")),
            ]
            self.reply(200, body, seen)
        elif route == "/digest":
            digest = hashlib.sha256()
            total = [0]

            def sink(chunk):
                digest.update(chunk)
                total[0] += len(chunk)

            self.read_body(sink)
            self.reply(200, f"{total[0]} {digest.hexdigest()}".encode(),
                       [("X-Seen-Expect", self.headers.get("Expect", "-"))])
        elif route == "/big":
            size = int(query.get("size", "0"))
            pattern = bytes(i % 251 for i in range(251 * 261))  # 65511 bytes, a whole period
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            sent = 0
            while sent < size:
                # Each write starts at offset sent % 251 of the pattern.
                start = sent % 251
                piece = pattern[start:start + min(size - sent, 65000)]
                self.wfile.write(piece)
                sent += len(piece)
        elif route == "/status":
            self.read_body(lambda chunk: None)
            code = int(query.get("code", "500"))
            self.reply(code, f"status {code}".encode(), [("X-Status-Route", "yes")])
        elif route == "/drop":
            self.read_body(lambda chunk: None)
            self.close_connection = True  # closes the socket without a response
        elif route.startswith("/stall"):
            with lock:
                stalled += 1
            self.read_body(lambda chunk: None)
            time.sleep(STALL_SECONDS)
            self.close_connection = True
        elif route == "/inflight":
            n = int(query.get("n", "2"))
            with lock:
                barrier = barriers.setdefault(n, threading.Barrier(n, timeout=10))
            try:
                barrier.wait()
                self.reply(200, b"ok")
            except threading.BrokenBarrierError:
                self.reply(500, b"not enough concurrent requests")
        elif route == "/answer-then-close":
            self.read_body(lambda chunk: None)
            self.reply(200, b"closing")
            self.close_connection = True
        elif route == "/chunked":
            self.read_body(lambda chunk: None)
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"2\r\nab\r\n3;ext=1\r\ncde\r\nA\r\n0123456789\r\n0\r\nX-T: t\r\n\r\n")
        elif route == "/stats":
            with lock:
                count, stalls = connections, stalled
            self.reply(200, f"connections {count} stalled {stalls}".encode())
        else:
            self.reply(404, b"no such route")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass  # clients that abort on purpose (the tests do) are not news


def main():
    global STALL_SECONDS
    parser = argparse.ArgumentParser()
    parser.add_argument("--stall-seconds", type=float, default=STALL_SECONDS)
    STALL_SECONDS = parser.parse_args().stall_seconds
    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes our stdin (or kills us) to stop
    server.shutdown()


if __name__ == "__main__":
    main()
