#!/usr/bin/env bash
# arts-generator runs on jemalloc with decay off (docs/reliability.md,
# "Soak"): ldd lists libjemalloc ahead of libc, and jemalloc reports the
# options of server/models/jemalloc_config.cc when asked to print its
# statistics at exit.
# Usage: generator_allocator_test.sh ARTS_GENERATOR
set -euo pipefail
generator=$1
libs=$(ldd "$generator")
jemalloc_line=$(grep -n 'libjemalloc' <<<"$libs" | cut -d: -f1 || true)
libc_line=$(grep -n 'libc\.so' <<<"$libs" | cut -d: -f1)
if [[ -z "$jemalloc_line" || "$jemalloc_line" -gt "$libc_line" ]]; then
  echo "FAIL: $generator does not load libjemalloc ahead of libc"
  exit 1
fi
stats=$(MALLOC_CONF=stats_print:true "$generator" --helpshort 2>&1 || true)
for option in dirty_decay_ms muzzy_decay_ms; do
  if ! grep -q "opt.$option: -1" <<<"$stats"; then
    echo "FAIL: jemalloc's $option is not -1:"
    grep "opt.$option" <<<"$stats" || echo "(no statistics printed)"
    exit 1
  fi
done
echo "ok: $generator runs on jemalloc, decay off"
