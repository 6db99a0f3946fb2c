#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How many lines a LibTorch program changes when it moves to gradlab: diffs
# each tests/libtorch_port/X_libtorch.cpp against its port X.cpp, leaving out
# the opening comment and the block between "// --- data" and "// --- end of
# data" (data loading differs by design), and prints the lines removed and
# added. With libtorch-dev installed (Debian), it also compiles each LibTorch
# original, to show that it is LibTorch code: scripts/libtorch-port.sh --compile
set -euo pipefail
cd "$(dirname "$0")/.."
body() {  # the program without its opening comment and its data block
  awk '/^#include/ { started = 1 }
       /\/\/ --- data/ { skip = 1 } /\/\/ --- end of data/ { skip = 0; next }
       started && !skip' "$1"
}
for original in tests/libtorch_port/*_libtorch.cpp; do
  port=${original%_libtorch.cpp}.cpp
  diffs=$(diff <(body "$original") <(body "$port") || true)
  removed=$(grep -c '^<' <<<"$diffs" || true)
  added=$(grep -c '^>' <<<"$diffs" || true)
  echo "$(basename "$port"): $(body "$original" | wc -l) lines of LibTorch beyond the data loading;" \
       "$removed removed, $added added:"
  grep '^[<>]' <<<"$diffs" | sed 's/^/    /'
  if [[ "${1:-}" == "--compile" ]]; then
    include=/usr/include/torch/csrc/api/include
    [[ -d $include ]] || { echo "no LibTorch headers: apt-get install libtorch-dev"; exit 1; }
    g++ -std=c++17 -O0 -fsyntax-only -w -I"$include" "$original" && echo "    $original compiles against LibTorch"
  fi
done
