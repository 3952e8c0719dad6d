#!/usr/bin/env bash
# Configures and builds the Release preset (Ninja, 2 jobs) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build --preset default
