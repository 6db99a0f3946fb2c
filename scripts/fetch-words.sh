#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes sure Debian's wamerican word list is installed
# (/usr/share/dict/american-english): chapters 10 and 11 learn from its words.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
words="${GRADLAB_WORDS:-/usr/share/dict/american-english}"
if [[ -s "$words" ]]; then
  echo "data: word list already in $words"
  exit 0
fi
"$root/scripts/install-deps.sh" data
[[ -s "$words" ]] || { echo "data: $words is still missing after installing wamerican" >&2; exit 1; }
echo "data: word list (Debian wamerican) in $words"
