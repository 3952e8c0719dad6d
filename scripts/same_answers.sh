#!/usr/bin/env bash
# Checks that the search strategies give the same answers for the same seed
# as the results committed in docs/results/ (issue 19's contract: a change
# to how searches are driven must not change what they find). Reruns arts,
# beam, DVTS and best-of-16 on the test split with the exact commands of
# scripts/results.sh into a scratch directory (or $1), then compares every
# column but the wall time with the committed CSVs. Exits 1 on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
lab=./build/client/arts-lab
flow=models/verifier_flow.ckpt
out=${1:-$(mktemp -d)}
mkdir -p "$out"
run() {
  "$lab" eval --split test --constrained --seed 1 --results_dir "$out" "$@" |
    tail -n 1
}
run --label beam4x4-flow --strategy beam --beam_width 4 --proposals 4 --verifier_model "$flow"
run --label arts-flow --strategy arts --proposals 2 --expand_width 2 --max_tokens 188 --verifier_model "$flow"
run --label dvts16-flow --strategy dvts --samples 16 --proposals 4 --verifier_model "$flow"
run --label bon16-flow --strategy best_of_n --samples 16 --verifier_model "$flow"
# Every column but wall_seconds (the 10th).
strip() { cut -d, -f1-9,11- "$1"; }
status=0
for label in beam4x4-flow arts-flow dvts16-flow bon16-flow; do
  if diff <(strip "docs/results/$label-test.csv") <(strip "$out/$label-test.csv") >/dev/null; then
    echo "$label: the same answers, costs and stop reasons on all 100 puzzles"
  else
    echo "$label: DIFFERS from docs/results/$label-test.csv (see $out)"
    status=1
  fi
done
exit $status
