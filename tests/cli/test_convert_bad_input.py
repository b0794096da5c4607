#!/usr/bin/env python3
"""Bad input for `csv2ddb convert`: every case gets a clear error naming the file (exit 1) or a
rejection naming the line (exit 0, row listed in --rejects), never a crash and never a row lost
without a word. Expectations are exact: the message a person reads is part of the behaviour."""
import argparse
import gzip
import json
import os
import random
import stat
import subprocess
import sys
import tempfile
import unittest

CSV2DDB = None


def convert(data, *extra, name="in.csv"):
    """Runs convert on `data` (bytes); returns (exit code, stderr, items, rejects)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        out, rej = os.path.join(tmp, "out.jsonl"), os.path.join(tmp, "rej.jsonl")
        proc = subprocess.run([CSV2DDB, "convert", path, "--output", out, "--rejects", rej, *extra],
                              capture_output=True)
        stderr = proc.stderr.decode("utf-8", "replace").replace(tmp + "/", "")
        items = rejects = None
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                items = [json.loads(line)["Item"] for line in f]
        if os.path.exists(rej):
            with open(rej, encoding="utf-8") as f:
                rejects = [json.loads(line) for line in f]
        return proc.returncode, stderr, items, rejects


def summary(read, items, rejected, skipped):
    return f"{read} rows read: {items} items, {rejected} rejected, {skipped} skipped (all empty)"


class UnusableFiles(unittest.TestCase):
    """The file itself cannot be used: exit 1, one line that names the file, no outputs left."""

    def check_fails(self, data, message, **kw):
        code, stderr, items, rejects = convert(data, **kw)
        self.assertEqual(code, 1, stderr)
        self.assertEqual(stderr, f"csv2ddb convert: {message}\n")
        self.assertIsNone(items, "a failed run must not leave an output file behind")
        self.assertIsNone(rejects)

    def test_empty_file_and_only_blank_lines_are_zero_rows(self):
        # One rule for every command: ingest and the function load such a file as 0 rows.
        for data in (b"", b"\n\r\n\r"):
            code, stderr, items, rejects = convert(data)
            self.assertEqual((code, items, rejects), (0, [], []), stderr)
            self.assertIn("in.csv: " + summary(0, 0, 0, 0), stderr)

    def test_damaged_header(self):
        self.check_fails(b'\naccount,"offer_id\n1,2\n',
                         "in.csv: the header (line 2) cannot be read: unterminated quote: the "
                         "quoted field opened on line 2 is not closed before the end of input")

    def test_binary_garbage(self):
        garbage = bytes(random.Random(7).randrange(128, 256) for _ in range(4096))
        self.check_fails(garbage, "in.csv: column 1 of the header is not valid UTF-8")

    def test_duplicate_header_names(self):
        self.check_fails(b"account,offer_id,risk,risk\n1,2,a,b\n",
                         "in.csv: column 4 'risk' duplicates column 3")

    def test_empty_header_name(self):
        self.check_fails(b"account,,offer_id\n1,2,3\n", "in.csv: column 2 of the header is empty")

    def test_key_not_in_header(self):
        self.check_fails(b"a,b\n1,2\n",
                         "in.csv: key attribute 'account' is not a column; the header has: a, b")

    def test_truncated_gzip(self):
        data = gzip.compress(b"account,offer_id\n" + b"1,2\n" * 1000)
        self.check_fails(data[: len(data) // 2], "in.csv.gz: gzip stream is truncated",
                         name="in.csv.gz")


class RejectedRows(unittest.TestCase):
    """Rows that cannot become items are rejected with their line; the rest are converted."""

    def test_header_only(self):
        code, stderr, items, rejects = convert(b"account,offer_id\n")
        self.assertEqual((code, items, rejects), (0, [], []))
        self.assertIn(summary(0, 0, 0, 0), stderr)

    def test_blank_lines_before_the_header_are_skipped(self):
        # The header is the first non-blank record, for convert as for ingest (one function).
        code, stderr, items, rejects = convert(b"\n\r\n\raccount,offer_id\n1,2\n")
        self.assertEqual((code, rejects), (0, []), stderr)
        self.assertEqual(items, [{"account": {"S": "1"}, "offer_id": {"S": "2"}}])
        self.assertIn(summary(1, 1, 0, 0), stderr)

    def test_keys_missing_or_empty(self):
        code, stderr, items, rejects = convert(b"account,offer_id,v\n,2,a\n1,,b\n1\n5,6,ok\n")
        self.assertEqual(code, 0)
        self.assertEqual(items, [{"account": {"S": "5"}, "offer_id": {"S": "6"}, "v": {"S": "ok"}}])
        self.assertEqual(rejects, [
            {"line": 2, "reason": "key attribute 'account' is empty", "fields": ["", "2", "a"]},
            {"line": 3, "reason": "key attribute 'offer_id' is empty", "fields": ["1", "", "b"]},
            {"line": 4, "reason": "key attribute 'offer_id' is missing", "fields": ["1"]},
        ])
        self.assertIn(summary(4, 1, 3, 0), stderr)

    def test_too_many_fields(self):
        code, _, items, rejects = convert(b"account,offer_id\n1,2,3\n4,5\n")
        self.assertEqual(code, 0)
        self.assertEqual(items, [{"account": {"S": "4"}, "offer_id": {"S": "5"}}])
        self.assertEqual(rejects, [{"line": 2, "reason": "row has 3 fields; the header has 2",
                                    "fields": ["1", "2", "3"]}])

    def test_invalid_utf8(self):
        code, _, items, rejects = convert(b"account,offer_id,v\n1,2,caf\xe9\n3,4,ok\n")
        self.assertEqual(code, 0)
        self.assertEqual([i["account"]["S"] for i in items], ["3"])
        # The raw bytes cannot go into JSON as they are: they are shown with U+FFFD.
        self.assertEqual(rejects, [{"line": 2, "reason": "column 'v' is not valid UTF-8 at byte 3",
                                    "fields": ["1", "2", "caf\ufffd"]}])

    def test_nul_bytes_are_data(self):
        code, _, items, rejects = convert(b"account,offer_id,v\n1,2,a\x00b\n")
        self.assertEqual((code, rejects), (0, []))
        self.assertEqual(items, [{"account": {"S": "1"}, "offer_id": {"S": "2"},
                                  "v": {"S": "a\x00b"}}])

    def test_unterminated_quote_at_end_of_file(self):
        code, _, items, rejects = convert(b'account,offer_id,v\n1,2,"open\n3,4,x\n')
        self.assertEqual((code, items), (0, []))
        self.assertEqual(rejects, [{
            "line": 2,
            "reason": "unterminated quote: the quoted field opened on line 2 is not closed "
                      "before the end of input",
            "fields": ["1", "2", "open\n3,4,x\n"]}])

    def test_one_megabyte_field(self):
        code, _, items, rejects = convert(b"account,offer_id,v\n1,2," + b"x" * (1 << 20) +
                                          b"\n3,4,ok\n")
        self.assertEqual(code, 0)
        self.assertEqual([i["account"]["S"] for i in items], ["3"])
        self.assertEqual(len(rejects), 1)
        self.assertEqual(rejects[0]["line"], 2)
        self.assertEqual(rejects[0]["reason"], "item is 1048594 bytes; the limit is 409600")
        # The rejected/ file stays small: long fields are cut, and say so.
        self.assertLess(len(json.dumps(rejects[0])), 4096)

    def test_item_over_400_kb(self):
        code, _, items, rejects = convert(b"account,offer_id,a,b\n1,2," + b"x" * 300000 + b"," +
                                          b"y" * 150000 + b"\n3,4,s,t\n")
        self.assertEqual(code, 0)
        self.assertEqual(len(items), 1)
        self.assertEqual([(r["line"], r["reason"]) for r in rejects],
                         [(2, "item is 450019 bytes; the limit is 409600")])

    def test_ten_thousand_columns(self):
        names = ["account", "offer_id"] + [f"c{i}" for i in range(9998)]
        values = ["1", "2"] + [str(i) for i in range(9998)]
        data = (",".join(names) + "\n" + ",".join(values) + "\n").encode()
        code, _, items, rejects = convert(data)
        self.assertEqual((code, rejects), (0, []))
        self.assertEqual(len(items), 1)
        self.assertEqual(len(items[0]), 10000)
        self.assertEqual(items[0]["c9997"], {"S": "9997"})

    def test_all_empty_rows_are_skipped_and_counted(self):
        code, stderr, items, rejects = convert(b"account,offer_id\n,\n\n1,2\n,,,\n")
        self.assertEqual((code, rejects), (0, []))
        self.assertEqual(len(items), 1)
        self.assertIn(summary(4, 1, 0, 3), stderr)


class CommandLine(unittest.TestCase):
    def test_usage_errors_exit_2(self):
        proc = subprocess.run([CSV2DDB, "convert"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        proc = subprocess.run([CSV2DDB, "convert", "-", "--delimiter", "x"], capture_output=True,
                              text=True, input="")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "csv2ddb convert: unsupported delimiter 'x': use one of , ; : "
                                      "| tab (or \\t) space\n")

    def test_missing_file(self):
        proc = subprocess.run([CSV2DDB, "convert", "/nonexistent/x.csv"], capture_output=True,
                              text=True)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr,
                         "csv2ddb convert: /nonexistent/x.csv: cannot open: No such file or directory\n")

    def test_standard_input_and_compression_give_the_same_items(self):
        plain = b"account;offer_id;n\n1;2;3.50\n"
        expected = [{"account": {"S": "1"}, "offer_id": {"S": "2"}, "n": {"S": "3.50"}}]
        for data, name in [(plain, "in.csv"), (gzip.compress(plain), "in.csv.gz")]:
            code, _, items, _ = convert(data, "--delimiter", ";", name=name)
            self.assertEqual((code, items), (0, expected))
        zstd = subprocess.run(["zstd", "-q", "-c"], input=plain, capture_output=True, check=True)
        code, _, items, _ = convert(zstd.stdout, "--delimiter", ";", name="in.csv.zst")
        self.assertEqual((code, items), (0, expected))
        proc = subprocess.run([CSV2DDB, "convert", "-", "--delimiter", ";"], input=plain,
                              capture_output=True)
        self.assertEqual([json.loads(l)["Item"] for l in proc.stdout.splitlines()], expected)

    def test_output_to_a_pipe_is_written_in_place(self):
        # Regression: renaming a temporary file onto a device or pipe (say --output /dev/null)
        # replaced it with a regular file.
        with tempfile.TemporaryDirectory() as tmp:
            fifo = os.path.join(tmp, "pipe")
            os.mkfifo(fifo)
            src = os.path.join(tmp, "in.csv")
            with open(src, "w") as f:
                f.write("account,offer_id\n1,2\n")
            reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
            proc = subprocess.run([CSV2DDB, "convert", src, "--output", fifo], capture_output=True)
            out, _ = reader.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(out, b'{"Item":{"account":{"S":"1"},"offer_id":{"S":"2"}}}\n')
            self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))

    def test_typing_modes(self):
        data = b"account,offer_id,n,b,t\n1,2,3.50,true,12\n"
        _, _, items, _ = convert(data, "--types", "infer")
        self.assertEqual(items, [{"account": {"S": "1"}, "offer_id": {"S": "2"}, "n": {"S": "3.50"},
                                  "b": {"BOOL": True}, "t": {"N": "12"}}])
        _, _, items, _ = convert(data, "--types", "n:N,t:SS", "--key", "account:N,offer_id:S")
        self.assertEqual(items, [{"account": {"N": "1"}, "offer_id": {"S": "2"}, "n": {"N": "3.5"},
                                  "b": {"S": "true"}, "t": {"SS": ["12"]}}])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    known, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(known.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)
