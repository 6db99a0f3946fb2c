// SPDX-License-Identifier: MIT
// Numbers as gradlab prints them: in messages as short as they can be
// (3, -2.5, 1e+300), in pictures, tapes and Value's printing with four
// decimals (0.7071). One place, so a number reads the same everywhere.
#pragma once

#include <cstdio>
#include <string>

namespace gradlab {

inline std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

inline std::string four_decimals(double x) {
  char buf[48];  // room for -1.8e308 written out
  std::snprintf(buf, sizeof buf, "%.4f", x);
  return buf;
}

}  // namespace gradlab
