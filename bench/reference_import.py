#!/usr/bin/env python3
"""The reference design's import algorithm, re-implemented from its description for
benchmarking csv2ddb against it (bench/ingest_vs_reference.sh):

  read the whole object (here: the whole file) into memory, parse it with csv.DictReader, drop
  empty values, write the rows with sequential batch_write_item calls of 25 items, retry
  UnprocessedItems 3 times with 2^n second sleeps, and build the JSON copy with
  json.dumps(indent=2).

usage: reference_import.py CSV TABLE --endpoint-url URL [--json-copy PATH]
"""
import argparse
import csv
import io
import json
import sys
import time

import boto3


def batches(items, size=25):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("table")
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--json-copy", default="/dev/null")
    args = parser.parse_args()

    with open(args.csv, encoding="utf-8") as f:
        body = f.read()  # the whole object, as the reference reads its S3 object
    rows = list(csv.DictReader(io.StringIO(body)))
    items = [{name: value for name, value in row.items() if value} for row in rows]

    client = boto3.client("dynamodb", endpoint_url=args.endpoint_url)
    written = unprocessed_left = 0
    for chunk in batches(items):
        request = {args.table: [{"PutRequest": {"Item": {k: {"S": v} for k, v in item.items()}}}
                                for item in chunk]}
        response = client.batch_write_item(RequestItems=request)
        pending = response.get("UnprocessedItems") or {}
        for attempt in range(3):
            if not pending:
                break
            time.sleep(2 ** attempt)
            response = client.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
        left = len(pending.get(args.table, [])) if pending else 0
        unprocessed_left += left
        written += len(chunk) - left

    copy = json.dumps({"data": items}, indent=2)
    with open(args.json_copy, "w", encoding="utf-8") as f:
        f.write(copy)
    print(json.dumps({"rows": len(rows), "written": written, "unprocessed": unprocessed_left}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
