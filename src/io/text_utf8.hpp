// SPDX-License-Identifier: MIT
// Reading UTF-8 one code point at a time, strictly (no overlong forms, no
// surrogates, nothing past U+10FFFF), for load_text and CharVocab.
// Internal; not an installed header.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace gradlab::detail {

// The code point that starts at s[at], and its length in bytes; length 0
// when the bytes there are not UTF-8.
struct CodePoint {
  std::uint32_t value;
  std::size_t length;
};
inline CodePoint next_code_point(std::string_view s, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n;
  std::uint32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (at + n > s.size()) return {0, 0};
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, n};
}

// "U+00E9", as Unicode writes a code point.
inline std::string code_point_name(std::uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// A character as a message shows it: 'é', or its name alone when printing it
// would not show it (a control character, a space other than ' ').
inline std::string shown_character(std::string_view utf8, std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
    switch (cp) {
      case '\n': return "'\\n' (" + code_point_name(cp) + ")";
      case '\t': return "'\\t' (" + code_point_name(cp) + ")";
      default: return code_point_name(cp);
    }
  }
  std::string shown = "'";
  shown.append(utf8);
  shown += "' (" + code_point_name(cp) + ")";
  return shown;
}

}  // namespace gradlab::detail
