#!/usr/bin/env bash
# The verifiers' training runs (docs/verifier.md).
#
# `variants` reruns issue 11's comparison of flow objectives.
# `bundled` reproduces issue 11's text-network verifiers (bundled until
# issue 18; now written to runs/v2/, not models/): 2000 forked trees
# (~26 min on one core), then the flow-matching verifier (sampled children,
# log-flow smoothing) and the Monte Carlo PRM, one epoch each from the
# generator's weights, side by side (63-73 min); `bundled discriminative`
# retrains that baseline on the same trees.
#
# With no argument it runs issue 18's comparison into runs/v3/: the first
# 1000 of those trees, then the full backup over every legal child
# (flow_backup) and exact flows by enumeration (flow_exact, the supervised
# ceiling), each from the generator's weights for 40 minutes, one thread,
# side by side. `baselines` trains the Monte Carlo PRM and the
# discriminative verifier on the same trees for the same time. `state`
# trains every objective on the state network (runs/v4/), the shipped flow
# verifier among them; `state objectives` the rest of issue 18's flow
# objectives on the same network, trees and time (sub-trajectory and
# detailed balance with a learned forward policy, the generator's own flow
# from its sampled children, and the backup from 4 sampled legal children);
# `state capacity` the shipped objective on a larger network.
set -euo pipefail
cd "$(dirname "$0")/.."
lab=${ARTS_LAB:-./build/client/arts-lab}

# 16 first steps, 3 second steps under each, then one rollout to the end
# under each of those; 4 more rollouts from each of 4 forks per tree.
# Problems: train-pool puzzles 1-800, then generated ones (3-5 numbers,
# target 24 or a random game's result; never a test, tail or validation
# multiset). The first N generated problems do not depend on how many more
# are drawn, so --generated 200 gives the first 1000 trees of 1200.
collect() {
  local dir=$1 generated=$2
  "$lab" collect-trees --trees_dir "$dir" --problems 800 \
    --generated "$generated" --generated_seed 1 --shard_size 50 \
    --children_by_depth 16,3,1 --breadth 64 --forks 4 --fork_rollouts 4 \
    --seed 1 --constrained --threads 1
}

if [[ "${1:-}" == variants ]]; then
  # Issue 11's side-by-side of flow objectives on a 400-tree subset of
  # runs/trees_v2 (collect it with `bundled` first).
  common=(--verifier_init models/generator.ckpt --trees_per_batch 2
    --verifier_lr 5e-4 --threads 1 --seed 1 --log_every 50)
  smoothing=(--reward_correct 10 --reward_wrong 0.1)
  subset=runs/trees_small  # train-pool ranks 1-300 + 100 generated
  mkdir -p "$subset" runs/variants
  for shard in 00000 00001 00002 00003 00004 00005 00020 00021; do
    ln -sfn "../trees_v2/trees-$shard.txt" "$subset/trees-$shard.txt"
  done
  v() {
    local name=$1
    shift
    "$lab" train-verifier --trees_dir "$subset" --epochs 1 "${common[@]}" \
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

if [[ "${1:-}" == bundled ]]; then
  trees=runs/trees_v2
  collect "$trees" 1200
  mkdir -p runs/v2
  common=(--verifier_init models/generator.ckpt --trees_per_batch 2
    --verifier_lr 5e-4 --threads 1 --seed 1 --log_every 50)
  train() {
    local name=$1
    shift
    "$lab" train-verifier --trees_dir "$trees" --epochs 1 "${common[@]}" \
      --verifier_out "runs/v2/verifier_$name.ckpt" "$@" |
      tee "runs/v2/verifier_$name.train.log"
  }
  if [[ "${2:-}" == discriminative ]]; then
    train discriminative --objective discriminative
    exit 0
  fi
  # The paper's log-flow smoothing: R = 10 for a correct trace, 0.1 otherwise.
  train flow --objective flow --reward_correct 10 --reward_wrong 0.1 &
  train mc_prm --objective mc_prm
  wait
  exit 0
fi

trees=runs/trees_v3
collect "$trees" 200

if [[ "${1:-}" == state ]]; then
  # Issue 18, the state network (docs/verifier.md): every objective on the
  # same 1000 trees, with the same network shape (d 64, 2 layers, from
  # random weights), for the same time on one core each, two at a time.
  # models/verifier_flow.ckpt is the flow_backup run's checkpoint.
  mkdir -p runs/v4
  state=(--trees_dir "$trees" --verifier_architecture state --verifier_lr 1e-3
    --threads 1 --seed 1 --log_every 100 --epochs 1000
  )
  st() {
    local name=$1
    shift
    "$lab" train-verifier "${state[@]}" \
      --max_minutes "${ARTS_VERIFIER_MINUTES:-20}" \
      --verifier_out "runs/v4/verifier_$name.ckpt" "$@" >"runs/v4/$name.log"
  }
  if [[ "${2:-}" == objectives ]]; then
    # Balance with mean conservation (the backup's scale), then with sum
    # conservation (GFlowNet's), then the two sampled-children estimates.
    st flow_subtb --objective flow_subtb --subtb_lambda 0.9 \
      --paths_per_batch 64 &
    st flow_db --objective flow_subtb --subtb_lambda 0 --paths_per_batch 64
    wait
    st flow_subtb_sum --objective flow_subtb --subtb_lambda 0.9 \
      --backup_weights sum --paths_per_batch 64 &
    st flow_db_sum --objective flow_subtb --subtb_lambda 0 \
      --backup_weights sum --paths_per_batch 64
    wait
    st flow_policy --objective flow_backup --backup_weights policy \
      --states_per_batch 256 &
    st flow_backup_k4 --objective flow_backup --backup_samples 4 \
      --states_per_batch 256
    wait
    exit 0
  fi
  if [[ "${2:-}" == capacity ]]; then
    # Issue 18 §3: the shipped objective on a network deeper and wider than
    # the generator (d 128 x 4 layers against d 64 x 2), the same 20 min.
    st flow_backup_d128x4 --objective flow_backup --states_per_batch 256 \
      --verifier_d_model 128 --verifier_layers 4
    exit 0
  fi
  st flow_backup --objective flow_backup --states_per_batch 256 &
  st mc_prm --objective mc_prm --trees_per_batch 8
  wait
  st discriminative --objective discriminative --trees_per_batch 8 &
  st flow --objective flow --reward_correct 10 --reward_wrong 0.1 \
    --trees_per_batch 8
  wait
  # The ceiling: the same network regressed on exact flows.
  ARTS_VERIFIER_MINUTES=${ARTS_EXACT_MINUTES:-12} st flow_exact \
    --objective flow_exact --states_per_batch 256
  exit 0
fi

mkdir -p runs/v3
common=(--trees_dir "$trees" --verifier_init models/generator.ckpt
  --verifier_lr 5e-4 --threads 1 --seed 1 --log_every 50 --epochs 1000
  --max_minutes 40)
train() {
  local name=$1
  shift
  "$lab" train-verifier "${common[@]}" \
    --verifier_out "runs/v3/verifier_$name.ckpt" "$@" >"runs/v3/$name.log"
}
if [[ "${1:-}" == baselines ]]; then
  train mc_prm --objective mc_prm --trees_per_batch 2 &
  train discriminative --objective discriminative --trees_per_batch 2
  wait
  exit 0
fi
train flow_backup --objective flow_backup --backup_weights uniform \
  --states_per_batch 64 &
train flow_exact --objective flow_exact --backup_weights uniform \
  --states_per_batch 64
wait
