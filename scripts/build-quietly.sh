#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds only the given targets, quietly: one line while it works (with the
# build's percentage in a terminal), and on failure only what the compiler
# and CMake said (no progress lines). Used by `make demo`, `make tutorial`
# and `make exercise`.
#   build-quietly.sh BUILD_DIR JOBS TARGET...
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 jobs=$2
shift 2
mkdir -p "$build"
log="$build/quiet-build.log"
tty=0
[[ -t 1 ]] && tty=1
echo "building $* (the first time takes a minute or two) ..."
status=0
{ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$build" -j "$jobs" --target "$@"; } 2>&1 | tee "$log" |
  while IFS= read -r line; do
    if ((tty)) && [[ "$line" =~ ^\[\ *([0-9]+)%\] ]]; then printf '\r  %3s%%' "${BASH_REMATCH[1]}"; fi
  done
status=${PIPESTATUS[0]}
((tty)) && printf '\r      \r'
if ((status != 0)); then
  grep -vE '^\[ *[0-9]+%\]|^-- |^g?make(\[[0-9]+\])?: |Built target|Scanning dependencies|Consolidate compiler' "$log"
  echo "the build failed: the messages above say where (the whole log is $log)"
  exit 1
fi
