#!/usr/bin/env python3
"""`csv2ddb ingest`'s progress line, end to end: a make-csv file of 50,000 rows into a table of
`csv2ddb local`, once with stderr on a pseudo-terminal (the line is drawn in place with \\r and
"erase to end of line", then the final report on its own line) and once with stderr piped (the
report alone: no \\r, no progress line). --max-wcu makes the run last a few seconds, long enough
for several redraws (at most 4 a second) on any machine.
"""
import argparse
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import tty
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "local"))
import local_server  # noqa: E402
import servers  # noqa: E402
from test_ingest_scale import client, create_table  # noqa: E402

CSV2DDB = None
ROWS = 50000

# ProgressDisplay::format: rows, MB read, rows/s, WCU/s, written, rejected and, for a file
# (size known) once something is written, the share done and the ETA (M:SS or H:MM:SS).
PROGRESS = (r"(?P<rows>\d+) rows, (?P<mb>\d+\.\d) MB, \d+ rows/s, \d+ WCU/s, "
            r"(?P<written>\d+) written, (?P<rejected>\d+) rejected"
            r"(?:, (?P<requests>\d+) requests, (?P<throttled>\d+) throttled)?"
            r"(?:, (?P<percent>\d+)%, ETA (?:\d+:[0-5]\d:[0-5]\d|\d+:[0-5]\d))?")


def report_line(path, table):
    return (re.escape(f"csv2ddb ingest: {path} -> {table}: {ROWS} rows read: {ROWS} written, "
                      "0 rejected, 0 unprocessed, 0 skipped; ") + r"\d+\.\d\d s, \d+ rows/s\n")


def read_until_closed(fd, process, timeout=300):
    """Everything written to the pty's other side until the child has exited and closed it."""
    data = b""
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            process.kill()
            raise AssertionError("no output for %d s; so far: %r" % (timeout, data[-2000:]))
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every copy of the other side is closed
            return data
        if not chunk:
            return data
        data += chunk


class ProgressLine(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="csv2ddb-e2e-progress-")
        cls.csv = os.path.join(cls.tmp, "offers.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", str(ROWS), "--output", cls.csv],
                       check=True)
        cls.megabytes = os.path.getsize(cls.csv) / 1e6
        cls.server = local_server.LocalServer(CSV2DDB, os.path.join(cls.tmp, "data"))
        cls.ddb = client(cls.server.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ingest(self, table, stderr):
        create_table(self.ddb, table)
        # 20,000 write units a second: at least 2.5 s for 50,000 rows of 1 unit each.
        return subprocess.Popen(
            [CSV2DDB, "ingest", self.csv, "--table", table, "--endpoint-url",
             self.server.endpoint, "--max-wcu", "20000"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
            env=servers.aws_env(), cwd=self.tmp)

    def check_table(self, table, stdout):
        report = json.loads(stdout)
        self.assertEqual((report["rows_read"], report["rows_written"]), (ROWS, ROWS))
        count = sum(page["Count"] for page in self.ddb.get_paginator("scan").paginate(
            TableName=table, Select="COUNT"))
        self.assertEqual(count, ROWS)

    def test_on_a_terminal_the_line_is_redrawn_in_place_then_the_report(self):
        master, slave = pty.openpty()
        tty.setraw(slave)  # no \n -> \r\n translation: the bytes as the program wrote them
        try:
            process = self.ingest("on_a_terminal", slave)
            os.close(slave)
            slave = None
            err = read_until_closed(master, process).decode()
            out, _ = process.communicate(timeout=60)
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        self.assertEqual(process.returncode, 0, err)
        # Each draw: \r, the line, erase to end of line; finish() ends the line.
        drawn = re.fullmatch(r"((?:\r%s\x1b\[K)+)\n(%s)" % (PROGRESS, report_line(
            self.csv, "on_a_terminal")), err)
        self.assertIsNotNone(drawn, repr(err[-3000:]))
        lines = [re.fullmatch(PROGRESS, text[1:]) for text in drawn.group(1).split("\x1b[K")[:-1]]
        self.assertGreaterEqual(len(lines), 2, repr(err[-3000:]))
        rows = [int(line["rows"]) for line in lines]
        self.assertEqual(rows, sorted(rows))
        for line in lines:
            self.assertLessEqual(int(line["rows"]), ROWS)
            self.assertLessEqual(int(line["written"]) + int(line["rejected"]), int(line["rows"]))
            self.assertLessEqual(float(line["mb"]), round(self.megabytes, 1))
            if line["percent"] is not None:
                self.assertLessEqual(int(line["percent"]), 100)
        # The file's size is known: once rows are written, the share done and the ETA show.
        self.assertTrue(any(line["percent"] is not None for line in lines), repr(err[-3000:]))
        self.check_table("on_a_terminal", out)

    def test_piped_there_is_only_the_report(self):
        process = self.ingest("piped", subprocess.PIPE)
        out, err = process.communicate(timeout=300)
        err = err.decode()
        self.assertEqual(process.returncode, 0, err)
        self.assertNotIn("\r", err)
        self.assertIsNone(re.search(PROGRESS, err), err)
        self.assertRegex(err, r"\A%s\Z" % report_line(self.csv, "piped"))
        self.check_table("piped", out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0], *rest])
