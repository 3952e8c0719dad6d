#!/usr/bin/env bash
# The search page (GET / on the orchestrator's HTTP API) in headless
# Chromium: tests/browser/search_page.test.mjs against arts-orchestrator-local
# over the bundled models. ARTS_SCREENSHOT (optional) is passed on: where the
# page's screenshot goes (scripts/search_page_screenshot.sh).
# Before the browser: the CLIs' --tree_out (arts solve --stream against the
# same server, arts-lab solve in process, for a step search and best-of-N)
# and arts-lab render-tree of what they wrote.
# Usage: search_page_test.sh SOURCE_DIR LOCAL_ORCHESTRATOR [ARTS ARTS_LAB]
set -euo pipefail
source_dir=$1
local_orchestrator=$2
arts=${3:-}
arts_lab=${4:-}
browser=$source_dir/tests/browser
if [ ! -d "$browser/node_modules/puppeteer-core" ] || ! command -v chromium >/dev/null; then
  echo "search_page_test: puppeteer-core or chromium is missing:" \
       "run scripts/setup_k8s_tools.sh" >&2
  exit 1
fi
source "$source_dir/tests/server_processes.sh"
start server "HTTP on port" "$local_orchestrator" --listen 127.0.0.1:0 \
  --metrics_listen= --http_listen 127.0.0.1:0 \
  --generator_model "$source_dir/models/generator.ckpt" \
  --verifier_model "$source_dir/models/verifier_flow.ckpt"
port=$(port_of server HTTP)
if [ -n "$arts" ]; then
  grpc_port=$(port_of server "")
  "$arts" solve --orchestrator "127.0.0.1:$grpc_port" --problem "4 9 10 13 -> 24" \
    --constrained --stream --tree_out "$work/cli_arts.json" >"$work/cli.out"
  grep -q "node 0 (parent -1) created" "$work/cli.out"
  "$arts_lab" solve --problem "4 9 10 13 -> 24,1 5 5 5 -> 24" \
    --strategy best_of_n --tree_out "$work/lab_bon.json" >/dev/null
  python3 - "$work/cli_arts.json" "$work/lab_bon.json" <<'PY'
import json, sys
arts = json.load(open(sys.argv[1]))
assert arts["format"] == "arts-search-tree" and arts["strategy"] == "arts", arts
assert sum(n["tokens"] for n in arts["nodes"]) == arts["cost"]["tokens_generated"]
assert sum(n["expansions"] for n in arts["nodes"]) == arts["cost"]["expansions"]
lines = open(sys.argv[2]).read().splitlines()
assert len(lines) == 2, "two problems: one tree per line"
for line in lines:
    tree = json.loads(line)
    assert tree["strategy"] == "best_of_n"
    assert all(n["parent"] == 0 for n in tree["nodes"][1:]), "best-of-N: depth one"
print(f"search_page_test: --tree_out: arts {len(arts['nodes'])} nodes, "
      f"best-of-N {len(lines)} trees")
PY
  head -n1 "$work/lab_bon.json" >"$work/bon.json"
  "$arts_lab" render-tree --trees "$work/cli_arts.json,$work/bon.json" \
    --titles "arts","best-of-N" --svg_out "$work/trees.svg"
  circles=$(grep -c "<circle" "$work/trees.svg")
  want=$(python3 -c "import json,sys; print(sum(len(json.load(open(f))['nodes']) for f in sys.argv[1:]))" \
    "$work/cli_arts.json" "$work/bon.json")
  [ "$circles" = "$want" ] || { echo "render-tree drew $circles nodes of $want" >&2; exit 1; }
  if "$arts_lab" render-tree --trees "$work/cli.out" 2>"$work/bad.err"; then
    echo "render-tree took a file that is not a tree" >&2; exit 1
  fi
  grep -q "cli.out: not a JSON object" "$work/bad.err"
fi
ARTS_PAGE_URL="http://127.0.0.1:$port/" ARTS_WORK="$work" \
  node --test --test-reporter=spec "$browser/search_page.test.mjs"
