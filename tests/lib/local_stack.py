"""`csv2ddb local --template ...` for black-box tests: started on a free port with its own data
folder, waited for until the stack is ready (or failed), its outputs parsed, and stopped at
the end. Output goes to files in the data folder, never to a pipe nobody reads."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

LISTENING = "csv2ddb local listening on http://127.0.0.1:"
READY = "csv2ddb local: stack "


class StackFailed(RuntimeError):
    pass


class LocalStack:
    def __init__(self, csv2ddb, template, params=(), extra=(), data_dir=None, timeout=180):
        self.csv2ddb = csv2ddb
        self.owned_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="csv2ddb-stack-")
        self.stdout_path = os.path.join(self.data_dir, "local.stdout")
        self.stderr_path = os.path.join(self.data_dir, "local.stderr")
        argv = [csv2ddb, "local", "--port", "0", "--data-dir", self.data_dir,
                "--template", template, *extra]
        for param in params:
            argv += ["--param", param]
        self.stdout = open(self.stdout_path, "w")
        self.stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(argv, stdout=self.stdout, stderr=self.stderr)
        self.port = None
        self.outputs = {}
        deadline = time.monotonic() + timeout
        while True:
            with open(self.stdout_path) as f:
                text = f.read()
            if self.port is None and text.startswith(LISTENING):
                self.port = int(text[len(LISTENING):].split("\n", 1)[0])
            if READY in text and " is ready" in text:
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise StackFailed(open(self.stderr_path).read()[-4000:])
            time.sleep(0.05)
        in_outputs = False
        for line in text.splitlines():
            if line == "Outputs:":
                in_outputs = True
            elif in_outputs and line.startswith("  "):
                name, value = line.strip().split(": ", 1)
                self.outputs[name] = value
            else:
                in_outputs = False
        self.endpoint = "http://127.0.0.1:%d" % self.port

    def log(self, function):
        path = os.path.join(self.data_dir, "lambda", "logs", function + ".log")
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()

    def stderr_text(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stdout.close()
        self.stderr.close()
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.owned_dir and exc[0] is None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def deploy_failure(csv2ddb, template, params=(), extra=()):
    """Runs a deploy expected to fail; returns (exit status, stderr)."""
    data_dir = tempfile.mkdtemp(prefix="csv2ddb-stack-")
    try:
        argv = [csv2ddb, "local", "--port", "0", "--data-dir", data_dir, "--template", template,
                *extra]
        for param in params:
            argv += ["--param", param]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stderr
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
