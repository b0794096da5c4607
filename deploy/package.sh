#!/usr/bin/env bash
# Builds the Lambda function's zip: build/lambda/function.zip, for provided.al2023 on arm64.
#
#   deploy/package.sh                    cross-compile bootstrap for arm64 and zip it
#   deploy/package.sh --native [--bootstrap PATH] [--output ZIP]
#                                        the same bundling for this machine's architecture
#                                        (tests the packaging without the cross toolchain)
#
# Needs (arm64): crossbuild-essential-arm64 and libcurl4-openssl-dev:arm64 libssl-dev:arm64
# zlib1g-dev:arm64 libzstd-dev:arm64 (after `dpkg --add-architecture arm64`); qemu-user-static
# to run the result here.
#
# Why the zip brings its own loader and libc: Debian 12's glibc is 2.36 and its libstdc++ needs
# 2.36 symbols, while Amazon Linux 2023 has 2.34, so a plainly linked binary does not load
# there; and Debian ships no static libcurl dependencies for a fully static build. So the zip
# holds bin/bootstrap, lib/ with the loader and every shared library it needs, and a
# `bootstrap` shell script (what Lambda runs) that execs
#   lib/ld-linux-aarch64.so.1 --library-path lib bin/bootstrap
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=arm64
bootstrap=""
output="$root/build/lambda/function.zip"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --native) mode=native ;;
    --bootstrap) bootstrap="$2"; shift ;;
    --output) output="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $mode == arm64 ]]; then
  triple=aarch64-linux-gnu
  readelf_program=$triple-readelf
  strip_program=$triple-strip
  search=("/usr/lib/$triple" "/lib/$triple")
  if ! command -v $triple-g++ >/dev/null; then
    echo "package.sh: $triple-g++ not found; install crossbuild-essential-arm64 and the :arm64" \
         "dev packages (see the top of this script)" >&2
    exit 1
  fi
else
  triple="$(gcc -dumpmachine)"
  readelf_program=readelf
  strip_program="strip"
  search=("/usr/lib/$triple" "/lib/$triple" /usr/lib /lib)
fi

if [[ -z $bootstrap ]]; then
  build="$root/build/lambda-$mode"
  toolchain=()
  [[ $mode == arm64 ]] && toolchain=(-DCMAKE_TOOLCHAIN_FILE="$root/deploy/aarch64-linux-gnu.cmake")
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSV2DDB_TESTS=OFF \
    "${toolchain[@]}" >/dev/null
  ninja -C "$build" bootstrap
  bootstrap="$build/bootstrap"
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/bin" "$staging/lib"
cp "$bootstrap" "$staging/bin/bootstrap"
"$strip_program" --strip-unneeded "$staging/bin/bootstrap" 2>/dev/null || true
search_args=()
for folder in "${search[@]}"; do search_args+=(--search "$folder"); done
loader="$(python3 "$root/deploy/bundle_libs.py" "$staging/bin/bootstrap" "$staging/lib" \
  --readelf "$readelf_program" "${search_args[@]}")"

# Debian's libcurl looks for Debian's CA bundle; Amazon Linux keeps its own elsewhere.
cat > "$staging/bootstrap" <<SCRIPT
#!/bin/sh
here="\$(cd "\$(dirname "\$0")" && pwd)"
if [ -z "\${AWS_CA_BUNDLE:-}" ] && [ ! -e /etc/ssl/certs/ca-certificates.crt ] &&
   [ -e /etc/pki/tls/certs/ca-bundle.crt ]; then
  export AWS_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt
fi
exec "\$here/lib/$loader" --library-path "\$here/lib" "\$here/bin/bootstrap" "\$@"
SCRIPT
chmod 755 "$staging/bootstrap" "$staging/bin/bootstrap" "$staging/lib/$loader"

mkdir -p "$(dirname "$output")"
rm -f "$output"
# Python's zipfile rather than zip(1): one tool fewer, and the Unix modes (Lambda needs the
# executable bits) set explicitly.
python3 - "$staging" "$output" <<'PY'
import os, sys, zipfile
staging, output = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for folder, _, files in sorted(os.walk(staging)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo(os.path.relpath(path, staging), date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | (os.stat(path).st_mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                archive.writestr(info, f.read())
PY
size=$(stat -c %s "$output")
echo "$output: $size bytes ($((size / 1024 / 1024)) MiB), $mode"
