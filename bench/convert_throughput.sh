#!/usr/bin/env bash
# End-to-end throughput and memory of `csv2ddb convert`: makes a sample file with make-csv,
# converts it, and reports MB/s and peak RSS (from /usr/bin/time -v). Anyone can run it:
#   bench/convert_throughput.sh [ROWS] [REPEAT]      (default 1000000 rows, 1 repeat)
# REPEAT > 1 concatenates the data rows REPEAT times (e.g. 8 x 1M rows ≈ 1 GB) to show that
# peak RSS does not grow with the input.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
repeat="${2:-1}"
bin=build/release/csv2ddb
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target csv2ddb >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" make-csv --rows "$rows" --seed 1 --output "$work/one.csv"
if [ "$repeat" -gt 1 ]; then
  # Repeated rows repeat keys: convert does not care, and the bytes are what we measure.
  { cat "$work/one.csv"; for _ in $(seq 2 "$repeat"); do tail -n +2 "$work/one.csv"; done; } >"$work/in.csv"
  rm "$work/one.csv"
else
  mv "$work/one.csv" "$work/in.csv"
fi
bytes=$(stat -c %s "$work/in.csv")
for pass in warm measured; do
  /usr/bin/time -v "$bin" convert "$work/in.csv" --output /dev/null --rejects "$work/rejects.jsonl" \
    2>"$work/time.txt" >/dev/null
done
grep -E "csv2ddb convert" "$work/time.txt"
user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
sys=$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
python3 - "$bytes" "$secs" "$user" "$sys" "$rss" <<'PY'
import sys
size, wall, user, system, rss = map(float, sys.argv[1:])
print(f"input {size/1e6:.0f} MB; wall {wall:.2f} s ({size/1e6/wall:.0f} MB/s); "
      f"cpu {user+system:.2f} s ({size/1e6/(user+system):.0f} MB/s per core); peak RSS {rss/1024:.1f} MB")
PY
