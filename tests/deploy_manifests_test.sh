#!/usr/bin/env bash
# The Kubernetes manifests under deploy/k8s (docs/deploy.md), offline:
#  1. every kustomization renders (`kubectl kustomize`): the base, each
#     overlay (with its components) and the prometheus-adapter rules;
#  2. every rendered object is valid for its apiVersion and kind, unknown
#     fields rejected (tools/k8s-validate/validate.js: the Kubernetes and
#     prometheus-operator schemas from pinned npm packages);
#  3. the objects agree with each other, with the servers and with the image
#     (tools/k8s-validate/check-consistency.js): each container runs its
#     role's image (arts-orchestrator, arts-model-services);
#     --listen/--metrics_listen/--health_listen, container ports, probes and
#     Services name the same ports; the orchestrator's --generator/--verifier
#     name the headless Services; the grace period outlasts preStop + drain;
#     HPAs, PDBs, NetworkPolicies and the ServiceMonitor select what exists;
#     the HPAs' metrics are exported by the servers and served by the adapter
#     rules; every flag is one the binary defines (when BIN_DIR has the
#     binaries: their --helpfull); each image's Dockerfile target EXPOSEs
#     its containers' ports, is titled with its name and runs as their user
#     (when the Dockerfile exists);
#  4. the checker catches a container on the wrong role's image and a
#     Dockerfile target that EXPOSEs another role's port.
#
# Usage: deploy_manifests_test.sh REPO_DIR [BIN_DIR]
#   BIN_DIR: where arts-generator, arts-verifier, arts-orchestrator are built
#            (build/server). KUBECTL=path overrides the kubectl found on PATH.
# Needs kubectl >= 1.27 (kustomize v5) and node with the validator's packages
# installed: bash scripts/setup_k8s_tools.sh
set -euo pipefail

repo=$(cd "${1:?usage: deploy_manifests_test.sh REPO_DIR [BIN_DIR]}" && pwd)
bin_dir=${2:-}
tools=$repo/tools/k8s-validate
kubectl=${KUBECTL:-kubectl}

fail() {
  echo "deploy_manifests: FAIL: $*" >&2
  exit 1
}

# The tools. Missing ones fail the test, saying what to do: CI has them.
if ! command -v "$kubectl" >/dev/null 2>&1; then
  fail "kubectl not found (KUBECTL=${KUBECTL:-unset}). It is not in Debian 12's archive:
  install kubectl >= 1.27 from the Kubernetes apt repository (pkgs.k8s.io), or
  set KUBECTL=/path/to/kubectl. See scripts/setup_k8s_tools.sh."
fi
kubectl_minor=$("$kubectl" version --client -o json 2>/dev/null |
  sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n1)
if [ -z "$kubectl_minor" ] || [ "$kubectl_minor" -lt 27 ]; then
  fail "kubectl 1.${kubectl_minor:-?} is too old: kustomize v5 (kubectl >= 1.27) is needed"
fi
command -v node >/dev/null 2>&1 || fail "node not found: run bash scripts/setup_k8s_tools.sh"
[ -d "$tools/node_modules/kubernetes-models" ] ||
  fail "$tools/node_modules is not installed: run bash scripts/setup_k8s_tools.sh"

work=$(mktemp -d /tmp/deploy_manifests_test.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. Render the base and every overlay.
renders=()
for dir in "$repo/deploy/k8s/base" "$repo"/deploy/k8s/overlays/*/; do
  kustomization=${dir#"$repo/deploy/k8s/"}
  kustomization=${kustomization%/}
  out=$work/$(echo "$kustomization" | tr / _).yaml
  "$kubectl" kustomize "$dir" >"$out" || fail "kubectl kustomize deploy/k8s/$kustomization failed"
  renders+=("$out")
done
[ "${#renders[@]}" -ge 3 ] || fail "expected the base and the dev and production overlays"
adapter=$work/prometheus-adapter.yaml
"$kubectl" kustomize "$repo/deploy/k8s/prometheus-adapter" >"$adapter" ||
  fail "kubectl kustomize deploy/k8s/prometheus-adapter failed"

# 2. Schemas, unknown fields rejected.
(cd "$work" && node "$tools/validate.js" "${renders[@]##*/}" prometheus-adapter.yaml) ||
  fail "objects invalid for their schema (above)"

# 3. Consistency.
check_args=(--metrics-source "$repo/server" --adapter prometheus-adapter.yaml)
if [ -n "$bin_dir" ]; then
  mkdir -p "$work/helpfull"
  for binary in arts-generator arts-verifier arts-orchestrator; do
    if [ -x "$bin_dir/$binary" ]; then
      # absl's --helpfull exits non-zero; its output is what counts.
      "$bin_dir/$binary" --helpfull >"$work/helpfull/$binary.txt" 2>&1 || true
    else
      echo "deploy_manifests: $bin_dir/$binary not built: its flags are not checked"
    fi
  done
  check_args+=(--helpfull-dir "$work/helpfull")
else
  echo "deploy_manifests: no BIN_DIR: flags are not checked against the binaries"
fi
if [ -f "$repo/Dockerfile" ]; then
  check_args+=(--dockerfile "$repo/Dockerfile")
else
  echo "deploy_manifests: no Dockerfile at the repository root: its ports, title and user are not checked"
fi
(cd "$work" && node "$tools/check-consistency.js" "${check_args[@]}" "${renders[@]##*/}") ||
  fail "the manifests disagree (above)"

# 4. The image checks fail when they should (the base with one mistake each).
expect_inconsistent() {  # what, expected message, check-consistency args...
  local what=$1 expected=$2
  shift 2
  if (cd "$work" && node "$tools/check-consistency.js" "$@") >"$work/negative.txt" 2>&1; then
    fail "check-consistency passed $what"
  fi
  grep -qF -- "$expected" "$work/negative.txt" ||
    fail "check-consistency failed $what without saying \"$expected\":
$(cat "$work/negative.txt")"
  echo "deploy_manifests: check-consistency refuses $what"
}
base=${renders[0]##*/}
sed 's#^\( *image: \)arts-orchestrator$#\1arts-model-services#' "$work/$base" >"$work/wrong_image.yaml"
expect_inconsistent "the orchestrator on the model-services image" \
  'is not arts-orchestrator (any registry, any tag), the image that holds arts-orchestrator' \
  wrong_image.yaml
if [ -f "$repo/Dockerfile" ]; then
  sed 's/^EXPOSE 50050 9090 50060 8080$/EXPOSE 50050 9090 9091 50060 8080/' "$repo/Dockerfile" >"$work/Dockerfile"
  expect_inconsistent "an orchestrator image that EXPOSEs the generator's metrics port" \
    '(arts-orchestrator): EXPOSEs 9091, which no manifest' \
    --dockerfile Dockerfile "$base"
fi

echo "deploy_manifests: OK (${#renders[@]} kustomizations and the prometheus-adapter rules)"
