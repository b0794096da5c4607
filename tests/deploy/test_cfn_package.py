#!/usr/bin/env python3
"""The README's deploy step `aws cloudformation package`, for real, with both awscli v1 (`aws`
on PATH) and v2 (/usr/bin/aws), against csv2ddb local's S3: from a checkout laid out as
deploy/package.sh leaves it (deploy/template.yaml, build/lambda/function.zip), the packaged
template's Code properties point at the uploaded object, that object is the zip byte for byte,
and nothing else in the template changed.

`package` sends --endpoint-url to CloudFormation only, never to its S3 uploads: awscli v1 (with
botocore >= 1.31) sends them to AWS_ENDPOINT_URL_S3; Debian's awscli v2 (2.9) predates that
setting, so it is given an HTTPS_PROXY on 127.0.0.1 (tls_front.ConnectProxy) that plays
s3.us-east-1.amazonaws.com with a test CA it trusts through AWS_CA_BUNDLE, and relays to
csv2ddb local (path-style addressing, so the bucket is in the path local routes by).

  test_cfn_package.py --zip build/lambda/function.zip --csv2ddb build/debug/csv2ddb
"""
import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile

import boto3
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "local"))
import tls_front  # noqa: E402
from local_server import LocalServer  # noqa: E402

BUCKET = "csv2ddb-artifacts"
FUNCTIONS = ("ImportLambdaFunction", "SetupBucketNotificationFunction")
CLIS = (("awscli v1", shutil.which("aws", path=os.environ.get("PATH", "")) or "aws"),
        ("awscli v2", "/usr/bin/aws"))


def version(cli):
    run = subprocess.run([cli, "--version"], capture_output=True, text=True)
    return (run.stdout + run.stderr).strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zip", required=True)
    parser.add_argument("--csv2ddb", required=True)
    args = parser.parse_args()
    with open(args.zip, "rb") as f:
        zip_bytes = f.read()
    with open(os.path.join(ROOT, "deploy", "template.yaml"), encoding="utf-8") as f:
        original = yaml.safe_load(f)

    failures = 0
    with tempfile.TemporaryDirectory(prefix="csv2ddb-cfn-package-") as work:
        checkout = os.path.join(work, "checkout")
        os.makedirs(os.path.join(checkout, "deploy"))
        os.makedirs(os.path.join(checkout, "build", "lambda"))
        shutil.copy(os.path.join(ROOT, "deploy", "template.yaml"), os.path.join(checkout, "deploy"))
        shutil.copy(args.zip, os.path.join(checkout, "build", "lambda", "function.zip"))
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                   AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
                   AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   AWS_PAGER="")
        with LocalServer(args.csv2ddb, os.path.join(work, "data")) as local:
            endpoint = ["--endpoint-url", local.endpoint]
            subprocess.run(["aws", "s3", "mb", f"s3://{BUCKET}", *endpoint], env=env, check=True,
                           capture_output=True)
            s3 = boto3.client("s3", endpoint_url=local.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            tls_front.make_ca(work, "s3-ca", ("DNS:s3.us-east-1.amazonaws.com",
                                              "DNS:*.s3.us-east-1.amazonaws.com",
                                              "DNS:s3.amazonaws.com", "DNS:*.s3.amazonaws.com"))
            proxy = tls_front.ConnectProxy(work, "s3-ca", local.port)
            v2_config = os.path.join(work, "v2-config")
            with open(v2_config, "w", encoding="utf-8") as f:
                f.write("[default]\ns3 =\n  addressing_style = path\n")
            cli_env = {
                "awscli v1": dict(env, AWS_ENDPOINT_URL_S3=local.endpoint),
                "awscli v2": dict(env, HTTPS_PROXY=f"http://127.0.0.1:{proxy.port}",
                                  AWS_CA_BUNDLE=os.path.join(work, "s3-ca.pem"),
                                  AWS_CONFIG_FILE=v2_config, NO_PROXY=""),
            }
            for label, cli in CLIS:
                prefix = label.replace(" ", "-")
                out = os.path.join(work, prefix + ".yaml")
                # Run from another folder: the Code paths are relative to the template's folder.
                run = subprocess.run(
                    [cli, "cloudformation", "package", "--template-file",
                     os.path.join(checkout, "deploy", "template.yaml"), "--s3-bucket", BUCKET,
                     "--s3-prefix", prefix, "--output-template-file", out, *endpoint],
                    env=cli_env[label], capture_output=True, text=True, cwd=work)
                if run.returncode != 0:
                    print(f"FAIL {label} ({version(cli)}): exit {run.returncode}\n{run.stderr}")
                    failures += 1
                    continue
                with open(out, encoding="utf-8") as f:
                    packaged = yaml.safe_load(f)
                codes = [packaged["Resources"][name]["Properties"]["Code"] for name in FUNCTIONS]
                expected_rest = copy.deepcopy(original)
                for name in FUNCTIONS:
                    del expected_rest["Resources"][name]["Properties"]["Code"]
                    del packaged["Resources"][name]["Properties"]["Code"]
                problems = []
                if codes[0] != codes[1] or set(codes[0]) != {"S3Bucket", "S3Key"} or \
                        codes[0]["S3Bucket"] != BUCKET or \
                        not codes[0]["S3Key"].startswith(prefix + "/"):
                    problems.append(f"Code properties {codes}")
                else:
                    uploaded = s3.get_object(Bucket=BUCKET, Key=codes[0]["S3Key"])["Body"].read()
                    if uploaded != zip_bytes:
                        problems.append(f"s3://{BUCKET}/{codes[0]['S3Key']} is {len(uploaded)} "
                                        f"bytes, not the zip's {len(zip_bytes)}")
                if packaged != expected_rest:
                    problems.append("the packaged template differs beyond the Code properties")
                if problems:
                    print(f"FAIL {label} ({version(cli)}): " + "; ".join(problems))
                    failures += 1
                else:
                    print(f"ok {label} ({version(cli).split()[0]}): Code -> s3://{BUCKET}/"
                          f"{codes[0]['S3Key']}, the zip byte for byte ({len(zip_bytes)} bytes)")
            proxy.close()
            print(f"(awscli v2's tunnels through the proxy: {sorted(set(proxy.tunnels))})")
    print(f"{len(CLIS) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
