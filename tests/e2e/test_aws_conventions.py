#!/usr/bin/env python3
"""Real AWS accounts (issue "Real AWS accounts"), end to end against `csv2ddb local --auth
strict`, which issues credentials as STS and the SSO portal do: for every credential source
the same ~/.aws files and SSO cache (in a temporary HOME) go to botocore (awscli v1, the
independent client) and to csv2ddb, and `aws sts get-caller-identity` and `csv2ddb whoami`
must agree; an ingest succeeds or is refused as the role's policy says; sessions of a few
seconds are renewed across an ingest that outlives them; retry settings reach the writer lanes;
bad configurations fail with messages that name what is wrong; the command line's
conventions."""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "local"))
import local_server  # noqa: E402
import servers  # noqa: E402
import web_identity  # noqa: E402

CSV2DDB = None
ACCOUNT = "000000000000"
ROLE = "arn:aws:iam::000000000000:role/"
SSO_TOKEN = "sso-bearer-token-for-tests"

WRITER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"],
     "Resource": "arn:aws:dynamodb:us-east-1:000000000000:table/offers"}]}
READER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "dynamodb:DescribeTable", "Resource": "*"}]}
# A role that may assume the writer: the first link of a chain.
HOPPER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE + "writer"}]}

CONFIG = """\
[default]
region = us-east-1

[profile base]
region = us-east-1

[profile writer]
role_arn = {role}writer
source_profile = base
role_session_name = writer-session

[profile reader]
role_arn = {role}reader
source_profile = base

[profile hop]
role_arn = {role}hopper
source_profile = base
role_session_name = hop1

[profile chained]
role_arn = {role}writer
source_profile = hop
role_session_name = hop2

[profile from-env]
role_arn = {role}writer
credential_source = Environment

[profile ci]
role_arn = {role}writer
web_identity_token_file = {tmp}/token.jwt
role_session_name = github-actions

[profile forged]
role_arn = {role}writer
web_identity_token_file = {tmp}/forged.jwt

[profile sso]
sso_session = corp
sso_account_id = {account}
sso_role_name = writer

[sso-session corp]
sso_start_url = https://corp.awsapps.example/start
sso_region = us-east-1

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.example/start
sso_region = us-east-1
sso_account_id = {account}
sso_role_name = reader

[profile sso-expired]
sso_start_url = https://expired.awsapps.example/start
sso_region = us-east-1
sso_account_id = {account}
sso_role_name = writer

[profile sso-garbled]
sso_start_url = https://garbled.awsapps.example/start
sso_region = us-east-1
sso_account_id = {account}
sso_role_name = writer

[profile helper]
credential_process = {python} {tmp}/helper.py ok

[profile helper-fails]
credential_process = {python} {tmp}/helper.py fail

[profile helper-garbage]
credential_process = {python} {tmp}/helper.py garbage

[profile helper-hangs]
credential_process = {python} {tmp}/helper.py hang

[profile loop-a]
role_arn = {role}writer
source_profile = loop-b

[profile loop-b]
role_arn = {role}writer
source_profile = loop-a

[profile odd-source]
role_arn = {role}writer
credential_source = Ec2Metadata

[profile mfa]
role_arn = {role}writer
source_profile = base
mfa_serial = arn:aws:iam::000000000000:mfa/user

[profile short]
role_arn = {role}writer
source_profile = base
duration_seconds = 6

[profile retries]
region = us-east-1
max_attempts = 3
"""

CREDENTIALS = """\
[base]
aws_access_key_id = test
aws_secret_access_key = test

[retries]
aws_access_key_id = test
aws_secret_access_key = test
"""

