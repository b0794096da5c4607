#!/usr/bin/env bash
# End-to-end throughput and memory of `csv2ddb convert`: makes a sample file with make-csv,
# converts it, and reports MB/s and peak RSS (from /usr/bin/time -v). Anyone can run it:
#   bench/convert_throughput.sh [ROWS]      (default 1000000 rows, about 100 MB)
#   bench/convert_throughput.sh 10000000    (about 1 GB: peak RSS must not grow with the input)
# The figures and the machine they were measured on are in bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
bin=build/release/csv2ddb
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target csv2ddb >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/time -f "make-csv: $rows rows in %e s (peak RSS %M KB)" \
  "$bin" make-csv --rows "$rows" --seed 1 --output "$work/in.csv"
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
