#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time (default 20 s) on its
# seed corpus; a crash or sanitizer report fails the run. Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
shopt -s nullglob
for target in build/fuzz/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus="fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  echo "fuzz: $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=0 \
    "$work" >"$work.log" 2>&1 || { tail -n 60 "$work.log"; exit 1; }
  grep -E '^#[0-9]+ +DONE' "$work.log" || tail -n 2 "$work.log"
  rm -rf "$work" "$work.log"
done
