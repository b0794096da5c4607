#!/usr/bin/env bash
# The shapes of load against each other, in one run (issue "Every shape of load"):
#   1. formats: the same make-csv rows as CSV, DynamoDB JSON (convert's output) and JSON Lines,
#      ingested with --dry-run --key (reading, parsing, mapping, encoding: CPU per row) and
#      into `csv2ddb local` at latency 0 (rows/s of a real load);
#   2. write modes at 10 ms of latency: put (batches) against update, a conditional put and
#      put-if-absent (one request per row), rows/s;
#   3. peak RSS for an input of about 1 GB in every format (SIZE=1 only: ~15 min).
#
#   ROWS=1000000 ROUNDS=3 MODE_ROWS=200000 SIZE=0 bench/shapes.sh
#
# Each figure is wall, CPU and peak RSS of the csv2ddb ingest process (/usr/bin/time -v);
# formats and modes are interleaved round by round, so a busy machine slows all alike. Writes
# bench/results/shapes${TAG:+_$TAG}.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
BIN=$(release_bin)
rows=${ROWS:-1000000}
rounds=${ROUNDS:-3}
mode_rows=${MODE_ROWS:-200000}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

start_local() {  # LATENCY -> sets $url
  local port
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  "$BIN" local --port "$port" --data-dir "$work/data-$1-$port" --fault "latency=$1" \
    --threads 64 >"$work/local-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  url="http://127.0.0.1:$port"
}

# make-csv rows as the three formats: in.csv, in.ddb.jsonl (convert), in.ndjson (plain).
make_inputs() {  # ROWS PREFIX
  "$BIN" make-csv --rows "$1" --seed 1 --output "$2.csv"
  "$BIN" convert "$2.csv" --output "$2.ddb.jsonl" --rejects /dev/null
  python3 - "$2.csv" "$2.ndjson" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w") as out:
    for row in csv.DictReader(src):
        out.write(json.dumps({k: v for k, v in row.items() if v != ""},
                             separators=(",", ":")) + "\n")
PY
}

results="$root/bench/results/shapes${TAG:+_$TAG}.tsv"
printf "what\tvariant\trows\tround\twall_s\tcpu_s\trss_mb\n" >"$results"
record() {  # WHAT VARIANT ROWS ROUND "wall cpu rss"
  read -r wall cpu rss <<<"$5"
  printf "%-8s %-14s %9s rows round %s: wall %7.2f s  cpu %7.2f s  rss %6.1f MB  %8.0f rows/s  %6.2f us cpu/row\n" \
    "$1" "$2" "$3" "$4" "$wall" "$cpu" "$rss" "$(echo "$3 / $wall" | bc -l)" \
    "$(echo "$cpu * 1000000 / $3" | bc -l)"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$2" "$3" "$4" "$wall" "$cpu" "$rss" >>"$results"
}
n=0
next_table() {
  n=$((n + 1))
  table="shapes$n"
  create_table "$url" "$table"
}

echo "== formats: $rows rows =="
make_inputs "$rows" "$work/in"
ls -l "$work"/in.* | awk '{ printf "  %s %.0f MB\n", $9, $5 / 1e6 }'
start_local 0
for round in $(seq "$rounds"); do
  for file in in.csv in.ddb.jsonl in.ndjson; do
    record dry-run "$file" "$rows" "$round" \
      "$(measure "$BIN" ingest "$work/$file" --table t --key account,offer_id --dry-run)"
    next_table
    record write "$file" "$rows" "$round" \
      "$(measure "$BIN" ingest "$work/$file" --table "$table" --endpoint-url "$url" \
        --checkpoint "$work/checkpoint.json")"
  done
done

echo "== write modes at 10 ms: $mode_rows rows =="
"$BIN" make-csv --rows "$mode_rows" --seed 2 --output "$work/modes.csv"
start_local 10
for round in $(seq "$rounds"); do
  for variant in put update condition put-if-absent; do
    next_table
    case $variant in
      put | update | put-if-absent) args=(--mode "$variant") ;;
      condition) args=(--condition "attribute_not_exists(account) OR risk <> :risk") ;;
    esac
    record mode "$variant" "$mode_rows" "$round" \
      "$(measure "$BIN" ingest "$work/modes.csv" --table "$table" --endpoint-url "$url" \
        --checkpoint "$work/checkpoint.json" "${args[@]}")"
  done
done

if [ "${SIZE:-0}" = 1 ]; then
  echo "== peak RSS, about 1 GB of input per format =="
  start_local 0
  make_inputs 10000000 "$work/big"
  for file in big.csv big.ddb.jsonl big.ndjson; do
    next_table
    record size "$file" 10000000 1 \
      "$(measure "$BIN" ingest "$work/$file" --table "$table" --endpoint-url "$url" \
        --checkpoint "$work/checkpoint.json")"
    ls -l "$work/$file" | awk '{ printf "  %s %.0f MB\n", $9, $5 / 1e6 }'
  done
fi
echo "results: $results"
