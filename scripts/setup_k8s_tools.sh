#!/usr/bin/env bash
# Installs the test tools that live outside the C++ build: what
# tests/deploy_manifests_test.sh needs to check deploy/k8s offline, what the
# OpenAI SDK suite needs, and the browser test's: Node.js and npm (from
# Debian when missing), Debian's chromium, and the pinned npm packages
# (tools/k8s-validate, tests/openai_sdk, tests/browser: `npm ci` from each
# package-lock.json).
# Idempotent: does nothing when all is in place.
#
# kubectl (>= 1.27, for kustomize v5) is needed too but is not in Debian 12's
# archive: this script only says so (the test then fails, saying the same).
# Install it from the Kubernetes apt repository (pkgs.k8s.io), or point
# KUBECTL at a kubectl binary.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Node.js >= 18 and npm. Debian 12 has nodejs 18 and npm 9; a newer Node.js
# already on the machine (with its own npm) is used as it is.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup_k8s_tools: installing nodejs and npm from Debian"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "setup_k8s_tools: node $(node --version) is too old (>= 18 needed)" >&2
  exit 1
fi

# Headless Chromium for the search page's browser test (puppeteer-core
# drives it; no browser is downloaded).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup_k8s_tools: installing chromium from Debian"
  bash "$(dirname "$0")/install_debian_packages.sh" setup_k8s_tools chromium
fi

# The pinned npm packages of the manifest validator (tools/k8s-validate)
# and of the OpenAI SDK suite (tests/openai_sdk), exactly as each
# package-lock.json pins them. A stamp of the lock file's hash skips the
# install when nothing changed.
for tools in tools/k8s-validate tests/openai_sdk tests/browser; do
  stamp=$tools/node_modules/.installed-lock-sha256
  want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup_k8s_tools: $tools/node_modules up to date"
  else
    echo "setup_k8s_tools: npm ci in $tools"
    # --ignore-scripts: none of the packages needs an install script.
    npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
done

kubectl=${KUBECTL:-kubectl}
if command -v "$kubectl" >/dev/null 2>&1; then
  echo "setup_k8s_tools: kubectl: $("$kubectl" version --client 2>/dev/null | head -n1)"
else
  cat >&2 <<'EOF'
setup_k8s_tools: WARNING: kubectl not found. tests/deploy_manifests_test.sh
  needs kubectl >= 1.27 (it renders deploy/k8s with `kubectl kustomize`) and
  fails without it. kubectl is not in Debian 12's archive: install it from the
  Kubernetes apt repository (https://pkgs.k8s.io, see "Install kubectl on
  Linux" in the Kubernetes docs), or set KUBECTL=/path/to/kubectl.
EOF
fi
echo "setup_k8s_tools: done"
