// SPDX-License-Identifier: MIT
// escape.hpp: UTF-8 checked the way browsers decode it (one U+FFFD for each
// maximal ill-formed part, Unicode's recommended practice), then the
// entities.

#include "escape.hpp"

namespace gradlab::viz::detail {

namespace {

constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

void put_control(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out += '\\';
  if (c == 0) {
    out += '0';
    return;
  }
  out += 'x';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// How many bytes follow a UTF-8 lead byte, and the range the first of them
// must lie in (narrower than 80..BF after E0, ED, F0 and F4: no overlong
// forms, no surrogates, nothing past U+10FFFF); 0 when c cannot lead.
int continuation_bytes(unsigned char c, unsigned char& lo, unsigned char& hi) {
  lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) return 1;
  if (c >= 0xe0 && c <= 0xef) {
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    return 2;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    return 3;
  }
  return 0;
}

}  // namespace

std::string shown_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) put_control(out, c);
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    unsigned char lo, hi;
    const int need = continuation_bytes(c, lo, hi);
    std::size_t j = i + 1;
    for (int k = 0; k < need && j < text.size(); ++k, ++j) {
      const auto d = static_cast<unsigned char>(text[j]);
      if (d < (k == 0 ? lo : 0x80) || d > (k == 0 ? hi : 0xbf)) break;
    }
    if (need > 0 && j - i == static_cast<std::size_t>(need) + 1) out.append(text.substr(i, j - i));
    else out += kReplacement;  // the ill-formed part; the byte that broke it starts afresh
    i = need > 0 ? j : i + 1;
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : shown_text(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace gradlab::viz::detail
