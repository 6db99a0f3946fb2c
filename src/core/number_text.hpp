// SPDX-License-Identifier: MIT
// Numbers as gradlab prints them: in error messages as short as they can be
// (3, -2.5, 1e+300), in pictures and Value's printing with four decimals.
// Internal to gradlab.
#pragma once

#include <cstdio>
#include <string>

namespace gradlab::detail {

inline std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

inline std::string four_decimals(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4f", x);
  return buf;
}

}  // namespace gradlab::detail
