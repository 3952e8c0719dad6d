#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds, and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_k8s_tools.sh
bash scripts/build.sh
ctest --preset default "$@"
