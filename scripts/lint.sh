#!/usr/bin/env bash
# clang-tidy over the project's sources with .clang-tidy, using the release build's compile
# database. Usage: scripts/lint.sh [FILE...]   (default: every .cpp under src/)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(git ls-files -co --exclude-standard 'src/*.cpp'); fi
runner=$(command -v run-clang-tidy || command -v run-clang-tidy-14 || true)
if [ -n "$runner" ]; then
  "$runner" -quiet -p build/release -j "$(nproc)" "${files[@]}"
else
  for f in "${files[@]}"; do clang-tidy -quiet -p build/release "$f"; done
fi
