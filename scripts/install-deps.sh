#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages in scripts/packages.txt that are missing, with
# sudo when not root. Does nothing when everything is present.
#   install-deps.sh              what `make demo` needs (lines without a group)
#   install-deps.sh test data    that, and the lines marked "test:" / "data:"
# Safe to run twice at once (two terminals, two ctest fixtures): one lock
# around the install, and apt itself waits for a package manager that is
# already running instead of failing on dpkg's lock.
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

missing_packages() {
  missing=()
  local pkg status
  for pkg in "${wanted[@]}"; do
    # A command of the same name counts too (npm comes with Node.js's own package).
    command -v "$pkg" >/dev/null 2>&1 && continue
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
}
missing_packages
((${#missing[@]} == 0)) && exit 0

# One install at a time: whoever comes second waits here, then finds
# (below) what the first one already installed.
lock_dir="$(cd .. && pwd)/.cache"
mkdir -p "$lock_dir"
exec 9>"$lock_dir/install.lock"
if ! flock -n 9; then
  echo "install-deps: another install is running; waiting for it ..."
  flock 9
fi
missing_packages
((${#missing[@]} == 0)) && exit 0

echo "install-deps: installing ${missing[*]}"
as_root=(env DEBIAN_FRONTEND=noninteractive)
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  # Without a terminal (CI) sudo must not wait for a password.
  if [[ -t 0 ]]; then as_root=(sudo "${as_root[@]}"); else as_root=(sudo -n "${as_root[@]}"); fi
fi
# A package manager run elsewhere (unattended upgrades, another terminal)
# holds dpkg's lock: wait up to 10 minutes for it rather than fail.
apt=(apt-get -o DPkg::Lock::Timeout=600 -y)
# Try with the package lists as they are; refresh them once if that fails.
if ! "${as_root[@]}" "${apt[@]}" install --no-install-recommends "${missing[@]}"; then
  "${as_root[@]}" "${apt[@]}" update
  "${as_root[@]}" "${apt[@]}" install --no-install-recommends "${missing[@]}"
fi
