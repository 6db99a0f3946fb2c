// SPDX-License-Identifier: MIT
// libFuzzer target for the expression parser and evaluator: any bytes must
// give an expression or a SyntaxError, and an expression must evaluate (or
// refuse with a domain error) and backpropagate, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include <gradlab/gradlab.hpp>

#include "expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  gradlab::Expression e;
  try {
    e = gradlab::Expression::parse(text);
  } catch (const gradlab::SyntaxError& err) {
    if (err.position() > text.size()) __builtin_trap();  // the caret must point into the text
    (void)err.caret();
    return 0;
  }
  std::map<std::string, gradlab::Value> values;
  double x = 0.75;
  for (const std::string& name : e.variables()) values.emplace(name, gradlab::Value(x += 0.5, name));
  try {
    gradlab::Value y = e.evaluate(values);
    if (y.requires_grad()) y.backward();
  } catch (const std::domain_error&) {
  }
  return 0;
}
