#!/usr/bin/env bash
# The serving benchmarks of docs/BENCHMARKS.md, measured from outside as a
# user would: the three services on loopback ports 51050-51052 with the
# bundled models (each with its default flags, one compute thread), loaded
# by `arts loadtest` with test-split puzzles. For each level it prints the
# loadtest row and the positions per second each model service computed
# over the level (scraped from /metrics on 51091-51092). Writes the JSON
# reports to OUT_DIR. Needs a build (scripts/build.sh).
#
# Usage: scripts/serving_bench.sh [SECONDS_PER_LEVEL=20] [OUT_DIR=/tmp/serving_bench]
# Environment: ORCHESTRATOR, another arts-orchestrator binary (to compare a
# change with the binary before it in one run); SOLVE_LEVELS, the Solve
# levels' client counts (default "1 8 64 256"); SOLVE_ONLY=1, the Solve
# levels alone.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
out=${2:-/tmp/serving_bench}
build=./build
mkdir -p "$out"
source scripts/bench_services.sh

# level NAME LOADTEST_FLAGS...: one loadtest level with the services' rates.
level() {
  local name=$1
  shift
  read -r g0 v0 _ < <(counters)
  local t0
  t0=$(date +%s.%N)
  $build/client/arts loadtest --split test --duration "${seconds}s" \
    --timeout 60s --json "$out/$name.json" "$@" 2>/dev/null | tail -n 1
  local t1
  t1=$(date +%s.%N)
  read -r g1 v1 _ < <(counters)
  python3 -c "import sys; n, g0, g1, v0, v1, t0, t1 = sys.argv[1:]; s = float(t1) - float(t0); print(f'  {n}: generator {(float(g1) - float(g0)) / s:,.0f} positions/s, verifier {(float(v1) - float(v0)) / s:,.0f} positions/s')" \
    "$name" "$g0" "$g1" "$v0" "$v1" "$t0" "$t1"
}

echo "== Solve (arts, constrained), one level per concurrency"
start_services "$build/server"
# k = 4 and no token budget, the settings docs/BENCHMARKS.md measured
# (arts' defaults were these before issue 18 made them the tuned 2 and 256).
for c in ${SOLVE_LEVELS:-1 8 64 256}; do
  level "solve_c$c" --target solve --address 127.0.0.1:51050 \
    --strategy arts --proposals 4 --max_tokens 0 --constrained \
    --concurrency "$c"
done

if [[ "${SOLVE_ONLY:-0}" == 1 ]]; then
  stop_services
  echo "JSON reports in $out"
  exit 0
fi

echo "== Propose (16 one-step candidates per call)"
for c in 1 64; do
  level "propose_c$c" --target propose --address 127.0.0.1:51051 \
    --constrained --concurrency "$c"
done

stop_services

# The loadtest's score traces repeat every 100 puzzles, so with the prefix
# cache every trace after the first round would be free: off here.
echo "== Score (one trace per call, prefix cache off): one call at a time vs 64 at once"
VERIFIER_FLAGS="--prefix_cache_mb 0" start_services "$build/server"
for c in 1 64; do
  level "score_c$c" --target score --address 127.0.0.1:51052 --traces 1 \
    --concurrency "$c"
done
level "score_64_traces_c1" --target score --address 127.0.0.1:51052 \
  --traces 64 --concurrency 1
stop_services

echo "== Overload: Solve with an admission limit of 64, at 64 and at 256 clients that never back off"
ORCHESTRATOR_FLAGS="--max_concurrent_requests 64" start_services "$build/server"
for c in 64 256; do
  level "overload_c$c" --target solve --address 127.0.0.1:51050 \
    --strategy arts --constrained --concurrency "$c"
done
stop_services
echo "JSON reports in $out"
