#!/usr/bin/env bash
# The main job: builds csv2ddb and the Lambda bootstrap (release) and runs the end-to-end demo.
# Extra arguments go to `csv2ddb demo` (e.g. --rows 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
# Compiles are shared between clones of this repo (CI clones afresh on the same machine).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target csv2ddb bootstrap
exec build/release/csv2ddb demo "$@"
