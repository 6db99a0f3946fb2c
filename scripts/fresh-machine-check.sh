#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the README's two commands as a new user meets them: removes the
# packages a fresh Debian machine lacks (the "data", "bench" and "web" groups of
# scripts/packages.txt, or also "test" with --without-test) and npm's cache,
# clones this repository's HEAD into a new folder, runs `make demo` and then
# `make test` there, timed, and puts the removed packages back.
#   scripts/fresh-machine-check.sh [--without-test] [--keep] [FOLDER]
# Logs: FOLDER/demo.log and FOLDER/test.log (FOLDER defaults to a new temp folder;
# the clone is FOLDER/gradlab, removed at the end unless --keep).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
groups="data bench web" keep=0 work=""
for arg in "$@"; do
  case "$arg" in
    --without-test) groups="test data bench web" ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fresh-machine-check: unknown option $arg" >&2; exit 2 ;;
    *) work="$arg" ;;
  esac
done
[[ -n "$work" ]] || work="$(mktemp -d)"
mkdir -p "$work"
as_root=()
[[ $(id -u) -ne 0 ]] && as_root=(sudo)

# The installed packages of those groups: these are removed, then put back.
removed=()
while read -r line; do
  line="${line%%#*}"; line="${line//[[:space:]]/}"
  [[ "$line" == *:* ]] || continue
  [[ " $groups " == *" ${line%%:*} "* ]] || continue
  pkg="${line#*:}"
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]] && removed+=("$pkg")
done < "$root/scripts/packages.txt"

put_back() {
  if ((${#removed[@]})); then
    echo "fresh-machine-check: putting back ${removed[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y \
      install --no-install-recommends "${removed[@]}" >/dev/null
  fi
  ((keep)) || rm -rf "$work/gradlab"
}
trap put_back EXIT

if ((${#removed[@]})); then
  echo "fresh-machine-check: removing ${removed[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y \
    remove "${removed[@]}" >/dev/null
else
  echo "fresh-machine-check: none of the groups' packages ($groups) is installed"
fi
if [[ -d "$HOME/.npm" ]]; then
  echo "fresh-machine-check: moving npm's cache aside (~/.npm -> $work/npm-cache)"
  rm -rf "$work/npm-cache"
  mv "$HOME/.npm" "$work/npm-cache"
fi

git clone --quiet "$root" "$work/gradlab"
cd "$work/gradlab"
run() {  # run NAME: make NAME, timed, its output in $work/NAME.log
  local start=$SECONDS status=0
  make "$1" >"$work/$1.log" 2>&1 || status=$?
  local took=$((SECONDS - start))
  echo "fresh-machine-check: make $1: exit $status in $took s (first line: $(head -n 1 "$work/$1.log"); log $work/$1.log)"
  return $status
}
demo_status=0 test_status=0
run demo || demo_status=$?
run test || test_status=$?
((demo_status == 0 && test_status == 0))
