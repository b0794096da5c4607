#!/usr/bin/env python3
"""Writers against a table's capacity (issue "One big object, many workers"): for a table that
takes C write units a second (`csv2ddb local --fault capacity=C`, DynamoDB's metering
simplified: src/local/capacity_limiter.hpp), one `csv2ddb ingest` and one fanned-out import by
the deployed template (4 workers) each load a make-csv file of about 20 s at C. The table's
ItemCount is sampled every half second; the steady part is the middle of the run (from 20% to
80% of the rows). Printed and written to bench/results/fanout_capacity.tsv: units/s over the
steady part as a share of C, and the throttled share of the writers' requests over the steady
part (from their progress: the terminal line of `csv2ddb ingest`, run on a pseudo-terminal, and
the progress lines the function logs) and over the whole run (the reports' throttles /
requests). One PNG of units/s over time per run.

    python3 bench/fanout_capacity.py [--capacities 1000,5000,20000] [--seconds 20]

Not a test: minutes long. Figures go to bench/README.md.
"""
import argparse
import datetime
import json
import os
import pty
import re
import subprocess
import sys
import tempfile
import threading
import time

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import local_stack  # noqa: E402
import servers  # noqa: E402

TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
BUCKET = "capacity"
TABLE = "csv2ddb-offers"


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


class Sampler:
    """ItemCount every half second, on a thread, until stopped."""

    def __init__(self, endpoint, table):
        self.ddb, self.table, self.samples = client(endpoint, "dynamodb"), table, []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        self.started = time.time()
        while not self.stopped.is_set():
            count = self.ddb.describe_table(TableName=self.table)["Table"]["ItemCount"]
            self.samples.append((time.time() - self.started, count))
            time.sleep(0.5)

    def stop(self):
        self.stopped.set()
        self.thread.join()
        return self.samples


def steady_window(samples, total):
    """The times (s) at 20% and 80% of the rows (1 unit each)."""
    lo = next(s for s in samples if s[1] >= 0.2 * total)
    hi = next(s for s in samples if s[1] >= 0.8 * total)
    return lo, hi


def steady_rate(samples, total):
    lo, hi = steady_window(samples, total)
    return (hi[1] - lo[1]) / (hi[0] - lo[0])


def counts_at(progress, when):
    """(requests, throttles) at time `when`: each writer's (invocation's) last progress by then,
    added up. `progress`: (time, writer, requests, throttles) in time order."""
    last = {}
    for t, writer, requests, throttles in progress:
        if t > when:
            break
        last[writer] = (requests, throttles)
    return (sum(r for r, _ in last.values()), sum(t for _, t in last.values()))


def steady_throttled_share(progress, samples, total, started):
    lo, hi = steady_window(samples, total)
    r0, t0 = counts_at(progress, started + lo[0])
    r1, t1 = counts_at(progress, started + hi[0])
    return (t1 - t0) / max(1, r1 - r0)


