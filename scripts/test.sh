#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds, and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_k8s_tools.sh
bash scripts/build.sh
ctest --preset default "$@"
# The fuzz targets (docs/reliability.md): their seed corpora and a short
# run of each, under ASan and UBSan (builds build-fuzz/, about 10 minutes
# the first time).
bash scripts/fuzz.sh "${ARTS_FUZZ_SECONDS:-10}"
# The container test (image build, three containers, a solve from the host,
# drain) takes about 15 minutes the first time: opt in with
# ARTS_CONTAINER_TEST=1 (docs/deploy.md).
if [ "${ARTS_CONTAINER_TEST:-0}" = 1 ]; then bash scripts/container_test.sh; fi
