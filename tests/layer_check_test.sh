#!/usr/bin/env bash
# The layer check (cmake/check_layers.cmake) must pass on this tree and fail,
# naming the file and the rule, on an upward include, on LibTorch in a
# torch-free folder, on a folder missing from the table, and on a cycle in
# the table. Each case is a small tree in a temporary directory with a copy
# of cmake/.
#
# Usage: layer_check_test.sh REPO_DIR
set -euo pipefail
repo=$1
work=$(mktemp -d /tmp/layer_check_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0

check() {  # tree
  cmake -DARTS_SOURCE_DIR="$1" -P "$1/cmake/check_layers.cmake" 2>&1
}

expect_failure() {  # name, tree, expected message
  local out
  if out=$(check "$2"); then
    echo "FAIL $1: the check passed"; failed=1
  elif ! grep -qF "$3" <<<"$out"; then
    echo "FAIL $1: expected '$3' in:"; echo "$out"; failed=1
  else
    echo "ok $1"
  fi
}

new_tree() {  # name -> path of a tree holding only cmake/
  mkdir -p "$work/$1"
  cp -r "$repo/cmake" "$work/$1/"
  echo "$work/$1"
}

if out=$(check "$repo"); then echo "ok this tree"; else
  echo "FAIL this tree:"; echo "$out"; failed=1
fi

# A tree whose one extra file breaks the layering.
expect_file_failure() {  # name, file, line, expected message
  local tree
  tree=$(new_tree "$1")
  mkdir -p "$tree/$(dirname "$2")"
  printf '%s\n' "$3" >"$tree/$2"
  expect_failure "$1" "$tree" "$4"
}

expect_file_failure "upward include" core/search/a.cc \
  '#include "core/model/generator.h"' \
  "core/search/a.cc: '#include \"core/model/generator.h\"': core/search/ does not depend on core/model/"
expect_file_failure "LibTorch in search" core/search/b.h \
  '#include <torch/torch.h>' \
  "core/search/b.h: '#include <torch/torch.h>': core/search/ may not include LibTorch"
expect_file_failure "proto importing core" proto/x.proto \
  'import "core/search/search.h";' "proto/ does not depend on core/search/"
expect_file_failure "folder not in the table" core/newthing/c.cc 'int x;' \
  "core/newthing/c.cc: folder core/newthing/ is not in cmake/layers.cmake"

tree=$(new_tree cycle)
sed -i 's#"core/io||"#"core/io||core/countdown"#' "$tree/cmake/layers.cmake"
expect_failure "cycle" "$tree" "dependency cycle"

[ "$failed" -eq 0 ] && echo "layer check: every case as expected"
exit "$failed"
