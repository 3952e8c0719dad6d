#!/usr/bin/env bash
# The "bring your own generator or verifier" guide, run as written
# (docs/bring_your_own.md): Python stubs generated from proto/, the Python
# Generator and Verifier of examples/python/sum_services.py, the real
# arts-orchestrator over them, and `arts solve --task text` with every
# strategy. Each search must put the right sum first (majority vote, which
# has no verifier, must at least answer).
#
# Usage: byo_python_example_test.sh REPO_DIR ORCHESTRATOR_BINARY ARTS_BINARY
set -euo pipefail
repo=$1
orchestrator=$2
arts=$3
python=/usr/bin/python3  # Debian's, which has python3-grpcio

work=$(mktemp -d /tmp/byo_python_example.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. Stubs from the contract.
mkdir -p "$work/gen"
protoc -I "$repo/proto" --python_out="$work/gen" --grpc_python_out="$work/gen" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  "$repo"/proto/arts/v1/*.proto

# 2. The third party's services, and the orchestrator over them.
services_port=$(free_port)
PYTHONPATH="$work/gen" "$python" "$repo/examples/python/sum_services.py" \
  --port "$services_port" >"$work/services.log" 2>&1 &
pids+=($!)
orchestrator_port=$(free_port)
"$orchestrator" --listen "127.0.0.1:$orchestrator_port" --metrics_listen= \
  --generator "127.0.0.1:$services_port" --verifier "127.0.0.1:$services_port" \
  >"$work/orchestrator.log" 2>&1 &
pids+=($!)

# 3. Every strategy through the orchestrator.
problem="sum 3 5 7 9"
failed=0
for strategy in best_of_n weighted_vote majority_vote beam arts dvts; do
  if ! out=$("$arts" solve --orchestrator "127.0.0.1:$orchestrator_port" \
      --wait_for_ready --timeout 30s --task text --problem "$problem" \
      --strategy "$strategy" --samples 16 --proposals 4 --seed 2 2>&1); then
    echo "FAIL $strategy: arts solve failed:"; echo "$out"; failed=1; continue
  fi
  top=$(echo "$out" | awk '/answer/ {print $2; exit}')
  calls=$(echo "$out" | sed -n 's/.* \([0-9]*\) generator calls.*/\1/p')
  echo "$strategy: top answer '$top', $calls generator calls"
  if [ "$strategy" = majority_vote ]; then
    [ -n "$top" ] || { echo "FAIL $strategy: no answer"; echo "$out"; failed=1; }
  elif [ "$top" != 24 ]; then
    echo "FAIL $strategy: expected 24 first"; echo "$out"; failed=1
  fi
done

# 4. The third party's own errors reach the client, named.
if out=$("$arts" solve --orchestrator "127.0.0.1:$orchestrator_port" \
    --timeout 10s --task text --problem "add 3 5" --strategy beam 2>&1); then
  echo "FAIL: a problem the generator refuses was solved"; failed=1
elif ! echo "$out" | grep -q "generator: problem:"; then
  echo "FAIL: expected the generator's error named, got:"; echo "$out"; failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "--- services log"; cat "$work/services.log"
  echo "--- orchestrator log"; cat "$work/orchestrator.log"
  exit 1
fi
echo "byo python example: every strategy solved '$problem'"
