#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds, and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_k8s_tools.sh
bash scripts/build.sh
ctest --preset default "$@"
# The serving path alone, as the orchestrator image builds it: the serving
# preset (ARTS_MODELS=OFF) configures without LibTorch, SentencePiece or
# GoogleTest, so a LibTorch header reached from server/ or client/cli/
# fails here; its two binaries link no LibTorch (about 3 minutes the first
# time).
cmake --preset serving >/dev/null
cmake --build --preset serving
bash tests/torch_free_binaries_test.sh build-serving/server/arts-orchestrator \
  build-serving/client/arts
# The fuzz targets (docs/reliability.md): their seed corpora and a short
# run of each, under ASan and UBSan (builds build-fuzz/, about 10 minutes
# the first time).
bash scripts/fuzz.sh "${ARTS_FUZZ_SECONDS:-10}"
# The container test (image build, three containers, a solve from the host,
# drain) takes about 15 minutes the first time: opt in with
# ARTS_CONTAINER_TEST=1 (docs/deploy.md).
if [ "${ARTS_CONTAINER_TEST:-0}" = 1 ]; then bash scripts/container_test.sh; fi
