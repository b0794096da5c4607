#!/usr/bin/env python3
"""A fake Lambda Runtime API (2018-06-01) for the bootstrap's tests, on 127.0.0.1 only.

Hands out the invocations listed in --events (a JSON array of {"request_id", "payload",
"deadline_ms", "trace_id", "function_arn"}) in order through GET /invocation/next, then answers
410 Gone so the runtime loop ends. Every POST (response, error, init error) is appended to
--record as one JSON line {"kind", "request_id", "body", "content_type", "error_type"}.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    with open(args.events, encoding="utf-8") as f:
        events = json.load(f)
    lock = threading.Lock()

    def record(entry):
        with lock, open(args.record, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def answer(self, status, body=b"", headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != PREFIX + "/invocation/next":
                return self.answer(404, b'{"errorMessage":"unknown path"}')
            with lock:
                event = events.pop(0) if events else None
            if event is None:
                return self.answer(410, b'{"errorMessage":"no more invocations"}')
            headers = {"Lambda-Runtime-Aws-Request-Id": event["request_id"],
                       "Content-Type": "application/json"}
            if "deadline_ms" in event:
                headers["Lambda-Runtime-Deadline-Ms"] = str(event["deadline_ms"])
            if "trace_id" in event:
                headers["Lambda-Runtime-Trace-Id"] = event["trace_id"]
            if "function_arn" in event:
                headers["Lambda-Runtime-Invoked-Function-Arn"] = event["function_arn"]
            self.answer(200, event["payload"].encode("utf-8"), headers)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            entry = {"body": body, "content_type": self.headers.get("Content-Type", ""),
                     "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type", "")}
            path = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
            parts = path.strip("/").split("/")
            if path == "/init/error":
                entry.update(kind="init_error", request_id="")
            elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                entry.update(kind=parts[2], request_id=parts[1])
            else:
                return self.answer(404, b'{"errorMessage":"unknown path"}')
            record(entry)
            self.answer(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
