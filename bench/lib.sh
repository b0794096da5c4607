# Shared by the bench scripts (sourced): the binary, table creation and measurement under
# /usr/bin/time. measure() writes into "$work", which the sourcing script creates.

# The csv2ddb to measure, as an absolute path: $BIN when set, else a fresh release build.
release_bin() {
  if [ -z "${BIN:-}" ]; then
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(nproc)" --target csv2ddb >/dev/null
    BIN=build/release/csv2ddb
  fi
  realpath "$BIN"
}

create_table() {  # URL NAME
  python3 - "$1" "$2" <<'PY'
import sys, boto3
ddb = boto3.client("dynamodb", endpoint_url=sys.argv[1])
ddb.create_table(TableName=sys.argv[2],
    AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                          {"AttributeName": "offer_id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "account", "KeyType": "HASH"},
               {"AttributeName": "offer_id", "KeyType": "RANGE"}],
    BillingMode="PAY_PER_REQUEST")
ddb.get_waiter("table_exists").wait(TableName=sys.argv[2], WaiterConfig={"Delay": 0.2})
PY
}

# Runs a command under /usr/bin/time -v; prints "wall cpu rss_mb".
measure() {
  /usr/bin/time -v "$@" >"$work/stdout" 2>"$work/time.txt" || {
    echo "failed: $*" >&2; tail -5 "$work/time.txt" >&2; return 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%.2f %.2f %.1f\n", wall, user + sys, rss }' "$work/time.txt"
}
