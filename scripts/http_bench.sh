#!/usr/bin/env bash
# The OpenAI-compatible HTTP API against gRPC on the same stack, side by
# side in one run: the three services on loopback with the bundled models
# (ports 51050-51052, the orchestrator's HTTP API on 51080), then `arts
# loadtest` with the same Solves (arts as served by default, constrained,
# test-split puzzles, clients that send their next Solve as soon as the last
# ends), alternating gRPC (--target solve), HTTP (--target chat) and HTTP
# streamed (--target chat_stream), ROUNDS times each.
#
# Usage: scripts/http_bench.sh [CLIENTS=64] [SECONDS_PER_LEVEL=20]
#          [OUT_DIR=/tmp/http_bench]
# Environment: ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-64}
seconds=${2:-20}
out=${3:-/tmp/http_bench}
build=./build
mkdir -p "$out"
source scripts/bench_services.sh

ORCHESTRATOR_FLAGS="--http_listen 127.0.0.1:51080" start_services "$build/server"
for round in $(seq "${ROUNDS:-2}"); do
  for target in solve chat chat_stream; do
    address=127.0.0.1:51050
    [ "$target" = solve ] || address=127.0.0.1:51080
    printf '%-12s round %s: ' "$target" "$round"
    loadtest_level "$out/${target}_$round.json" "$target" "$address"
  done
done
stop_services
echo "JSON reports in $out"
