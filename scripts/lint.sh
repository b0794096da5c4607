#!/usr/bin/env bash
# clang-tidy over the project's sources with .clang-tidy.
# Usage: scripts/lint.sh [-p BUILD_DIR] [FILE|FOLDER...]
#   (default: every .cpp under src/, with the release build's compile database)
# The whole tree takes 6-8 minutes on the shared 2-core machine; the test suite runs only the
# engine layers (ctest -L lint: src/csv, src/model, src/ingest, with the debug build's database).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=""
if [ "${1:-}" = "-p" ]; then
  build_dir="$2"
  shift 2
fi
if [ -z "$build_dir" ]; then
  build_dir=build/release
  cmake --preset release >/dev/null
fi
files=()
if [ "$#" -gt 0 ]; then
  for arg in "$@"; do
    if [ -d "$arg" ]; then
      mapfile -t -O "${#files[@]}" files < <(git ls-files -co --exclude-standard "$arg/*.cpp")
    else
      files+=("$arg")
    fi
  done
else
  mapfile -t files < <(git ls-files -co --exclude-standard 'src/*.cpp')
fi
# The compile database is g++'s: clang must not fail on g++-only warning flags (-Wno-restrict).
extra=-Wno-unknown-warning-option
runner=$(command -v run-clang-tidy || command -v run-clang-tidy-14 || true)
if [ -n "$runner" ]; then
  "$runner" -quiet -p "$build_dir" -extra-arg="$extra" -j "$(nproc)" "${files[@]}"
else
  status=0
  for f in "${files[@]}"; do clang-tidy -quiet -p "$build_dir" --extra-arg="$extra" "$f" || status=1; done
  exit "$status"
fi
