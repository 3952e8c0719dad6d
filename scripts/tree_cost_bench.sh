#!/usr/bin/env bash
# What recording the search tree costs, side by side in one run: the
# Generator and Verifier with the bundled models on loopback, and two
# orchestrators over them: BASELINE (an arts-orchestrator built before
# search trees existed) and this build's, with its HTTP API. `arts loadtest`
# then sends the same Solves (arts as served by default, constrained,
# test-split puzzles, 64 clients that send their next Solve as soon as the
# last ends) in turn: to the baseline; to this build without the tree; with
# it (--trace_tree: the whole tree in each response); streamed over HTTP
# without and with the tree (every node event sent as it happens); ROUNDS
# times.
#
# Usage: scripts/tree_cost_bench.sh BASELINE_ORCHESTRATOR [CLIENTS=64]
#          [SECONDS_PER_LEVEL=20] [OUT_DIR=/tmp/tree_cost_bench]
# Environment: ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=$1
clients=${2:-64}
seconds=${3:-20}
out=${4:-/tmp/tree_cost_bench}
build=./build
mkdir -p "$out"
source scripts/bench_services.sh

ORCHESTRATOR_FLAGS="--http_listen 127.0.0.1:51080" start_services "$build/server"
"$baseline" --listen 127.0.0.1:51060 --metrics_listen= \
  --generator 127.0.0.1:51051 --verifier 127.0.0.1:51052 \
  2>"$out/baseline.log" &
pids+=($!)
"$build/client/arts" solve --orchestrator 127.0.0.1:51060 --wait_for_ready \
  --timeout 60s --problem "4 9 10 13 -> 24" >/dev/null

# run NAME TARGET ADDRESS [FLAGS...]
run() {
  local name=$1 target=$2 address=$3
  shift 3
  printf '%-22s ' "$name"
  loadtest_level "$out/$name.json" "$target" "$address" "$@"
}
for round in $(seq "${ROUNDS:-2}"); do
  run "baseline_$round" solve 127.0.0.1:51060
  run "no_tree_$round" solve 127.0.0.1:51050
  run "tree_$round" solve 127.0.0.1:51050 --trace_tree
  run "http_no_tree_$round" chat_stream 127.0.0.1:51080
  run "http_tree_$round" chat_stream 127.0.0.1:51080 --trace_tree
done
stop_services
echo "JSON reports in $out"
