#!/usr/bin/env bash
# csv2ddb ingest against a re-implementation of the reference design (reference_import.py, boto3)
# on the same make-csv files and the same endpoints, then a concurrency sweep plotted as a PNG.
#
#   bench/ingest_vs_reference.sh [ROWS...]          (default: 100000 1000000)
#   BIN=build/release/csv2ddb ENDPOINTS="local0 local10 dynalite" SWEEP_ROWS=50000 ...
#   INGEST_ARGS="--concurrency 32" adds arguments to csv2ddb's runs of the comparison
#   TAG=1m SWEEP_LANES= bench/ingest_vs_reference.sh 1000000   (no sweep; ingest_vs_reference_1m.tsv)
#   PROGRAMS=csv2ddb ...                                         (only csv2ddb, or only reference)
#
# Endpoints: "local0" and "local10" are `csv2ddb local` with --fault latency=0 / latency=10 (ms
# per request, standing in for the network to AWS); "dynalite" is tools/node_modules dynalite.
# For each it prints wall time, CPU time (user+sys) and peak RSS from /usr/bin/time -v for both
# programs, and the ratios reference / csv2ddb. Results go to bench/results/ (TSV + PNG).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows_list=("${@:-100000 1000000}")
# shellcheck disable=SC2206
rows_list=(${rows_list[*]})
endpoints=${ENDPOINTS:-"local0 local10 dynalite"}
programs=${PROGRAMS:-"csv2ddb reference"}
sweep_rows=${SWEEP_ROWS:-100000}
sweep_lanes=${SWEEP_LANES-"1 2 4 8 16 32 64 128"}
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
BIN=$(release_bin)
out_dir="$root/bench/results"
mkdir -p "$out_dir"
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

# Starts an endpoint and sets $endpoint_url (not in a subshell, so that cleanup sees its pid).
start_endpoint() {
  local name=$1 port
  port=$(free_port)
  case $name in
    local*)
      local latency=${name#local}
      # --fault latency delays answers on the server's timer (no thread waits); --threads 64
      # is kept so that results stay comparable with runs from before that change.
      "$BIN" local --port "$port" --data-dir "$work/data-$name" --fault "latency=$latency" \
        --threads 64 \
        >"$work/$name.log" 2>&1 &
      ;;
    dynalite)
      if [ ! -x tools/node_modules/.bin/dynalite ]; then
        echo "tools/node_modules/.bin/dynalite is missing: run scripts/setup.sh (npm ci --prefix tools)" >&2
        exit 1
      fi
      tools/node_modules/.bin/dynalite --host 127.0.0.1 --port "$port" --createTableMs 0 \
        >"$work/$name.log" 2>&1 &
      ;;
  esac
  pids+=($!)
  # Probed with bash's /dev/tcp, not a python3 per try: on a loaded machine (load 10+ on 2 cores)
  # each python3 start takes most of a second and dynalite's node start takes seconds more.
  local up=
  for _ in $(seq 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ -z "$up" ]; then
    echo "$name did not start listening on port $port within 60 s; its log:" >&2
    tail -5 "$work/$name.log" >&2
    exit 1
  fi
  endpoint_url="http://127.0.0.1:$port"
}



results="$out_dir/ingest_vs_reference${TAG:+_$TAG}.tsv"
printf "endpoint\trows\tprogram\twall_s\tcpu_s\trss_mb\trows_per_s\n" >"$results"
printf "%-9s %9s  %-9s %9s %9s %8s %10s\n" endpoint rows program wall_s cpu_s rss_mb rows/s
declare -A url
for endpoint in $endpoints; do
  start_endpoint "$endpoint"
  url[$endpoint]=$endpoint_url
done
table_n=0
for rows in "${rows_list[@]}"; do
  "$BIN" make-csv --rows "$rows" --seed 1 --output "$work/in$rows.csv"
  for endpoint in $endpoints; do
    declare -A got=()
    for program in $programs; do
      table_n=$((table_n + 1))
      create_table "${url[$endpoint]}" "bench$table_n"
      if [ "$program" = csv2ddb ]; then
        # shellcheck disable=SC2086
        m=$(measure "$BIN" ingest "$work/in$rows.csv" --table "bench$table_n" \
          --endpoint-url "${url[$endpoint]}" --json-copy "$work/copy.json" ${INGEST_ARGS:-})
      else
        m=$(measure python3 bench/reference_import.py "$work/in$rows.csv" "bench$table_n" \
          --endpoint-url "${url[$endpoint]}" --json-copy "$work/copy.json")
      fi
      read -r wall cpu rss <<<"$m"
      rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w : 0) }')
      got[$program]="$wall $cpu $rss"
      printf "%-9s %9s  %-9s %9s %9s %8s %10s\n" "$endpoint" "$rows" "$program" "$wall" "$cpu" "$rss" "$rate"
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$endpoint" "$rows" "$program" "$wall" "$cpu" "$rss" "$rate" >>"$results"
    done
    if [ -z "${got[csv2ddb]:-}" ] || [ -z "${got[reference]:-}" ]; then continue; fi
    read -r cw cc cr <<<"${got[csv2ddb]}"
    read -r rw rc rr <<<"${got[reference]}"
    awk -v cw="$cw" -v cc="$cc" -v cr="$cr" -v rw="$rw" -v rc="$rc" -v rr="$rr" -v e="$endpoint" -v n="$rows" \
      'BEGIN { printf "%-9s %9s  ratios reference/csv2ddb: wall %.1fx, cpu %.1fx, rss %.1fx\n", e, n, rw / cw, rc / (cc > 0 ? cc : 0.01), rr / cr }'
  done
done

# Throughput against --concurrency on the 10 ms endpoint (or the first one given).
if [ -z "$sweep_lanes" ]; then echo "results: $results"; exit 0; fi
sweep_endpoint=local10
case " $endpoints " in *" local10 "*) ;; *) sweep_endpoint=${endpoints%% *} ;; esac
"$BIN" make-csv --rows "$sweep_rows" --seed 2 --output "$work/sweep.csv"
sweep="$out_dir/concurrency_sweep.tsv"
echo "# lanes rows_per_s ($sweep_rows rows, $sweep_endpoint)" >"$sweep"
for lanes in $sweep_lanes; do
  table_n=$((table_n + 1))
  create_table "${url[$sweep_endpoint]}" "bench$table_n"
  m=$(measure "$BIN" ingest "$work/sweep.csv" --table "bench$table_n" \
    --endpoint-url "${url[$sweep_endpoint]}" --concurrency "$lanes")
  read -r wall _ _ <<<"$m"
  rate=$(awk -v r="$sweep_rows" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w : 0) }')
  echo "concurrency $lanes: $rate rows/s"
  printf "%s\t%s\n" "$lanes" "$rate" >>"$sweep"
done
python3 bench/plot_png.py "$sweep" "$out_dir/concurrency_sweep.png" \
  "csv2ddb ingest: rows/s vs --concurrency ($sweep_endpoint)"
echo "results: $results, $sweep, $out_dir/concurrency_sweep.png"
