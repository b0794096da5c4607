#!/usr/bin/env python3
"""A bounded soak of `csv2ddb local` (issue "Nothing lost, nothing silent, nothing stalled"):
several clients at once against the deployed template under
`--fault throttle=0.1,error=0.02,drop=0.01,latency=10` -- CSV uploads (single PUT and
multipart) that the import function loads through the notification, small objects, and
BatchWriteItem into a table of their own -- while the server is killed (SIGKILL) and later
stopped (SIGTERM) and started again on the same data folder. At the end:

  - every uploaded CSV has its report, and every report balances
    (rows_read == written + rejected + unprocessed + skipped + conflicts);
  - the import table holds exactly the rows the reports say were written;
  - every acknowledged small object and BatchWriteItem item is there;
  - the server's RSS and open descriptors, like with like: the last server idle after each of
    several further waves of the same traffic (no stops), which must not grow from wave to wave
    (the first wave warms the function's environments, as Lambda keeps them warm).

    python3 bench/soak.py [--files 24] [--rows 2000] [--seconds 120] [--waves 3]
                          [--wave-seconds 20]

Not a test (minutes long); the figures go to bench/README.md.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import boto3
import boto3.s3.transfer
import botocore.config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import local_stack  # noqa: E402

TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
BUCKET = "soak"
TABLE = "csv2ddb-offers"
SIDE = "soak-side"
FAULTS = "throttle=0.1,error=0.02,drop=0.01,latency=10"


class Server:
    """The local AWS, restartable on the same data folder; clients read the endpoint here."""

    def __init__(self, binary, data):
        self.binary, self.data = binary, data
        self.lock = threading.Lock()
        self.stack = None
        self.start()

    def start(self):
        stack = local_stack.LocalStack(self.binary, TEMPLATE, params=["S3BucketName=" + BUCKET],
                                       extra=["--fault", FAULTS, "--lambda-retry-delays",
                                              "500,1000"], data_dir=self.data)
        with self.lock:
            self.stack = stack

    def endpoint(self):
        with self.lock:
            return self.stack.endpoint

    def stop(self, how):
        with self.lock:
            stack = self.stack
        if how == "kill":
            stack.process.send_signal(signal.SIGKILL)
        stack.stop()

    def usage(self):
        """RSS (MB), open descriptors and warm function environments (bootstrap children)."""
        pid = self.stack.process.pid
        with open("/proc/%d/status" % pid) as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                  text=True).stdout.split()
        return rss / 1024.0, len(os.listdir("/proc/%d/fd" % pid)), len(children)


def client(server, service):
    config = botocore.config.Config(retries={"mode": "standard", "max_attempts": 10},
                                    connect_timeout=5, read_timeout=60)
    return boto3.client(service, endpoint_url=server.endpoint(), region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test", config=config)


def until_done(server, action, stop_at):
    """Runs action(client factory) until it succeeds (the server may be down meanwhile)."""
    while time.time() < stop_at + 600:
        try:
            return action(lambda service: client(server, service))
        except Exception:  # down, restarting, or a fault past the client's retries
            time.sleep(0.5)
    raise RuntimeError("gave up")


def uploader(server, files, stop_at, acknowledged):
    spacing = max(0.0, (stop_at - time.time()) / max(1, len(files)))
    for key, path in files:
        time.sleep(spacing)
        def put(make):
            s3 = make("s3")
            if key.endswith("-mp.csv"):
                transfer = boto3.s3.transfer.TransferConfig(multipart_threshold=64 * 1024,
                                                            multipart_chunksize=64 * 1024)
                s3.upload_file(path, BUCKET, key, Config=transfer)
            else:
                with open(path, "rb") as f:
                    s3.put_object(Bucket=BUCKET, Key=key, Body=f.read())
        until_done(server, put, stop_at)
        acknowledged.append(key)


def small_objects(server, stop_at, acknowledged, prefix="misc/"):
    n = 0
    while time.time() < stop_at:
        key = "%sobject-%05d.txt" % (prefix, n)
        until_done(server, lambda make, k=key: make("s3").put_object(
            Bucket=BUCKET, Key=k, Body=k.encode()), stop_at)
        acknowledged.append(key)
        n += 1


def side_writes(server, stop_at, acknowledged, n=0):
    while time.time() < stop_at:
        items = [{"PutRequest": {"Item": {"account": {"S": "side"},
                                          "offer_id": {"S": "%06d" % (n + i)}}}}
                 for i in range(25)]

        def write(make, pending=items):
            ddb = make("dynamodb")
            while pending:
                left = ddb.batch_write_item(RequestItems={SIDE: pending}).get(
                    "UnprocessedItems", {}).get(SIDE, [])
                pending = left
        until_done(server, write, stop_at)
        acknowledged.extend("%06d" % (n + i) for i in range(25))
        n += 25


def run_clients(server, files, seconds, uploads, smalls, sides, wave=0, stops=()):
    """The three clients for `seconds`, with the server stopped and started at `stops`."""
    started = time.time()
    stop_at = started + seconds
    threads = [threading.Thread(target=uploader, args=(server, files, stop_at, uploads)),
               threading.Thread(target=small_objects,
                                args=(server, stop_at, smalls, "misc/w%d-" % wave)),
               threading.Thread(target=side_writes,
                                args=(server, stop_at, sides, wave * 1000000))]
    for t in threads:
        t.start()
    for how, at in stops:
        time.sleep(max(0, started + seconds * at - time.time()))
        server.stop(how)
        print("%s at %.0f s; restarting" % ("SIGKILL" if how == "kill" else "SIGTERM",
                                            time.time() - started), flush=True)
        server.start()
    for t in threads:
        t.join()


def wait_for_reports(server, uploads, reports):
    s3 = client(server, "s3")
    deadline = time.time() + 900
    while len(reports) < len(uploads) and time.time() < deadline:
        for key in uploads:
            if key in reports:
                continue
            try:
                body = s3.get_object(Bucket=BUCKET, Key="reports/%s.report.json" % key)["Body"]
                reports[key] = json.loads(body.read())
            except s3.exceptions.NoSuchKey:
                pass
        time.sleep(1)


def balances(r):
    return r["rows_read"] == (r["rows_written"] + r["rows_rejected"] + r["rows_unprocessed"] +
                              r["rows_skipped"] + r["rows_conflicts"])


def idle_usage(server):
    time.sleep(5)  # idle: connections closed, functions finished (their environments warm)
    rss, fds, envs = server.usage()
    return {"rss_mb": round(rss, 1), "fds": fds, "environments": envs}


def count_items(ddb, table):
    total, start = 0, None
    while True:
        page = ddb.scan(TableName=table, Select="COUNT",
                        **({"ExclusiveStartKey": start} if start else {}))
        total += page["Count"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", default=os.path.join(ROOT, "build", "release", "csv2ddb"))
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--wave-seconds", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="csv2ddb-soak-")
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    files = []
    for i in range(args.files):
        key = "in/file-%03d%s.csv" % (i, "-mp" if i % 3 == 0 else "")
        path = os.path.join(tmp, "file-%03d.csv" % i)
        subprocess.run([args.csv2ddb, "make-csv", "--rows", str(args.rows), "--seed",
                        str(1000 + i), "--output", path], check=True)
        files.append((key, path))
    server = Server(args.csv2ddb, data)
    client(server, "dynamodb").create_table(
        TableName=SIDE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "offer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                   {"AttributeName": "offer_id", "KeyType": "RANGE"}])
    time.sleep(1)
    first_idle = server.usage()
    uploads, smalls, sides = [], [], []
    run_clients(server, files, args.seconds, uploads, smalls, sides,
                stops=(("kill", 1 / 3), ("term", 2 / 3)))
    print("uploads acknowledged: %d, small objects: %d, side items: %d" %
          (len(uploads), len(smalls), len(sides)), flush=True)
    reports = {}
    wait_for_reports(server, uploads, reports)
    missing = sorted(set(uploads) - set(reports))
    unbalanced = [k for k, r in reports.items() if not balances(r)]
    written = sum(r["rows_written"] for r in reports.values())
    unprocessed = sum(r["rows_unprocessed"] for r in reports.values())
    ddb = client(server, "dynamodb")
    in_table = count_items(ddb, TABLE)
    # Waves of the same traffic against the last server, no stops: the same files again under
    # new keys (the same rows, so the table keeps its count), measured idle after each.
    idle = [idle_usage(server)]
    for wave in range(1, args.waves + 1):
        wave_files = [("in/w%d/%s" % (wave, key[3:]), path) for key, path in files[:6]]
        wave_uploads = []
        run_clients(server, wave_files, args.wave_seconds, wave_uploads, smalls, sides, wave)
        wave_reports = {}
        wait_for_reports(server, wave_uploads, wave_reports)
        missing += sorted(set(wave_uploads) - set(wave_reports))
        unbalanced += [k for k, r in wave_reports.items() if not balances(r)]
        idle.append(idle_usage(server))
        print("wave %d: %d uploads, idle %s" % (wave, len(wave_uploads), idle[-1]), flush=True)
    s3 = client(server, "s3")
    side_count = count_items(ddb, SIDE)
    small_missing = 0
    for key in smalls:
        try:
            s3.head_object(Bucket=BUCKET, Key=key)
        except Exception:
            small_missing += 1
    result = {
        "uploads": len(uploads), "reports": len(reports), "missing_reports": missing,
        "unbalanced_reports": unbalanced, "rows_written": written,
        "rows_unprocessed": unprocessed, "table_items": in_table,
        "side_items_acknowledged": len(sides), "side_items_in_table": side_count,
        "small_objects": len(smalls), "small_objects_missing": small_missing,
        "first_server_idle_after_deploy": {"rss_mb": round(first_idle[0], 1),
                                           "fds": first_idle[1], "environments": first_idle[2]},
        "last_server_idle_after_the_run_then_each_wave": idle,
    }
    print(json.dumps(result, indent=2))
    server.stop("term")
    ok = (not missing and not unbalanced and written == in_table and
          side_count == len(sides) and small_missing == 0)
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept for a look: " + tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
