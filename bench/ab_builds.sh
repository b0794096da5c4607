#!/usr/bin/env bash
# Two builds of csv2ddb measured in one run, interleaved, for a reshaping's before and after:
#   - `csv2ddb ingest` of the same make-csv file into `csv2ddb local` at latency 0 and 10 ms
#     (wall, CPU and peak RSS of the ingest process; the server is B's, the same for both);
#   - `csv2ddb convert` of the same file (MB/s of wall and of CPU);
#   - the local DynamoDB's BatchWriteItem rate (bench/local_dynamodb_ingest.py), each build's
#     own server.
#
#   A=/path/to/old/csv2ddb B=build/release/csv2ddb ROWS=1000000 ROUNDS=3 bench/ab_builds.sh
#
# Prints one line per run and the medians; writes bench/results/ab_builds${TAG:+_$TAG}.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
A=$(realpath "${A:?set A to the build before}")
B=$(realpath "${B:-build/release/csv2ddb}")
rows=${ROWS:-1000000}
rounds=${ROUNDS:-3}
latencies=${LATENCIES:-"0 10"}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

declare -A url
for latency in $latencies; do
  port=$(free_port)
  "$B" local --port "$port" --data-dir "$work/data-$latency" --fault "latency=$latency" \
    --threads 64 >"$work/local-$latency.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  url[$latency]="http://127.0.0.1:$port"
done

"$B" make-csv --rows "$rows" --seed 1 --output "$work/in.csv"
bytes=$(stat -c %s "$work/in.csv")
results="$root/bench/results/ab_builds${TAG:+_$TAG}.tsv"
printf "what\tbuild\tround\twall_s\tcpu_s\trss_mb\n" >"$results"
record() {  # WHAT BUILD ROUND "wall cpu rss"
  read -r wall cpu rss <<<"$4"
  printf "%-14s %s round %s: wall %7.2f s  cpu %7.2f s  rss %6.1f MB\n" "$1" "$2" "$3" "$wall" "$cpu" "$rss"
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$1" "$2" "$3" "$wall" "$cpu" "$rss" >>"$results"
}
n=0
for round in $(seq "$rounds"); do
  for build in A B; do
    bin=${!build}
    for latency in $latencies; do
      n=$((n + 1))
      create_table "${url[$latency]}" "ab$n"
      record "ingest-$latency" "$build" "$round" \
        "$(measure "$bin" ingest "$work/in.csv" --table "ab$n" --endpoint-url "${url[$latency]}")"
    done
    record convert "$build" "$round" \
      "$(measure "$bin" convert "$work/in.csv" --output /dev/null --rejects "$work/rejects.jsonl")"
  done
done
for build in A B; do
  bin=${!build}
  echo "local DynamoDB, build $build:"
  python3 bench/local_dynamodb_ingest.py --csv2ddb "$bin" --items 200000 2>&1 | grep -i "csv2ddb local" | head -2
done
python3 - "$results" "$bytes" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
size = int(sys.argv[2])
print("medians (A = before, B = after):")
for what in sorted({r["what"] for r in rows}):
    line = [what]
    for build in "AB":
        runs = [r for r in rows if r["what"] == what and r["build"] == build]
        wall = statistics.median(float(r["wall_s"]) for r in runs)
        cpu = statistics.median(float(r["cpu_s"]) for r in runs)
        extra = f" ({size / 1e6 / wall:.0f} MB/s wall, {size / 1e6 / cpu:.0f} MB/s CPU)" if what == "convert" else ""
        line.append(f"{build}: wall {wall:.2f} s cpu {cpu:.2f} s{extra}")
    print("  " + " | ".join(line))
PY
