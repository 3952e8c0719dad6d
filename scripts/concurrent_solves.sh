#!/usr/bin/env bash
# A rough throughput figure until `arts loadtest` exists (issue 9): the three
# services on loopback ports 51050-51052, then CLIENTS concurrent
# `arts eval --orchestrator` clients, each solving PUZZLES test puzzles with
# the arts strategy (constrained decoding, seed = client number). Prints
# solves per second over the whole run. Needs a build (scripts/build.sh).
#
# Usage: scripts/concurrent_solves.sh [CLIENTS=8] [PUZZLES=12]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-8}
puzzles=${2:-12}
build=./build
logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT

$build/server/arts-generator --listen 127.0.0.1:51051 --metrics_listen= 2>"$logs/generator.log" &
pids+=($!)
$build/server/arts-verifier --listen 127.0.0.1:51052 --metrics_listen= 2>"$logs/verifier.log" &
pids+=($!)
$build/server/arts-orchestrator --listen 127.0.0.1:51050 --metrics_listen= \
  --generator 127.0.0.1:51051 --verifier 127.0.0.1:51052 \
  --max_concurrent_requests "$((clients * 2))" 2>"$logs/orchestrator.log" &
pids+=($!)
$build/client/arts solve --orchestrator 127.0.0.1:51050 --wait_for_ready \
  --timeout 60s --problem "4 9 10 13 -> 24" >/dev/null

start=$(date +%s.%N)
clients_pids=()
for c in $(seq 1 "$clients"); do
  $build/client/arts eval --orchestrator 127.0.0.1:51050 --split test \
    --limit "$puzzles" --strategy arts --constrained --seed "$c" \
    --timeout 120s --results_dir "$logs/run$c" --label "client$c" \
    >"$logs/client$c.log" 2>&1 &
  clients_pids+=($!)
done
failed=0
for pid in "${clients_pids[@]}"; do wait "$pid" || failed=1; done
end=$(date +%s.%N)
if [ "$failed" -ne 0 ]; then
  echo "a client failed:"; cat "$logs"/client*.log; exit 1
fi
python3 -c "import sys; c, p, t0, t1 = sys.argv[1:]; s = float(t1) - float(t0); print(f'{c} clients x {p} arts solves: {s:.1f} s, {int(c) * int(p) / s:.2f} solves/s')" \
  "$clients" "$puzzles" "$start" "$end"
