#!/usr/bin/env bash
# The binaries that serve and call without a model link no LibTorch: ldd of
# each lists no libtorch, libc10 or libtorch_cpu (docs/ARCHITECTURE.md).
# Usage: torch_free_binaries_test.sh BINARY...
set -euo pipefail
status=0
for binary in "$@"; do
  if ldd "$binary" | grep -E 'lib(torch|c10)' >/dev/null; then
    echo "FAIL: $binary links LibTorch:"
    ldd "$binary" | grep -E 'lib(torch|c10)'
    status=1
  else
    echo "ok: $binary links no LibTorch ($(ldd "$binary" | wc -l) libraries)"
  fi
done
exit $status
