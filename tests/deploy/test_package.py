#!/usr/bin/env python3
"""The Lambda zip (deploy/package.sh) runs where Lambda runs it.

  test_package.py --zip ZIP --csv2ddb PATH [--emulator /usr/bin/qemu-aarch64-static]

1. The zip is closed (tests/deploy/zip_checks.py): it brings its own loader and libc, and every
   library and symbol version anything in it needs is in it; Amazon Linux 2023's glibc (2.34,
   older than the 2.36 Debian 12 links against) is never used.
2. Unpacked into a bare root laid out as provided.al2023 (tests/deploy/al2023_root.py), started
   through its `bootstrap` script with Lambda's environment (LANG, LD_LIBRARY_PATH, ...), under
   qemu-aarch64-static for the arm64 zip, it serves an S3 import invocation from
   fake_runtime_api.py for real: HeadObject/GetObject, DescribeTable, BatchWriteItem and the
   output PUTs go to `csv2ddb local` through an HTTPS front whose certificate only the CA in
   the root's /etc/pki/tls/certs/ca-bundle.crt vouches for. Then the table and the bucket hold
   exactly what the CSV says.
3. The same root with another CA in that bundle: the invocation fails on the certificate (TLS is
   verified, not switched off), and no item is written.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "local"))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import al2023_root  # noqa: E402
import tls_front  # noqa: E402
import zip_checks  # noqa: E402
from local_server import LocalServer, free_port  # noqa: E402
from servers import wait_for_port  # noqa: E402

BUCKET = "csv2ddb-package-test"
TABLE = "offers"
KEY = "incoming/new offers.csv"
CSV = ('account,offer_id,price,title\n'
       'a1,o1,10,"Widget, large"\n'
       'a1,o2,20,Gadget\n'
       'a2,o1,5,"Thing ""quoted"""\n'
       ',o3,1,no account\n')
ITEMS = [
    {"account": "a1", "offer_id": "o1", "price": "10", "title": "Widget, large"},
    {"account": "a1", "offer_id": "o2", "price": "20", "title": "Gadget"},
    {"account": "a2", "offer_id": "o1", "price": "5", "title": 'Thing "quoted"'},
]


def clients(endpoint):
    options = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                   aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))
    return boto3.client("s3", **options), boto3.client("dynamodb", **options)


def plain(item):
    return {name: value["S"] for name, value in item.items()}


def prepare(endpoint):
    s3, dynamodb = clients(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    dynamodb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "offer_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                   {"AttributeName": "offer_id", "KeyType": "RANGE"}])
    etag = s3.put_object(Bucket=BUCKET, Key=KEY, Body=CSV.encode())["ETag"].strip('"')
    # S3 URL-encodes the key in notifications, spaces as '+'.
    record = {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
              "s3": {"bucket": {"name": BUCKET, "arn": "arn:aws:s3:::" + BUCKET},
                     "object": {"key": urllib.parse.quote_plus(KEY, safe="/"),
                                "size": len(CSV), "eTag": etag}}}
    return json.dumps({"Records": [record]})


def invoke(root, runtime_port, endpoint, emulator, scratch, payload, request_id):
    """One invocation through the root's /var/task/bootstrap; returns what it posted."""
    events = os.path.join(scratch, request_id + ".events.json")
    record = os.path.join(scratch, request_id + ".record.jsonl")
    with open(events, "w", encoding="utf-8") as f:
        json.dump([{"request_id": request_id, "payload": payload,
                    "deadline_ms": int(time.time() * 1000) + 300000}], f)
    fake = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/lambda/fake_runtime_api.py"),
                             "--port", str(runtime_port), "--events", events, "--record", record])
    try:
        wait_for_port(runtime_port, fake)
        env = dict(al2023_root.LAMBDA_ENV, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{runtime_port}",
                   _HANDLER="import", AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                   AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                   AWS_LAMBDA_FUNCTION_NAME="csv2ddb-import", AWS_ENDPOINT_URL=endpoint,
                   DYNAMO_DB_TABLE_NAME=TABLE)
        if emulator:
            env["CSV2DDB_EMULATOR"] = emulator
        # Lambda starts /var/task/bootstrap with /var/task as the working folder.
        command = al2023_root.chroot_command(root, "/bin/sh", "-c",
                                             "cd /var/task && exec /var/task/bootstrap")
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    finally:
        fake.terminate()
        fake.wait()
    assert run.returncode == 0, (run.returncode, run.stdout[-3000:], run.stderr[-3000:])
    with open(record, encoding="utf-8") as f:
        posts = [json.loads(line) for line in f]
    assert len(posts) == 1 and posts[0]["request_id"] == request_id, (posts, run.stderr[-3000:])
    return posts[0]


