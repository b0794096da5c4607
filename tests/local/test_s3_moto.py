"""`csv2ddb local`'s S3 notifications against moto, an independent implementation: the same
boto3 calls go to both, and the stored configurations, the validation errors and the event
records must agree (moto delivers its records to its own SQS, where we read them back; ours
are in <data-dir>/s3/events.jsonl until a Lambda service is connected).

Deliberate differences, checked here: our records carry AWS's full shape (userIdentity,
requestParameters, responseElements, ownerIdentity, sequencer) where moto has a subset;
moto's eventTime lacks AWS's 'Z'; moto encodes '/' in keys as %2F, AWS and we keep it;
moto's ObjectRemoved records carry "size" and "eTag" (of the deleted object), AWS's and ours
have neither; moto also sends an ObjectCreated:Put record for a completed multipart upload,
S3 and we send only its CompleteMultipartUpload record. Filter rule names: S3 takes them in any case ("prefix", "Prefix"); moto 5.2 takes
only lower case (anything else is a 500, its bug), so only lower-case rules are compared here
(the other spellings are unit-tested in s3_pieces_test.cpp).

Run: python3 tests/local/test_s3_moto.py --csv2ddb BIN (ctest: local.test_s3_moto)."""
import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402

CSV2DDB = None
REGION = "us-east-1"


class Moto:
    def __init__(self):
        self.port = local_server.free_port()
        self.process = subprocess.Popen(
            [shutil.which("moto_server") or "moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("moto_server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def client(service, endpoint):
    import boto3
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")


def configuration(queue_arn):
    # No Lambda configuration: like S3, csv2ddb local refuses one whose function does not exist
    # or may not be invoked by S3 (moto does not check); test_lambda_service.py and
    # tests/e2e/test_pipeline.py cover Lambda destinations with real functions.
    return {
        "QueueConfigurations": [{
            "Id": "to-queue", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in"},
                                               {"Name": "suffix", "Value": ".csv"}]}}}],
        "TopicConfigurations": [{
            "Id": "to-topic", "TopicArn": "arn:aws:sns:us-east-1:123456789012:topic",
            "Events": ["s3:ObjectRemoved:Delete"]}],
    }


class MotoComparisonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="s3-moto-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.moto = Moto()
        cls.ours = local_server.LocalServer(CSV2DDB, cls.data)

    @classmethod
    def tearDownClass(cls):
        cls.ours.stop()
        cls.moto.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def both(self):
        return {"moto": client("s3", self.moto.endpoint), "ours": client("s3", self.ours.endpoint)}

    def test_configuration_round_trip_matches(self):
        sqs = client("sqs", self.moto.endpoint)
        queue_url = sqs.create_queue(QueueName="events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        stored = {}
        for name, s3 in self.both().items():
            s3.create_bucket(Bucket="roundtrip")
            s3.put_bucket_notification_configuration(
                Bucket="roundtrip", NotificationConfiguration=configuration(queue_arn))
            got = s3.get_bucket_notification_configuration(Bucket="roundtrip")
            got.pop("ResponseMetadata")
            stored[name] = got
        self.assertEqual(stored["ours"], configuration(queue_arn))
        self.assertEqual(stored["ours"], stored["moto"])

    def test_invalid_configurations_rejected_alike(self):
        invalid = [
            {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
                                      "Events": ["s3:ObjectCreated:Nope"]}]},
            {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q",
                                      "Events": ["s3:ObjectCreated:*"],
                                      "Filter": {"Key": {"FilterRules": [
                                          {"Name": "middle", "Value": "x"}]}}}]},
        ]
        for document in invalid:
            codes = {}
            for name, s3 in self.both().items():
                s3.create_bucket(Bucket="invalid")  # a 200 no-op again in us-east-1, as on AWS
                with self.assertRaises(Exception) as caught:
                    s3.put_bucket_notification_configuration(
                        Bucket="invalid", NotificationConfiguration=document)
                codes[name] = caught.exception.response["Error"]["Code"]
            self.assertEqual(codes["ours"], "InvalidArgument")
            # moto 5.2 answers a bad filter rule name with a 500 (its own bug); the event name
            # case is compared exactly.
            if "middle" not in json.dumps(document):
                self.assertEqual(codes["moto"], "InvalidArgument")

    def test_event_records_match(self):
        sqs = client("sqs", self.moto.endpoint)
        queue_url = sqs.create_queue(QueueName="records")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        key = "in my file+1.csv"
        for s3 in self.both().values():
            s3.create_bucket(Bucket="records")
            s3.put_bucket_notification_configuration(
                Bucket="records", NotificationConfiguration=configuration(queue_arn))
            s3.put_object(Bucket="records", Key=key, Body=b"a,b\n1,2\n")
            s3.put_object(Bucket="records", Key="in-but-not-csv.txt", Body=b"x")
        moto_records = []
        for _ in range(10):
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", [])
            for message in messages:
                body = json.loads(message["Body"])
                moto_records.extend(r for r in body.get("Records", []))
            if moto_records:
                break
        with open(os.path.join(self.data, "s3", "events.jsonl")) as f:
            ours = [json.loads(line) for line in f]
        ours = [e for e in ours if e["event"]["Records"][0]["s3"]["bucket"]["name"] == "records"]
        self.assertEqual(len(moto_records), 1)
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0]["target"], queue_arn)
        mine = ours[0]["event"]["Records"][0]
        theirs = moto_records[0]

        def shape(record):
            return {k: record[k] for k in ("eventVersion", "eventSource", "awsRegion",
                                           "eventName")} | {
                "s3": {"s3SchemaVersion": record["s3"]["s3SchemaVersion"],
                       "configurationId": record["s3"]["configurationId"],
                       "bucket": {k: record["s3"]["bucket"][k] for k in ("name", "arn")},
                       "object": {k: record["s3"]["object"][k]
                                  for k in ("key", "size", "eTag")}}}

        self.assertEqual(shape(mine), shape(theirs))
        self.assertEqual(mine["s3"]["object"]["key"], "in+my+file%2B1.csv")
        self.assertRegex(mine["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertRegex(mine["s3"]["object"]["sequencer"], r"^[0-9A-F]{16,}$")
        for field in ("userIdentity", "requestParameters", "responseElements"):
            self.assertIn(field, mine)


def queue(endpoint, name):
    sqs = client("sqs", endpoint)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return sqs, url, arn


def moto_records(sqs, url, expected):
    records = []
    for _ in range(20):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            records.extend(json.loads(message["Body"]).get("Records", []))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if len(records) >= expected:
            break
    return records


class MotoRecordsOfEveryKindTest(unittest.TestCase):
    """Put, Copy, CompleteMultipartUpload and Delete records, from the same calls to moto and
    to us, compared field by field (and the ETags S3 gives copies and multipart objects)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="s3-moto-kinds-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.moto = Moto()
        cls.ours = local_server.LocalServer(CSV2DDB, cls.data)

    @classmethod
    def tearDownClass(cls):
        cls.ours.stop()
        cls.moto.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def ours_records(self, bucket):
        with open(os.path.join(self.data, "s3", "events.jsonl")) as f:
            events = [json.loads(line) for line in f]
        return [e["event"]["Records"][0] for e in events
                if e["event"]["Records"][0]["s3"]["bucket"]["name"] == bucket]

    def run_calls(self, s3, bucket, arn):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "QueueConfigurations": [{
                "Id": "all", "QueueArn": arn,
                "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"},
                                                   {"Name": "suffix", "Value": ".csv"}]}}}]})
        etags = {}
        s3.put_object(Bucket=bucket, Key="in/put.csv", Body=b"a,b\n1,2\n")
        # Keys the filter rules keep out: no records.
        for key in ("x/in/put.csv", "in/put.CSV", "in.csv", "In/put.csv"):
            s3.put_object(Bucket=bucket, Key=key, Body=b"no")
        etags["copy"] = s3.copy_object(Bucket=bucket, Key="in/copy.csv", CopySource={
            "Bucket": bucket, "Key": "in/put.csv"})["CopyObjectResult"]["ETag"]
        upload = s3.create_multipart_upload(Bucket=bucket, Key="in/multi.csv")["UploadId"]
        parts = []
        for number, data in ((1, b"p" * (5 * 1024 * 1024)), (2, b"tail\n")):
            etag = s3.upload_part(Bucket=bucket, Key="in/multi.csv", UploadId=upload,
                                  PartNumber=number, Body=data)["ETag"]
            parts.append({"PartNumber": number, "ETag": etag})
        etags["multi"] = s3.complete_multipart_upload(
            Bucket=bucket, Key="in/multi.csv", UploadId=upload,
            MultipartUpload={"Parts": parts})["ETag"]
        etags["copy_of_multi"] = s3.copy_object(
            Bucket=bucket, Key="out/copy-of-multi", CopySource={
                "Bucket": bucket, "Key": "in/multi.csv"})["CopyObjectResult"]["ETag"]
        s3.delete_object(Bucket=bucket, Key="in/put.csv")
        return etags

    def test_records_and_etags_match(self):
        sqs, url, arn = queue(self.moto.endpoint, "kinds")
        results = {name: self.run_calls(client("s3", endpoint), "kinds", arn)
                   for name, endpoint in (("moto", self.moto.endpoint),
                                          ("ours", self.ours.endpoint))}
        self.assertEqual(results["ours"], results["moto"])
        whole = hashlib.md5(b"p" * (5 * 1024 * 1024) + b"tail\n").hexdigest()
        self.assertEqual(results["ours"]["copy_of_multi"], '"%s"' % whole)
        self.assertTrue(results["ours"]["multi"].endswith('-2"'))

        theirs = moto_records(sqs, url, 5)
        # moto sends an extra ObjectCreated:Put for a completed multipart upload; S3 sends only
        # the CompleteMultipartUpload record.
        theirs = [r for r in theirs if (r["eventName"], r["s3"]["object"]["key"]) !=
                  ("ObjectCreated:Put", "in%2Fmulti.csv")]
        mine = self.ours_records("kinds")
        names = ["ObjectCreated:Put", "ObjectCreated:Copy",
                 "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete"]
        self.assertEqual([r["eventName"] for r in mine], names)
        self.assertEqual(sorted(r["eventName"] for r in theirs), sorted(names))

        def shape(record):
            obj = record["s3"]["object"]
            return {"eventName": record["eventName"], "eventSource": record["eventSource"],
                    "awsRegion": record["awsRegion"], "eventVersion": record["eventVersion"],
                    "configurationId": record["s3"]["configurationId"],
                    "bucket": record["s3"]["bucket"]["arn"],
                    "key": obj["key"].replace("%2F", "/"),  # moto's encoding of '/'
                    "object": {k: obj[k] for k in ("size", "eTag") if k in obj}}

        theirs_by_name = {r["eventName"]: shape(r) for r in theirs}
        for record in mine:
            expected = theirs_by_name[record["eventName"]]
            if record["eventName"].startswith("ObjectRemoved:"):
                self.assertEqual(set(expected["object"]), {"size", "eTag"})  # moto's extra
                expected = dict(expected, object={})
                self.assertNotIn("size", record["s3"]["object"])
                self.assertNotIn("eTag", record["s3"]["object"])
            self.assertEqual(shape(record), expected, record["eventName"])
            self.assertRegex(record["s3"]["object"]["sequencer"], r"^[0-9A-F]{16,}$")
        sequencers = [r["s3"]["object"]["sequencer"] for r in mine]
        self.assertEqual(sequencers, sorted(sequencers))

    def test_max_keys_zero_matches(self):
        pages = {}
        for name, endpoint in (("moto", self.moto.endpoint), ("ours", self.ours.endpoint)):
            s3 = client("s3", endpoint)
            s3.create_bucket(Bucket="maxkeys")
            for key in ("a", "b", "c"):
                s3.put_object(Bucket="maxkeys", Key=key, Body=b"x")
            v2 = s3.list_objects_v2(Bucket="maxkeys", MaxKeys=0)
            v1 = s3.list_objects(Bucket="maxkeys", MaxKeys=0)
            v2.pop("ResponseMetadata")
            pages[name] = (v2, v1["IsTruncated"], "Contents" in v1, "NextMarker" in v1)
        self.assertEqual(pages["ours"], pages["moto"])
        self.assertEqual(pages["ours"][0]["IsTruncated"], False)
        self.assertNotIn("NextContinuationToken", pages["ours"][0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb")
    args, rest = parser.parse_known_args()
    global CSV2DDB
    CSV2DDB = args.csv2ddb
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
