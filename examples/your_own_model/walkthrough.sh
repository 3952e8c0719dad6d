#!/usr/bin/env bash
# docs/your_own_model.md, every command in order: an OpenAI-compatible LLM
# server (the toy one of examples/python/toy_llm_server.py, standing in for
# vLLM), arts-generator over it, trees collected through the Generator
# contract and rewarded by reference answers, a flow verifier trained on
# them with a SentencePiece tokenizer, its AUC on held-out problems, and
# best-of-16 against arts through the three services.
#
#   bash examples/your_own_model/walkthrough.sh
#
# Sizes (the defaults give the numbers of docs/your_own_model.md; the test
# your_own_model_walkthrough runs it small): TRAIN and TEST problems,
# MINUTES of verifier training (one thread: faster than two for this small
# network), TEST_TREES (the held-out trees' children by depth), LM_WEIGHT
# (train-verifier --lm_weight), VALIDATION problems, BUDGETS and SHARE
# (step 7: arts' budget is chosen on the validation problems), WORK
# (runs/your_own_model), BUILD (build). TREES_ONLY=1 stops after the trees
# (step 3), for experiments on them (lm_weight_ab.sh); VERIFIER=CKPT skips
# the training (step 4) and evaluates, serves and searches with that
# checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WORK=${WORK:-runs/your_own_model}
TRAIN=${TRAIN:-600}
TEST=${TEST:-200}
VALIDATION=${VALIDATION:-200}
MINUTES=${MINUTES:-25}
TEST_TREES=${TEST_TREES:-8,4,4,2,1}
LM_WEIGHT=${LM_WEIGHT:-1}
BUDGETS=${BUDGETS:-256 384 512 640 768 1024}
SHARE=${SHARE:-0.45}
TREES_ONLY=${TREES_ONLY:-0}
VERIFIER=${VERIFIER:-}
lab=$BUILD/client/arts-lab
arts=$BUILD/client/arts
python=/usr/bin/python3
mkdir -p "$WORK"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
say() { echo; echo "== $*"; }

say "1. Problems with reference answers, the held-out ones never trained on"
"$python" examples/python/sum_problems.py --count "$TRAIN" --seed 1 --max 4 \
  >"$WORK/train.jsonl"
"$python" examples/python/sum_problems.py --count "$TEST" --seed 2 --max 4 \
  --exclude "$WORK/train.jsonl" >"$WORK/test.jsonl"
head -2 "$WORK/test.jsonl"

say "2. The LLM server, and arts-generator over its completions API"
llm=$(free_port)
"$python" examples/python/toy_llm_server.py --port "$llm" \
  >"$WORK/llm.log" 2>&1 &
pids+=($!)
generator=$(free_port)
"$BUILD/server/arts-generator" --openai_url="http://127.0.0.1:$llm/v1" \
  --openai_model=toy --listen="127.0.0.1:$generator" --metrics_listen= \
  >"$WORK/generator.log" 2>&1 &
pids+=($!)
"$arts" generate --generator "127.0.0.1:$generator" --wait_for_ready \
  --timeout 20s --task text \
  --problem "$(head -1 "$WORK/test.jsonl" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["problem"])')" \
  --n 4 --max_steps 0 --seed 1

say "3. Trees through the Generator contract, rewarded by the answers"
"$lab" collect-trees --task text --problems_file "$WORK/train.jsonl" \
  --problems "$TRAIN" --from_generator "127.0.0.1:$generator" \
  --trees_dir "$WORK/trees" --children_by_depth 4,2 --breadth 16 --seed 1
"$lab" collect-trees --task text --problems_file "$WORK/test.jsonl" \
  --problems "$TEST" --from_generator "127.0.0.1:$generator" \
  --trees_dir "$WORK/test_trees" --children_by_depth "$TEST_TREES" \
  --breadth 1000 --seed 1000
if [ "$TREES_ONLY" = 1 ]; then exit 0; fi

say "4. A flow verifier on the trees, with a SentencePiece tokenizer"
if [ -n "$VERIFIER" ]; then
  echo "(trained before: $VERIFIER)"
  cp "$VERIFIER" "$WORK/verifier.ckpt"
