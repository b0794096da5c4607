#!/usr/bin/env bash
# Installs everything csv2ddb needs to build, test and benchmark on a fresh Debian 12 machine.
# Used by the README's two commands and by .ci/run, so there is exactly one list of dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

debian_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev   # fuzzing (libFuzzer) and formatting
  libgtest-dev libgmock-dev libbenchmark-dev          # tests and micro-benchmarks
  zlib1g-dev libzstd-dev zstd gzip                    # compressed CSV input
  libssl-dev libcurl4-openssl-dev libsqlite3-dev      # AWS clients and the local AWS
  libyaml-cpp-dev                                     # the local AWS reads CloudFormation templates
  libgoogle-perftools-dev                             # tcmalloc for the csv2ddb command
  python3 time                                        # differential tests, peak RSS
  python3-boto3 awscli                                # independent AWS clients: botocore signer, awscli v2
  openssl                                             # self-signed certificates for the TLS tests
  chromium chromium-driver python3-selenium           # the web console, tested in a real browser
)

# The Lambda zip (deploy/package.sh, test deploy.package_arm64): bootstrap cross-compiled for
# arm64 with Debian's cross toolchain against the :arm64 dev packages (multiarch), run here
# under qemu-aarch64-static. The zip bundles libc6, libstdc++6 and libgcc-s1 from the :arm64
# packages (Debian's security updates) rather than the cross toolchain's own copies. The cross
# build configures the Lambda layers only (-DCSV2DDB_LOCAL=OFF), so nothing of the local AWS
# (SQLite, yaml-cpp) is needed for arm64.
debian_packages+=(
  crossbuild-essential-arm64 qemu-user-static
  libcurl4-openssl-dev:arm64 libssl-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
  libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64
)
need_update=false
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "setup: dpkg --add-architecture arm64"
  sudo_if_needed dpkg --add-architecture arm64
  need_update=true  # the package lists have no arm64 packages yet
fi

missing=()
for p in "${debian_packages[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too; ask for the installed state.
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || $need_update; then
  echo "setup: installing ${missing[*]:-nothing (package lists only)}"
  sudo_if_needed apt-get update -qq
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# Independent implementations the tests check against (dynalite, s3rver), pinned by the lock
# file, installed into tools/node_modules.
if ! command -v npm >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ ! -x tools/node_modules/.bin/dynalite ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  echo "setup: npm ci (tools/)"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi
echo "setup: done"
