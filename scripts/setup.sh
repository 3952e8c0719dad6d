#!/usr/bin/env bash
# Installs the Debian 12 packages ARTS serving needs to build, test and run.
# Idempotent: installs only what is missing, runs apt-get update at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-format
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libtorch-dev libopenblas0-pthread
  prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  curl openssl python3 python3-grpcio python3-protobuf
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
echo "setup: done"
