#!/usr/bin/env bash
# Adaptive pacing when the rate is not the cause (issue "Nothing lost, nothing silent"): the
# same file into `csv2ddb local --fault throttle=0.5,unprocessed=0.3,error=0.1,drop=0.05`
# (requests refused at random, whatever the rate) with adaptive pacing and with --no-adaptive,
# and into `--fault capacity=5000` (the rate is the cause) both ways, rounds interleaved.
# Optional OLD=path/to/csv2ddb adds an older build's adaptive run for a before/after.
#
#   ROWS=100000 ROUNDS=2 [OLD=/path/csv2ddb] bench/pacer_faults.sh
#
# Prints wall seconds, rows written and unprocessed, and the report's throttles per run;
# writes bench/results/pacer_faults.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
BIN=$(release_bin)
rows=${ROWS:-100000}
rounds=${ROUNDS:-2}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

start_local() {  # NAME FAULT -> url_NAME
  "$BIN" local --port 0 --data-dir "$work/data-$1" --fault "$2" >"$work/local-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$work/local-$1.log" && break; sleep 0.1; done
  printf -v "url_$1" '%s' "$(grep -o 'http://127.0.0.1:[0-9]*' "$work/local-$1.log" | head -1)"
}
start_local random "throttle=0.5,unprocessed=0.3,error=0.1,drop=0.05"
start_local capacity "capacity=5000"
"$BIN" make-csv --rows "$rows" --output "$work/in.csv"

results="$root/bench/results/pacer_faults.tsv"
printf "table\tpacing\tround\twall_s\twritten\tunprocessed\tthrottles\n" >"$results"
n=0
run() {  # URL_NAME PACING ROUND BINARY ARGS...
  local name=$1 pacing=$2 round=$3 binary=$4
  shift 4
  local url_var="url_$name"
  n=$((n + 1))
  create_table "${!url_var}" "pacer$n"
  local start end
  start=$(date +%s.%N)
  "$binary" ingest "$work/in.csv" --table "pacer$n" --endpoint-url "${!url_var}" \
    --checkpoint "$work/cp.json" --unprocessed "$work/u.json" "$@" >"$work/report.json" \
    2>/dev/null || true
  end=$(date +%s.%N)
  python3 - "$work/report.json" "$name" "$pacing" "$round" "$(echo "$end - $start" | bc)" \
    "$results" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
row = [sys.argv[2], sys.argv[3], sys.argv[4], "%.1f" % float(sys.argv[5]),
       str(report["rows_written"]), str(report["rows_unprocessed"]), str(report["throttles"])]
print("%-9s %-13s round %s: %7s s  written %8s  unprocessed %7s  throttles %7s" % tuple(row))
open(sys.argv[6], "a").write("\t".join(row) + "\n")
PY
}
for round in $(seq "$rounds"); do
  for name in random capacity; do
    run "$name" adaptive "$round" "$BIN"
    run "$name" fixed "$round" "$BIN" --no-adaptive
    if [ -n "${OLD:-}" ]; then run "$name" adaptive-old "$round" "$OLD"; fi
  done
done
echo "results: $results"
