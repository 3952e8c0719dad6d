#!/usr/bin/env bash
# The main job: set up, build, start the Generator service on loopback with
# the bundled model, stream candidate steps for a few Game-of-24 puzzles
# through the `arts` CLI, then stop the service with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

port=${ARTS_GENERATOR_PORT:-50051}
metrics_port=${ARTS_GENERATOR_METRICS_PORT:-9091}
log=$(mktemp)
./build/server/arts-generator --listen "127.0.0.1:${port}" \
  --metrics_listen "127.0.0.1:${metrics_port}" 2>"$log" &
server=$!
stop() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" || true
  fi
  cat "$log" >&2
  rm -f "$log"
}
trap stop EXIT

arts=./build/client/arts
puzzles="4 9 10 13 -> 24,1 5 5 5 -> 24,3 3 8 8 -> 24"
echo "== one next step, 4 candidates each (unconstrained sampling)"
$arts generate --generator "127.0.0.1:${port}" --wait_for_ready \
  --problem "$puzzles" --n 4 --max_steps 1 --seed 1
echo "== whole traces, 4 candidates each, constrained to legal steps"
$arts generate --generator "127.0.0.1:${port}" \
  --problem "$puzzles" --n 4 --max_steps 0 --constrained --seed 2
echo "== continuing a prefix"
$arts generate --generator "127.0.0.1:${port}" --problem "4 9 10 13 -> 24" \
  --prefix "13 - 9 = 4 (left: 4 4 10)" --n 4 --max_steps 0 --seed 3
echo "== a few metrics from http://127.0.0.1:${metrics_port}/metrics"
curl -s "http://127.0.0.1:${metrics_port}/metrics" | grep -E '^arts_(rpc_requests|generator)_' || true
