#!/usr/bin/env bash
# Reproduces the bundled verifiers of issue 11 (docs/verifier.md): the trace
# trees, then the flow-matching verifier and the Monte Carlo process reward
# model, each one epoch over the same trees from the generator's weights
# (`discriminative` retrains that baseline on the same trees too). `variants` instead runs the side-by-side
# comparison of objectives on a 400-tree subset (docs/verifier.md, "What
# each change does"). Trees: ~26 min on one core; each verifier ~30 min on
# one core (two run side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
arts=./build/client/arts
trees=runs/trees_v2
# 800 train-pool puzzles + 1200 generated problems (3-5 numbers, target 24
# or a random game's result; never a test, tail or validation multiset).
# 16 first steps, 3 second steps under each, then one rollout to the end
# under each of those; 4 more rollouts from each of 4 forks per tree.
"$arts" collect-trees --trees_dir "$trees" --problems 800 --generated 1200 \
  --generated_seed 1 --shard_size 50 --children_by_depth 16,3,1 \
  --breadth 64 --forks 4 --fork_rollouts 4 --seed 1 --constrained --threads 1

common=(--verifier_init models/generator.ckpt --trees_per_batch 2
  --verifier_lr 5e-4 --threads 1 --seed 1 --log_every 50)
# The paper's log-flow smoothing: R = 10 for a correct trace, 0.1 otherwise.
smoothing=(--reward_correct 10 --reward_wrong 0.1)

if [[ "${1:-}" == variants ]]; then
  subset=runs/trees_small  # train-pool ranks 1-300 + 100 generated
  mkdir -p "$subset" runs/variants
  for shard in 00000 00001 00002 00003 00004 00005 00020 00021; do
    ln -sfn "../trees_v2/trees-$shard.txt" "$subset/trees-$shard.txt"
  done
  v() {
    local name=$1
    shift
    "$arts" train-verifier --trees_dir "$subset" --epochs 1 "${common[@]}" \
      --verifier_out "runs/variants/$name.ckpt" "$@" \
      >"runs/variants/$name.log"
  }
  v flow_eps12_mean --objective flow &
  v flow_smooth_mean --objective flow "${smoothing[@]}"
  wait
  v flow_smooth_sum --objective flow "${smoothing[@]}" --conservation sum &
  wait
  exit 0
fi

train() {
  local name=$1
  shift
  "$arts" train-verifier --trees_dir "$trees" --epochs 1 "${common[@]}" \
    --verifier_out "models/verifier_$name.ckpt" "$@" |
    tee "models/verifier_$name.train.log"
}
if [[ "${1:-}" == discriminative ]]; then
  # Not run for the bundled discriminative verifier, which is still the one
  # of the first trees (docs/verifier.md); this retrains it on these trees.
  train discriminative --objective discriminative
  exit 0
fi
train flow --objective flow "${smoothing[@]}" &
train mc_prm --objective mc_prm
wait
