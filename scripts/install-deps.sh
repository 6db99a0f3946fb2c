#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages in scripts/packages.txt that are missing, with
# sudo when not root. Does nothing when everything is present.
#   install-deps.sh              what building and testing need
#   install-deps.sh data bench   that, and the lines marked "data:" / "bench:"
set -euo pipefail
cd "$(dirname "$0")"
groups="${*:-}"
wanted=()
while read -r line; do
  line="${line%%#*}"
  line="${line//[[:space:]]/}"
  [[ -z "$line" ]] && continue
  if [[ "$line" == *:* ]]; then  # group:package, only when the group is asked for
    [[ " $groups " == *" ${line%%:*} "* ]] || continue
    line="${line#*:}"
  fi
  wanted+=("$line")
done < packages.txt
missing=()
for pkg in "${wanted[@]}"; do
  # A command of the same name counts too (npm comes with Node.js's own package).
  command -v "$pkg" >/dev/null 2>&1 && continue
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  # Without a terminal (CI) sudo must not wait for a password.
  if [[ -t 0 ]]; then as_root=(sudo "${as_root[@]}"); else as_root=(sudo -n "${as_root[@]}"); fi
fi
# Try with the package lists as they are; refresh them once if that fails.
if ! "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${as_root[@]}" apt-get update
  "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
