#!/usr/bin/python3
"""Signs awkward S3 and DynamoDB requests with botocore's own SigV4 signers at a fixed time and
prints one JSON object per line: the request as it goes to the signer (method, wire path, wire
query, headers, payload hash, credentials, time) and what botocore produced (signature,
Authorization header or presigned query, and the headers it sent). sigv4_botocore_test.cpp signs
the same requests with our code and checks that both agree, and that our verifier accepts what
botocore signed.

Run with Debian's /usr/bin/python3 (python3-botocore). Deterministic: no clock, no network.
"""
import datetime
import hashlib
import json
import sys
import types

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode, percent_encode_sequence

TIMESTAMP = datetime.datetime(2024, 1, 2, 3, 4, 5)
REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEPT//////////wEaDEXAMPLE+token/with=reserved"


class FixedDatetime(datetime.datetime):
    """botocore reads the clock through datetime.datetime.utcnow(); pin it."""

    @classmethod
    def utcnow(cls):
        return TIMESTAMP


botocore.auth.datetime = types.SimpleNamespace(datetime=FixedDatetime)


def s3_path(bucket, key):
    # How botocore's REST serializer puts a key on the wire: everything but '/' and '~' and the
    # unreserved characters percent-encoded as UTF-8.
    return "/" + bucket + "/" + percent_encode(key, safe="/~")


def wire_query(pairs):
    return percent_encode_sequence(pairs) if pairs else ""


S3_KEYS = [
    "plain.csv",
    "in box/with spaces.csv",
    "a+b=c&d.csv",
    "100%/done.csv",
    "résumé/ünïcödé-ሴ-😀.csv",
    "double//slash//key",
    "./dot/../segments/./x",
    "trailing/",
    "~tilde_and-unreserved.~",
    "reserved!$'()*,;:@[]",
]

S3_QUERIES = [
    [],
    [("list-type", "2"), ("prefix", "in box/"), ("delimiter", "/")],
    [("tag", "b"), ("tag", "a"), ("tag", "")],
    [("k", "a+b c/d?e&f=g#h%")],
    [("empty", ""), ("ünï", "ሴ")],
]

DYNAMODB_PATHS = [
    "/",
    "",
    "/a%20b/c+d",
    "/./x/../y//z/",
    "//double//",
    "/p%2Fq/%7Etilde",
    "/ሴ/😀",
    "/a/b/../../..",
]

HEADER_SETS = [
    [],
    [("X-Amz-Meta-Mixed", "  leading and trailing  ")],
    [("x-amz-meta-inner", "a   b \t  c"), ("X-AMZ-META-CASE", "VaLuE")],
    [("X-Amz-Meta-Repeat", "second"), ("x-amz-meta-repeat", "first"), ("X-Amz-Meta-Repeat", " third ")],
    [("Content-Type", "text/csv; charset=utf-8"), ("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000000")],
]


def emit(case):
    sys.stdout.write(json.dumps(case, ensure_ascii=True, sort_keys=True) + "\n")


def build_request(method, host, path, query, headers, body):
    url = "https://" + host + path + ("?" + query if query else "")
    request = AWSRequest(method=method, url=url, data=body)
    request.headers["Host"] = host
    for name, value in headers:
        request.headers[name] = value  # appends: repeated headers stay repeated, in order
    return request


def header_pairs(request):
    return [[name, value] for name, value in request.headers.items()]


def sign_header_form(name, service, method, host, path, query, headers, body, token, unsigned):
    request = build_request(method, host, path, query, headers, body)
    if unsigned:
        request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
    credentials = Credentials(ACCESS_KEY, SECRET, token)
    signer = S3SigV4Auth(credentials, service, REGION) if service == "s3" else SigV4Auth(credentials, service, REGION)
    unsigned_headers = [[n, v] for n, v in header_pairs(request)]
    signer.add_auth(request)
    authorization = request.headers["Authorization"]
    emit({
        "name": name, "form": "header", "service": service, "method": method, "path": path,
        "query": query, "headers": unsigned_headers, "body_sha256": hashlib.sha256(body).hexdigest(),
        "unsigned_payload": "true" if unsigned else "false", "token": token or "",
        "timestamp": TIMESTAMP.strftime("%Y%m%dT%H%M%SZ"),
        "authorization": authorization, "signature": authorization.rsplit("Signature=", 1)[1],
        "signed_request_headers": header_pairs(request),
    })


def sign_query_form(name, method, host, path, query, headers, token, expires):
    request = build_request(method, host, path, query, headers, b"")
    unsigned_headers = header_pairs(request)
    signer = S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET, token), "s3", REGION, expires=expires)
    signer.add_auth(request)
    final_query = request.url.split("?", 1)[1]
    emit({
        "name": name, "form": "query", "service": "s3", "method": method, "path": path,
        "query": query, "headers": unsigned_headers, "body_sha256": hashlib.sha256(b"").hexdigest(),
        "unsigned_payload": "true", "token": token or "", "expires": str(expires),
        "timestamp": TIMESTAMP.strftime("%Y%m%dT%H%M%SZ"),
        "presigned_query": final_query, "signature": final_query.rsplit("X-Amz-Signature=", 1)[1],
    })


def main():
    host = "127.0.0.1:4566"
    count = 0
    for k, key in enumerate(S3_KEYS):
        for q, pairs in enumerate(S3_QUERIES):
            headers = HEADER_SETS[(k + q) % len(HEADER_SETS)]
            token = TOKEN if (k + q) % 3 == 0 else None
            body = ("row %d,%d\n" % (k, q)).encode() if q % 2 else b""
            path = s3_path("bucket", key)
            query = wire_query(pairs)
            sign_header_form("s3-header-%d-%d" % (k, q), "s3", "PUT" if body else "GET", host,
                             path, query, headers, body, token, unsigned=(k % 4 == 3))
            # Presigned URLs: botocore rebuilds the query from a dict, so no repeated keys.
            if len({p[0] for p in pairs}) == len(pairs):
                sign_query_form("s3-query-%d-%d" % (k, q), "GET", host, path, query,
                                headers[:1], token, 60 + 7 * k + q)
                count += 1
            count += 1
    # S3 subresources go on the wire without '=' ("?notification"); botocore signs them as "k=".
    sign_header_form("s3-subresource", "s3", "PUT", host, "/bucket", "notification", [], b"<x/>", None, False)
    count += 1
    for p, path in enumerate(DYNAMODB_PATHS):
        for h, headers in enumerate(HEADER_SETS):
            body = json.dumps({"TableName": "offers", "Item": {"k": {"S": "v%d" % h}}}).encode()
            extra = [("X-Amz-Target", "DynamoDB_20120810.PutItem"), ("Content-Type", "application/x-amz-json-1.0")]
            query = wire_query([("a", "1"), ("b", "x y")]) if h == 2 else ""
            token = TOKEN if (p + h) % 2 else None
            sign_header_form("dynamodb-%d-%d" % (p, h), "dynamodb", "POST", host, path, query,
                             extra + headers, body, token, False)
            count += 1
    sys.stderr.write("botocore %s: %d requests signed\n" % (botocore.__version__, count))


if __name__ == "__main__":
    main()
