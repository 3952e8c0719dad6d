#!/usr/bin/env bash
# The OpenAI-compatible HTTP API through the official `openai` npm SDK
# (tests/openai_sdk/sdk.test.mjs), then the curl examples of docs/search.md.
# Starts, on loopback:
#   - arts-orchestrator-local over the bundled models, with a bearer token;
#   - slow_text_backends (every call 300 ms) and arts-orchestrator over it
#     with room for one search and a 100 ms refusal hold;
#   - arts-orchestrator whose backends are down.
# Usage: openai_sdk_test.sh SOURCE_DIR ORCHESTRATOR_DIR LOCAL_DIR SLOW_BACKENDS
set -euo pipefail
source_dir=$1
orchestrator=$2/arts-orchestrator
local_orchestrator=$3/arts-orchestrator-local
slow_backends=$4
sdk=$source_dir/tests/openai_sdk
if [ ! -d "$sdk/node_modules/openai" ]; then
  echo "openai_sdk_test: $sdk/node_modules/openai is missing:" \
       "run scripts/setup_k8s_tools.sh" >&2
  exit 1
fi

source "$source_dir/tests/server_processes.sh"

echo sdk-token >"$work/tokens"
common=(--listen 127.0.0.1:0 --metrics_listen 127.0.0.1:0
        --http_listen 127.0.0.1:0 --drain_timeout 2s)
start local "serving .* on port" "$local_orchestrator" "${common[@]}" \
  --generator_model "$source_dir/models/generator.ckpt" \
  --verifier_model "$source_dir/models/verifier_flow.ckpt" \
  --auth_tokens_file "$work/tokens"
start backends "serving on port" "$slow_backends" --latency 300ms
backends_port=$(grep -o 'port [0-9]*' "$work/backends.log" | grep -o '[0-9]*$')
start slow "serving .* on port" "$orchestrator" "${common[@]}" \
  --generator "127.0.0.1:$backends_port" --verifier "127.0.0.1:$backends_port" \
  --max_concurrent_requests 1 --max_waiting_solves 0 --refusal_hold 100ms
start down "serving .* on port" "$orchestrator" "${common[@]}" \
  --generator 127.0.0.1:1 --verifier 127.0.0.1:1 --backend_wait 0s \
  --backend_timeout 2s

# TLS and mTLS on the HTTP port, with the gRPC port's flags: a self-signed
# certificate for 127.0.0.1 that is also the client CA and the client's.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" \
  -out "$work/cert.pem" 2>/dev/null
start tls "serving .* on port" "$orchestrator" "${common[@]}" \
  --generator 127.0.0.1:1 --verifier 127.0.0.1:1 --backend_wait 0s \
  --tls_cert "$work/cert.pem" --tls_key "$work/key.pem" \
  --tls_client_ca "$work/cert.pem"
grep -q "HTTP on port [0-9]* (TLS)" "$work/tls.log"
tls_url="https://127.0.0.1:$(port_of tls HTTP)"
curl -sS --fail --cacert "$work/cert.pem" --cert "$work/cert.pem" \
  --key "$work/key.pem" "$tls_url/v1/models" | grep -q '"object":"list"'
if curl -sS --cacert "$work/cert.pem" "$tls_url/v1/models" 2>/dev/null; then
  echo "openai_sdk_test: mTLS let a client without a certificate in" >&2
  exit 1
fi
if curl -sS "http://127.0.0.1:$(port_of tls HTTP)/v1/models" 2>/dev/null \
    | grep -q '"object"'; then
  echo "openai_sdk_test: the TLS port answered plaintext" >&2
  exit 1
fi
echo "openai_sdk_test: HTTP over TLS and mTLS as the gRPC port's flags say"

local_http=$(port_of local HTTP)
export ARTS_LOCAL_URL="http://127.0.0.1:$local_http/v1"
export ARTS_SLOW_URL="http://127.0.0.1:$(port_of slow HTTP)/v1"
export ARTS_SLOW_METRICS="http://127.0.0.1:$(port_of slow metrics)/metrics"
export ARTS_DOWN_URL="http://127.0.0.1:$(port_of down HTTP)/v1"
export ARTS_TOKEN=sdk-token

node --test --test-reporter=spec "$sdk/sdk.test.mjs"

# docs/search.md's curl examples, as written, against the local server:
# every block between the curl-examples markers, with its address and token
# replaced by this run's. Each must succeed and print JSON or events.
examples=$work/curl_examples.sh
awk '/<!-- curl-examples -->/{on=1; next} /<!-- \/curl-examples -->/{on=0}
     on && !/^```/' "$source_dir/docs/search.md" >"$examples"
count=$(grep -c '^curl' "$examples" || true)
if [ "$count" -lt 3 ]; then
  echo "openai_sdk_test: found $count curl examples in docs/search.md" >&2
  exit 1
fi
sed -i -e "s/localhost:8080/127.0.0.1:$local_http/g" \
  -e 's/\$ARTS_TOKEN/sdk-token/g' "$examples"
cd "$work"
ARTS_TOKEN=sdk-token bash -euo pipefail "$examples" >"$work/curl.out"
grep -q '"object":"chat.completion"' "$work/curl.out"
grep -q '"object":"text_completion"' "$work/curl.out"
grep -q 'data: \[DONE\]' "$work/curl.out"
grep -q '"arts_event"' "$work/curl.out"
grep -q '"object":"list"' "$work/curl.out"
echo "openai_sdk_test: $count curl examples of docs/search.md ran"
