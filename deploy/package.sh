#!/usr/bin/env bash
# Builds the Lambda function's zip for provided.al2023 on arm64 and prints its size:
#
#   deploy/package.sh [--output ZIP] [--build-dir DIR] [--bootstrap PATH]
#
#   --output ZIP      where the zip goes (default build/lambda/function.zip, where
#                     deploy/template.yaml's Code properties point)
#   --build-dir DIR   the cross build's CMake folder (default build/lambda-arm64)
#   --bootstrap PATH  zip this already-built arm64 bootstrap instead of building one
#
# Needs crossbuild-essential-arm64 and the :arm64 dev packages (scripts/setup.sh installs them);
# qemu-user-static runs the result on this machine.
#
# Why the zip brings its own loader and libc: Debian 12's glibc is 2.36 and its libstdc++ needs
# 2.36 symbols, while Amazon Linux 2023 has 2.34, so a plainly linked binary does not load
# there; and Debian ships no static libcurl dependencies for a fully static build. The zip's
# layout (stable: csv2ddb local and the tests run it unpacked; see deploy/README.md):
#   bootstrap       the entry point Lambda runs: a POSIX sh script that execs
#                   lib/ld-linux-aarch64.so.1 --library-path lib bin/bootstrap
#   bin/bootstrap   the function (src/lambda), stripped
#   lib/            the loader and every shared library it needs, transitively
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bootstrap=""
build="$root/build/lambda-arm64"
output="$root/build/lambda/function.zip"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bootstrap) bootstrap="$2"; shift ;;
    --build-dir) build="$2"; shift ;;
    --output) output="$2"; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

triple=aarch64-linux-gnu
if ! command -v $triple-g++ >/dev/null; then
  echo "package.sh: $triple-g++ not found; scripts/setup.sh installs crossbuild-essential-arm64" \
       "and the :arm64 dev packages" >&2
  exit 1
fi

if [[ -z $bootstrap ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCSV2DDB_TESTS=OFF \
    -DCSV2DDB_LOCAL=OFF \
    -DCMAKE_TOOLCHAIN_FILE="$root/deploy/aarch64-linux-gnu.cmake" >/dev/null
  ninja -C "$build" --quiet bootstrap
  bootstrap="$build/bootstrap"
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/bin" "$staging/lib"
cp "$bootstrap" "$staging/bin/bootstrap"
$triple-strip --strip-unneeded "$staging/bin/bootstrap"
# The :arm64 runtime packages first (libc6, libstdc++6 with Debian's security updates), the
# cross toolchain's own copies of the same libraries last.
loader="$(python3 "$root/deploy/bundle_libs.py" "$staging/bin/bootstrap" "$staging/lib" \
  --readelf $triple-readelf --search "/lib/$triple" --search "/usr/lib/$triple" \
  --search "/usr/$triple/lib")"

# The entry point. POSIX sh with builtins only (no dirname, no readlink): it must run on any
# provided.al2023 image and in the bare test root of tests/deploy/test_package.py.
cat > "$staging/bootstrap" <<SCRIPT
#!/bin/sh
# csv2ddb's Lambda entry point (deploy/package.sh): runs bin/bootstrap with the loader and
# libraries in lib/, never the system's (Debian 12's glibc 2.36 is newer than the 2.34 of
# Amazon Linux 2023). --library-path replaces Lambda's LD_LIBRARY_PATH for bin/bootstrap.
case "\$0" in */*) here="\${0%/*}" ;; *) here=. ;; esac
here="\$(cd "\$here" && pwd)"
# Debian's libcurl looks for Debian's CA bundle; Amazon Linux keeps its own elsewhere.
if [ -z "\${AWS_CA_BUNDLE:-}" ] && [ ! -e /etc/ssl/certs/ca-certificates.crt ] &&
   [ -e /etc/pki/tls/certs/ca-bundle.crt ]; then
  AWS_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt
  export AWS_CA_BUNDLE
fi
# CSV2DDB_EMULATOR: a user-mode emulator such as /usr/bin/qemu-aarch64-static, for a machine
# that cannot run arm64 code itself (csv2ddb local, the tests). Lambda never sets it.
exec \${CSV2DDB_EMULATOR:+"\$CSV2DDB_EMULATOR"} "\$here/lib/$loader" --library-path "\$here/lib" \\
  "\$here/bin/bootstrap" "\$@"
SCRIPT
chmod 755 "$staging/bootstrap" "$staging/bin/bootstrap" "$staging/lib/$loader"

mkdir -p "$(dirname "$output")"
rm -f "$output"
# Python's zipfile rather than zip(1): one tool fewer, the Unix modes (Lambda needs the
# executable bits) set explicitly, and a fixed date, so the same inputs give the same bytes.
python3 - "$staging" "$output" <<'PY'
import os, sys, zipfile
staging, output = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for folder, subfolders, files in os.walk(staging):
        subfolders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo(os.path.relpath(path, staging), date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | (os.stat(path).st_mode & 0o777)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                archive.writestr(info, f.read())
PY
size=$(stat -c %s "$output")
echo "$output: $size bytes ($(( (size + 524288) / 1048576 )) MiB), arm64 for provided.al2023"
