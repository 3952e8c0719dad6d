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
  libcurl4-openssl-dev nlohmann-json3-dev libre2-dev libsentencepiece-dev
  libjemalloc-dev libboost1.74-dev libssl-dev
  python3-torch python3-sentencepiece
  curl openssl python3 python3-grpcio python3-protobuf
)

bash "$(dirname "$0")/install_debian_packages.sh" setup "${packages[@]}"
