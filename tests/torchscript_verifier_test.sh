#!/usr/bin/env bash
# A value model exported from PyTorch serves: a SentencePiece model trained
# with Debian's python3-sentencepiece, the example exporter of
# examples/torchscript/ (Debian's python3-torch), arts-verifier --model
# value.pt --tokenizer_model tokenizer.model, and a Python client of the
# arts.v1 contract. The served log F of every prefix must match what
# PyTorch itself gives for the same traces within 1e-5; a TorchScript model
# without its tokenizer, and one that is not TorchScript, fail at startup.
#
# Usage: torchscript_verifier_test.sh REPO_DIR VERIFIER_BINARY
set -euo pipefail
repo=$1
verifier=$2
python=/usr/bin/python3

work=$(mktemp -d /tmp/torchscript_verifier.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. A tokenizer, the model exported, PyTorch's own scores.
"$python" - "$work/tokenizer.model" <<'PY'
import io, sys
import sentencepiece as spm
sentences = ["sum 3 5 7 2 9", "3 + 5 = 8", "8 + 7 = 15", "15 + 2 = 17",
             "17 + 9 = 26", "answer: 26", "spell cab", "letter c"] * 30
model = io.BytesIO()
spm.SentencePieceTrainer.train(
    sentence_iterator=iter(sentences), model_writer=model, vocab_size=40,
    split_digits=True, bos_id=-1, eos_id=-1, hard_vocab_limit=False,
    minloglevel=2)
open(sys.argv[1], "wb").write(model.getvalue())
PY
cat >"$work/traces.jsonl" <<'JSON'
{"problem": "sum 3 5 7 2 9", "steps": ["3 + 5 = 8", "8 + 7 = 15", "15 + 2 = 17", "17 + 9 = 26", "answer: 26"]}
{"problem": "sum 3 5 7 2 9", "steps": ["3 + 5 = 8", "8 + 7 = 14"]}
{"problem": "sum 4 4", "steps": []}
{"problem": "spell cab", "steps": ["letter c", "letter a", "letter b", "answer: CAB"]}
{"problem": "a problem with words the tokenizer never saw: Zürich ∑", "steps": ["x"]}
JSON
"$python" "$repo/examples/torchscript/export_value_model.py" \
  --tokenizer "$work/tokenizer.model" --out "$work/value.pt" \
  --reference "$work/traces.jsonl" --expected "$work/expected.jsonl"

# 2. Startup errors name what to fix.
if out=$("$verifier" --model "$work/value.pt" --listen 127.0.0.1:0 \
    --metrics_listen= 2>&1); then
  echo "FAIL: a TorchScript model without --tokenizer_model started"; exit 1
fi
grep -q -- "--tokenizer_model" <<<"$out" || { echo "FAIL: $out"; exit 1; }
printf 'not a model' >"$work/garbage.pt"
if out=$("$verifier" --model "$work/garbage.pt" --tokenizer_model \
    "$work/tokenizer.model" --listen 127.0.0.1:0 --metrics_listen= 2>&1); then
  echo "FAIL: garbage started"; exit 1
fi
echo "startup errors: ok"

# 3. Served, and scored through the contract.
port=$(free_port)
"$verifier" --model "$work/value.pt" --tokenizer_model "$work/tokenizer.model" \
  --listen "127.0.0.1:$port" --metrics_listen= >"$work/verifier.log" 2>&1 &
pid=$!
mkdir -p "$work/gen"
protoc -I "$repo/proto" --python_out="$work/gen" --grpc_python_out="$work/gen" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  "$repo"/proto/arts/v1/*.proto
PYTHONPATH="$work/gen" "$python" - "$port" "$work/traces.jsonl" \
    "$work/expected.jsonl" <<'PY'
import json, sys, time
import grpc
from arts.v1 import verifier_pb2, verifier_pb2_grpc
port, traces_path, expected_path = sys.argv[1:]
traces = [json.loads(l) for l in open(traces_path) if l.strip()]
expected = [json.loads(l) for l in open(expected_path) if l.strip()]
channel = grpc.insecure_channel(f"127.0.0.1:{port}")
grpc.channel_ready_future(channel).result(timeout=30)
stub = verifier_pb2_grpc.VerifierStub(channel)
request = verifier_pb2.ScoreRequest(task="text", per_step=True)
for t in traces:
    trace = request.traces.add()
    trace.problem = t["problem"]
    trace.steps.extend(t["steps"])
for attempt in range(100):
    try:
        response = stub.Score(request, timeout=10)
        break
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.UNAVAILABLE:
            raise
        time.sleep(0.1)
worst = 0.0
for i, (score, want) in enumerate(zip(response.scores, expected)):
    got = list(score.step_log_flows)
    assert len(got) == len(want), (i, got, want)
    worst = max([worst] + [abs(a - b) for a, b in zip(got, want)])
print(f"served vs PyTorch: {len(expected)} traces, largest difference {worst:.2e}")
assert worst <= 1e-5, worst
# The countdown task is not this verifier's.
request.task = "countdown"
try:
    stub.Score(request, timeout=10)
    sys.exit("FAIL: a countdown request was scored")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e
    assert "serves text" in e.details(), e.details()
print("ok")
PY
