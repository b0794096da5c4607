#!/usr/bin/env bash
# Peak RSS of csv2ddb ingest as the input grows (it streams, so it should stay flat), next to the
# reference design's (reference_import.py reads the whole file, so it grows with it).
#
#   bench/ingest_memory.sh                          csv2ddb: 1M, 10M, 20M rows (~100 MB, 1 GB, 2 GB)
#   ROWS="1000000 10000000" REF_ROWS="100000 1000000" DRY_RUN=1 BIN=build/release/csv2ddb ...
#
# Every run writes into `csv2ddb local --fault latency=0` (a real write: DescribeTable, every
# BatchWriteItem, the JSON copy to a file), unless DRY_RUN=1 (csv2ddb ingest --dry-run: read,
# parse, encode, no requests). Peak RSS, wall and CPU time come from /usr/bin/time -v.
# Results go to bench/results/ingest_memory.tsv (ingest_memory_$TAG.tsv with TAG=...). Needs ~3x the largest input of free disk
# (the CSV, the JSON copy, the local store).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows_list=${ROWS-"1000000 10000000 20000000"}
ref_rows_list=${REF_ROWS-"100000 1000000"}
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
BIN=$(release_bin)
out_dir="$root/bench/results"
mkdir -p "$out_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/ingest_memory.XXXXXX")
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN" local --port "$port" --data-dir "$work/data" --fault latency=0 >"$work/local.log" 2>&1 &
server=$!
for _ in $(seq 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
url="http://127.0.0.1:$port"

table_n=0


results="$out_dir/ingest_memory${TAG:+_$TAG}.tsv"
mode="write"
if [ "${DRY_RUN:-0}" = 1 ]; then mode=dry-run; fi
printf "program\tmode\trows\tinput_mb\twall_s\tcpu_s\trss_mb\n" >"$results"
printf "%-9s %-8s %9s %9s %9s %9s %8s\n" program mode rows input_mb wall_s cpu_s rss_mb
run() {  # PROGRAM ROWS
  local program=$1 rows=$2 csv="$work/in.csv" mb m table
  table_n=$((table_n + 1))
  table="mem$table_n"
  "$BIN" make-csv --rows "$rows" --seed 1 --output "$csv"
  mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.0f", b / 1e6 }')
  if [ "$program" = csv2ddb ]; then
    if [ $mode = dry-run ]; then
      m=$(measure "$BIN" ingest "$csv" --table unused --key account,offer_id --dry-run)
    else
      create_table "$url" "$table"
      m=$(measure "$BIN" ingest "$csv" --table "$table" --endpoint-url "$url" \
        --json-copy "$work/copy.json")
    fi
  else
    create_table "$url" "$table"
    m=$(measure python3 bench/reference_import.py "$csv" "$table" --endpoint-url "$url" \
      --json-copy "$work/copy.json")
  fi
  rm -f "$csv" "$work/copy.json"
  read -r wall cpu rss <<<"$m"
  local shown=$mode
  if [ "$program" = reference ]; then shown="write"; fi
  printf "%-9s %-8s %9s %9s %9s %9s %8s\n" "$program" "$shown" "$rows" "$mb" "$wall" "$cpu" "$rss"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$program" "$shown" "$rows" "$mb" "$wall" "$cpu" "$rss" >>"$results"
}
for rows in $rows_list; do run csv2ddb "$rows"; done
for rows in $ref_rows_list; do run reference "$rows"; done
echo "results: $results"
