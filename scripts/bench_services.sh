#!/usr/bin/env bash
# Shared by the serving benchmarks (source it): the three services on
# loopback ports 51050-51052, metrics on 51091-51092, their stderr in $out.
# Needs $build (the build directory, for the arts CLI) and $out.

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# start_services BIN_DIR: arts-generator, arts-verifier and
# arts-orchestrator from BIN_DIR with their default flags plus
# $GENERATOR_FLAGS, $VERIFIER_FLAGS and $ORCHESTRATOR_FLAGS ($ORCHESTRATOR:
# another orchestrator binary). Returns once a Solve succeeds.
start_services() {
  local bin=$1
  # shellcheck disable=SC2086
  "$bin/arts-generator" --listen 127.0.0.1:51051 \
    --metrics_listen 127.0.0.1:51091 ${GENERATOR_FLAGS:-} 2>"$out/generator.log" &
  pids+=($!)
  # shellcheck disable=SC2086
  "$bin/arts-verifier" --listen 127.0.0.1:51052 \
    --metrics_listen 127.0.0.1:51092 ${VERIFIER_FLAGS:-} 2>"$out/verifier.log" &
  pids+=($!)
  # shellcheck disable=SC2086
  "${ORCHESTRATOR:-$bin/arts-orchestrator}" --listen 127.0.0.1:51050 \
    --metrics_listen= --generator 127.0.0.1:51051 \
    --verifier 127.0.0.1:51052 ${ORCHESTRATOR_FLAGS:-} \
    2>"$out/orchestrator.log" &
  pids+=($!)
  "$build/client/arts" solve --orchestrator 127.0.0.1:51050 --wait_for_ready \
    --timeout 60s --problem "4 9 10 13 -> 24" >/dev/null
}

stop_services() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

# Counters so far, one line: generator positions (every position a decode
# step fed, prefills included), verifier positions computed, generator
# prefix positions prefilled (0 from a generator that does not count them).
counters() {
  python3 - <<'PY'
import urllib.request
def total(port, name, label=""):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith(name) and label in line)
print(total(51091, "arts_generator_positions_per_step_sum"),
      total(51092, "arts_verifier_positions_total", 'source="computed"'),
      total(51091, "arts_generator_positions_prefilled_total"))
PY
}

# loadtest_level JSON TARGET ADDRESS [FLAGS...]: one level of `arts loadtest`
# with the benchmarks' Solves (arts as served by default, constrained,
# test-split puzzles) at $clients clients for $seconds s, its report in
# JSON; prints the level's row.
loadtest_level() {
  local json=$1 target=$2 address=$3
  shift 3
  "$build/client/arts" loadtest --target "$target" --address "$address" \
    --split test --strategy arts --constrained --concurrency "$clients" \
    --duration "${seconds}s" --timeout 60s --json "$json" "$@" \
    2>/dev/null | tail -n 1
}
