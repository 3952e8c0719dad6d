#!/usr/bin/env bash
# The main job: set up, build, start the three services on loopback with the
# bundled models (arts-generator, arts-verifier, arts-orchestrator), solve a
# handful of Game-of-24 puzzles through the orchestrator with the flow-guided
# tree search, print each answer with its score and cost, then stop the
# services with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Only what the demo runs: the three servers and the CLI (the test command,
# scripts/test.sh, builds everything).
cmake --preset default >/dev/null
cmake --build --preset default --target arts-generator arts-verifier \
  arts-orchestrator arts

generator_port=${ARTS_GENERATOR_PORT:-50051}
verifier_port=${ARTS_VERIFIER_PORT:-50052}
orchestrator_port=${ARTS_ORCHESTRATOR_PORT:-50050}
orchestrator_metrics=${ARTS_ORCHESTRATOR_METRICS_PORT:-9090}
logs=$(mktemp -d)
pids=()
start() {  # name, flags...
  local name=$1
  shift
  "./build/server/arts-$name" "$@" 2>"$logs/$name.log" &
  pids+=($!)
}
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  cat "$logs"/*.log >&2
  rm -rf "$logs"
}
trap stop EXIT

start generator --listen "127.0.0.1:$generator_port" \
  --metrics_listen "127.0.0.1:${ARTS_GENERATOR_METRICS_PORT:-9091}"
start verifier --listen "127.0.0.1:$verifier_port" \
  --metrics_listen "127.0.0.1:${ARTS_VERIFIER_METRICS_PORT:-9092}"
start orchestrator --listen "127.0.0.1:$orchestrator_port" \
  --metrics_listen "127.0.0.1:$orchestrator_metrics" \
  --generator "127.0.0.1:$generator_port" \
  --verifier "127.0.0.1:$verifier_port"

arts=./build/client/arts
orchestrator="--orchestrator 127.0.0.1:$orchestrator_port"
# Three Game-of-24 puzzles (3 3 8 8 needs a fraction) and the first two of
# the test split (ranks 901 and 902). A puzzle with no solution (2 5 7 12)
# is searched below.
puzzles="4 9 10 13 -> 24,1 1 4 6 -> 24,3 3 8 8 -> 24,4 5 6 10 -> 24,1 2 4 7 -> 24"
# The tree search as tuned on the validation puzzles (docs/RESULTS.md): two
# nodes a round, two children each, at most 256 sampled tokens a puzzle.
tree=(--strategy arts --proposals 2 --expand_width 2 --max_tokens 256)
echo "== flow-guided tree search (arts), best 2 answers per puzzle"
$arts solve $orchestrator --wait_for_ready "${tree[@]}" --top_n 2 \
  --seed 1 --problem "$puzzles"
echo "== a puzzle with no solution: the search finds no passing answer and says so"
$arts solve $orchestrator "${tree[@]}" --seed 1 --problem "2 5 7 12 -> 24"
echo "== best-of-16 ranked by the flow verifier, for comparison"
$arts solve $orchestrator --strategy best_of_n --samples 16 --seed 1 \
  --problem "4 9 10 13 -> 24,1 1 4 6 -> 24"
echo "== the same tree search, streaming its progress"
$arts solve $orchestrator "${tree[@]}" --stream --seed 2 \
  --problem "4 9 10 13 -> 24"
echo "== a few metrics from http://127.0.0.1:$orchestrator_metrics/metrics"
curl -s "http://127.0.0.1:$orchestrator_metrics/metrics" |
  grep -E '^arts_orchestrator_(solve_seconds_(count|sum)|tokens_per_solve_(count|sum)|generator_calls_per_solve_(count|sum))' || true
