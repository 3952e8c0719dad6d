#!/usr/bin/env bash
# Soak test (docs/reliability.md): the three services on loopback ports
# 51050-51052 with the bundled models and their default flags, under 64
# clients for MINUTES: mixed strategies (arts, beam, best-of-N, DVTS), one
# bad request in ten (INVALID_ARGUMENT expected), and one Solve in ten
# cancelled by its client. Prints per minute: goodput, p99, status codes,
# and each process's RSS and thread count; at the end, whether RSS grew
# more than 5% and threads grew after the first 5 minutes (or after the
# first minute in runs shorter than 10 minutes), and whether any status
# appeared but OK, RESOURCE_EXHAUSTED, INVALID_ARGUMENT for the bad
# requests and CANCELLED for the cancelled ones. Exits 1 if so.
#
# Usage: scripts/soak.sh MINUTES [OUT_DIR=/tmp/soak]
# Environment: BIN_DIR, other binaries of the three services (default
# build/server); GENERATOR_FLAGS, VERIFIER_FLAGS, ORCHESTRATOR_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/soak.sh MINUTES [OUT_DIR]}
out=${2:-/tmp/soak}
build=./build
mkdir -p "$out/gen"
source scripts/bench_services.sh

protoc -I proto --python_out="$out/gen" --grpc_python_out="$out/gen" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  proto/arts/v1/*.proto
start_services "${BIN_DIR:-$build/server}"
PYTHONPATH="$out/gen" /usr/bin/python3 tests/soak/soak_client.py \
  --address 127.0.0.1:51050 --minutes "$minutes" --clients 64 \
  --pids "${pids[0]},${pids[1]},${pids[2]}" \
  --names generator,verifier,orchestrator \
  --puzzles "${ARTS_DATA_DIR:-../shared/data/game24}/24.csv" \
  | tee "$out/soak.txt"
