#!/usr/bin/env python3
"""Copies an ELF executable's program interpreter (the dynamic loader) and every shared library
it needs, transitively, into one folder: the Lambda zip brings its own glibc, because Debian 12's
(2.36) is newer than Amazon Linux 2023's (2.34). Works for a cross-built binary: dependencies
are read with readelf, never by running the binary.

usage: bundle_libs.py BINARY LIBDIR --search DIR [--search DIR...] [--readelf PROGRAM]
Prints the loader's file name (what the wrapper script execs)."""
import argparse
import os
import re
import shutil
import subprocess
import sys


def readelf(program, flag, path):
    return subprocess.run([program, flag, path], check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("libdir")
    parser.add_argument("--search", action="append", required=True)
    parser.add_argument("--readelf", default="readelf")
    args = parser.parse_args()

    headers = readelf(args.readelf, "-l", args.binary)
    match = re.search(r"Requesting program interpreter: ([^\]]+)\]", headers)
    if not match:
        sys.exit(f"{args.binary}: no program interpreter (a static binary needs no bundling)")
    interpreter = match.group(1)
    os.makedirs(args.libdir, exist_ok=True)
    loader_name = os.path.basename(interpreter)

    def locate(name):
        for folder in args.search:
            candidate = os.path.join(folder, name)
            if os.path.exists(candidate):
                return candidate
        return None

    # The loader and libc.so.6 must come from the same glibc build (they share GLIBC_PRIVATE
    # internals), so the loader is looked up in the search folders like every library, and the
    # interpreter path itself is only the last resort.
    loader_source = locate(loader_name) or interpreter
    libc_source = locate("libc.so.6")
    if libc_source and os.path.dirname(os.path.realpath(libc_source)) != \
            os.path.dirname(os.path.realpath(loader_source)):
        sys.exit(f"{loader_source} and {libc_source} are from different glibc installations")
    shutil.copy2(os.path.realpath(loader_source), os.path.join(args.libdir, loader_name))

    pending, seen = [args.binary], {loader_name}
    while pending:
        dynamic = readelf(args.readelf, "-d", pending.pop())
        for name in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic):
            if name in seen:
                continue
            seen.add(name)
            source = locate(name)
            if source is None:
                sys.exit(f"cannot find {name} (needed by the bundle) in {args.search}")
            target = os.path.join(args.libdir, name)
            shutil.copy2(os.path.realpath(source), target)  # the file, not a symlink
            pending.append(target)
    print(loader_name)


if __name__ == "__main__":
    main()