def function_progress(log):
    """The progress lines of the function's log, as counts_at takes them."""
    out = []
    for line in log.splitlines():
        if line.startswith("{") and '"message":"progress"' in line:
            entry = json.loads(line)
            when = datetime.datetime.strptime(entry["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
            when = when.replace(tzinfo=datetime.timezone.utc).timestamp()
            out.append((when, entry["requestId"], entry["requests"], entry["throttles"]))
    return sorted(out)


PROGRESS = re.compile(rb"(\d+) requests, (\d+) throttled")


def run_on_terminal(argv, env, cwd):
    """Runs `argv` with stderr on a pseudo-terminal (so it draws its progress line): its stdout,
    and the progress as counts_at takes it, timed as it was drawn."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=follower, env=env, cwd=cwd)
    os.close(follower)
    progress, pending = [], b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        pending += chunk
        *drawn, pending = re.split(rb"[\r\n]", pending)
        for text in drawn:
            match = PROGRESS.search(text)
            if match:
                progress.append((time.time(), "ingest", int(match[1]), int(match[2])))
    os.close(leader)
    stdout = process.stdout.read()
    process.wait()
    return stdout, progress


def plot(samples, name, title):
    path = os.path.join(ROOT, "bench", "results", name + ".tsv")
    with open(path, "w") as f:
        for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
            f.write("%.1f\t%.0f\n" % (t1, (c1 - c0) / (t1 - t0)))
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "plot_png.py"), path,
                    path[:-4] + ".png", title, "linear"], check=False, capture_output=True)


def create_table(endpoint, name):
    ddb = client(endpoint, "dynamodb")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                           {"AttributeName": "offer_id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                                {"AttributeName": "offer_id", "KeyType": "RANGE"}])


def with_ingest(binary, path, capacity, rows):
    server = servers.Server(lambda port, workdir: [
        binary, "local", "--port", str(port), "--data-dir", workdir, "--fault",
        "capacity=%d" % capacity])
    with server:
        create_table(server.url, "offers")
        sampler = Sampler(server.url, "offers")
        stdout, progress = run_on_terminal(
            [binary, "ingest", path, "--table", "offers", "--endpoint-url", server.url],
            servers.aws_env(), os.path.dirname(path))
        samples = sampler.stop()
        report = json.loads(stdout)
    return report, samples, progress, sampler.started


def with_fan_out(binary, path, capacity, rows, workers=4):
    params = ["S3BucketName=" + BUCKET, "FanOutThresholdMiB=1", "MaxWorkers=%d" % workers]
    extra = ["--fault", "capacity=%d" % capacity]
    with local_stack.LocalStack(binary, TEMPLATE, params=params, extra=extra) as stack:
        s3 = client(stack.endpoint, "s3")
        sampler = Sampler(stack.endpoint, TABLE)
        with open(path, "rb") as f:
            s3.put_object(Bucket=BUCKET, Key="in/offers.csv", Body=f.read())
        while True:
            try:
                report = json.loads(s3.get_object(
                    Bucket=BUCKET, Key="reports/in/offers.csv.report.json")["Body"].read())
                break
            except s3.exceptions.NoSuchKey:
                time.sleep(0.2)
        samples = sampler.stop()
        progress = function_progress(stack.log("csv2ddb-import"))
    return report, samples, progress, sampler.started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", default=os.path.join(ROOT, "build", "release", "csv2ddb"))
    parser.add_argument("--capacities", default="1000,5000,20000")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="csv2ddb-capacity-")
    lines = ["# capacity\twriter\tsteady_units_per_s\tshare_of_capacity"
             "\tsteady_throttled_share\trequests\tthrottles\tthrottled_share\trows_written"]
    for capacity in (int(c) for c in args.capacities.split(",")):
        rows = capacity * args.seconds
        path = os.path.join(tmp, "offers-%d.csv" % capacity)
        subprocess.run([args.csv2ddb, "make-csv", "--rows", str(rows), "--output", path],
                       check=True)
        for writer, run in (("ingest", with_ingest), ("fan-out x4", with_fan_out)):
            report, samples, progress, started = run(args.csv2ddb, path, capacity, rows)
            rate = steady_rate(samples, report["rows_written"])
            steady = steady_throttled_share(progress, samples, report["rows_written"], started)
            line = "%d\t%s\t%.0f\t%.3f\t%.4f\t%d\t%d\t%.4f\t%d" % (
                capacity, writer, rate, rate / capacity, steady, report["requests"],
                report["throttles"], report["throttles"] / max(1, report["requests"]),
                report["rows_written"])
            print(line, flush=True)
            lines.append(line)
            plot(samples, "capacity_%d_%s" % (capacity, writer.split()[0].replace("-", "")),
                 "units/s over time, capacity %d, %s" % (capacity, writer))
    with open(os.path.join(ROOT, "bench", "results", "fanout_capacity.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
