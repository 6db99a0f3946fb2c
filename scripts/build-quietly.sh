#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds only the given targets, quietly: one line while it works, and on
# failure only what the compiler and CMake said (no progress lines). Used by
# `make tutorial` and `make exercise`.
#   build-quietly.sh BUILD_DIR JOBS TARGET...
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 jobs=$2
shift 2
mkdir -p "$build"
log="$build/quiet-build.log"
echo "building $* (the first time takes a few minutes) ..."
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$build" -j "$jobs" --target "$@"; } >"$log" 2>&1; then
  grep -vE '^\[ *[0-9]+%\]|^-- |^g?make(\[[0-9]+\])?: |Built target|Scanning dependencies|Consolidate compiler' "$log"
  echo "the build failed: the messages above say where (the whole log is $log)"
  exit 1
fi
