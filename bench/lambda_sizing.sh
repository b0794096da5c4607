#!/usr/bin/env bash
# bench/lambda_sizing.sh: what the import function needs, measured in the local AWS.
#
# For each memory size and each file: a fresh `csv2ddb local` with deploy/template.yaml (a copy
# whose import function has that MemorySize and Timeout), one make-csv file uploaded with
# awscli, the wait for its report, then from the function's log (START and REPORT lines the
# local Lambda prints, as Lambda does) the invocations, continuations, each invocation's
# Duration and the highest Max Memory Used (the bootstrap process's VmHWM), and from /proc the
# CPU seconds the import bootstraps used. A fresh stack per file, so the table starts empty and
# the peak memory belongs to that file alone (Lambda's Max Memory Used is also per environment).
#
# The local Lambda does not cap memory or CPU: "peak" is what the function would need, and
# "cpu s" is what predicts its duration on Lambda, where MemorySize / 1769 MB is its share of
# a vCPU. The function's lanes do follow MemorySize (AWS_LAMBDA_FUNCTION_MEMORY_SIZE).
#
# Usage: bench/lambda_sizing.sh                (everything: ~15-40 min on 2 cores)
#   MEMORY="1769 512 256" FILES="10mb 100mb 100mb.gz 1gb" TIMEOUT=900 bench/lambda_sizing.sh
#   FILES=100mb TIMEOUT=20 bench/lambda_sizing.sh   (forces continuations)
# Environment: BUILD (default build/release), WORK (scratch folder, default a new one in /tmp,
# removed at the end unless KEEP=1), AWS (default: aws on PATH, awscli v1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CSV2DDB=$BUILD/csv2ddb
BOOTSTRAP=$BUILD/bootstrap
MEMORY=${MEMORY:-"1769 512 256"}
FILES=${FILES:-"10mb 100mb 100mb.gz 1gb"}
TIMEOUT=${TIMEOUT:-900}
AWS=${AWS:-aws}
WORK=${WORK:-$(mktemp -d /tmp/csv2ddb-sizing.XXXXXX)}
BUCKET=imports
for tool in "$CSV2DDB" "$BOOTSTRAP"; do
  [[ -x $tool ]] || { echo "lambda_sizing: $tool missing: build the release preset" >&2; exit 2; }
done
mkdir -p "$WORK"

# Clients that can only reach the local AWS.
for name in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent \
  AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_PAGER=""

LOCAL_PID=
stop_local() {
  if [[ -n $LOCAL_PID ]] && kill -0 "$LOCAL_PID" 2>/dev/null; then
    kill -TERM "$LOCAL_PID"
    wait "$LOCAL_PID" 2>/dev/null || true
  fi
  LOCAL_PID=
}
cleanup() {
  stop_local
  [[ ${KEEP:-0} == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# make-csv rows are ~100 bytes: 100,000 rows ~ 10 MB.
csv_for() {
  local name=$1 rows path
  case ${name%.gz} in
    10mb) rows=100000 ;;
    100mb) rows=1000000 ;;
    1gb) rows=10000000 ;;
    *) echo "lambda_sizing: unknown file '$name' (10mb, 100mb, 1gb, each optionally .gz)" >&2
       exit 2 ;;
  esac
  path=$WORK/offers-${name%.gz}.csv
  [[ -f $path ]] || "$CSV2DDB" make-csv --rows "$rows" --seed 7 --output "$path"
  if [[ $name == *.gz ]]; then
    [[ -f $path.gz ]] || gzip -1 -k "$path"
    path=$path.gz
  fi
  echo "$path"
}

# The template with the import function's MemorySize and Timeout replaced (only in its block).
template_for() {
  local memory=$1 out=$WORK/template-$1-$TIMEOUT.yaml
  sed -E "/^  ImportLambdaFunction:/,/^  [A-Za-z]+:$/{
            s/^      MemorySize: [0-9]+$/      MemorySize: $memory/
            s/^      Timeout: [0-9]+$/      Timeout: $TIMEOUT/
          }" "$ROOT/deploy/template.yaml" >"$out"
  grep -q "^      MemorySize: $memory$" "$out" || { echo "no MemorySize in template" >&2; exit 2; }
  echo "$out"
}

