#!/usr/bin/env python3
"""`csv2ddb ingest` at scale, end to end against dynalite (and `csv2ddb local --fault` for
throttling): SIGKILL at a random moment then --resume gives the clean run's table and counts;
Ctrl-C gives a checkpoint, exit 130 and a working resume; an unprocessed file is re-driven;
under injected throttling every row ends in the table or the unprocessed file.
"""
import argparse
import json
import os
import random
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
SEED = 20261124


def client(endpoint):
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def create_table(ddb, name):
    ddb.create_table(TableName=name,
                     AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                           {"AttributeName": "offer_id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                                {"AttributeName": "offer_id", "KeyType": "RANGE"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2})


def scan(ddb, name):
    items, start = {}, None
    while True:
        page = ddb.scan(TableName=name, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            items[(item["account"]["S"], item["offer_id"]["S"])] = item
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def ingest(endpoint, path, table, *extra, cwd, timeout=600):
    env = servers.aws_env()
    return subprocess.run([CSV2DDB, "ingest", path, "--table", table, "--endpoint-url", endpoint,
                           *extra], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def make_csv(tmp, rows, seed=7):
    path = os.path.join(tmp, "offers.csv")
    subprocess.run([CSV2DDB, "make-csv", "--rows", str(rows), "--seed", str(seed), "--output",
                    path], check=True)
    with open(path, "a") as f:  # repeats of early keys with new values: the later row must win
        with open(path) as r:
            lines = r.read().splitlines()[1:200]
        for line in lines:
            fields = line.split(",")
            fields[-1] = "changed"
            f.write(",".join(fields) + "\n")
        f.write("\n")
    return path


class ScaleAgainstDynalite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = servers.dynalite().__enter__()
        cls.ddb = client(cls.server.url)
        cls.tmp = tempfile.mkdtemp(prefix="csv2ddb-scale-")
        cls.csv = make_csv(cls.tmp, 30000)
        create_table(cls.ddb, "clean")
        done = ingest(cls.server.url, cls.csv, "clean", cwd=cls.tmp)
        assert done.returncode == 0, done.stderr
        cls.clean_report = json.loads(done.stdout)
        cls.clean_table = scan(cls.ddb, "clean")

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def counts(self, report):
        return {k: report[k] for k in ("rows_read", "rows_written", "rows_rejected",
                                       "rows_unprocessed", "rows_skipped")}

    def test_clean_run_is_whole(self):
        self.assertEqual(self.clean_report["rows_read"], 30200)
        self.assertEqual(self.clean_report["rows_skipped"], 1)
        self.assertEqual(len(self.clean_table), 30000)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "offers.checkpoint.json")))

    def test_sigkill_at_random_points_then_resume(self):
        # Against csv2ddb local: dynalite (an old Node server) may itself die when a client
        # vanishes with requests in flight, which is not what this test is about.
        # --max-wcu 1500 makes the first run last about 20 s on any machine, so a kill after
        # 4 to 10 s always lands mid-run and after the first checkpoint (every 2 s).
        rng = random.Random(SEED)
        local = servers.Server(lambda port, workdir: [
            CSV2DDB, "local", "--port", str(port), "--data-dir", workdir])
        with local:
            ddb = client(local.url)
            for attempt in range(3):
                table = f"killed{attempt}"
                create_table(ddb, table)
                checkpoint = os.path.join(self.tmp, f"{table}.checkpoint.json")
                args = ["--checkpoint", checkpoint, "--concurrency", "8"]
                proc = subprocess.Popen([CSV2DDB, "ingest", self.csv, "--table", table,
                                         "--endpoint-url", local.url, "--max-wcu", "1500",
                                         *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=servers.aws_env(), cwd=self.tmp)
                delay = rng.uniform(4.0, 10.0)
                time.sleep(delay)
                self.assertIsNone(proc.poll(), "the run ended before it could be killed")
                proc.kill()  # SIGKILL: no chance to write anything more
                proc.communicate()
                with open(checkpoint) as f:
                    saved = json.load(f)
                self.assertEqual(saved["rows_read"], saved["rows_written"] + saved["rows_skipped"])
                self.assertGreater(saved["rows_read"], 0)
                done = ingest(local.url, self.csv, table, *args, "--resume", cwd=self.tmp)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(self.counts(json.loads(done.stdout)),
                                 self.counts(self.clean_report), f"killed after {delay:.2f} s")
                self.assertEqual(scan(ddb, table), self.clean_table, f"killed after {delay:.2f} s")
                self.assertFalse(os.path.exists(checkpoint))

    def test_ctrl_c_writes_a_checkpoint_and_exits_130_then_resume(self):
        create_table(self.ddb, "interrupted")
        # --max-wcu 2500: about 12 s for the file, so Ctrl-C lands mid-run on any machine.
        proc = subprocess.Popen([CSV2DDB, "ingest", self.csv, "--table", "interrupted",
                                 "--endpoint-url", self.server.url, "--max-wcu", "2500"],
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=servers.aws_env(),
                                cwd=self.tmp)
        checkpoint = os.path.join(self.tmp, "offers.checkpoint.json")
        for _ in range(600):  # until the run has saved a first checkpoint (at most a minute)
            if os.path.exists(checkpoint) or proc.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        self.assertIsNone(proc.poll(), "the run ended before it could be interrupted")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("resume with: csv2ddb ingest", err)
        self.assertIn("--resume", err)
        with open(checkpoint) as f:
            saved = json.load(f)
        report = json.loads(out)
        self.assertEqual(report["rows_read"], saved["rows_read"])
        self.assertGreater(saved["byte_offset"], 0)
        done = ingest(self.server.url, self.csv, "interrupted", "--resume", cwd=self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(self.counts(json.loads(done.stdout)), self.counts(self.clean_report))
        self.assertEqual(scan(self.ddb, "interrupted"), self.clean_table)

    def test_resume_refuses_a_changed_input(self):
        path = os.path.join(self.tmp, "changing.csv")
        with open(path, "w") as f:
            f.write("account,offer_id\na,1\n")
        checkpoint = os.path.join(self.tmp, "changing.checkpoint.json")
        with open(checkpoint, "w") as f:
            json.dump({"version": 1, "input": path, "identity": "size=1 mtime_ns=2",
                       "table": "clean", "header": ["account", "offer_id"], "byte_offset": 17,
                       "line": 2, "rows_read": 0, "rows_written": 0, "rows_skipped": 0}, f)
        done = ingest(self.server.url, path, "clean", "--resume", cwd=self.tmp)
        self.assertEqual(done.returncode, 1)
        self.assertIn("changed since the checkpoint", done.stderr)

    def test_redrive_of_an_unprocessed_file(self):
        create_table(self.ddb, "redrive")
        path = os.path.join(self.tmp, "earlier.unprocessed.json")
        with open(path, "w") as f:
            f.write('[{"account":"a","offer_id":"1","price":12.5,"tags":["x"]},\n'
                    ' {"account":"b","offer_id":"2","note":"] , [ \\" quoted"},\n'
                    ' {"account":"c"}]\n')
        done = ingest(self.server.url, path, "redrive", cwd=self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        report = json.loads(done.stdout)
        self.assertEqual((report["rows_read"], report["rows_written"], report["rows_rejected"]),
                         (3, 2, 1))
        table = scan(self.ddb, "redrive")
        self.assertEqual(table[("a", "1")], {"account": {"S": "a"}, "offer_id": {"S": "1"},
                                             "price": {"N": "12.5"}, "tags": {"L": [{"S": "x"}]}})
        self.assertEqual(table[("b", "2")]["note"], {"S": "] , [ \" quoted"})


class ThrottlingAgainstLocal(unittest.TestCase):
    """Every row ends written or in the unprocessed file, whatever the share of throttles."""

    def test_every_row_accounted_under_throttling(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-throttle-")
        path = os.path.join(tmp, "offers.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "600", "--output", path], check=True)
        for rate in ("0.2", "0.5", "1.0"):
            server = servers.Server(lambda port, workdir: [
                CSV2DDB, "local", "--port", str(port), "--data-dir", workdir,
                "--fault", f"throttle={rate}", "--seed", "3"])
            with server:
                ddb = client(server.url)
                create_table(ddb, "offers")
                done = ingest(server.url, path, "offers", "--key", "account,offer_id",
                              "--unprocessed", os.path.join(tmp, f"u{rate}.json"), cwd=tmp)
                self.assertIn(done.returncode, (0, 3), done.stderr)
                report = json.loads(done.stdout)
                unprocessed = []
                if os.path.exists(os.path.join(tmp, f"u{rate}.json")):
                    with open(os.path.join(tmp, f"u{rate}.json")) as f:
                        unprocessed = json.load(f)
                stored = scan(ddb, "offers")
                keys = {(i["account"], i["offer_id"]) for i in unprocessed}
                self.assertEqual(len(stored) + len(unprocessed), 600, rate)
                self.assertFalse(keys & set(stored), rate)
                self.assertEqual(report["rows_written"], len(stored), rate)
                self.assertEqual(report["rows_unprocessed"], len(unprocessed), rate)
                self.assertGreater(report["throttles"], 0, rate)
                print(f"throttle={rate}: {json.dumps(report)}", file=sys.stderr)


def accounted(test, ddb, table, report, unprocessed_path, rows):
    """The table and the unprocessed file hold every row once, as the report says."""
    unprocessed = []
    if os.path.exists(unprocessed_path):
        with open(unprocessed_path) as f:
            unprocessed = json.load(f)
    stored = scan(ddb, table)
    test.assertEqual(len(stored) + len(unprocessed), rows, table)
    test.assertFalse({(i["account"], i["offer_id"]) for i in unprocessed} & set(stored), table)
    test.assertEqual(report["rows_written"], len(stored), table)
    test.assertEqual(report["rows_unprocessed"], len(unprocessed), table)
    test.assertEqual(report["rows_read"], rows, table)


class AdaptiveAgainstCapacity(unittest.TestCase):
    """Against a table of 1,000 write units a second (csv2ddb local --fault capacity=1000), the
    same 20,000 rows through 32 lanes: adaptive pacing (the default) gets throttled far less
    often than fixed concurrency (--no-adaptive), and both account for every row.
    Measured (debug build): adaptive 159 throttled calls, fixed 604 (and 25 rows unprocessed)."""

    def test_adaptive_pacing_cuts_throttled_requests(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-capacity-")
        path = os.path.join(tmp, "offers.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "20000", "--output", path], check=True)
        server = servers.Server(lambda port, workdir: [
            CSV2DDB, "local", "--port", str(port), "--data-dir", workdir,
            "--fault", "capacity=1000"])
        reports = {}
        with server:
            ddb = client(server.url)
            for mode, extra in (("adaptive", []), ("fixed", ["--no-adaptive"])):
                create_table(ddb, mode)  # each table has its own capacity
                unprocessed = os.path.join(tmp, f"{mode}.unprocessed.json")
                done = ingest(server.url, path, mode, "--concurrency", "32", "--unprocessed",
                              unprocessed, *extra, cwd=tmp)
                self.assertIn(done.returncode, (0, 3), done.stderr)
                reports[mode] = json.loads(done.stdout)
                accounted(self, ddb, mode, reports[mode], unprocessed, 20000)
                print(f"{mode}: {json.dumps(reports[mode])}", file=sys.stderr)
        self.assertGreater(reports["fixed"]["throttles"], 0)
        self.assertLess(2 * reports["adaptive"]["throttles"], reports["fixed"]["throttles"])


class SpreadingAgainstPartitions(unittest.TestCase):
    """A file sorted by account (20 accounts of 500 rows) against a table whose every account
    takes 150 write units a second (csv2ddb local --fault partition=150, DynamoDB's per-partition
    limit scaled down), both runs capped at 2,000 units a second (--max-wcu, so that the result
    does not depend on how fast the machine is): in input order (--no-spread) the lanes write
    about one account at a time and are throttled; spread (the default) they write all twenty
    at once, 100 units a second each. Both account for every row. Measured (debug build): spread
    0 throttled calls and 1,950 rows/s; in order 41 throttled calls and 960 rows/s."""

    def test_sorted_input_is_spread_across_partitions(self):
        tmp = tempfile.mkdtemp(prefix="csv2ddb-spread-")
        unsorted = os.path.join(tmp, "unsorted.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "10000", "--accounts", "20", "--output",
                        unsorted], check=True)
        with open(unsorted) as f:
            header, *rows = f.read().splitlines()
        path = os.path.join(tmp, "sorted.csv")
        with open(path, "w") as f:
            f.write("\n".join([header] + sorted(rows, key=lambda r: r.split(",")[0])) + "\n")
        server = servers.Server(lambda port, workdir: [
            CSV2DDB, "local", "--port", str(port), "--data-dir", workdir,
            "--fault", "partition=150"])
        reports = {}
        with server:
            ddb = client(server.url)
            for mode, extra in (("spread", []), ("in_order", ["--no-spread"])):
                create_table(ddb, mode)
                unprocessed = os.path.join(tmp, f"{mode}.unprocessed.json")
                done = ingest(server.url, path, mode, "--max-wcu", "2000", "--unprocessed",
                              unprocessed, *extra, cwd=tmp)
                self.assertIn(done.returncode, (0, 3), done.stderr)
                reports[mode] = json.loads(done.stdout)
                accounted(self, ddb, mode, reports[mode], unprocessed, 10000)
                r = reports[mode]
                print(f"{mode}: {r['throttles']} throttled calls, "
                      f"{r['rows_written'] / r['seconds']:.0f} rows/s", file=sys.stderr)
        self.assertGreater(reports["in_order"]["throttles"], 0)
        self.assertLess(2 * reports["spread"]["throttles"], reports["in_order"]["throttles"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
