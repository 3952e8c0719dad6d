#!/usr/bin/env bash
# Fails if any tracked C++ file differs from clang-format (Google style).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find core server client tests -name '*.cc' -o -name '*.h')
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "needs clang-format: $f"
    bad=1
  fi
done
[ "$bad" -eq 0 ] && echo "clang-format: $(echo "$files" | wc -w) files clean"
exit "$bad"
