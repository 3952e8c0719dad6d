#!/usr/bin/env bash
# Reproduces the bundled verifiers of issue 18 (docs/verifier.md): the trace
# trees, then four objectives trained on the same trees for the same time
# (40 minutes, one thread each, two side by side), each from the generator's
# weights:
#   models/verifier_flow.ckpt            flow_backup: conservation over every
#                                        legal child, bootstrapped (shipped)
#   runs/v3/verifier_flow_exact.ckpt     flow_exact: exact flows by
#                                        enumeration, the supervised ceiling
#   models/verifier_mc_prm.ckpt          the Monte Carlo PRM
#   models/verifier_discriminative.ckpt  the discriminative baseline
# `sampled` instead retrains the issue-11 flow objective (conservation over
# the sampled children, log-flow smoothing) on the same trees and time, for
# the comparison of objectives. Trees: ~20 minutes on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
arts=./build/client/arts
trees=runs/trees_v3
# 800 train-pool puzzles + 200 generated problems (3-5 numbers, target 24
# or a random game's result; never a test, tail or validation multiset).
# 16 first steps, 3 second steps under each, then one rollout to the end
# under each of those; 4 more rollouts from each of 4 forks per tree. These
# are the first 1000 trees of issue 11's command (--generated 1200).
"$arts" collect-trees --trees_dir "$trees" --problems 800 --generated 200 \
  --generated_seed 1 --shard_size 50 --children_by_depth 16,3,1 \
  --breadth 64 --forks 4 --fork_rollouts 4 --seed 1 --constrained --threads 1

mkdir -p runs/v3
common=(--trees_dir "$trees" --verifier_init models/generator.ckpt
  --verifier_lr 5e-4 --threads 1 --seed 1 --log_every 50 --epochs 1000
  --max_minutes 40)
train() {
  local out=$1 log=$2
  shift 2
  "$arts" train-verifier "${common[@]}" --verifier_out "$out" "$@" >"$log"
}

if [[ "${1:-}" == sampled ]]; then
  train runs/v3/verifier_flow_sampled.ckpt runs/v3/flow_sampled.log \
    --objective flow --reward_correct 10 --reward_wrong 0.1 \
    --trees_per_batch 2
  exit 0
fi
train models/verifier_flow.ckpt models/verifier_flow.train.log \
  --objective flow_backup --backup_weights uniform --states_per_batch 64 &
train runs/v3/verifier_flow_exact.ckpt runs/v3/flow_exact.log \
  --objective flow_exact --backup_weights uniform --states_per_batch 64
wait
train models/verifier_mc_prm.ckpt models/verifier_mc_prm.train.log \
  --objective mc_prm --trees_per_batch 2 &
train models/verifier_discriminative.ckpt \
  models/verifier_discriminative.train.log \
  --objective discriminative --trees_per_batch 2
wait