def check_import(post, local_endpoint):
    assert post["kind"] == "response", post
    body = json.loads(post["body"])
    assert (body["rows_read"], body["rows_written"], body["rows_rejected"],
            body["rows_unprocessed"]) == (4, 3, 1, 0), body
    assert body["json_copy"] == f"s3://{BUCKET}/json-copy/incoming/new offers.json", body
    assert body["unprocessed_file"] is None, body
    s3, dynamodb = clients(local_endpoint)
    items = sorted((plain(i) for i in dynamodb.scan(TableName=TABLE)["Items"]),
                   key=lambda i: (i["account"], i["offer_id"]))
    assert items == ITEMS, items
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))
    assert keys == ["incoming/new offers.csv", "json-copy/incoming/new offers.json",
                    "rejected/incoming/new offers.csv.rejected.jsonl",
                    "reports/incoming/new offers.csv.report.json"], keys
    copy = json.loads(s3.get_object(Bucket=BUCKET, Key="json-copy/incoming/new offers.json")
                      ["Body"].read())
    assert sorted(copy["data"], key=lambda i: (i["account"], i["offer_id"])) == ITEMS, copy
    rejected = s3.get_object(Bucket=BUCKET, Key="rejected/incoming/new offers.csv.rejected.jsonl")
    lines = rejected["Body"].read().decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["line"] == 5, lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zip", required=True)
    parser.add_argument("--csv2ddb", required=True)
    parser.add_argument("--emulator", help="qemu-aarch64-static for the arm64 zip")
    args = parser.parse_args()
    if args.emulator and not os.access(args.emulator, os.X_OK):
        print(f"{args.emulator} is missing: scripts/setup.sh installs qemu-user-static")
        return 1

    with tempfile.TemporaryDirectory(prefix="csv2ddb-package-") as work:
        unpacked = os.path.join(work, "unpacked")
        names = zip_checks.unpack(args.zip, unpacked)
        loader, summary = zip_checks.check_unpacked(unpacked, names)
        print(f"{args.zip}: {os.path.getsize(args.zip)} bytes; {summary}")

        trusted = tls_front.make_ca(work, "trusted-ca")
        other = tls_front.make_ca(work, "other-ca")
        good_root, bad_root = os.path.join(work, "root"), os.path.join(work, "root-other-ca")
        al2023_root.make_root(good_root, unpacked, trusted, args.emulator)
        al2023_root.make_root(bad_root, unpacked, other, args.emulator)

        with LocalServer(args.csv2ddb, os.path.join(work, "data")) as local:
            payload = prepare(local.endpoint)
            front = tls_front.TlsFront(work, "trusted-ca", local.port)
            https = f"https://127.0.0.1:{front.port}"
            try:
                post = invoke(bad_root, free_port(), https, args.emulator, work, payload,
                                 "untrusted-1")
                assert post["kind"] == "error", post
                assert front.handshakes == 0 and front.failed_handshakes, \
                    (front.handshakes, front.failed_handshakes)
                print(f"with another CA in ca-bundle.crt: refused ({post['error_type']}: "
                      f"{json.loads(post['body']).get('errorMessage', '')[:120]})")
                _, dynamodb = clients(local.endpoint)
                assert dynamodb.scan(TableName=TABLE)["Items"] == []

                post = invoke(good_root, free_port(), https, args.emulator, work, payload,
                                   "import-1")
                check_import(post, local.endpoint)
                assert front.handshakes > 0
            finally:
                front.close()
        print(f"served an import over HTTPS from a bare Amazon Linux 2023 layout"
              + (f" under {args.emulator}" if args.emulator else "") +
              f" ({front.handshakes} TLS connections): 3 items written, 1 row rejected")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
