#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes .cache/text/fortunes.txt, the text the GPT chapter learns to write:
# fortune cookies from Debian's `fortunes` package (/usr/share/games/fortunes,
# installed here when missing), one cookie a document, documents separated by
# one blank line, about 1 MB. The same input gives the same file, byte for byte.
#
# The files, in this order (FILES below), and why:
#   fortunes wisdom people science literature education food humorists
#   platitudes goedel paradoxum kids tao startrek sports magic pets
#   computers medicine law news
# quotations, proverbs, jokes about work, science, computers and the law.
# Left out: ascii-art and art (pictures made of characters, TV-listing
# parodies), cookie, men-women, ethnic, drugs, love, riddles, politics
# (jokes a classroom would not want), songs-poems (song lyrics), knghtbrd,
# debian, linux, linuxcookie, perl (IRC logs: nicknames and shell commands),
# zippy (Zippy the Pinhead's non sequiturs), definitions, miscellaneous,
# work (to keep the size near 1 MB), disclaimer, translate-me, pratchett
# (a few cookies each).
#
# Each cookie is cleaned the same way: overstriking (`_^Hx`, `x^Hx`, a
# terminal's underline and bold) becomes the plain character; bells (^G),
# trailing blanks and blank lines inside a cookie go; a cookie holding any
# of the words in SKIP (whole words, any case) is left out, and so is one
# with a character outside printable ASCII (5 cookies: mostly text encoded
# twice, ’ as â€™). The result must be UTF-8 with no control character but
# newline and tab; the script fails otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${GRADLAB_FORTUNES_DIR:-/usr/share/games/fortunes}"
dest="${1:-$root/.cache/text/fortunes.txt}"
FILES=(fortunes wisdom people science literature education food humorists
       platitudes goedel paradoxum kids tao startrek sports magic pets
       computers medicine law news)
SKIP='sex|sexual|sexually|sexism|penis|rape|bitch|horny|virgin|orgasm|fuck|fucking|shit|whore|nude|naked|breasts?'

# One writer at a time (two ctest fixtures, two terminals): the second waits,
# then finds the same file and leaves it as it is.
mkdir -p "$root/.cache"
exec 9>"$root/.cache/fortunes.lock"
flock 9
missing=()
for f in "${FILES[@]}"; do [[ -s "$src/$f" ]] || missing+=("$f"); done
if ((${#missing[@]})); then
  echo "data: installing Debian's fortunes package (${#missing[@]} cookie files missing in $src) ..."
  "$root/scripts/install-deps.sh" data
  for f in "${FILES[@]}"; do
    [[ -s "$src/$f" ]] || { echo "data: $src/$f is still missing after installing fortunes" >&2; exit 1; }
  done
fi

mkdir -p "$(dirname "$dest")"
tmp="$(mktemp "$(dirname "$dest")/.fortunes.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
for f in "${FILES[@]}"; do cat "$src/$f"; printf '%%\n'; done |
  LC_ALL=C sed -e ':a' -e 's/[^\x08]\x08//' -e 'ta' -e 's/\x07//g' -e 's/[[:space:]]*$//' |
  LC_ALL=C awk -v skip="(^|[^a-z])($SKIP)([^a-z]|\$)" '
    function flush() {
      if (doc != "" && tolower(doc) !~ skip && doc !~ /[^\t -~\n]/) { printf "%s%s\n", (n++ ? "\n" : ""), doc }
      doc = ""
    }
    $0 == "%" { flush(); next }
    $0 == "" { next }                       # blank lines inside a cookie
    { doc = doc (doc == "" ? "" : "\n") $0 }
    END { flush(); printf "%d", n > "/dev/stderr" }' >"$tmp" 2>"$tmp.count"
documents="$(cat "$tmp.count")"
rm -f "$tmp.count"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$tmp"; then
  echo "data: a control character is left in the cookies (the cleaning missed it)" >&2; exit 1
fi
iconv -f UTF-8 -t UTF-8 "$tmp" >/dev/null 2>&1 || { echo "data: the cookies are not valid UTF-8" >&2; exit 1; }
bytes="$(stat -c %s "$tmp")"
if cmp -s "$tmp" "$dest"; then
  echo "data: fortune cookies already in $dest ($documents cookies, $bytes bytes)"
else
  chmod 644 "$tmp"
  mv "$tmp" "$dest"
  echo "data: fortune cookies (Debian fortunes, ${#FILES[@]} files) in $dest ($documents cookies, $bytes bytes)"
fi
