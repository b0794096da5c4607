"""Black-box tests of `csv2ddb local`'s S3 with real clients on 127.0.0.1: awscli v1 (on the
PATH) and v2 (/usr/bin/aws), boto3 in both versions on this machine (the machine's python3,
1.43, which sends CRC32 checksums: as a header over http, in aws-chunked trailers only over
https, see test_s3_auth_and_streaming.py; Debian's /usr/bin/python3, 1.26, which sends none), plus hand-made requests for what no SDK sends: path traversal keys,
oversized bodies, malformed XML.

Run: python3 tests/local/test_s3_clients.py --csv2ddb BIN (ctest: local.test_s3_clients)."""
import argparse
import datetime
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
DEBIAN_PYTHON = "/usr/bin/python3"
AWS_V2 = "/usr/bin/aws"
AWS_V1 = shutil.which("aws")
ODD_KEYS = ["with space.csv", "plus+sign.csv", "non-ascii-ü-日本.csv", "a/b/c.csv"]


def client_env():
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_DEFAULT_REGION="us-east-1",
               AWS_PAGER="")
    env.pop("AWS_PROFILE", None)
    return env


def unverified_auth():
    """Headers of a request signed with a key the server does not know: `--auth open` takes
    it on trust (no secret to check with), so tests can send bytes no SDK would send."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"Authorization": "AWS4-HMAC-SHA256 Credential=anyone/%s/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host;x-amz-date, Signature=%s"
                             % (now.strftime("%Y%m%d"), "0" * 64),
            "X-Amz-Date": now.strftime("%Y%m%dT%H%M%SZ"),
            "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}


def exercise_boto3(endpoint):
    """The same calls with whichever boto3 runs this; returns a JSON summary to compare."""
    import boto3
    from boto3.s3.transfer import TransferConfig
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    out = {"version": boto3.__version__}
    bucket = "exercise-" + boto3.__version__.replace(".", "-")
    s3.create_bucket(Bucket=bucket)
    body = b"account,offer\n" + b"a,1\n" * 1000
    put = s3.put_object(Bucket=bucket, Key="in/data 1.csv", Body=body,
                        ContentType="text/csv", Metadata={"origin": "exercise"})
    out["put_etag"] = put["ETag"]
    got = s3.get_object(Bucket=bucket, Key="in/data 1.csv")
    out["get"] = [got["Body"].read() == body, got["ContentType"], got["Metadata"]]
    ranged = s3.get_object(Bucket=bucket, Key="in/data 1.csv", Range="bytes=0-12")
    out["range"] = [ranged["Body"].read().decode(), ranged["ContentRange"]]
    for i in range(7):
        s3.put_object(Bucket=bucket, Key="page/%02d" % i, Body=b"%d" % i)
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="page/", PaginationConfig={"PageSize": 3}))
    out["pages"] = [[o["Key"] for o in p.get("Contents", [])] for p in pages]
    rolled = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    out["rolled"] = [p["Prefix"] for p in rolled.get("CommonPrefixes", [])]
    v1 = list(s3.get_paginator("list_objects").paginate(
        Bucket=bucket, Prefix="page/", PaginationConfig={"PageSize": 4}))
    out["v1_pages"] = [len(p.get("Contents", [])) for p in v1]
    s3.copy_object(Bucket=bucket, Key="copied.csv",
                   CopySource={"Bucket": bucket, "Key": "in/data 1.csv"})
    out["copy_meta"] = s3.head_object(Bucket=bucket, Key="copied.csv")["Metadata"]
    big = os.urandom(6 * 1024 * 1024) + b"tail"
    s3.upload_fileobj(__import__("io").BytesIO(big), bucket, "multi.bin",
                      Config=TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                            multipart_chunksize=5 * 1024 * 1024))
    head = s3.head_object(Bucket=bucket, Key="multi.bin")
    parts = [hashlib.md5(big[:5 * 1024 * 1024]).digest(),
             hashlib.md5(big[5 * 1024 * 1024:]).digest()]
    out["multipart"] = [head["ContentLength"] == len(big),
                        head["ETag"] == '"%s-2"' % hashlib.md5(b"".join(parts)).hexdigest(),
                        s3.get_object(Bucket=bucket, Key="multi.bin")["Body"].read() == big]
    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "page/%02d" % i} for i in range(7)]})
    out["deleted"] = len(deleted["Deleted"])
    try:
        s3.get_object(Bucket=bucket, Key="page/00")
    except s3.exceptions.NoSuchKey:
        out["after_delete"] = "NoSuchKey"
    return json.dumps(out, sort_keys=True)


class S3ClientsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="s3-clients-")
        self.data = os.path.join(self.tmp, "data")
        self.server = local_server.LocalServer(CSV2DDB, self.data)
        self.endpoint = self.server.endpoint

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def aws(self, binary, *args, check=True):
        run = subprocess.run([binary, "--endpoint-url", self.endpoint, *args], env=client_env(),
                             capture_output=True, text=True, timeout=600)
        if check and run.returncode != 0:
            self.fail("%s %s failed: %s" % (binary, args, run.stderr))
        return run

    def raw(self, method, path, body=b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.request(method, path, body=body, headers={**unverified_auth(), **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), data

    # Both awscli versions: mb, cp (single part and multipart), ls, rm, odd keys.
    def test_awscli_high_level_commands(self):
        for binary in (AWS_V1, AWS_V2):
            with self.subTest(binary=binary):
                bucket = "cli-v1" if binary == AWS_V1 else "cli-v2"
                self.aws(binary, "s3", "mb", "s3://" + bucket)
                local = os.path.join(self.tmp, "small.csv")
                with open(local, "wb") as f:
                    f.write(b"a,b\n1,2\n")
                for key in ODD_KEYS:
                    self.aws(binary, "s3", "cp", local, "s3://%s/%s" % (bucket, key))
                listing = self.aws(binary, "s3", "ls", "--recursive", "s3://" + bucket).stdout
                for key in ODD_KEYS:
                    self.assertIn(" " + key + "\n", listing)
                top = self.aws(binary, "s3", "ls", "s3://%s/" % bucket).stdout
                self.assertIn("PRE a/", top)
                back = os.path.join(self.tmp, "back.csv")
                self.aws(binary, "s3", "cp", "s3://%s/%s" % (bucket, ODD_KEYS[2]), back)
                with open(back, "rb") as f:
                    self.assertEqual(f.read(), b"a,b\n1,2\n")
                self.aws(binary, "s3", "rm", "--recursive", "s3://" + bucket)
                self.assertEqual(self.aws(binary, "s3", "ls", "--recursive",
                                          "s3://" + bucket, check=False).stdout, "")
                self.aws(binary, "s3", "rb", "s3://" + bucket)

    # A 100 MB file: awscli uploads it in 8 MB parts; the ETag is S3's multipart ETag.
    def test_awscli_100mb_multipart(self):
        big = os.path.join(self.tmp, "big.bin")
        with open(big, "wb") as f:
            for i in range(100):
                f.write(hashlib.sha256(b"%d" % i).digest() * 32768)  # 1 MiB each, distinct
        self.aws(AWS_V1, "s3", "mb", "s3://big")
        self.aws(AWS_V1, "s3", "cp", big, "s3://big/big.bin")
        head = json.loads(self.aws(AWS_V2, "s3api", "head-object", "--bucket", "big",
                                   "--key", "big.bin").stdout)
        self.assertEqual(head["ContentLength"], 100 * 1024 * 1024)
        chunk = 8 * 1024 * 1024
        with open(big, "rb") as f:
            data = f.read()
        md5s = b"".join(hashlib.md5(data[i:i + chunk]).digest()
                        for i in range(0, len(data), chunk))
        self.assertEqual(head["ETag"], '"%s-%d"' % (hashlib.md5(md5s).hexdigest(), 13))
        back = os.path.join(self.tmp, "back.bin")
        self.aws(AWS_V2, "s3", "cp", "s3://big/big.bin", back)
        with open(back, "rb") as f:
            self.assertEqual(hashlib.md5(f.read()).digest(), hashlib.md5(data).digest())

    def test_awscli_s3api_calls(self):
        v2 = AWS_V2
        self.aws(v2, "s3api", "create-bucket", "--bucket", "api")
        # us-east-1 keeps S3's legacy answer: re-creating your own bucket is a 200 no-op
        # (other regions: BucketAlreadyOwnedByYou, see s3_service_test.cpp).
        again = self.aws(v2, "s3api", "create-bucket", "--bucket", "api", check=False)
        self.assertEqual(again.returncode, 0, again.stderr)
        bad = self.aws(v2, "s3api", "create-bucket", "--bucket", "Bad_Name", check=False)
        self.assertIn("InvalidBucketName", bad.stderr)
        body = os.path.join(self.tmp, "body.txt")
        with open(body, "wb") as f:
            f.write(b"0123456789")
        for i in range(5):
            self.aws(v2, "s3api", "put-object", "--bucket", "api", "--key", "k%d" % i,
                     "--body", body, "--metadata", "owner=me")
        head = json.loads(self.aws(v2, "s3api", "head-object", "--bucket", "api",
                                   "--key", "k0").stdout)
        self.assertEqual(head["Metadata"], {"owner": "me"})
        self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(b"0123456789").hexdigest())
        out = os.path.join(self.tmp, "range.txt")
        ranged = json.loads(self.aws(v2, "s3api", "get-object", "--bucket", "api", "--key", "k0",
                                     "--range", "bytes=2-4", out).stdout)
        self.assertEqual(ranged["ContentRange"], "bytes 2-4/10")
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"234")
        beyond = self.aws(v2, "s3api", "get-object", "--bucket", "api", "--key", "k0",
                          "--range", "bytes=20-", out, check=False)
        self.assertIn("InvalidRange", beyond.stderr)
        page = json.loads(self.aws(AWS_V1, "s3api", "list-objects-v2", "--bucket", "api",
                                   "--max-items", "2").stdout)
        self.assertEqual([o["Key"] for o in page["Contents"]], ["k0", "k1"])
        rest = json.loads(self.aws(AWS_V1, "s3api", "list-objects-v2", "--bucket", "api",
                                   "--starting-token", page["NextToken"]).stdout)
        self.assertEqual([o["Key"] for o in rest["Contents"]], ["k2", "k3", "k4"])
        self.aws(v2, "s3api", "copy-object", "--bucket", "api", "--key", "copy of k1",
                 "--copy-source", "api/k1")
        deleted = json.loads(self.aws(v2, "s3api", "delete-objects", "--bucket", "api",
                                      "--delete", "Objects=[{Key=k3},{Key=k4}]").stdout)
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]), ["k3", "k4"])
        keys = json.loads(self.aws(v2, "s3api", "list-objects-v2", "--bucket", "api").stdout)
        self.assertEqual([o["Key"] for o in keys["Contents"]], ["copy of k1", "k0", "k1", "k2"])
        not_empty = self.aws(v2, "s3api", "delete-bucket", "--bucket", "api", check=False)
        self.assertIn("BucketNotEmpty", not_empty.stderr)

    def test_notification_configuration_and_event_records(self):
        self.aws(AWS_V2, "s3", "mb", "s3://events")
        # A Lambda destination must exist and let S3 invoke it, as S3 checks; this server runs
        # no function (tests/local/test_lambda_service.py has those), so the event records are
        # seen through a queue destination, which goes to events.jsonl.
        to_nowhere = {"LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:import",
            "Events": ["s3:ObjectCreated:*"]}]}
        refused = self.aws(AWS_V2, "s3api", "put-bucket-notification-configuration", "--bucket",
                           "events", "--notification-configuration", json.dumps(to_nowhere),
                           check=False)
        self.assertIn("InvalidArgument", refused.stderr)
        self.assertIn("Unable to validate the following destination configurations",
                      refused.stderr)
        config = {"QueueConfigurations": [{
            "Id": "csv-import",
            "QueueArn": "arn:aws:sqs:us-east-1:000000000000:import",
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}}}]}
        self.aws(AWS_V2, "s3api", "put-bucket-notification-configuration", "--bucket", "events",
                 "--notification-configuration", json.dumps(config))
        got = json.loads(self.aws(AWS_V1, "s3api", "get-bucket-notification-configuration",
                                  "--bucket", "events").stdout)
        self.assertEqual(got, config)
        overlap = {"QueueConfigurations": [
            {"QueueArn": "arn:aws:sqs:us-east-1:000000000000:q", "Events": ["s3:ObjectCreated:Put"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}},
            {"QueueArn": "arn:aws:sqs:us-east-1:000000000000:q2", "Events": ["s3:ObjectCreated:*"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/sub/"}]}}}]}
        failed = self.aws(AWS_V2, "s3api", "put-bucket-notification-configuration", "--bucket",
                          "events", "--notification-configuration", json.dumps(overlap),
                          check=False)
        self.assertIn("InvalidArgument", failed.stderr)
        self.assertIn("Configurations overlap", failed.stderr)
        bad_event = {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:0:q",
                                              "Events": ["s3:ObjectCreated:Nope"]}]}
        failed = self.aws(AWS_V2, "s3api", "put-bucket-notification-configuration", "--bucket",
                          "events", "--notification-configuration", json.dumps(bad_event),
                          check=False)
        self.assertIn("The event is not supported for notifications", failed.stderr)
        local = os.path.join(self.tmp, "x.csv")
        with open(local, "wb") as f:
            f.write(b"a\n1\n")
        self.aws(AWS_V2, "s3", "cp", local, "s3://events/in/my file+1.csv")
        self.aws(AWS_V2, "s3", "cp", local, "s3://events/in/ignored.txt")
        self.aws(AWS_V2, "s3api", "copy-object", "--bucket", "events", "--key", "copy.csv",
                 "--copy-source", "events/in/my file+1.csv")
        with open(os.path.join(self.data, "s3", "events.jsonl")) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), 2)
        first = lines[0]
        self.assertEqual(first["target"], "arn:aws:sqs:us-east-1:000000000000:import")
        record = first["event"]["Records"][0]
        self.assertEqual(record["eventVersion"], "2.1")
        self.assertEqual(record["eventSource"], "aws:s3")
        self.assertEqual(record["eventName"], "ObjectCreated:Put")
        self.assertEqual(record["s3"]["configurationId"], "csv-import")
        self.assertEqual(record["s3"]["bucket"]["arn"], "arn:aws:s3:::events")
        self.assertEqual(record["s3"]["object"]["key"], "in/my+file%2B1.csv")
        self.assertEqual(record["s3"]["object"]["size"], 4)
        self.assertEqual(record["s3"]["object"]["eTag"], hashlib.md5(b"a\n1\n").hexdigest())
        second = lines[1]["event"]["Records"][0]
        self.assertEqual(second["eventName"], "ObjectCreated:Copy")
        self.assertGreater(int(second["s3"]["object"]["sequencer"], 16),
                           int(record["s3"]["object"]["sequencer"], 16))

    # Both boto3 versions run the same exercise and must see the same results.
    def test_boto3_both_versions(self):
        results = []
        for python in (sys.executable, DEBIAN_PYTHON):
            run = subprocess.run([python, os.path.abspath(__file__), "--exercise", self.endpoint],
                                 capture_output=True, text=True, timeout=600, env=client_env())
            self.assertEqual(run.returncode, 0, run.stderr)
            results.append(json.loads(run.stdout))
        versions = [r.pop("version") for r in results]
        self.assertTrue(versions[0].startswith("1.4"), versions)
        self.assertTrue(versions[1].startswith("1.26"), versions)
        self.assertEqual(results[0], results[1])
        expected = {
            "put_etag": '"%s"' % hashlib.md5(b"account,offer\n" + b"a,1\n" * 1000).hexdigest(),
            "get": [True, "text/csv", {"origin": "exercise"}],
            "range": ["account,offer", "bytes 0-12/4014"],
            "pages": [["page/00", "page/01", "page/02"], ["page/03", "page/04", "page/05"],
                      ["page/06"]],
            "rolled": ["in/", "page/"],
            "v1_pages": [4, 3],
            "copy_meta": {"origin": "exercise"},
            "multipart": [True, True, True],
            "deleted": 7,
            "after_delete": "NoSuchKey",
        }
        self.assertEqual(results[0], expected)

    # No key can name a file outside <data-dir>/s3: names on disk are hashes of the keys.
    def test_path_traversal_keys_stay_inside(self):
        self.assertEqual(self.raw("PUT", "/trav")[0], 200)
        outside = os.path.join(self.tmp, "escaped")
        keys = ["../../escaped", "..%2F..%2Fescaped", "%2Fetc%2Fpasswd", "a/../../../escaped",
                "..\\..\\escaped", "./.", "..", "x" * 1024, "nul%00byte"]
        for key in keys:
            path = "/trav/" + (key if "%" in key else urllib.parse.quote(key, safe="/"))
            status, _, body = self.raw("PUT", path, body=b"payload")
            self.assertEqual(status, 200, (key, body))
        self.assertFalse(os.path.exists(outside))
        too_long = self.raw("PUT", "/trav/" + "y" * 1025, body=b"x")
        self.assertEqual(too_long[0], 400)
        self.assertIn(b"<Code>KeyTooLongError</Code>", too_long[2])
        names = []
        for root, _, files in os.walk(self.data):
            for name in files:
                full = os.path.realpath(os.path.join(root, name))
                self.assertTrue(full.startswith(os.path.realpath(self.data) + os.sep), full)
                names.append(name)
        self.assertFalse(any("escaped" in n or "passwd" in n for n in names))
        status, _, body = self.raw("GET", "/trav/..%2F..%2Fescaped")
        self.assertEqual((status, body), (200, b"payload"))

    def test_malformed_xml_and_bad_requests(self):
        self.raw("PUT", "/xml")
        for path, body in [("/xml?delete", b"<Delete><Object><Key>a</Key>"),
                           ("/xml?delete", b"not xml at all"),
                           ("/xml?notification", b"<NotificationConfiguration><Queue"),
                           ("/xml?notification", b"<Other/>")]:
            method = "POST" if "delete" in path else "PUT"
            status, _, data = self.raw(method, path, body=body)
            self.assertEqual(status, 400, (path, data))
            self.assertIn(b"<Code>MalformedXML</Code>", data)
        status, _, data = self.raw("GET", "/missing-bucket/key")
        self.assertEqual(status, 404)
        self.assertIn(b"<Code>NoSuchBucket</Code>", data)
        status, _, data = self.raw("GET", "/xml/missing")
        self.assertEqual(status, 404)
        self.assertIn(b"<Code>NoSuchKey</Code>", data)
        self.raw("PUT", "/xml/obj", body=b"abc")
        status, _, data = self.raw("PUT", "/xml/obj", body=b"abc",
                                   headers={"Content-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>BadDigest</Code>", data)
        status, _, _ = self.raw("GET", "/xml/obj", headers={"If-Match": '"nope"'})
        self.assertEqual(status, 412)
        etag = '"%s"' % hashlib.md5(b"abc").hexdigest()
        status, _, _ = self.raw("GET", "/xml/obj", headers={"If-None-Match": etag})
        self.assertEqual(status, 304)

    # A multipart upload whose first part is under 5 MiB cannot be completed.
    def test_multipart_errors(self):
        self.raw("PUT", "/mpu")
        _, _, created = self.raw("POST", "/mpu/obj?uploads")
        upload_id = created.split(b"<UploadId>")[1].split(b"</UploadId>")[0].decode()
        etags = []
        for number in (1, 2):
            _, headers, _ = self.raw("PUT", "/mpu/obj?partNumber=%d&uploadId=%s" % (number, upload_id),
                                     body=b"part%d" % number)
            etags.append(headers["ETag"])
        parts = "".join("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (n, e)
                        for n, e in ((2, etags[1]), (1, etags[0])))
        status, _, data = self.raw("POST", "/mpu/obj?uploadId=" + upload_id,
                                   body=("<CompleteMultipartUpload>%s</CompleteMultipartUpload>"
                                         % parts).encode())
        self.assertIn(b"<Code>InvalidPartOrder</Code>", data)
        parts = "".join("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (n, e)
                        for n, e in ((1, etags[0]), (2, '"0000"')))
        status, _, data = self.raw("POST", "/mpu/obj?uploadId=" + upload_id,
                                   body=("<CompleteMultipartUpload>%s</CompleteMultipartUpload>"
                                         % parts).encode())
        self.assertIn(b"<Code>InvalidPart</Code>", data)
        parts = "".join("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (n, e)
                        for n, e in ((1, etags[0]), (2, etags[1])))
        status, _, data = self.raw("POST", "/mpu/obj?uploadId=" + upload_id,
                                   body=("<CompleteMultipartUpload>%s</CompleteMultipartUpload>"
                                         % parts).encode())
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>EntityTooSmall</Code>", data)
        status, _, data = self.raw("GET", "/mpu/obj?uploadId=" + upload_id)
        self.assertEqual(data.count(b"<Part>"), 2)
        self.assertEqual(self.raw("DELETE", "/mpu/obj?uploadId=" + upload_id)[0], 204)
        status, _, data = self.raw("GET", "/mpu/obj?uploadId=" + upload_id)
        self.assertIn(b"<Code>NoSuchUpload</Code>", data)

    # A client that lost the answer to a Complete (a timeout) sends it again: like Amazon S3,
    # the same part list gets the first answer; another part list gets NoSuchUpload.
    def test_boto3_repeated_complete_multipart_upload(self):
        import boto3
        s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket="again")
        upload_id = s3.create_multipart_upload(Bucket="again", Key="big.csv")["UploadId"]
        bodies = [os.urandom(5 * 1024 * 1024), b"the tail"]
        parts = []
        for number, body in enumerate(bodies, start=1):
            uploaded = s3.upload_part(Bucket="again", Key="big.csv", UploadId=upload_id,
                                      PartNumber=number, Body=body)
            parts.append({"PartNumber": number, "ETag": uploaded["ETag"]})
        expected_etag = '"%s-2"' % hashlib.md5(
            b"".join(hashlib.md5(body).digest() for body in bodies)).hexdigest()
        fields = ("Location", "Bucket", "Key", "ETag")
        first = s3.complete_multipart_upload(Bucket="again", Key="big.csv", UploadId=upload_id,
                                             MultipartUpload={"Parts": parts})
        self.assertEqual(first["ETag"], expected_etag)
        again = s3.complete_multipart_upload(Bucket="again", Key="big.csv", UploadId=upload_id,
                                             MultipartUpload={"Parts": parts})
        self.assertEqual({f: again[f] for f in fields}, {f: first[f] for f in fields})
        with self.assertRaises(s3.exceptions.NoSuchUpload):
            s3.complete_multipart_upload(Bucket="again", Key="big.csv", UploadId=upload_id,
                                         MultipartUpload={"Parts": parts[:1]})
        head = s3.head_object(Bucket="again", Key="big.csv")
        self.assertEqual((head["ETag"], head["ContentLength"]),
                         (expected_etag, sum(len(body) for body in bodies)))


class S3SmallCapTest(unittest.TestCase):
    """The single-PUT cap (5 GiB on AWS) is configurable; a small one proves EntityTooLarge."""

    def test_entity_too_large(self):
        tmp = tempfile.mkdtemp(prefix="s3-cap-")
        os.environ["CSV2DDB_LOCAL_S3_MAX_OBJECT_BYTES"] = "1000"
        try:
            server = local_server.LocalServer(CSV2DDB, os.path.join(tmp, "data"))
        finally:
            del os.environ["CSV2DDB_LOCAL_S3_MAX_OBJECT_BYTES"]
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("PUT", "/cap", headers=unverified_auth())
            conn.getresponse().read()
            conn.request("PUT", "/cap/ok", body=b"x" * 1000, headers=unverified_auth())
            self.assertEqual(conn.getresponse().status, 200)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("PUT", "/cap/big", body=b"x" * 1001, headers=unverified_auth())
            response = conn.getresponse()
            data = response.read()
            self.assertEqual(response.status, 400)
            self.assertIn(b"<Code>EntityTooLarge</Code>", data)
            conn.close()
            # boto3's own uploads get the same cap.
            import boto3
            s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            s3.put_object(Bucket="cap", Key="chunked-ok", Body=b"y" * 1000)
            with self.assertRaises(Exception) as caught:
                s3.put_object(Bucket="cap", Key="chunked-big", Body=b"y" * 1001)
            self.assertIn("EntityTooLarge", str(caught.exception))
        finally:
            server.stop()
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb")
    parser.add_argument("--exercise", help="run the boto3 exercise against this endpoint")
    args, rest = parser.parse_known_args()
    if args.exercise:
        print(exercise_boto3(args.exercise))
        return
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
