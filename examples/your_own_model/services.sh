# Sourced by walkthrough.sh: the processes it runs,
# each on a free loopback port, and stopped when the script exits. Needs
# BUILD, WORK and python set.
#   start_generator                  the toy LLM server (a stand-in for
#                                    vLLM) and arts-generator over its
#                                    completions API: sets $generator
#   start_verifier_and_orchestrator  arts-verifier over $WORK/verifier.ckpt
#                                    and arts-orchestrator over both: sets
#                                    $verifier and $orchestrator
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_generator() {
  local llm
  llm=$(free_port)
  "$python" examples/python/toy_llm_server.py --port "$llm" \
    >"$WORK/llm.log" 2>&1 &
  pids+=($!)
  generator=$(free_port)
  "$BUILD/server/arts-generator" --openai_url="http://127.0.0.1:$llm/v1" \
    --openai_model=toy --listen="127.0.0.1:$generator" --metrics_listen= \
    >"$WORK/generator.log" 2>&1 &
  pids+=($!)
}
start_verifier_and_orchestrator() {
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
}
