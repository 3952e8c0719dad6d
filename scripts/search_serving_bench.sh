#!/usr/bin/env bash
# Issue 21's benchmark: the landed binaries and this build side by side in
# one run, on the same machine, measured from outside with `arts loadtest`
# (arts with the API's defaults, constrained, test-split puzzles, clients
# that send their next Solve as soon as the last ends). For each set of
# binaries it starts the three services on loopback ports 51050-51052 with
# their default flags, runs each client level, and prints the loadtest row,
# the positions per second each model service computed, and (where the
# generator counts it) the prefix positions it prefilled per OK Solve.
#
# Usage: scripts/search_serving_bench.sh BASELINE_DIR [SECONDS_PER_LEVEL=20]
#          [OUT_DIR=/tmp/search_serving_bench]
# BASELINE_DIR holds the landed arts-generator, arts-verifier and
# arts-orchestrator (copy them from build/server before building a change).
# Environment: LEVELS, the client counts (default "1 8 64").
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=$1
seconds=${2:-20}
out=${3:-/tmp/search_serving_bench}
build=./build
mkdir -p "$out"
source scripts/bench_services.sh

# level NAME CLIENTS
level() {
  local name=$1 clients=$2
  read -r g0 v0 p0 < <(counters)
  local t0 t1
  t0=$(date +%s.%N)
  $build/client/arts loadtest --target solve --address 127.0.0.1:51050 \
    --split test --strategy arts --constrained --concurrency "$clients" \
    --duration "${seconds}s" --timeout 60s --json "$out/$name.json" \
    2>/dev/null | tail -n 1
  t1=$(date +%s.%N)
  read -r g1 v1 p1 < <(counters)
  python3 - "$name" "$out/$name.json" "$g0" "$g1" "$v0" "$v1" "$p0" "$p1" \
    "$t0" "$t1" <<'PY'
import json, sys
name, path = sys.argv[1:3]
g0, g1, v0, v1, p0, p1, t0, t1 = map(float, sys.argv[3:])
s = t1 - t0
ok = json.load(open(path))["levels"][0]["ok"]
line = (f"  {name}: generator {(g1 - g0) / s:,.0f} positions/s, "
        f"verifier {(v1 - v0) / s:,.0f} positions/s")
if p1 > 0 and ok > 0:
    line += f", prefilled {(p1 - p0) / ok:,.1f} positions per OK Solve"
print(line)
PY
}

# run_set LABEL BIN_DIR (generator flags in $GENERATOR_FLAGS)
run_set() {
  local label=$1 bin=$2
  echo "== $label"
  start_services "$bin"
  for c in ${LEVELS:-1 8 64}; do level "${label}_c$c" "$c"; done
  stop_services
}

run_set landed "$baseline"
run_set new "$build/server"
# Today's prefill, counted: the new generator with its prefix cache off
# prefills every prefix whole, as the landed one does.
LEVELS=${PREFILL_LEVELS:-64} GENERATOR_FLAGS=--noprefix_cache \
  run_set new_nocache "$build/server"
echo "JSON reports in $out"
