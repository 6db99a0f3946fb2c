// SPDX-License-Identifier: MIT
// The class's own name from the demangled type name: the part after the
// last "::" outside template arguments and parentheses.

#include "autograd/type_name.hpp"

#include <cxxabi.h>

#include <cstdlib>

namespace gradlab::detail {

std::string class_name(const std::type_info& type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string full = status == 0 && demangled ? demangled : type.name();
  std::free(demangled);
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i + 1 < full.size(); ++i) {
    if (full[i] == '<' || full[i] == '(') ++depth;
    if (full[i] == '>' || full[i] == ')') --depth;
    if (depth == 0 && full[i] == ':' && full[i + 1] == ':') start = i + 2;
  }
  return full.substr(start);
}

}  // namespace gradlab::detail
