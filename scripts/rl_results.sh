#!/usr/bin/env bash
# Reproduces the RL comparison of docs/RESULTS.md ("The RL baseline and the
# squeeze"): per-puzzle counts of 256 constrained samples from the base and
# the RL generator on the test and tail splits (docs/results/rl/counts/),
# pass@k and the subsets (pass-at-k-report: docs/results/rl/), best-of-16 and
# the tree search on the rare and extinction subsets (docs/results/rl/search/;
# `search rare` runs one subset), and the same two searches over the RL model
# on all four (`search_rl`). `train` retrains models/generator_rl.ckpt instead
# (about 35 minutes alone on 2 cores; not part of `all`).
set -euo pipefail
cd "$(dirname "$0")/.."
lab=${ARTS_LAB:-./build/client/arts-lab}
out=docs/results/rl
steps=${ARTS_RL_STEPS:-300}

counts() {
  mkdir -p "$out/counts"
  for model in base:models/generator.ckpt rl:models/generator_rl.ckpt; do
    for split in test tail; do
      "$lab" eval-generator --model "${model#*:}" --split "$split" \
        --samples 256 --constrained --seed 1 --threads 1 \
        --counts_out "$out/counts/${model%%:*}-$split.csv"
    done
  done
}

report() {
  "$lab" pass-at-k-report \
    --base_counts "test=$out/counts/base-test.csv,tail=$out/counts/base-tail.csv" \
    --rl_counts "test=$out/counts/rl-test.csv,tail=$out/counts/rl-tail.csv" \
    --report_dir "$out"
}

# The table's searches on the subsets: the harness of scripts/results.sh,
# the same settings, over the subset files.
search() {
  local subsets=(rare extinction)
  [ $# -eq 0 ] || subsets=("$@")
  for subset in "${subsets[@]}"; do
    # A subset may be empty (no puzzle went extinct): nothing to search.
    if [ "$(grep -vc -e '^#' -e '^problem,' "$out/$subset.csv")" -eq 0 ]; then
      echo "$subset: empty, not searched"
      continue
    fi
    run() {
      "$lab" eval --puzzles "$out/$subset.csv" --constrained --seed 1 \
        --results_dir "$out/search" "$@" | tail -n 1
    }
    for v in flow discriminative mc_prm; do
      run --label "bon16-$v" --strategy best_of_n --samples 16 \
        --verifier_model "models/verifier_$v.ckpt"
      run --label "arts-$v" --strategy arts --proposals 2 --expand_width 2 \
        --max_tokens 188 --verifier_model "models/verifier_$v.ckpt"
    done
    # The ceiling the learned verifiers chase: the same search, exact values.
    run --label arts-exact --strategy arts --proposals 2 --expand_width 2 \
      --max_tokens 188 --verifier_model exact
  done
}

# The RL model searched like any generator: best-of-16 and the tree search
# with the flow verifier over models/generator_rl.ckpt, on every column.
search_rl() {
  for set in test tail rare extinction; do
    local where=(--split "$set")
    [ "$set" = test ] || [ "$set" = tail ] || where=(--puzzles "$out/$set.csv")
    run() {
      "$lab" eval "${where[@]}" --model models/generator_rl.ckpt \
        --constrained --seed 1 --results_dir "$out/search" "$@" | tail -n 1
    }
    run --label rl-bon16-flow --strategy best_of_n --samples 16 \
      --verifier_model models/verifier_flow.ckpt
    run --label rl-arts-flow --strategy arts --proposals 2 --expand_width 2 \
      --max_tokens 188 --verifier_model models/verifier_flow.ckpt
  done
}

case "${1:-all}" in
  train)
    mkdir -p runs/rl
    "$lab" train-rl --rl_steps "$steps" --group_size 16 \
      --problems_per_step 8 --rl_lr 1e-4 --kl_coefficient 0.04 \
      --rl_eval_every 50 --seed 1 --threads 2 \
      --rl_out runs/rl/generator_rl.ckpt 2>&1 | tee runs/rl/train.log
    cp runs/rl/generator_rl.ckpt models/generator_rl.ckpt
    cp runs/rl/train.log models/generator_rl.train.log
    ;;
  counts) counts ;;
  report) report ;;
  search)
    shift
    search "$@"
    ;;
  search_rl) search_rl ;;
  all)
    counts
    report
    search
    search_rl
    ;;
  *) echo "usage: $0 [all|counts|report|search|search_rl|train]" >&2; exit 2 ;;
esac
