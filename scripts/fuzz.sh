#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan, UBSan) and runs
# each for SECONDS (docs/reliability.md). Each target starts from its
# committed seed corpus (tests/fuzz/corpus/TARGET) and a working corpus in
# build-fuzz/corpus/TARGET that grows across runs; a crash, leak or
# sanitizer report stops the target, leaves the input in
# build-fuzz/artifacts/, and fails the script. Prints, per target, the
# executions, the coverage (libFuzzer's cov and ft) and the corpus size.
#
# Usage: scripts/fuzz.sh [SECONDS=60] [TARGET...]
#        scripts/fuzz.sh --replay [TARGET...]   # the seed corpora only (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
replay=0
if [[ "${1:-}" == "--replay" ]]; then
  replay=1
  shift
fi
seconds=60
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(countdown_fuzz text_task_fuzz requests_fuzz backend_replies_fuzz
           trace_tree_fuzz checkpoint_fuzz bearer_fuzz completions_fuzz
           http_request_fuzz)
fi

# clang and its libFuzzer runtime (Debian's compiler-rt).
bash scripts/install_debian_packages.sh fuzz clang libclang-rt-14-dev
[[ -f build-fuzz/build.ninja ]] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build-fuzz/corpus build-fuzz/artifacts build-fuzz/logs

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
total=0
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$target
  log=build-fuzz/logs/$target.log
  if [[ $replay == 1 ]]; then
    # -runs=0: every seed once, and nothing else.
    if ! "build-fuzz/tests/fuzz/$target" -runs=0 "$seeds" >"$log" 2>&1; then
      echo "$target: FAILED on its seed corpus (see $log)"
      failed=1
      continue
    fi
    echo "$target: $(ls "$seeds" | wc -l) seeds replayed, no report"
    continue
  fi
  work=build-fuzz/corpus/$target
  mkdir -p "$work"
  if ! "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/artifacts/$target-" \
      "$work" "$seeds" >"$log" 2>&1; then
    echo "$target: FAILED (see $log and build-fuzz/artifacts/)"
    failed=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$line")
  echo "$target: ${runs:-0} executions in ${seconds} s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  total=$((total + ${runs:-0}))
done
[[ $replay == 1 ]] || echo "total: $total executions"
exit $failed
