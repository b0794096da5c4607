#!/usr/bin/env python3
"""The Lambda zip (deploy/package.sh): it brings its own loader and libc, nothing in it needs a
glibc symbol version its bundled libc lacks (Amazon Linux 2023's own glibc 2.34 is never used),
and, unpacked, it serves invocations from a fake Runtime API.

  test_package.py --native-bootstrap PATH   bundle an existing native bootstrap (default suite)
  test_package.py                           cross-build the arm64 zip, run it under
                                            qemu-aarch64-static (needs the cross toolchain)
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def readelf(flag, path):
    run = subprocess.run(["readelf", flag, "--wide", path], capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else ""


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def glibc_versions_needed(path):
    """GLIBC_x.y versions the file requires from libc and its siblings."""
    section = readelf("-V", path).split("Version needs section", 1)
    if len(section) < 2:
        return set()
    return set(re.findall(r"Name: (GLIBC_\d+\.\d+(?:\.\d+)?)", section[1]))


def glibc_versions_defined(libc):
    section = readelf("-V", libc).split("Version definition section", 1)[1]
    section = section.split("Version symbols section", 1)[0].split("Version needs section", 1)[0]
    return set(re.findall(r"(GLIBC_\d+\.\d+(?:\.\d+)?)", section))


def version_key(name):
    return tuple(int(p) for p in name[len("GLIBC_"):].split("."))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_zip(zip_path, unpacked):
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
    assert {"bootstrap", "bin/bootstrap", "lib/libc.so.6"} <= names, sorted(names)
    with zipfile.ZipFile(zip_path) as archive:  # unzip(1) would do; keep the Unix modes
        for info in archive.infolist():
            target = archive.extract(info, unpacked)
            os.chmod(target, (info.external_attr >> 16) & 0o777)
    with open(os.path.join(unpacked, "bootstrap"), encoding="utf-8") as f:
        script = f.read()
    match = re.search(r'exec "\$here/lib/([^"]+)" --library-path "\$here/lib" "\$here/bin/bootstrap"',
                      script)
    assert script.startswith("#!/bin/sh\n") and match, script
    loader = match.group(1)
    assert os.access(os.path.join(unpacked, "lib", loader), os.X_OK), loader
    assert os.access(os.path.join(unpacked, "bootstrap"), os.X_OK)

    defined = glibc_versions_defined(os.path.join(unpacked, "lib", "libc.so.6"))
    newest_needed = "GLIBC_2.0"
    for folder in ("bin", "lib"):
        for name in sorted(os.listdir(os.path.join(unpacked, folder))):
            path = os.path.join(unpacked, folder, name)
            if not is_elf(path) or name == loader:
                continue
            needed = glibc_versions_needed(path)
            missing = needed - defined
            assert not missing, f"{folder}/{name} needs {sorted(missing)} beyond the bundled libc"
            if needed:
                newest_needed = max(newest_needed, max(needed, key=version_key), key=version_key)
    print(f"zip: {os.path.getsize(zip_path)} bytes, loader lib/{loader}, newest glibc version "
          f"needed {newest_needed}, all provided by the bundled libc "
          f"(up to {max(defined, key=version_key)})")
    return loader


def serve_one_invocation(unpacked, loader, qemu):
    """Runs the unpacked bootstrap against fake_runtime_api.py with one S3 event whose keys the
    import handler skips (no AWS call needed) and checks the response it posted."""
    with tempfile.TemporaryDirectory() as scratch:
        event = {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "b"},
                                                             "object": {"key": "notes.txt"}}}]}
        events = os.path.join(scratch, "events.json")
        record = os.path.join(scratch, "record.jsonl")
        with open(events, "w", encoding="utf-8") as f:
            json.dump([{"request_id": "pkg-1", "payload": json.dumps(event)}], f)
        port = free_port()
        server = subprocess.Popen([PYTHON, os.path.join(ROOT, "tests/lambda/fake_runtime_api.py"),
                                   "--port", str(port), "--events", events, "--record", record])
        try:
            deadline = time.time() + 10
            import socket
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}", _HANDLER="import",
                       DYNAMO_DB_TABLE_NAME="offers", AWS_REGION="us-east-1",
                       AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                       LAMBDA_TASK_ROOT=unpacked)
            if qemu:
                # No binfmt_misc here: run the script's exec line under qemu explicitly.
                command = [qemu, os.path.join(unpacked, "lib", loader), "--library-path",
                           os.path.join(unpacked, "lib"), os.path.join(unpacked, "bin", "bootstrap")]
            else:
                command = [os.path.join(unpacked, "bootstrap")]
            run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, (run.returncode, run.stdout, run.stderr)
        finally:
            server.terminate()
            server.wait()
        with open(record, encoding="utf-8") as f:
            posts = [json.loads(line) for line in f]
    assert len(posts) == 1, posts
    assert posts[0]["kind"] == "response" and posts[0]["request_id"] == "pkg-1", posts
    body = json.loads(posts[0]["body"])
    assert body["skipped"] == [{"key": "notes.txt", "reason": "not a CSV key"}], body
    print("the unpacked bootstrap served an invocation" + (" under " + qemu if qemu else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--native-bootstrap")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        zip_path = os.path.join(work, "function.zip")
        command = [os.path.join(ROOT, "deploy/package.sh"), "--output", zip_path]
        qemu = None
        if args.native_bootstrap:
            command += ["--native", "--bootstrap", args.native_bootstrap]
        else:
            qemu = "/usr/bin/qemu-aarch64-static"
            if not os.access(qemu, os.X_OK):
                print("qemu-aarch64-static is missing (apt-get install qemu-user-static)")
                return 1
        subprocess.run(command, check=True)
        unpacked = os.path.join(work, "unpacked")
        loader = check_zip(zip_path, unpacked)
        serve_one_invocation(unpacked, loader, qemu)
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
