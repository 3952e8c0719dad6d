#!/usr/bin/env bash
# Reproduces docs/RESULTS.md: every run of the evaluation harness on the test
# and tail splits, in-process, seed 1, constrained decoding, with the bundled
# models. Writes docs/results/ (per-puzzle CSVs, summary.csv, summary.md,
# summary.svg). About 25 minutes on 2 cores. Pass `test` or `tail` to run one
# split only.
set -euo pipefail
cd "$(dirname "$0")/.."
arts=./build/client/arts
out=docs/results
flow=models/verifier_flow.ckpt
disc=models/verifier_discriminative.ckpt
# The token budget of the tree search: what best-of-16 spends per puzzle on
# the test split (docs/RESULTS.md), so that arts uses no more.
budget=${ARTS_TREE_BUDGET:-370}
common=(--constrained --seed 1 --results_dir "$out")

for split in "${@:-test tail}"; do
  for s in $split; do
    run() { "$arts" eval --split "$s" "${common[@]}" "$@" | tail -n 3; }
    run --label base-pass1 --strategy majority_vote --samples 1 --verifier_model "$flow"
    run --label majority16 --strategy majority_vote --samples 16 --verifier_model "$flow"
    run --label bon16-discriminative --strategy best_of_n --samples 16 --verifier_model "$disc"
    run --label bon16-flow --strategy best_of_n --samples 16 --verifier_model "$flow"
    run --label weighted16-flow --strategy weighted_vote --samples 16 --verifier_model "$flow"
    run --label beam4x4-flow --strategy beam --beam_width 4 --proposals 4 --verifier_model "$flow"
    run --label arts-flow --strategy arts --proposals 4 --expand_width 2 --max_tokens "$budget" --verifier_model "$flow"
    run --label dvts16-flow --strategy dvts --samples 16 --proposals 4 --verifier_model "$flow"
  done
done
