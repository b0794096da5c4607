#!/usr/bin/env python3
"""`csv2ddb ingest --resume` under steady faults: rows that end unprocessed or rejected are
accounted, so the checkpoint passes them (it used to stay at line 2, and a resume redid
everything). Stopped by SIGTERM or killed by SIGKILL part-way, then resumed, the outputs and the
report are those of one run: each rejected line once, each unprocessed row once, every other
row in the table. Against `csv2ddb local --fault unprocessed=0.3`, with AWS_MAX_ATTEMPTS=1 so
that the rows the fault returns are left unprocessed at once (no backoff to wait for).
"""
import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import boto3

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import servers  # noqa: E402

CSV2DDB = None
ROWS = 20000
BAD_LINES = (3, 5000, 15000)  # rows with too many fields: rejected, before and after the stop


def make_csv(path):
    subprocess.run([CSV2DDB, "make-csv", "--rows", str(ROWS), "--seed", "11", "--output", path],
                   check=True)
    with open(path) as f:
        lines = f.read().splitlines()
    for line in BAD_LINES:
        lines[line - 1] += ",x,x,x,x,x,x,x,x,x"
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    good = {tuple(lines[i].split(",")[:2]) for i in range(1, len(lines))
            if i + 1 not in BAD_LINES}
    return good


class ResumeUnderSteadyFaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="csv2ddb-resume-")
        cls.csv = os.path.join(cls.tmp, "offers.csv")
        cls.good_keys = make_csv(cls.csv)
        cls.server = servers.Server(lambda port, workdir: [
            CSV2DDB, "local", "--port", str(port), "--data-dir", workdir,
            "--fault", "unprocessed=0.3", "--seed", "5"]).__enter__()
        cls.ddb = boto3.client("dynamodb", endpoint_url=cls.server.url, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def create_table(self, name):
        self.ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                  {"AttributeName": "offer_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                       {"AttributeName": "offer_id", "KeyType": "RANGE"}])

    def table_keys(self, name):
        keys = set()
        for page in self.ddb.get_paginator("scan").paginate(TableName=name):
            keys |= {(i["account"]["S"], i["offer_id"]["S"]) for i in page["Items"]}
        return keys

    @staticmethod
    def env():
        return dict(servers.aws_env(), AWS_MAX_ATTEMPTS="1")

    def command(self, table, workdir, *extra):
        return [CSV2DDB, "ingest", self.csv, "--table", table, "--endpoint-url", self.server.url,
                "--concurrency", "8", *extra]

    def stop_past_set_aside_rows(self, table, stop):
        """Runs until a checkpoint has passed line 5000 and unprocessed rows, then stops it."""
        workdir = os.path.join(self.tmp, table)
        os.mkdir(workdir)
        self.create_table(table)
        # --max-wcu 1000: the file takes about 15 s, so the stop lands mid-run on any machine.
        proc = subprocess.Popen(self.command(table, workdir, "--max-wcu", "1000"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env(), cwd=workdir)
        checkpoint = os.path.join(workdir, "offers.checkpoint.json")
        saved = None
        for _ in range(1200):  # at most two minutes
            if proc.poll() is not None:
                break
            try:
                with open(checkpoint) as f:
                    saved = json.load(f)
            except (OSError, ValueError):  # not there yet, or being replaced
                saved = None
            if saved and saved["line"] > 5000 and saved["rows_unprocessed"] > 0:
                break
            time.sleep(0.1)
        self.assertIsNone(proc.poll(), "the checkpoint never passed line 5000 and the rows "
                          "left unprocessed before it: %s" % saved)
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=300)
        with open(checkpoint) as f:
            saved = json.load(f)
        return workdir, proc.returncode, out, err, saved

    def resumed_run_is_one_run(self, table, workdir, saved):
        self.assertLess(saved["line"], 15000)
        self.assertEqual(saved["rows_rejected"], 2, saved)  # lines 3 and 5000
        self.assertGreater(saved["rows_unprocessed"], 0)
        self.assertEqual(saved["rows_read"], saved["rows_written"] + saved["rows_rejected"] +
                         saved["rows_unprocessed"] + saved["rows_skipped"])
        self.assertTrue(glob.glob(os.path.join(workdir, "offers.checkpoint.json.*.unprocessed")))
        done = subprocess.run(self.command(table, workdir, "--resume"), capture_output=True,
                              text=True, env=self.env(), cwd=workdir, timeout=600)
        self.assertEqual(done.returncode, 3, done.stderr)  # some rows unprocessed
        report = json.loads(done.stdout)
        self.assertEqual(report["rows_read"], ROWS)
        self.assertEqual(report["rows_read"], report["rows_written"] + report["rows_rejected"] +
                         report["rows_unprocessed"] + report["rows_skipped"])
        with open(os.path.join(workdir, "offers.rejected.jsonl")) as f:
            rejected = [json.loads(line)["line"] for line in f]
        self.assertEqual(sorted(rejected), list(BAD_LINES))
        self.assertEqual(report["rows_rejected"], 3)
        with open(os.path.join(workdir, "offers.unprocessed.json")) as f:
            unprocessed = [(i["account"], i["offer_id"]) for i in json.load(f)]
        self.assertEqual(len(unprocessed), report["rows_unprocessed"])
        self.assertEqual(len(set(unprocessed)), len(unprocessed), "a row unprocessed twice")
        # Every good row is in the table or in the unprocessed file (a row written after the
        # point by the first run and left unprocessed by the second is in both).
        self.assertEqual(self.table_keys(table) | set(unprocessed), self.good_keys)
        self.assertEqual(sorted(os.listdir(workdir)),
                         ["offers.rejected.jsonl", "offers.unprocessed.json"])

    def test_sigterm_then_resume(self):
        workdir, code, out, err, saved = self.stop_past_set_aside_rows("sigterm", signal.SIGTERM)
        self.assertEqual(code, 143, err)
        report = json.loads(out)
        for count in ("rows_read", "rows_written", "rows_rejected", "rows_unprocessed"):
            self.assertEqual(report[count], saved[count], count)
        self.resumed_run_is_one_run("sigterm", workdir, saved)

    def test_sigkill_then_resume(self):
        workdir, code, _, _, saved = self.stop_past_set_aside_rows("sigkill", signal.SIGKILL)
        self.assertEqual(code, -signal.SIGKILL)
        self.resumed_run_is_one_run("sigkill", workdir, saved)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
