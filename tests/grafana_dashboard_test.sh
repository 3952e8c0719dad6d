#!/usr/bin/env bash
# deploy/grafana/arts.json against a running stack: the three servers on
# loopback with the bundled models (the orchestrator with its HTTP API), a
# Solve over gRPC and one over HTTP, then every metric that any query of the
# dashboard names must be exported by one of their /metrics endpoints (a
# histogram's _bucket, _sum and _count by its family), and every panel must
# have a query.
# Usage: grafana_dashboard_test.sh SOURCE_DIR SERVER_DIR CLI
set -euo pipefail
source_dir=$1
server_dir=$2
cli=$3
source "$source_dir/tests/server_processes.sh"

start generator "serving .* on port" "$server_dir/arts-generator" --listen 127.0.0.1:0 \
  --metrics_listen 127.0.0.1:0 --model "$source_dir/models/generator.ckpt"
start verifier "serving .* on port" "$server_dir/arts-verifier" --listen 127.0.0.1:0 \
  --metrics_listen 127.0.0.1:0 --model "$source_dir/models/verifier_flow.ckpt"
start orchestrator "serving .* on port" "$server_dir/arts-orchestrator" --listen 127.0.0.1:0 \
  --metrics_listen 127.0.0.1:0 --http_listen 127.0.0.1:0 \
  --generator "127.0.0.1:$(port_of generator "")" \
  --verifier "127.0.0.1:$(port_of verifier "")"
"$cli" solve --orchestrator "127.0.0.1:$(port_of orchestrator "")" \
  --problem "4 9 10 13 -> 24" --constrained >/dev/null
curl -sS --fail -o /dev/null "http://127.0.0.1:$(port_of orchestrator HTTP)/v1/chat/completions" \
  -H 'Content-Type: application/json' \
  -d '{"model": "beam", "messages": [{"role": "user", "content": "1 2 3 4 -> 24"}]}'
for name in generator verifier orchestrator; do
  curl -sS --fail "http://127.0.0.1:$(port_of "$name" metrics)/metrics" >>"$work/metrics.txt"
done
python3 - "$source_dir/deploy/grafana/arts.json" "$work/metrics.txt" <<'PY'
import json, re, sys
dashboard = json.load(open(sys.argv[1]))
exported = set()
for line in open(sys.argv[2]):
    if line.startswith("# TYPE "):
        exported.add(line.split()[2])
def family(name):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and name[: -len(suffix)] in exported:
            return name[: -len(suffix)]
    return name
missing, queries = [], 0
for panel in dashboard["panels"]:
    if not panel.get("targets"):
        missing.append(f"panel '{panel['title']}' has no query")
    for target in panel.get("targets", []):
        queries += 1
        for name in set(re.findall(r"\barts_[a-z0-9_]+", target["expr"])):
            if family(name) not in exported:
                missing.append(f"panel '{panel['title']}': {name} is not exported")
if missing:
    print("\n".join(missing))
    sys.exit(1)
print(f"grafana_dashboard_test: {len(dashboard['panels'])} panels, {queries} "
      f"queries, every metric they name exported ({len(exported)} families)")
PY
