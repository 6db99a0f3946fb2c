// SPDX-License-Identifier: MIT
// The gradlab command's expressions, "tanh(x*w + b)^2", turned into Value
// graphs: a small recursive-descent parser compiles the text to postfix code once, and
// evaluate() runs that code on Values, so every use of a variable is the
// same node and its gradients add up.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gradlab/value.hpp>

namespace gradlab {

// A syntax error, with where it is: what() is one line, and caret() draws the
// expression with a ^ under the place (for a terminal).
class SyntaxError : public std::invalid_argument {
 public:
  SyntaxError(const std::string& message, std::string expression, std::size_t position);
  std::size_t position() const { return position_; }  // 0-based, into the text
  const std::string& expression() const { return expression_; }
  std::string caret() const;  // "  x + * y\n      ^"

 private:
  std::string expression_;
  std::size_t position_;
};

// Grammar, loosest binding first:
//   expr    = term (("+" | "-") term)*
//   term    = unary (("*" | "/") unary)*
//   unary   = "-" unary | power
//   power   = primary ("^" unary)?       right-associative: 2^3^2 = 2^9,
//                                        and -x^2 = -(x^2), 2^-x = 2^(-x)
//   primary = number | function "(" expr ")" | variable | "(" expr ")"
// Numbers: 2, 0.5, .5, 1e-3. Variables: [A-Za-z_][A-Za-z0-9_]*. Functions:
// exp log tanh relu sigmoid sqrt sin cos.
class Expression {
 public:
  static constexpr std::size_t kMaxDepth = 256;         // nesting of (), -, ^
  static constexpr std::size_t kMaxLength = 1'000'000;  // characters

  // Throws SyntaxError for anything that is not an expression of the grammar
  // (empty text, unbalanced parentheses, a doubled or trailing operator,
  // "**", an unknown function, a function without parentheses, a number out
  // of range, nesting deeper than kMaxDepth, text longer than kMaxLength).
  static Expression parse(std::string_view text);

  const std::string& text() const { return text_; }
  // The variables, in order of first appearance.
  const std::vector<std::string>& variables() const { return variables_; }

  // Builds the graph. Every variable needs a Value in `values`
  // (std::invalid_argument names the first one missing); the ops' own
  // errors (std::domain_error) pass through. Iterative: any length works.
  Value evaluate(const std::map<std::string, Value>& values) const;

 private:
  // One step of the postfix code.
  struct Instruction {
    enum Kind { kNumber, kVariable, kUnary, kBinary } kind;
    double number = 0;   // kNumber
    std::size_t index = 0;  // kVariable: into variables_
    char op = 0;         // kBinary: + - * / ^; kUnary: '-', or 'f' for `function`
    Value (*function)(const Value&) = nullptr;  // kUnary 'f': exp, log, ...
  };
  friend class ExpressionParser;

  std::string text_;
  std::vector<std::string> variables_;
  std::vector<Instruction> code_;
};

// The function names the grammar knows.
const std::vector<std::string>& expression_functions();

}  // namespace gradlab
