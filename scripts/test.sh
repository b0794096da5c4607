#!/usr/bin/env bash
# The whole test suite, as CI runs it: the ASan/UBSan build with every unit and black-box test,
# a formatting check, and a short bounded run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
# Compiles are shared between clones of this repo (CI clones afresh on the same machine).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
jobs=$(nproc)

echo "== format"
scripts/check-format.sh

echo "== build (debug, ASan + UBSan)"
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$jobs"

echo "== fuzz (bounded runs)"
scripts/fuzz.sh "${FUZZ_SECONDS:-12}"

echo "== tests"
ctest --preset debug
