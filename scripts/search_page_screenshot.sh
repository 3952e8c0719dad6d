#!/usr/bin/env bash
# Refreshes docs/images/search_page.png, the screenshot of the search page
# that docs/search.md shows: runs the browser test (tests/search_page_test.sh,
# a Solve of 4 9 10 13 -> 24 with arts and the bundled models) and keeps the
# page as it is after the Solve, its answer's node selected.
# Needs the build (scripts/build.sh) and scripts/setup_k8s_tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTS_SCREENSHOT=$PWD/docs/images/search_page.png \
  bash tests/search_page_test.sh "$PWD" build/server/arts-orchestrator-local
