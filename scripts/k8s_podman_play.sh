#!/usr/bin/env bash
# Optional: runs the dev overlay's Deployments under `podman kube play` (no
# cluster needed) and solves one puzzle through the orchestrator, then tears
# everything down. Checks what the offline test (tests/deploy_manifests_test.sh)
# cannot: that the image starts with the manifests' command, flag files,
# security context (uid 10001, read-only root) and ports.
#
# Usage: scripts/k8s_podman_play.sh        (needs podman, kubectl, node and
#        the validator's packages: scripts/setup_k8s_tools.sh; and the image
#        localhost/arts-serving:latest built as docs/deploy.md says)
#
# What differs from a cluster: podman plays only the Deployments and their
# ConfigMaps (no Services, probes, PDBs, NetworkPolicies); pods reach each
# other by pod name on one podman network, so the orchestrator's
# --generator/--verifier are rewritten to dns:///arts-generator-pod:50051 and
# dns:///arts-verifier-pod:50052.
set -euo pipefail
cd "$(dirname "$0")/.."
# The container helper's podman settings (CONTAINERS_CONF), where present.
if [ -f scripts/podman_env.sh ]; then
  # shellcheck source=scripts/podman_env.sh
  source scripts/podman_env.sh
fi

kubectl=${KUBECTL:-kubectl}
network=arts-k8s-play
work=$(mktemp -d /tmp/k8s_podman_play.XXXXXX)
played=$work/play.yaml

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  podman kube down "$played" >/dev/null 2>&1 || true
  podman network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

podman image exists localhost/arts-serving:latest ||
  { echo "k8s_podman_play: build localhost/arts-serving:latest first (docs/deploy.md)" >&2; exit 1; }

"$kubectl" kustomize deploy/k8s/overlays/dev >"$work/dev.yaml"
# Keep Deployments and ConfigMaps; point the orchestrator at the pods' names.
NODE_PATH=tools/k8s-validate/node_modules node - "$work/dev.yaml" "$played" <<'JS'
const fs = require("fs");
const YAML = require("yaml");
const [input, output] = process.argv.slice(2);
const docs = YAML.parseAllDocuments(fs.readFileSync(input, "utf8")).map((d) => d.toJS());
const kept = docs.filter((o) => o && (o.kind === "Deployment" || o.kind === "ConfigMap"));
for (const o of kept) {
  if (o.kind !== "ConfigMap" || !o.data) continue;
  for (const [k, v] of Object.entries(o.data)) {
    o.data[k] = v
      .replace(/^--generator=.*$/m, "--generator=dns:///arts-generator-pod:50051")
      .replace(/^--verifier=.*$/m, "--verifier=dns:///arts-verifier-pod:50052");
  }
}
fs.writeFileSync(output, kept.map((o) => YAML.stringify(o)).join("---\n"));
JS

podman network exists "$network" || podman network create "$network" >/dev/null
podman kube play --network "$network" --replace "$played"

# The orchestrator reports SERVING once both backends serve; solve a puzzle
# from inside its container (the image carries the arts CLI).
for _ in $(seq 1 60); do
  if podman exec arts-orchestrator-pod-orchestrator \
       arts solve --orchestrator=127.0.0.1:50050 --problem="4 9 10 13 -> 24" >"$work/solve.txt" 2>&1; then
    cat "$work/solve.txt"
    echo "k8s_podman_play: OK"
    exit 0
  fi
  sleep 2
done
cat "$work/solve.txt" >&2 || true
for pod in arts-generator-pod arts-verifier-pod arts-orchestrator-pod; do
  echo "--- logs of $pod" >&2
  podman pod logs "$pod" >&2 2>&1 || true
done
echo "k8s_podman_play: FAIL: no answer from the orchestrator in 2 minutes" >&2
exit 1
