#!/usr/bin/env python3
"""BatchWriteItem ingest rate into `csv2ddb local` and into dynalite, in one run, with the same
client and the same items (the same number of them); prints items/s for both and the ratio.

The client is built to be cheap, so the servers are what is measured: every request is built
and SigV4-signed, down to its bytes on the wire, before the clock starts; then P worker
processes each send their share over one raw keep-alive socket, one request in flight at a
time, back to back (25 items per BatchWriteItem, as csv2ddb ingest sends them), reading each
answer with no more parsing than its status, length and UnprocessedItems need. Items look like the reference offers (8 attributes, ~200 bytes).

  python3 bench/local_dynamodb_ingest.py --csv2ddb build/release/csv2ddb \
      [--items 200000] [--processes 4] [--grow 0]

--gsi gives the table (on both servers) a global secondary index that every item is in.

--grow N additionally measures how csv2ddb local's rate holds as the table grows: after the
comparison it keeps writing in rounds of --items until the table holds N items and prints the
rate of each round."""
import argparse
import json
import multiprocessing
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "local"))
import local_server  # noqa: E402

TABLE = "bench_offers"


def make_item(n):
    account = "%08d" % (n // 1000)
    return {
        "account": {"S": account},
        "offer_id": {"S": "%012d" % n},
        "catalog_id": {"S": "%018d" % (n * 7919)},
        "account_type_code": {"S": "AB"},
        "offer_type_id": {"S": "%08d" % (n % 97)},
        "created": {"S": "2024-01-01T00:00:00Z"},
        "expire": {"S": "2024-12-31T00:00:00Z"},
        "risk": {"S": ("high", "medium", "low")[n % 3]},
    }


def signed_batches(port, first, count):
    """(headers, body) per BatchWriteItem for items first..first+count, signed now."""
    import datetime
    import hashlib
    import hmac
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")

    def h(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = h(h(h(h(b"AWS4test", day), "us-east-1"), "dynamodb"), "aws4_request")
    scope = "%s/us-east-1/dynamodb/aws4_request" % day
    host = "127.0.0.1:%d" % port
    out = []
    for start in range(first, first + count, 25):
        body = json.dumps({"RequestItems": {TABLE: [
            {"PutRequest": {"Item": make_item(n)}}
            for n in range(start, min(start + 25, first + count))]}}).encode()
        canonical = "\n".join([
            "POST", "/", "",
            "content-type:application/x-amz-json-1.0\nhost:%s\nx-amz-date:%s\n"
            "x-amz-target:DynamoDB_20120810.BatchWriteItem\n" % (host, amz_date),
            "content-type;host;x-amz-date;x-amz-target", hashlib.sha256(body).hexdigest()])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        head = ("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-amz-json-1.0\r\n"
                "X-Amz-Target: DynamoDB_20120810.BatchWriteItem\r\nX-Amz-Date: %s\r\n"
                "Authorization: AWS4-HMAC-SHA256 Credential=test/%s, SignedHeaders=content-type;"
                "host;x-amz-date;x-amz-target, Signature=%s\r\nContent-Length: %d\r\n\r\n" %
                (host, amz_date, scope, signature, len(body)))
        out.append(head.encode() + body)
    return out


def read_response(sock, buffer):
    """(status, body, rest of buffer) of one HTTP/1.1 response with a Content-Length."""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("connection closed")
        buffer += data
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(buffer) < length:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("connection closed")
        buffer += data
    return status, buffer[:length], buffer[length:]


def send_all(args):
    port, batches = args
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    unprocessed = 0
    buffer = b""
    for request in batches:
        sock.sendall(request)
        status, body, buffer = read_response(sock, buffer)
        if status != 200:
            raise RuntimeError("HTTP %d: %s" % (status, body[:300]))
        if b'"UnprocessedItems":{}' not in body and b'"UnprocessedItems": {}' not in body:
            unprocessed += len(json.loads(body)["UnprocessedItems"].get(TABLE, []))
    sock.close()
    return unprocessed


def create_table(port, gsi=False):
    """The table, with --gsi a global secondary index on (risk, offer_type_id) as well, which
    every item has: each write is then checked against the index's key types."""
    request = {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "account", "KeyType": "HASH"},
                      {"AttributeName": "offer_id", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "account", "AttributeType": "S"},
                                 {"AttributeName": "offer_id", "AttributeType": "S"}]}
    if gsi:
        request["AttributeDefinitions"] += [{"AttributeName": "risk", "AttributeType": "S"},
                                            {"AttributeName": "offer_type_id",
                                             "AttributeType": "S"}]
        request["GlobalSecondaryIndexes"] = [{
            "IndexName": "by_risk",
            "KeySchema": [{"AttributeName": "risk", "KeyType": "HASH"},
                          {"AttributeName": "offer_type_id", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    status, body = local_server.signed_dynamodb_request(port, "CreateTable", request)
    if status != 200:
        raise RuntimeError("CreateTable: %s" % body)


def cpu_seconds(pid):
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest(port, first, count, processes, pid=None):
    """Items per second for writing items first..first+count, and items per second of the
    server's own CPU time (the client's share of this 2-core machine left out)."""
    batches = signed_batches(port, first, count)
    shares = [(port, batches[i::processes]) for i in range(processes)]
    with multiprocessing.Pool(processes) as pool:
        cpu_before = cpu_seconds(pid)
        start = time.perf_counter()
        unprocessed = sum(pool.map(send_all, shares))
        seconds = time.perf_counter() - start
        cpu = cpu_seconds(pid) - cpu_before
    if unprocessed:
        raise RuntimeError("%d items came back unprocessed" % unprocessed)
    return count / seconds, count / max(cpu, 1e-9)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv2ddb", required=True)
    parser.add_argument("--items", type=int, default=200000,
                        help="items written to each server (and per round of --grow)")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--grow", type=int, default=0)
    parser.add_argument("--gsi", action="store_true",
                        help="the table (both servers') has a global secondary index")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="csv2ddb-bench-")
    try:
        with local_server.LocalServer(args.csv2ddb, data_dir) as server:
            create_table(server.port, args.gsi)
            ours, ours_cpu = ingest(server.port, 0, args.items, args.processes,
                                    server.process.pid)
            print("csv2ddb local: %8.0f items/s, %8.0f items per server CPU second "
                  "(%d items, %d client processes)" % (ours, ours_cpu, args.items, args.processes),
                  flush=True)
        with local_server.Dynalite() as dynalite:
            create_table(dynalite.port, args.gsi)
            theirs, theirs_cpu = ingest(dynalite.port, 0, args.items, args.processes,
                                        dynalite.node_pid())
            print("dynalite:      %8.0f items/s, %8.0f items per server CPU second (%d items)" %
                  (theirs, theirs_cpu, args.items), flush=True)
        print("ratio:         %8.1fx wall, %.1fx per server CPU second" %
              (ours / theirs, ours_cpu / theirs_cpu), flush=True)
        if args.grow > args.items:
            # The same data folder, served again: the table as the comparison left it.
            with local_server.LocalServer(args.csv2ddb, data_dir) as server:
                written = args.items
                while written < args.grow:
                    rate, rate_cpu = ingest(server.port, written, args.items, args.processes,
                                            server.process.pid)
                    written += args.items
                    print("  table at %9d items: %8.0f items/s, %8.0f per server CPU second" %
                          (written, rate, rate_cpu), flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
