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
  python3 time                                        # differential tests, peak RSS
  python3-boto3 awscli                                # independent AWS clients: botocore signer, awscli v2
  openssl                                             # self-signed certificates for the TLS tests
)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
