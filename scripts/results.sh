#!/usr/bin/env bash
# Reproduces docs/RESULTS.md: every run of the evaluation harness on the test
# and tail splits, in-process, seed 1, constrained decoding, with the bundled
# models. Writes docs/results/ (per-puzzle CSVs, summary.csv, summary.md,
# summary.svg). Pass `test` or `tail` to run one split only, `verifiers`
# for the verifiers' AUC on both splits (docs/results/verifiers/), or `curve` for
# success against tokens on the test split (docs/results/curve/),
# `validation` for the tuning runs of the tree search (docs/results/validation/),
# or `objectives` for the search with issue 18's other flow objectives.
set -euo pipefail
cd "$(dirname "$0")/.."
lab=${ARTS_LAB:-./build/client/arts-lab}
flow=models/verifier_flow.ckpt
disc=models/verifier_discriminative.ckpt
prm=models/verifier_mc_prm.ckpt
# The token budget of the tree search: half of what best-of-16 spends per
# puzzle (376 on the test split, 378 on the tail).
budget=${ARTS_TREE_BUDGET:-188}

run() {
  local dir=$1 split=$2
  shift 2
  "$lab" eval --split "$split" --constrained --seed 1 --results_dir "$dir" \
    "$@" | tail -n 3
}

case "${1:-all}" in
  verifiers)
    # Verifier quality (docs/verifier.md): AUC on enumerated states and on
    # the generator's own constrained states (60 puzzles, 8 first steps
    # each and one second step under each): the test split, and the first
    # 60 tail puzzles (the tail's enumerated states take too long to score
    # in full). VERIFIERS may name other checkpoints, e.g. the ceiling
    # runs/v3/verifier_flow_exact.ckpt, and VERIFIERS_OUT another folder.
    out=${VERIFIERS_OUT:-docs/results/verifiers}
    mkdir -p "$out"
    tail60=$out/tail60.txt
    sed -n 2,61p docs/results/arts-flow-tail.csv | cut -d, -f1 >"$tail60"
    for path in ${VERIFIERS:-$flow $prm $disc}; do
      name=$(basename "$path" .ckpt)
      for where in "test:--split test" "tail60:--puzzles $tail60"; do
        "$lab" eval-verifier --verifier_model "$path" ${where#*:} \
          --seed 1 --constrained --mc_problems 60 --mc_states 8 \
          --mc_samples 4 --threads 1 >"$out/$name-${where%%:*}.txt"
        head -n 2 "$out/$name-${where%%:*}.txt"
      done
    done
    exit 0
    ;;
  objectives)
    # Issue 18's other flow objectives (scripts/train_verifiers.sh state
    # objectives, runs/v4/): the tree search as in the tables, with each,
    # on the test and tail splits and the RL comparison's rare and
    # extinction subsets (docs/results/objectives/).
    out=docs/results/objectives
    for name in ${OBJECTIVES:-flow_policy flow_backup_k4 flow_subtb flow_db flow_subtb_sum \
      flow_db_sum}; do
      for where in "test:--split test" "tail:--split tail" \
        "rare:--puzzles docs/results/rl/rare.csv" \
        "extinction:--puzzles docs/results/rl/extinction.csv"; do
        "$lab" eval ${where#*:} --constrained --seed 1 --results_dir "$out" \
          --label "arts-$name" --strategy arts --proposals 2 \
          --expand_width 2 --max_tokens "$budget" \
          --verifier_model "runs/v4/verifier_$name.ckpt" | tail -n 2 | head -n 1
      done
    done
    exit 0
    ;;
  curve)
    out=docs/results/curve
    for tokens in 64 128 256 512 1024; do
      samples=$(((tokens + 12) / 24))
      run "$out" test --label "bon-flow@$tokens" --strategy best_of_n \
        --samples "$samples" --verifier_model "$flow"
      for v in flow mc_prm discriminative; do
        run "$out" test --label "arts-$v@$tokens" --strategy arts \
          --proposals 2 --expand_width 2 --max_tokens "$tokens" \
          --verifier_model "models/verifier_$v.ckpt"
      done
      run "$out" test --label "arts-exact@$tokens" --strategy arts \
        --proposals 2 --expand_width 2 --max_tokens "$tokens" \
        --verifier_model exact
      run "$out" test --label "dvts-flow@$tokens" --strategy dvts \
        --samples 16 --proposals 4 --max_tokens "$tokens" \
        --verifier_model "$flow"
    done
    exit 0
    ;;
  validation)
    out=docs/results/validation
    for spec in 1-2 1-4 1-8 2-1 2-2 2-4 2-8 3-2 3-3 4-1 4-2 4-4 4-8 6-2 8-1 8-2; do
      width=${spec%-*} k=${spec#*-}
      run "$out" validation --label "arts-w${width}-k$k" --strategy arts \
        --proposals "$k" --expand_width "$width" --max_tokens "$budget" \
        --verifier_model "$flow"
    done
    run "$out" validation --label arts-tilted --strategy arts --proposals 4 \
      --expand_width 2 --flow_tilted --tilt_pool 16 --max_tokens "$budget" \
      --verifier_model "$flow"
    for n in 8 16; do
      run "$out" validation --label "bon$n-flow" --strategy best_of_n \
        --samples "$n" --verifier_model "$flow"
    done
    for v in mc_prm:"$prm" disc:"$disc"; do
      run "$out" validation --label "arts-w2-k2-${v%%:*}" --strategy arts \
        --proposals 2 --expand_width 2 --max_tokens "$budget" \
        --verifier_model "${v#*:}"
    done
    exit 0
    ;;
  all) splits="test tail" ;;
  *) splits="$*" ;;
esac

out=docs/results
for s in $splits; do
  run "$out" "$s" --label base-pass1 --strategy majority_vote --samples 1 --verifier_model "$flow"
  run "$out" "$s" --label majority16 --strategy majority_vote --samples 16 --verifier_model "$flow"
  run "$out" "$s" --label bon16-discriminative --strategy best_of_n --samples 16 --verifier_model "$disc"
  run "$out" "$s" --label bon16-flow --strategy best_of_n --samples 16 --verifier_model "$flow"
  run "$out" "$s" --label bon16-mc_prm --strategy best_of_n --samples 16 --verifier_model "$prm"
  run "$out" "$s" --label weighted16-flow --strategy weighted_vote --samples 16 --verifier_model "$flow"
  run "$out" "$s" --label beam4x4-flow --strategy beam --beam_width 4 --proposals 4 --verifier_model "$flow"
  run "$out" "$s" --label arts-flow --strategy arts --proposals 2 --expand_width 2 --max_tokens "$budget" --verifier_model "$flow"
  run "$out" "$s" --label arts-discriminative --strategy arts --proposals 2 --expand_width 2 --max_tokens "$budget" --verifier_model "$disc"
  run "$out" "$s" --label arts-mc_prm --strategy arts --proposals 2 --expand_width 2 --max_tokens "$budget" --verifier_model "$prm"
  run "$out" "$s" --label arts-exact --strategy arts --proposals 2 --expand_width 2 --max_tokens "$budget" --verifier_model exact
  run "$out" "$s" --label dvts16-flow --strategy dvts --samples 16 --proposals 4 --verifier_model "$flow"
done
