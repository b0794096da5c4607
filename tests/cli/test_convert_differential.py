#!/usr/bin/env python3
"""Differential test: `csv2ddb convert --types strings` against Python's own csv module.

The reference design reads CSV with csv.DictReader and drops empty values; Python's csv module
is therefore the oracle for what a row is. On generated and adversarial inputs (quotes, doubled
quotes, quoted newlines, CR/LF/CRLF, every delimiter DynamoDB's import accepts, ragged rows,
blank lines, non-ASCII text, a BOM), convert must yield exactly the items DictReader yields
after dropping empty values, and reject exactly the rows the semantics say it must, with the
line on which each row starts.
"""
import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

CSV2DDB = None
DELIMITERS = {",": ",", ";": ";", ":": ":", "|": "|", "\t": "tab", " ": "space"}
ALPHABET = ["a", "b", "Z", "0", "7", " ", '"', "\n", "\r", "\r\n", "é", "日本", "🙂", "\\", "'", ""]


def line_breaks(value):
    """Physical line ends inside a value, counted as the csv module counts lines."""
    return value.count("\r\n") + value.replace("\r\n", "").count("\r") + \
        value.replace("\r\n", "").count("\n")


def expected_rows(text, delimiter, key_names):
    """What each row becomes, by the reference's own reading: csv.DictReader, empty values
    dropped, rows whose values are all empty skipped. DictReader itself skips blank lines; a
    row longer than the header has its extra values under the key None (restkey): those are
    the rows convert must reject. A shorter row has None for its missing columns (restval),
    dropped like empty values. Returns (items, rejected start lines, count of long rows)."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    assert reader.fieldnames is None or len(set(reader.fieldnames)) == len(reader.fieldnames)
    items, rejected_lines, long_rows = [], [], 0
    for row in reader:
        values = [v for name, v in row.items() if name is not None and v is not None]
        extras = row.get(None, [])
        # The line the row starts on: where DictReader stopped, less the lines inside values.
        start_line = reader.line_num - sum(line_breaks(v) for v in values + extras)
        if all(v == "" for v in values + extras):
            continue  # all-empty row (however many delimiters): skipped, no data
        if None in row:
            long_rows += 1
            rejected_lines.append(start_line)
            continue
        item = {name: v for name, v in row.items() if v is not None and v != ""}
        if any(name not in item for name in key_names):
            rejected_lines.append(start_line)
            continue
        items.append(item)
    return items, rejected_lines, long_rows


def run_convert(path, delimiter, key):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "items.jsonl")
        rejects = os.path.join(tmp, "rejects.jsonl")
        proc = subprocess.run(
            [CSV2DDB, "convert", path, "--key", key, "--types", "strings",
             "--delimiter", DELIMITERS[delimiter], "--output", out, "--rejects", rejects],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssertionError(f"convert failed ({proc.returncode}): {proc.stderr}")
        items = []
        with open(out, encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)["Item"]
                for value in item.values():
                    assert list(value) == ["S"], value
                items.append({name: value["S"] for name, value in item.items()})
        with open(rejects, encoding="utf-8") as f:
            rejected = [json.loads(line)["line"] for line in f]
        return items, rejected, proc.stderr


def convert_text(text, delimiter, key):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="",
                                     delete=False) as f:
        f.write(text)
        path = f.name
    try:
        return run_convert(path, delimiter, key)
    finally:
        os.unlink(path)


def quote_field(value, delimiter, rng):
    needs = any(c in value for c in (delimiter, '"', "\n", "\r")) or value.strip() != value
    if needs or rng.random() < 0.2:
        return '"' + value.replace('"', '""') + '"'
    return value


def random_value(rng):
    if rng.random() < 0.25:
        return ""
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))


def generate(rng, delimiter, adversarial):
    columns = rng.randint(1, 7)
    header = [f"c{i}" for i in range(columns)]
    ends = ["\n", "\r\n", "\r"]
    end = rng.choice(ends)
    lines = [delimiter.join(header)]
    for _ in range(rng.randint(0, 60)):
        roll = rng.random()
        if roll < 0.05:
            lines.append("")  # blank line
            continue
        count = columns
        if roll < 0.15:
            count = rng.randint(1, columns + 2)  # ragged: fewer or more fields
        values = [random_value(rng) for _ in range(count)]
        if rng.random() < 0.7:
            values[0] = values[0] or "k"  # most rows have a key
        fields = [quote_field(v, delimiter, rng) for v in values]
        if adversarial:
            for i, field in enumerate(fields):
                r = rng.random()
                if r < 0.05 and not field.startswith('"'):
                    fields[i] = field + 'x"y'  # a quote inside an unquoted field is literal
                elif r < 0.10 and field.startswith('"'):
                    fields[i] = field + "tail"  # text after a closing quote is appended
        lines.append(delimiter.join(fields))
    text = end.join(lines)
    if rng.random() < 0.5:
        text += rng.choice(ends)
    if rng.random() < 0.1:
        text = "\ufeff" + text
    return text


class ConvertMatchesPythonCsv(unittest.TestCase):
    def check(self, text, delimiter, key_names, label):
        """Checks convert against the oracle; returns how many rows were longer than the
        header (DictReader's None key), so that callers can see those cases were exercised."""
        expected_items, expected_rejected, long_rows = expected_rows(
            text.lstrip("\ufeff"), delimiter, key_names)
        key = ",".join(f"{name}:S" for name in key_names)
        items, rejected, stderr = convert_text(text, delimiter, key)
        self.assertEqual(items, expected_items, f"{label}: items differ\n{text!r}")
        self.assertEqual(rejected, expected_rejected, f"{label}: rejected lines differ\n{text!r}")
        self.assertIn(f"{len(expected_items)} items, {len(expected_rejected)} rejected", stderr)
        return long_rows

    def test_generated_and_adversarial_inputs(self):
        rng = random.Random(20261124)
        long_rows = 0
        for case in range(300):
            delimiter = rng.choice(list(DELIMITERS))
            text = generate(rng, delimiter, adversarial=case % 2 == 1)
            long_rows += self.check(text, delimiter, ["c0"], f"case {case} delimiter {delimiter!r}")
        # Rows DictReader files extra values under None for, all rejected by convert: the
        # generator must really produce them, or the ragged-row comparison proves nothing.
        self.assertGreater(long_rows, 100)

    def test_make_csv_output(self):
        proc = subprocess.run([CSV2DDB, "make-csv", "--rows", "5000", "--seed", "3"],
                              capture_output=True, text=True, check=True)
        self.check(proc.stdout, ",", ["account", "offer_id"], "make-csv")

    def test_hand_written_corner_cases(self):
        cases = [
            'c0,c1\r\nk,"a ""quoted"" word"\r\nk2,"multi\r\nline"\r\n',
            'c0,c1\nk,"x"tail\nk,x"y"z\n',
            "c0,c1\rk,1\r\rk,2\r",
            "c0,c1\n,\n,,\nk\n",
            "\ufeffc0,c1\nk,v\n",
            'c0\n""\n"k"\n',
        ]
        for i, text in enumerate(cases):
            self.check(text, ",", ["c0"], f"corner case {i}")
        self.assertEqual(self.check("c0,c1\nk,1,2\nk,1,,\nk\n", ",", ["c0"], "ragged"), 2)

    def test_blank_lines_before_the_header(self):
        # The one place we part from DictReader on purpose: it takes a blank first line as a
        # header of no columns (fieldnames == []), making every row ragged; convert and ingest
        # skip blank lines before the header as they do everywhere else (csv/header_row.hpp).
        blank_lines = "\n\r\n"
        body = 'c0,c1\nk,v\n\nk2,"a\nb"\n,x\nk3,1,2\n'
        self.assertEqual(csv.DictReader(io.StringIO(blank_lines + body, newline="")).fieldnames,
                         [])
        items, rejected, long_rows = expected_rows(body, ",", ["c0"])
        self.assertEqual((len(items), rejected, long_rows), (2, [6, 7], 1))
        got_items, got_rejected, _ = convert_text(blank_lines + body, ",", "c0:S")
        self.assertEqual(got_items, items)
        self.assertEqual(got_rejected, [line + 2 for line in rejected])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    known, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(known.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