ENDPOINT=
start_local() {
  local template=$1 data=$2
  mkdir -p "$data"
  "$CSV2DDB" local --template "$template" --bootstrap "$BOOTSTRAP" --port 0 \
    --data-dir "$data" --param S3BucketName=$BUCKET >"$data/local.stdout" 2>"$data/local.stderr" &
  LOCAL_PID=$!
  for _ in $(seq 600); do
    if grep -q "csv2ddb local: stack .* is ready" "$data/local.stdout" 2>/dev/null; then
      ENDPOINT=http://127.0.0.1:$(sed -n 's|^csv2ddb local listening on http://127.0.0.1:||p' \
        "$data/local.stdout" | head -1)
      return 0
    fi
    kill -0 "$LOCAL_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "lambda_sizing: csv2ddb local did not start:" >&2
  tail -20 "$data/local.stderr" >&2
  exit 1
}

# CPU seconds (user + system) of the import bootstraps, the highest seen per process, so that
# an environment stopped between samples still counts up to its last sample.
declare -A CPU_TICKS
sample_cpu() {
  local pid ticks
  for pid in $(pgrep -P "$LOCAL_PID" -x bootstrap || true); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "_HANDLER=import" || continue
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
    [[ -n $ticks ]] || continue
    if (( ticks > ${CPU_TICKS[$pid]:-0} )); then CPU_TICKS[$pid]=$ticks; fi
  done
}

printf '%-6s %-10s %7s %9s %5s %5s %9s %9s %7s %7s %7s %s\n' memMB file MB rows invoc contin \
  max_dur_s sum_dur_s peakMB cpu_s wall_s lanes
for memory in $MEMORY; do
  for name in $FILES; do
    path=$(csv_for "$name")
    key=$(basename "$path")
    data=$WORK/stack-$memory-$name
    start_local "$(template_for "$memory")" "$data"
    CPU_TICKS=()
    started=$(date +%s.%N)
    "$AWS" --endpoint-url "$ENDPOINT" s3 cp --only-show-errors "$path" "s3://$BUCKET/$key"
    deadline=$(( $(date +%s) + 7200 ))
    until "$AWS" --endpoint-url "$ENDPOINT" s3api head-object --bucket $BUCKET \
        --key "reports/$key.report.json" >/dev/null 2>&1; do
      sample_cpu
      (( $(date +%s) < deadline )) || { echo "lambda_sizing: no report for $key" >&2; exit 1; }
      sleep 2
    done
    wall=$(echo "$(date +%s.%N) - $started" | bc)
    sample_cpu
    ticks=0
    for pid in "${!CPU_TICKS[@]}"; do ticks=$(( ticks + CPU_TICKS[$pid] )); done
    "$AWS" --endpoint-url "$ENDPOINT" s3 cp --only-show-errors \
      "s3://$BUCKET/reports/$key.report.json" "$data/report.json"
    log=$data/lambda/logs/csv2ddb-import.log
    rows=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["rows_written"])' \
      "$data/report.json")
    # The lanes the function chose (src/lambda/writer_sizing.cpp: 16 per 1769 MB, 2 to 64).
    lanes=$(( (memory * 16 + 884) / 1769 )); (( lanes < 2 )) && lanes=2; (( lanes > 64 )) && lanes=64
    awk -v mem="$memory" -v name="$name" -v mb="$(du -m "$path" | cut -f1)" -v rows="$rows" \
        -v cpu="$(echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc)" -v wall="$wall" \
        -v lanes="$lanes" '
      /^START RequestId: / { starts++ }
      /^REPORT RequestId: / {
        split($0, f, "\t")
        for (i in f) {
          if (f[i] ~ /^Duration: /) { d = substr(f[i], 11) / 1000; sum += d; if (d > maxd) maxd = d }
          if (f[i] ~ /^Max Memory Used: /) { m = substr(f[i], 18) + 0; if (m > peak) peak = m }
        }
      }
      END {
        printf "%-6s %-10s %7s %9s %5d %5d %9.1f %9.1f %7d %7.1f %7.1f %s\n", mem, name, mb, rows,
               starts, starts - 1, maxd, sum, peak, cpu, wall, lanes
      }' "$log"
    # Every invocation's REPORT line, for the record.
    grep '^REPORT' "$log" | sed 's/^/    /' >&2
    stop_local
    rm -rf "$data"
  done
done