else
  "$lab" train-verifier --trees_dir "$WORK/trees" --objective flow \
    --reward_correct 10 --reward_wrong 0.1 --trees_per_batch 1 \
    --verifier_lr 2e-3 --subword_vocab 64 --epochs 1000 --threads 1 \
    --lm_weight "$LM_WEIGHT" --max_minutes "$MINUTES" --log_every 200 \
    --verifier_out "$WORK/verifier.ckpt"
fi

say "5. How well it ranks held-out partial traces"
"$lab" eval-verifier --verifier_model "$WORK/verifier.ckpt" \
  --held_out_trees "$WORK/test_trees"

say "6. The verifier served, the orchestrator over both"
verifier=$(free_port)
"$BUILD/server/arts-verifier" --model "$WORK/verifier.ckpt" \
  --listen="127.0.0.1:$verifier" --metrics_listen= \
  >"$WORK/verifier.log" 2>&1 &
pids+=($!)
orchestrator=$(free_port)
"$BUILD/server/arts-orchestrator" --generator="127.0.0.1:$generator" \
  --verifier="127.0.0.1:$verifier" --listen="127.0.0.1:$orchestrator" \
  --metrics_listen= >"$WORK/orchestrator.log" 2>&1 &
pids+=($!)

say "7. Best-of-16 and arts, arts' budget chosen on validation problems"
# Best-of-16 samples 16 whole traces (no budget); arts runs as tuned (2
# nodes a round, 2 children each) under a token budget picked on
# VALIDATION problems disjoint from the training and held-out ones: the
# budget of BUDGETS with the most right answers among those that spend at
# most SHARE of best-of-16's tokens there (the smaller on a tie). SHARE is
# below the target's half, a margin for the held-out problems' spread. Then
# the held-out problems, once.
solve() {  # problems file, output file, strategy flags...
  local problems=$1 out=$2
  shift 2
  "$arts" solve --orchestrator "127.0.0.1:$orchestrator" --wait_for_ready \
    --timeout 60s --task text --problems_file "$problems" --seed 1 "$@" >"$out"
  tail -1 "$out"
}
# "right: R of N (P%), T tokens per problem" -> "R T"
right_tokens() { sed -n 's/^right: \([0-9]*\) of [0-9]* ([^)]*), \([0-9.]*\) tokens per problem$/\1 \2/p' "$1"; }
"$python" examples/python/sum_problems.py --count "$VALIDATION" --seed 3 --max 4 \
  --exclude "$WORK/train.jsonl" --exclude "$WORK/test.jsonl" >"$WORK/validation.jsonl"
echo "validation best_of_n: $(solve "$WORK/validation.jsonl" "$WORK/val_best_of_n.txt" \
  --strategy best_of_n --samples 16 --max_tokens 0)"
read -r _ bon_tokens <<<"$(right_tokens "$WORK/val_best_of_n.txt")"
budget= budget_right=-1
for b in $BUDGETS; do
  echo "validation arts --max_tokens $b: $(solve "$WORK/validation.jsonl" \
    "$WORK/val_arts_$b.txt" --strategy arts --max_tokens "$b")"
  read -r right tokens <<<"$(right_tokens "$WORK/val_arts_$b.txt")"
  if "$python" -c "import sys; sys.exit(0 if $tokens <= $SHARE * $bon_tokens else 1)" &&
     [ "$right" -gt "$budget_right" ]; then
    budget=$b budget_right=$right
  fi
done
if [ -z "$budget" ]; then
  budget=${BUDGETS%% *}
  echo "no budget spent at most $SHARE of best-of-16's tokens: taking the first, $budget"
fi
echo "chosen on validation: --max_tokens $budget"
echo "best_of_n: $(solve "$WORK/test.jsonl" "$WORK/solve_best_of_n.txt" \
  --strategy best_of_n --samples 16 --max_tokens 0)"
echo "arts: $(solve "$WORK/test.jsonl" "$WORK/solve_arts.txt" \
  --strategy arts --max_tokens "$budget")"