HELPER = """\
import json, sys, time
mode = sys.argv[1]
if mode == "ok":
    print(json.dumps({"Version": 1, "AccessKeyId": "test", "SecretAccessKey": "test"}))
elif mode == "fail":
    print("AKIA-SECRET-LOOKING-OUTPUT")
    print("vault: permission denied", file=sys.stderr)
    sys.exit(3)
elif mode == "garbage":
    print("SecretAccessKey=hunter2")
else:
    time.sleep(60)
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def sso_cache(home, key, token, expires, raw=None):
    """The file `aws sso login` writes: named by the SHA-1 of the session name or start URL."""
    folder = os.path.join(home, ".aws", "sso", "cache")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(key.encode()).hexdigest() + ".json")
    write(path, raw if raw is not None else json.dumps(
        {"accessToken": token, "expiresAt": expires, "region": "us-east-1", "startUrl": key}))


class AwsConventionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="csv2ddb-conventions-")
        tmp = cls.tmp
        cls.home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(cls.home, ".aws"))
        private_key, public_key = web_identity.make_key_pair(tmp)
        write(os.path.join(tmp, "token.jwt"), web_identity.make_jwt(private_key))
        other_key, _ = web_identity.make_key_pair(os.path.join(tmp, "home"))
        write(os.path.join(tmp, "forged.jwt"), web_identity.make_jwt(other_key))
        write(os.path.join(tmp, "helper.py"), HELPER)
        write(os.path.join(cls.home, ".aws", "config"),
              CONFIG.format(role=ROLE, tmp=tmp, account=ACCOUNT, python=sys.executable))
        write(os.path.join(cls.home, ".aws", "credentials"), CREDENTIALS)
        sso_cache(cls.home, "corp", SSO_TOKEN, "2099-01-01T00:00:00Z")
        sso_cache(cls.home, "https://legacy.awsapps.example/start", SSO_TOKEN,
                  "2099-01-01T00:00:00UTC")
        sso_cache(cls.home, "https://expired.awsapps.example/start", SSO_TOKEN,
                  "2020-01-01T00:00:00Z")
        sso_cache(cls.home, "https://garbled.awsapps.example/start", "", "", raw="{not json")
        roles = []
        for name, policy in (("writer", WRITER_POLICY), ("reader", READER_POLICY),
                             ("hopper", HOPPER_POLICY)):
            path = os.path.join(tmp, name + ".json")
            write(path, json.dumps(policy))
            roles += ["--role", "%s=%s" % (name, path)]
        cls.local = local_server.LocalServer(
            CSV2DDB, os.path.join(tmp, "data"), "--auth", "strict", "--oidc-key", public_key,
            "--sso-token", SSO_TOKEN, "--min-session-seconds", "5", *roles)
        cls.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        cls.env.update({"HOME": cls.home, "AWS_ENDPOINT_URL": cls.local.endpoint,
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_PAGER": "", "CSV2DDB_CREDENTIAL_PROCESS_TIMEOUT": "2"})
        import boto3
        cls.admin = boto3.client("dynamodb", endpoint_url=cls.local.endpoint,
                                 region_name="us-east-1", aws_access_key_id="test",
                                 aws_secret_access_key="test")
        cls.admin.create_table(
            TableName="offers",
            AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                  {"AttributeName": "offer_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                       {"AttributeName": "offer_id", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST")
        cls.csv = os.path.join(tmp, "rows.csv")
        subprocess.run([CSV2DDB, "make-csv", "--rows", "60", "--output", cls.csv], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.local.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_env(self, argv, extra=None, timeout=120):
        env = dict(self.env, **(extra or {}))
        return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=self.tmp,
                              timeout=timeout, start_new_session=True)

    def botocore_identity(self, profile, extra=None):
        done = self.run_env([sys.executable, "-m", "awscli", "sts", "get-caller-identity",
                             "--profile", profile], extra)
        return done.returncode, done.stdout, done.stderr

    def whoami(self, profile, extra=None):
        done = self.run_env([CSV2DDB, "whoami", "--profile", profile], extra)
        return done.returncode, done.stdout, done.stderr

    def ingest(self, profile, *more, extra=None, timeout=120):
        return self.run_env([CSV2DDB, "ingest", self.csv, "--table", "offers", "--profile",
                             profile, "--checkpoint", os.path.join(self.tmp, "cp.json"), *more],
                            extra, timeout)

    def test_every_source_agrees_with_botocore(self):
        expected_arns = {
            "base": "arn:aws:iam::000000000000:root",
            "helper": "arn:aws:iam::000000000000:root",
            "writer": "arn:aws:sts::000000000000:assumed-role/writer/writer-session",
            "chained": "arn:aws:sts::000000000000:assumed-role/writer/hop2",
            "ci": "arn:aws:sts::000000000000:assumed-role/writer/github-actions",
            "sso": "arn:aws:sts::000000000000:assumed-role/writer/",
            "sso-legacy": "arn:aws:sts::000000000000:assumed-role/reader/",
            "from-env": "arn:aws:sts::000000000000:assumed-role/writer/",
        }
        extra = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
        for profile, arn in expected_arns.items():
            with self.subTest(profile=profile):
                env = extra if profile == "from-env" else None
                code, ours, err = self.whoami(profile, env)
                self.assertEqual(code, 0, err)
                theirs_code, theirs, theirs_err = self.botocore_identity(profile, env)
                self.assertEqual(theirs_code, 0, theirs_err)
                mine, other = json.loads(ours), json.loads(theirs)
                self.assertEqual(mine["Account"], ACCOUNT)
                self.assertTrue(mine["Arn"].startswith(arn), mine["Arn"])
                self.assertTrue(other["Arn"].startswith(arn), other["Arn"])
                if arn.endswith("/"):  # a generated session name: same role, same shape
                    self.assertEqual(mine["UserId"].split(":")[0], other["UserId"].split(":")[0])
                else:
                    self.assertEqual(mine, other)

    def test_web_identity_from_the_environment(self):
        extra = {"AWS_WEB_IDENTITY_TOKEN_FILE": os.path.join(self.tmp, "token.jwt"),
                 "AWS_ROLE_ARN": ROLE + "reader", "AWS_ROLE_SESSION_NAME": "eks-pod",
                 "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        done = self.run_env([CSV2DDB, "whoami"], extra)
        self.assertEqual(done.returncode, 0, done.stderr)
        theirs = self.run_env([sys.executable, "-m", "awscli", "sts", "get-caller-identity"],
                              extra)
        self.assertEqual(theirs.returncode, 0, theirs.stderr)
        self.assertEqual(json.loads(done.stdout), json.loads(theirs.stdout))
        self.assertEqual(json.loads(done.stdout)["Arn"],
                         "arn:aws:sts::000000000000:assumed-role/reader/eks-pod")

    def test_get_session_token_for_the_account_not_for_a_session(self):
        import boto3
        account = boto3.client("sts", endpoint_url=self.local.endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
        issued = account.get_session_token(DurationSeconds=900)["Credentials"]
        self.assertTrue(issued["AccessKeyId"].startswith("ASIA"))
        done = self.run_env([CSV2DDB, "whoami"], {
            "AWS_ACCESS_KEY_ID": issued["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": issued["SecretAccessKey"],
            "AWS_SESSION_TOKEN": issued["SessionToken"]})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["Arn"], "arn:aws:iam::000000000000:root")
        session = account.assume_role(RoleArn=ROLE + "hopper", RoleSessionName="hop")["Credentials"]
        as_session = boto3.client("sts", endpoint_url=self.local.endpoint,
                                  region_name="us-east-1",
                                  aws_access_key_id=session["AccessKeyId"],
                                  aws_secret_access_key=session["SecretAccessKey"],
                                  aws_session_token=session["SessionToken"])
        with self.assertRaises(Exception) as caught:
            as_session.get_session_token()
        self.assertIn("AccessDenied", str(caught.exception))

    def test_the_roles_policy_decides_the_ingest(self):
        done = self.ingest("writer")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["rows_written"], 60)
        refused = self.ingest("reader")
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn("assumed-role/reader/", refused.stderr)
        self.assertIn("is not authorized to perform: dynamodb:BatchWriteItem", refused.stderr)
        by_sso = self.ingest("sso")
        self.assertEqual(by_sso.returncode, 0, by_sso.stderr)

    def test_sessions_are_renewed_before_they_expire(self):
        # 6-second sessions, renewed at half their life; the ingest is paced to outlive several.
        done = self.run_env([CSV2DDB, "--debug", "ingest", self.csv, "--table", "offers",
                             "--profile", "short", "--max-wcu", "6",
                             "--checkpoint", os.path.join(self.tmp, "short.json")], timeout=180)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        report = json.loads(done.stdout)
        self.assertEqual((report["rows_written"], report["rows_unprocessed"]), (60, 0))
        refreshed = done.stderr.count("csv2ddb debug: credentials refreshed")
        self.assertGreaterEqual(refreshed, 2, done.stderr[-2000:])
        self.assertNotIn("Expired", done.stderr)
        # --debug never shows a secret.
        self.assertNotIn("SessionToken", done.stderr)
        for line in done.stderr.splitlines():
            if line.strip().lower().startswith(("csv2ddb debug:   authorization",
                                                "csv2ddb debug:   x-amz-security-token")):
                self.assertTrue(line.endswith("<redacted>"), line)

    def whoami_on_a_terminal(self, profile, code):
        """Runs whoami with a pseudo-terminal as its controlling terminal; answers the MFA
        prompt with `code`. Returns (exit status, prompt seen, stdout, stderr)."""
        import fcntl
        import pty
        import termios
        master, slave = pty.openpty()

        def take_terminal():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        proc = subprocess.Popen([CSV2DDB, "whoami", "--profile", profile],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env,
                                preexec_fn=take_terminal, pass_fds=(slave,))
        os.close(slave)
        prompt = b""
        while not prompt.endswith(b": "):
            prompt += os.read(master, 1024)
        os.write(master, code.encode() + b"\n")
        out, err = proc.communicate(timeout=60)
        os.close(master)
        return proc.returncode, prompt.decode(), out, err

    def test_mfa_code_is_asked_on_the_terminal(self):
        code, prompt, out, err = self.whoami_on_a_terminal("mfa", "123456")
        self.assertEqual(code, 0, err)
        self.assertEqual(prompt, "Enter MFA code for arn:aws:iam::000000000000:mfa/user: ")
        self.assertTrue(json.loads(out)["Arn"].startswith(
            "arn:aws:sts::000000000000:assumed-role/writer/"))
        code, _, out, err = self.whoami_on_a_terminal("mfa", "12x")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("MultiFactorAuthentication failed with invalid MFA one time pass code", err)

    def assert_fails(self, profile, message, extra=None):
        code, out, err = self.whoami(profile, extra)
        self.assertEqual((code, out), (1, ""), err)
        self.assertIn(message, err)
        return err

    def test_bad_configurations_are_named(self):
        self.assert_fails("loop-a", "the profiles' source_profile settings loop: "
                          "loop-a -> loop-b -> loop-a")
        self.assert_fails("odd-source", 'profile "odd-source": credential_source "Ec2Metadata" '
                          "is not one of Environment, Ec2InstanceMetadata, EcsContainer")
        self.assert_fails("forged", "The token's signature does not match the identity "
                          "provider's key")
        self.assert_fails("sso-expired", 'profile "sso-expired": the SSO token expired at '
                          "2020-01-01T00:00:00Z; run aws sso login --profile sso-expired")
        self.assert_fails("sso-garbled", "is not a JSON object; run aws sso login --profile "
                          "sso-garbled")
        self.assert_fails("mfa", 'profile "mfa" needs an MFA code for '
                          "arn:aws:iam::000000000000:mfa/user and there is no terminal to ask on")
        self.assert_fails("nowhere", 'the profile "nowhere" is not in ')

    def test_credential_process_failures(self):
        err = self.assert_fails("helper-fails", 'profile "helper-fails" credential_process '
                                "exited with status 3: vault: permission denied")
        self.assertNotIn("AKIA-SECRET-LOOKING-OUTPUT", err)
        err = self.assert_fails("helper-garbage", 'profile "helper-garbage" credential_process '
                                "printed something that is not a JSON object")
        self.assertNotIn("hunter2", err)
        self.assert_fails("helper-hangs", 'profile "helper-hangs" credential_process did not '
                          "finish within 2 s and was stopped")

    def test_malformed_config_files_name_the_line(self):
        cases = [
            ("region = us-east-1\n[default]\n", "line 1: setting outside any [section]"),
            ("[default]\nregion = us-east-1\n  max_attempts = 2\n",
             'line 3: indented line under "region", which has a value'),
            ("[default]\nservices = x\n[services x]\ndynamodb =\nendpoint_url = http://h:1\n",
             'line 5: "endpoint_url" in a [services] section must be indented under a service '
             "name"),
        ]
        for text, message in cases:
            with self.subTest(message=message):
                path = os.path.join(self.tmp, "bad-config")
                write(path, text)
                done = self.run_env([CSV2DDB, "whoami"], {"AWS_CONFIG_FILE": path})
                self.assertEqual(done.returncode, 1, done.stderr)
                self.assertIn(path + " " + message, done.stderr)

    def test_retry_settings_reach_the_writer_lanes(self):
        # Every write throttled: a one-batch file makes as many requests as attempts allowed.
        with local_server.LocalServer(CSV2DDB, os.path.join(self.tmp, "throttled"), "--fault",
                                      "throttle=1") as throttled:
            import boto3
            boto3.client("dynamodb", endpoint_url=throttled.endpoint, region_name="us-east-1",
                         aws_access_key_id="test", aws_secret_access_key="test").create_table(
                TableName="t20", BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                                      {"AttributeName": "offer_id", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
                           {"AttributeName": "offer_id", "KeyType": "RANGE"}])
            small = os.path.join(self.tmp, "small.csv")
            subprocess.run([CSV2DDB, "make-csv", "--rows", "10", "--output", small], check=True)
            # (None: no --profile, the environment's keys.)
            cases = [({}, None, 4), ({"AWS_MAX_ATTEMPTS": "2"}, None, 2),
                     ({}, "retries", 3), ({"AWS_MAX_ATTEMPTS": "1"}, "retries", 1),
                     ({"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "3"}, None, 3)]
            for extra, profile, attempts in cases:
                with self.subTest(extra=extra, profile=profile):
                    env = dict(extra, AWS_ENDPOINT_URL=throttled.endpoint)
                    if profile is None:
                        env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
                    profile_args = ["--profile", profile] if profile else []
                    # One lane: the ten rows are one batch.
                    done = self.run_env([CSV2DDB, "ingest", small, "--table", "t20",
                                         "--concurrency", "1", *profile_args, "--checkpoint",
                                         os.path.join(self.tmp, "t20.json"), "--unprocessed",
                                         os.path.join(self.tmp, "t20.unprocessed.json")], env)
                    self.assertEqual(done.returncode, 3, done.stderr)
                    report = json.loads(done.stdout)
                    self.assertEqual((report["requests"], report["rows_unprocessed"]),
                                     (attempts, 10))
            bad = self.run_env([CSV2DDB, "whoami"], {"AWS_RETRY_MODE": "fast",
                                                     "AWS_ACCESS_KEY_ID": "test",
                                                     "AWS_SECRET_ACCESS_KEY": "test"})
            self.assertEqual(bad.returncode, 1)
            self.assertIn("AWS_RETRY_MODE must be legacy, standard or adaptive, got 'fast'",
                          bad.stderr)


class CommandLineTest(unittest.TestCase):
    def run_cli(self, *argv):
        return subprocess.run([CSV2DDB, *argv], capture_output=True, text=True, timeout=60)

    def test_version_and_help(self):
        done = self.run_cli("--version")
        self.assertEqual(done.returncode, 0)
        self.assertRegex(done.stdout, r"^csv2ddb \d+\.\d+\.\d+\n$")
        for command in ("ingest", "whoami", "local", "convert"):
            with self.subTest(command=command):
                self.assertEqual(self.run_cli("help", command).stdout,
                                 self.run_cli(command, "--help").stdout)

    def test_a_flag_is_never_a_value_and_unknown_options_are_errors(self):
        done = self.run_cli("ingest", "x.csv", "--table", "--dry-run")
        self.assertEqual(done.returncode, 2)
        self.assertIn("--table needs a value, got the option --dry-run", done.stderr)
        done = self.run_cli("ingest", "x.csv", "--tabel", "t")
        self.assertEqual((done.returncode, done.stdout), (2, ""))
        self.assertIn("unknown option --tabel", done.stderr)
        done = self.run_cli("ingest", "x.csv", "-t", "t")
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown option -t", done.stderr)

    def test_double_dash_ends_the_options(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "--odd.csv")
            subprocess.run([CSV2DDB, "make-csv", "--rows", "3", "--output", path], check=True)
            done = subprocess.run([CSV2DDB, "ingest", "--table", "t", "--key", "account,offer_id",
                                   "--dry-run", "--", "--odd.csv"], capture_output=True,
                                  text=True, cwd=tmp, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(json.loads(done.stdout.splitlines()[0])["rows_read"], 3)


def main():
    global CSV2DDB
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
