#!/usr/bin/env bash
# TSan over our gRPC reactors as well as our own primitives: builds abseil
# and gRPC with TSan (scripts/build_tsan_deps.sh, once), the `tsan` preset,
# checks that the test binaries load the instrumented libraries, and runs
# the `tsan-grpc` test preset (docs/reliability.md, "Sanitizer builds").
# About 2 hours the first time on 2 cores; later runs only the tests.
#
# Usage: scripts/tsan_grpc.sh [CTEST_ARGS...]   (e.g. --repeat until-fail:3)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f build-tsan-deps/grpc.done ]] || bash scripts/build_tsan_deps.sh
[[ -f build-tsan/build.ninja ]] || cmake --preset tsan >/dev/null
# What the tsan-grpc preset runs (deployment_test brings the binaries it
# starts), not every target: TSan compiles of files that include LibTorch
# take about a minute each here.
cmake --build --preset tsan --target core_tests generator_service_test \
  verifier_service_test orchestrator_service_test deployment_test

# A test that ran against Debian's uninstrumented gRPC would judge nothing.
deps=$PWD/build-tsan-deps/lib
for binary in build-tsan/tests/orchestrator_service_test \
              build-tsan/server/arts-orchestrator; do
  for lib in libgrpc.so libgrpc++.so libabsl_synchronization.so; do
    resolved=$(LD_LIBRARY_PATH=$deps ldd "$binary" | awk -v l="$lib" \
      'index($1, l) == 1 { print $3 }')
    if [[ $resolved != "$deps"/* ]]; then
      echo "tsan_grpc: $binary loads $lib from '$resolved', not $deps" >&2
      exit 1
    fi
  done
done
echo "tsan_grpc: the test binaries load gRPC and abseil from $deps"
ctest --preset tsan-grpc -j2 "$@"
