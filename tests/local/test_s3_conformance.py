"""S3 as its clients use it, on the corners where an emulator can drift from Amazon S3: listings
with encoding-type=url and fetch-owner, ListBuckets' paging, an empty continuation token, a key
that is not UTF-8, user metadata beyond US-ASCII (RFC 2047), GetObjectAttributes and GetObject's
partNumber. The same boto3 calls go to `csv2ddb local` and to moto (an independent
implementation); each case states what Amazon S3 answers (its API reference and user guide),
csv2ddb local must answer exactly that, moto too but for the differences in MOTO_DIFFERS, each
with the reason.

Run: python3 tests/local/test_s3_conformance.py --csv2ddb BIN (ctest: local.test_s3_conformance)."""
import os
import sys
import tempfile
import unittest
import urllib.parse

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import local_server  # noqa: E402
import test_s3_moto  # noqa: E402

CSV2DDB = None
BUCKET = "conformance"


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as error:
        return (error.response["ResponseMetadata"]["HTTPStatusCode"],
                error.response["Error"]["Code"])
    return None


def setup(s3):
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="a b/c d.txt", Body=b"hello",
                  Metadata={"note": "=?UTF-8?Q?h=C3=A9llo_w=C3=B6rld?=", "plain": "ascii"})
    for name in ("conformance-x1", "conformance-x2", "conformance-x3"):
        s3.create_bucket(Bucket=name)


def url_listing(s3, endpoint):
    # botocore decodes a listing only when it asked for the encoding itself: asked here, the
    # response comes as S3 wrote it.
    page = s3.list_objects_v2(Bucket=BUCKET, EncodingType="url", Prefix="a b/", Delimiter="/")
    return (page["Prefix"], [c["Key"] for c in page.get("Contents", [])])


def owners(s3, endpoint):
    v2 = s3.list_objects_v2(Bucket=BUCKET)["Contents"][0]
    fetched = s3.list_objects_v2(Bucket=BUCKET, FetchOwner=True)["Contents"][0]
    v1 = s3.list_objects(Bucket=BUCKET)["Contents"][0]
    return ("Owner" in v2, "ID" in fetched.get("Owner", {}), "ID" in v1.get("Owner", {}))


def bucket_pages(s3, endpoint):
    first = s3.list_buckets(MaxBuckets=2, Prefix="conformance-x")
    second = s3.list_buckets(MaxBuckets=2, Prefix="conformance-x",
                             ContinuationToken=first["ContinuationToken"])
    return ([b["Name"] for b in first["Buckets"]], [b["Name"] for b in second["Buckets"]],
            "ContinuationToken" in second)


def empty_continuation_token(s3, endpoint):
    return s3.list_objects_v2(Bucket=BUCKET, ContinuationToken="")["KeyCount"]


def key_not_utf8(s3, endpoint):
    port = urllib.parse.urlparse(endpoint).port
    path = "/%s/bad%%FFkey" % BUCKET
    headers = local_server.sign_s3_request(port, "GET", path)[0]
    status, _, body = local_server.raw_request(port, "GET", path, headers=headers)
    return (status, local_server.s3_error_code(body))  # the error body is UTF-8 too


def metadata(s3, endpoint):
    return s3.head_object(Bucket=BUCKET, Key="a b/c d.txt")["Metadata"]


def object_attributes(s3, endpoint):
    answer = s3.get_object_attributes(Bucket=BUCKET, Key="a b/c d.txt",
                                      ObjectAttributes=["ETag", "ObjectSize", "StorageClass"])
    return (answer["ETag"], answer["ObjectSize"], answer["StorageClass"], "LastModified" in answer)


def part_numbers(s3, endpoint):
    one = s3.get_object(Bucket=BUCKET, Key="a b/c d.txt", PartNumber=1)
    return (one["Body"].read(),
            error_of(lambda: s3.get_object(Bucket=BUCKET, Key="a b/c d.txt", PartNumber=2)),
            error_of(lambda: s3.get_object(Bucket=BUCKET, Key="a b/c d.txt", PartNumber=0)))


# name: (function of (client, endpoint), what Amazon S3 answers)
CASES = {
    # The s3-tests suite (written against Amazon S3) expects a space as %20 and '/' kept.
    "url_encoded_listing": (url_listing, ("a%20b/", ["a%20b/c%20d.txt"])),
    # ListObjects (v1) always names each object's owner; ListObjectsV2 only with fetch-owner.
    "owners": (owners, (False, True, True)),
    "list_buckets_pages": (bucket_pages, (["conformance-x1", "conformance-x2"],
                                          ["conformance-x3"], False)),
    "empty_continuation_token": (empty_continuation_token, 1),
    # Amazon S3 cannot parse a key that is not UTF-8: 400 InvalidURI.
    "key_not_utf8": (key_not_utf8, (400, "InvalidURI")),
    # The user guide: values beyond US-ASCII are decoded as per RFC 2047 before storing and
    # encoded as per RFC 2047 before returning.
    "metadata_rfc_2047": (metadata, {"note": "=?UTF-8?B?aMOpbGxvIHfDtnJsZA==?=",
                                     "plain": "ascii"}),
    "object_attributes": (object_attributes,
                          ("5d41402abc4b2a76b9719d911017c592", 5, "STANDARD", True)),
    # Part 1 of an object uploaded in one piece is all of it; there is no part 2.
    "part_numbers": (part_numbers, (b"hello", (416, "InvalidPartNumber"),
                                    (400, "InvalidArgument"))),
}

MOTO_DIFFERS = {
    # moto 5.2 refuses an empty continuation-token; boto3 and the SDKs send one when a caller
    # passes the last page's missing token through, and S3 lists from the start.
    "empty_continuation_token": "moto refuses an empty continuation token",
    # moto 5.2 returns metadata as it was sent: no RFC 2047 decoding or encoding.
    "metadata_rfc_2047": "moto keeps the encoded-word as sent",
    # moto 5.2 serves the key, it does not check it is UTF-8.
    "key_not_utf8": "moto takes any bytes as a key",
    # moto 5.2 ignores max-buckets and the continuation token of ListBuckets.
    "list_buckets_pages": "moto does not page ListBuckets",
    # moto 5.2 answers GetObject with partNumber=2 of a one-part object with the whole object.
    "part_numbers": "moto serves any partNumber of a one-part object",
}


class S3Conformance(unittest.TestCase):
    def check(self, endpoint, skip=()):
        s3 = test_s3_moto.client("s3", endpoint)
        setup(s3)
        for name, (case, expected) in CASES.items():
            if name in skip:
                continue
            with self.subTest(case=name):
                self.assertEqual(case(s3, endpoint), expected)

    def test_csv2ddb_local(self):
        with tempfile.TemporaryDirectory() as data, \
                local_server.LocalServer(CSV2DDB, data) as server:
            self.check(server.endpoint)

    def test_moto_agrees_but_for_the_listed_differences(self):
        moto = test_s3_moto.Moto()
        try:
            self.check(moto.endpoint, skip=MOTO_DIFFERS)
        finally:
            moto.stop()


if __name__ == "__main__":
    local_server.run_tests(sys.modules[__name__])
