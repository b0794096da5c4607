"""Servers the black-box tests start and stop themselves, on 127.0.0.1 and free ports, so suites
can run side by side: dynalite (an independent DynamoDB) and s3rver (an independent S3), both
from tools/node_modules (installed by scripts/setup.sh)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_BIN = os.path.join(ROOT, "tools", "node_modules", ".bin")
# s3rver checks signatures against its own built-in key pair.
S3RVER_KEY = ("S3RVER", "S3RVER")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class Server:
    """A child process serving on 127.0.0.1:port; stopped on exit from the `with` block."""

    def __init__(self, argv_for_port, env=None):
        self._argv_for_port = argv_for_port
        self._env = env
        self.process = None
        self.port = None
        self.workdir = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.workdir = tempfile.mkdtemp(prefix="csv2ddb-server-")
        for attempt in range(5):  # a free port can be taken between probe and bind: retry
            self.port = free_port()
            self.process = subprocess.Popen(self._argv_for_port(self.port, self.workdir),
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            env=self._env)
            try:
                wait_for_port(self.port, self.process)
                # Someone else may have the port (another suite's server, bound between our
                # probe and this child's bind): then the port answers but the child, refused
                # the bind, exits. Only a child still running after a moment owns it.
                time.sleep(0.5)
                if self.process.poll() is not None:
                    raise RuntimeError("the port was taken by another process")
                return self
            except RuntimeError:
                self.stop()
                if attempt == 4:
                    raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def dynalite():
    return Server(lambda port, _dir: [os.path.join(NODE_BIN, "dynalite"), "--host", "127.0.0.1",
                                      "--port", str(port), "--createTableMs", "0",
                                      "--deleteTableMs", "0"])


def s3rver():
    # s3rver encrypts continuation tokens with DES, which Node 20 offers only through its legacy
    # OpenSSL provider; without it every truncated listing fails with a 500.
    env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
    return Server(lambda port, workdir: [os.path.join(NODE_BIN, "s3rver"), "--address",
                                         "127.0.0.1", "--port", str(port), "--directory",
                                         workdir, "--silent", "--no-vhost-buckets"], env=env)


def aws_env(access_key="test", secret="test", **extra):
    """An environment for AWS clients that can only reach what the test gives them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                "AWS_PAGER": ""})
    env.update(extra)
    return env
