#!/usr/bin/env bash
# The language-model loss, measured (docs/your_own_model.md, "A language
# model beside the flow"): the walkthrough's trees (600 training problems,
# 40 held-out), then two text verifiers trained side by side on them, one
# thread each for the same MINUTES, identical but for --lm_weight (each of
# LM_WEIGHTS), and each one's AUC on the held-out trees.
#
#   bash examples/your_own_model/lm_weight_ab.sh
#
# Environment: MINUTES (15), LM_WEIGHTS ("0 1"; every run gets a thread,
# so keep their number within the cores), TEST (40 held-out problems, as
# docs/your_own_model.md measured it; the walkthrough now holds out 200),
# WORK (runs/lm_weight_ab), BUILD (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WORK=${WORK:-runs/lm_weight_ab}
MINUTES=${MINUTES:-15}
LM_WEIGHTS=${LM_WEIGHTS:-0 1}
lab=$BUILD/client/arts-lab
mkdir -p "$WORK"
# The walkthrough's problems, LLM stand-in and trees (its steps 1-3).
WORK=$WORK BUILD=$BUILD TEST=${TEST:-40} TREES_ONLY=1 \
  bash examples/your_own_model/walkthrough.sh

# The verifiers, side by side: the walkthrough's step 4 with one thread.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for lm in $LM_WEIGHTS; do
  "$lab" train-verifier --trees_dir "$WORK/trees" --objective flow \
    --reward_correct 10 --reward_wrong 0.1 --trees_per_batch 1 \
    --verifier_lr 2e-3 --subword_vocab 64 --epochs 1000 --threads 1 \
    --lm_weight "$lm" --max_minutes "$MINUTES" --log_every 1000 \
    --verifier_out "$WORK/verifier_lm$lm.ckpt" >"$WORK/train_lm$lm.log" 2>&1 &
  pids+=($!)
done
wait "${pids[@]}"
for lm in $LM_WEIGHTS; do
  echo "== --lm_weight $lm: $(grep -c '/1000 train loss' "$WORK/train_lm$lm.log") epochs;" \
    "$(grep 'best, saved' "$WORK/train_lm$lm.log" | tail -1)"
  "$lab" eval-verifier --verifier_model "$WORK/verifier_lm$lm.ckpt" \
    --held_out_trees "$WORK/test_trees" | tee "$WORK/eval_lm$lm.txt"
done
