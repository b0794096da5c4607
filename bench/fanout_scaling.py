#!/usr/bin/env python3
"""Fan-out scaling (issue "One big object, many workers"): one make-csv file imported by the
deployed template on `csv2ddb local --fault latency=20`, with WriterConcurrency=2 so that each
worker is held to about 2 lanes x 25 items / 20 ms = 2,500 rows/s by the network it waits on,
not by this machine's two cores; by 1 (FanOutThresholdMiB=0: one chain), 2, 4 and 8 workers
(FanOutThresholdMiB=1, MaxWorkers=N). Wall time is from the upload's acknowledgement to the
report; rows/s and the ratio to one worker's rate go to bench/results/fanout_scaling.tsv, and a
plot to bench/results/fanout_scaling.png.

    python3 bench/fanout_scaling.py [--rows 100000] [--workers 1,2,4,8] [--latency 20]

Not a test: minutes long. Figures go to bench/README.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import local_stack  # noqa: E402

TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
BUCKET = "scaling"


def import_once(binary, path, workers, latency, key="in/offers.csv"):
    params = ["S3BucketName=" + BUCKET, "WriterConcurrency=2", "MaxWorkers=%d" % max(workers, 1),
              "FanOutThresholdMiB=%d" % (0 if workers == 1 else 1)]
    extra = ["--fault", "latency=%d" % latency, "--lambda-concurrency", str(max(workers, 4))]
    with local_stack.LocalStack(binary, TEMPLATE, params=params, extra=extra) as stack:
        s3 = boto3.client("s3", endpoint_url=stack.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        with open(path, "rb") as f:
            body = f.read()
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        started = time.monotonic()
        while True:
            try:
                report = json.loads(s3.get_object(
                    Bucket=BUCKET, Key="reports/%s.report.json" % key)["Body"].read())
                break
            except s3.exceptions.NoSuchKey:
                time.sleep(0.1)
        return report, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", default=os.path.join(ROOT, "build", "release", "csv2ddb"))
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--latency", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="csv2ddb-scaling-")
    path = os.path.join(tmp, "offers.csv")
    subprocess.run([args.csv2ddb, "make-csv", "--rows", str(args.rows), "--output", path],
                   check=True)
    results = os.path.join(ROOT, "bench", "results", "fanout_scaling.tsv")
    lines = ["# workers\trows_per_s\tratio_to_one\twall_s\tshares\tstatus"]
    base = None
    for workers in (int(w) for w in args.workers.split(",")):
        report, wall = import_once(args.csv2ddb, path, workers, args.latency)
        rate = report["rows_written"] / wall
        base = base or rate
        line = "%d\t%.0f\t%.2f\t%.1f\t%s\t%s" % (workers, rate, rate / base, wall,
                                                 report.get("shares", 1), report["status"])
        print(line, flush=True)
        lines.append(line)
    with open(results, "w") as f:
        f.write("\n".join(lines) + "\n")
    plot = os.path.join(ROOT, "bench", "plot_png.py")
    subprocess.run([sys.executable, plot, results, results[:-4] + ".png",
                    "fan-out: rows/s by workers (latency %d ms, 2 lanes each)" % args.latency],
                   check=False)


if __name__ == "__main__":
    main()
