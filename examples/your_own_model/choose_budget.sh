#!/usr/bin/env bash
# Chooses arts' token budget on validation problems, then measures the test
# problems once (docs/your_own_model.md, "Longer"): in a
# walkthrough's WORK (its train.jsonl, test.jsonl and verifier.ckpt), draws
# VALIDATION problems disjoint from both, runs best-of-16 and arts at each
# of BUDGETS on them through the three services, picks the budget with the
# most right answers among those within half of best-of-16's tokens (the
# smaller on a tie), and runs best-of-16 and arts at that budget on the
# test problems.
#
#   WORK=runs/yom_lm1_25min bash examples/your_own_model/choose_budget.sh
#
# Environment: WORK (runs/your_own_model), VALIDATION (40), BUDGETS
# ("192 256 320 384"), BUILD (build).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WORK=${WORK:-runs/your_own_model}
VALIDATION=${VALIDATION:-40}
BUDGETS=${BUDGETS:-192 256 320 384}
arts=$BUILD/client/arts
python=/usr/bin/python3
for f in train.jsonl test.jsonl verifier.ckpt; do
  [ -s "$WORK/$f" ] || { echo "choose_budget: no $WORK/$f (run the walkthrough first)" >&2; exit 1; }
done
# shellcheck source=examples/your_own_model/services.sh
source examples/your_own_model/services.sh

"$python" examples/python/sum_problems.py --count "$VALIDATION" --seed 3 --max 4 \
  --exclude "$WORK/train.jsonl" --exclude "$WORK/test.jsonl" >"$WORK/validation.jsonl"

start_generator
start_verifier_and_orchestrator

solve() {  # problems file, output file, strategy flags...
  local problems=$1 out=$2
  shift 2
  "$arts" solve --orchestrator "127.0.0.1:$orchestrator" --wait_for_ready \
    --timeout 60s --task text --problems_file "$problems" --seed 1 "$@" >"$out"
  tail -1 "$out"
}
# "right: R of N (P%), T tokens per problem" -> "R T"
right_tokens() { sed -n 's/^right: \([0-9]*\) of [0-9]* ([^)]*), \([0-9.]*\) tokens per problem$/\1 \2/p' "$1"; }

echo "== validation: $VALIDATION problems disjoint from train and test"
echo "best-of-16: $(solve "$WORK/validation.jsonl" "$WORK/val_best_of_n.txt" \
  --strategy best_of_n --samples 16 --max_tokens 0)"
read -r _ bon_tokens <<<"$(right_tokens "$WORK/val_best_of_n.txt")"
best= best_right=-1
for budget in $BUDGETS; do
  echo "arts --max_tokens $budget: $(solve "$WORK/validation.jsonl" \
    "$WORK/val_arts_$budget.txt" --strategy arts --proposals 4 --max_tokens "$budget")"
  read -r right tokens <<<"$(right_tokens "$WORK/val_arts_$budget.txt")"
  if "$python" -c "import sys; sys.exit(0 if $tokens <= 0.5 * $bon_tokens else 1)" &&
     [ "$right" -gt "$best_right" ]; then
    best=$budget best_right=$right
  fi
done
[ -n "$best" ] || { echo "choose_budget: no budget within half of best-of-16's tokens" >&2; exit 1; }
echo "chosen on validation: --max_tokens $best"

echo "== test, once"
echo "best-of-16: $(solve "$WORK/test.jsonl" "$WORK/test_best_of_n.txt" \
  --strategy best_of_n --samples 16 --max_tokens 0)"
echo "arts --max_tokens $best: $(solve "$WORK/test.jsonl" "$WORK/test_arts.txt" \
  --strategy arts --proposals 4 --max_tokens "$best")"
