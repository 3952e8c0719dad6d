#!/usr/bin/env bash
# The search page (GET / on the orchestrator's HTTP API) in headless
# Chromium: tests/browser/search_page.test.mjs against arts-orchestrator-local
# over the bundled models. ARTS_SCREENSHOT (optional) is passed on: where the
# page's screenshot goes (scripts/search_page_screenshot.sh).
# Usage: search_page_test.sh SOURCE_DIR LOCAL_ORCHESTRATOR
set -euo pipefail
source_dir=$1
local_orchestrator=$2
browser=$source_dir/tests/browser
if [ ! -d "$browser/node_modules/puppeteer-core" ] || ! command -v chromium >/dev/null; then
  echo "search_page_test: puppeteer-core or chromium is missing:" \
       "run scripts/setup_k8s_tools.sh" >&2
  exit 1
fi
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
"$local_orchestrator" --listen 127.0.0.1:0 --metrics_listen= \
  --http_listen 127.0.0.1:0 \
  --generator_model "$source_dir/models/generator.ckpt" \
  --verifier_model "$source_dir/models/verifier_flow.ckpt" 2>"$work/server.log" &
pid=$!
for _ in $(seq 600); do
  grep -q "HTTP on port" "$work/server.log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
port=$(grep -o "HTTP on port [0-9]*" "$work/server.log" | grep -o '[0-9]*$' || true)
if [ -z "$port" ]; then
  echo "search_page_test: the orchestrator did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
ARTS_PAGE_URL="http://127.0.0.1:$port/" ARTS_WORK="$work" \
  node --test --test-reporter=spec "$browser/search_page.test.mjs"
