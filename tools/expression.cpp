// SPDX-License-Identifier: MIT
// The expression parser (recursive descent with a depth limit) and the
// postfix evaluator (a loop over a stack of Values: no recursion at all).

#include "expression.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

namespace gradlab {

namespace {

struct Function {
  const char* name;
  Value (*apply)(const Value&);
};

// The one-argument functions; the postfix code points at `apply`.
const Function kFunctions[] = {
    {"exp", [](const Value& a) { return exp(a); }},
    {"log", [](const Value& a) { return log(a); }},
    {"tanh", [](const Value& a) { return tanh(a); }},
    {"relu", [](const Value& a) { return relu(a); }},
    {"sigmoid", [](const Value& a) { return sigmoid(a); }},
    {"sqrt", [](const Value& a) { return sqrt(a); }},
    {"sin", [](const Value& a) { return sin(a); }},
    {"cos", [](const Value& a) { return cos(a); }},
};

const Function* find_function(std::string_view name) {
  for (const Function& f : kFunctions)
    if (name == f.name) return &f;
  return nullptr;
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

const std::vector<std::string>& expression_functions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Function& f : kFunctions) v.push_back(f.name);
    return v;
  }();
  return names;
}

SyntaxError::SyntaxError(const std::string& message, std::string expression, std::size_t position)
    : std::invalid_argument(message + " at position " + std::to_string(position + 1)),
      expression_(std::move(expression)),
      position_(position) {}

std::string SyntaxError::caret() const {
  // Long expressions are shown around the error only.
  const std::size_t width = 70;
  std::size_t start = position_ > width / 2 ? position_ - width / 2 : 0;
  std::string shown = expression_.substr(start, width);
  std::replace_if(shown.begin(), shown.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  std::string prefix = start > 0 ? "..." : "";
  return "  " + prefix + shown + "\n  " + std::string(prefix.size() + position_ - start, ' ') + "^";
}

// Reads the text once, left to right, and writes postfix code: operands
// before their operator, so `a + b*c` becomes `a b c * +`.
class ExpressionParser {
 public:
  explicit ExpressionParser(Expression& e) : e_(e), s_(e.text_) {}

  void parse() {
    skip_space();
    if (pos_ == s_.size()) fail("empty expression", 0);
    expr();
    skip_space();
    if (pos_ < s_.size()) {
      if (s_[pos_] == ')') fail("unbalanced ')': no '(' to close", pos_);
      fail("expected an operator (+ - * / ^) but found " + describe(pos_), pos_);
    }
  }

 private:
  using Instruction = Expression::Instruction;

  void expr() {
    term();
    while (skip_space(), pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
      char op = take_operator();
      term();
      emit({Instruction::kBinary, 0, 0, op});
    }
  }

  void term() {
    unary();
    while (skip_space(), pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/')) {
      std::size_t at = pos_;
      char op = take_operator();
      if (op == '*' && pos_ < s_.size() && s_[pos_] == '*')
        fail("'**' is not an operator; write powers with ^", at);
      unary();
      emit({Instruction::kBinary, 0, 0, op});
    }
  }

  void unary() {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '-') {
      Nest nest(*this);
      take_operator();
      unary();
      emit({Instruction::kUnary, 0, 0, '-'});
      return;
    }
    power();
  }

  void power() {
    primary();
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '^') {
      Nest nest(*this);
      take_operator();
      unary();  // the exponent: may be negated, and may be a power itself
      emit({Instruction::kBinary, 0, 0, '^'});
    }
  }

  void primary() {
    skip_space();
    if (pos_ == s_.size()) {
      std::size_t at = s_.size();
      fail(last_op_ ? std::string("expected an operand after '") + last_op_ +
                          "' but the expression ended"
                    : std::string("expected an operand but the expression ended"),
           at);
    }
    char c = s_[pos_];
    if (c == '(') {
      Nest nest(*this);
      std::size_t open = pos_;
      take_operator();
      expr();
      skip_space();
      if (pos_ == s_.size() || s_[pos_] != ')')
        fail("unbalanced '(': no ')' closes it", open);
      ++pos_;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (is_name_start(c)) return name();
    if (c == ')') fail("expected an operand but found ')'", pos_);
    fail("expected a number, a name or '(' but found " + describe(pos_), pos_);
  }

  void number() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.'))
      ++pos_;
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      std::size_t e = pos_ + 1;
      if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) ++e;
      if (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) {
        pos_ = e;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      }
    }
    // strtod, not std::from_chars: the WebAssembly build's standard library
    // has no from_chars for double. It sees only the characters scanned above
    // (digits, '.', an exponent), so no locale, hex or "inf" can enter.
    const std::string text = s_.substr(start, pos_ - start);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) fail("malformed number '" + text + "'", start);
    // Too big (inf), or so small it became 0 though its digits are not all 0.
    const std::size_t mantissa_end = text.find_first_of("eE");
    const bool nonzero_digits = text.substr(0, mantissa_end).find_first_of("123456789") != std::string::npos;
    if (!std::isfinite(value) || (value == 0 && nonzero_digits))
      fail("number '" + text + "' is out of range", start);
    emit({Instruction::kNumber, value, 0, 0});
  }

  void name() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    std::string id = s_.substr(start, pos_ - start);
    skip_space();
    bool call = pos_ < s_.size() && s_[pos_] == '(';
    const Function* f = find_function(id);
    if (call && !f) fail("unknown function '" + id + "'", start);
    if (!call && f) fail("function '" + id + "' needs parentheses: " + id + "(...)", start);
    if (f) {
      Nest nest(*this);
      std::size_t open = pos_;
      take_operator();
      expr();
      skip_space();
      if (pos_ == s_.size() || s_[pos_] != ')') fail("unbalanced '(': no ')' closes it", open);
      ++pos_;
      emit({Instruction::kUnary, 0, 0, 'f', f->apply});
      return;
    }
    // Each name's slot in variables_, found in constant time: a text with
    // 100,000 distinct names parses in linear time.
    auto [it, is_new] = slots_.try_emplace(id, e_.variables_.size());
    if (is_new) e_.variables_.push_back(id);
    emit({Instruction::kVariable, 0, it->second, 0});
  }

  // Counts nesting; past kMaxDepth the text is refused, so the parser's own
  // recursion stays far from the stack's limit.
  struct Nest {
    explicit Nest(ExpressionParser& p) : p(p) {
      if (++p.depth_ > Expression::kMaxDepth)
        p.fail("expression nests deeper than " + std::to_string(Expression::kMaxDepth) + " levels",
               p.pos_);
    }
    ~Nest() { --p.depth_; }
    ExpressionParser& p;
  };

  void emit(const Instruction& i) {
    last_op_ = 0;
    e_.code_.push_back(i);
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // Consumes the operator (or '(') at pos_, remembered for "expected an operand after ...".
  char take_operator() {
    last_op_ = s_[pos_++];
    return last_op_;
  }
  std::string describe(std::size_t at) const {
    unsigned char c = static_cast<unsigned char>(s_[at]);
    if (std::isprint(c)) return std::string("'") + s_[at] + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    return buf;
  }
  [[noreturn]] void fail(const std::string& message, std::size_t at) const {
    throw SyntaxError(message, s_, at);
  }

  Expression& e_;
  const std::string& s_;
  std::unordered_map<std::string, std::size_t> slots_;  // name -> index into variables_
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  char last_op_ = 0;
};

Expression Expression::parse(std::string_view text) {
  Expression e;
  if (text.size() > kMaxLength)
    throw SyntaxError("expression is longer than " + std::to_string(kMaxLength) + " characters",
                      std::string(text.substr(0, 80)), 0);
  e.text_ = std::string(text);
  ExpressionParser(e).parse();
  return e;
}

Value Expression::evaluate(const std::map<std::string, Value>& values) const {
  if (code_.empty())
    throw std::logic_error("evaluate: this Expression holds nothing (it was default-constructed; "
                           "make one with Expression::parse)");
  std::vector<Value> vars;
  for (const std::string& name : variables_) {
    auto it = values.find(name);
    if (it == values.end())
      throw std::invalid_argument("variable '" + name + "' has no value (give " + name +
                                  "=NUMBER)");
    vars.push_back(it->second);
  }
  // Postfix code runs on a stack: operands are pushed, an op pops its
  // operands and pushes its result; the last value left is the expression's.
  std::vector<Value> stack;
  for (const Instruction& i : code_) {
    switch (i.kind) {
      case Instruction::kNumber: stack.push_back(Value::constant(i.number)); break;
      case Instruction::kVariable: stack.push_back(vars[i.index]); break;
      case Instruction::kUnary: {
        Value a = std::move(stack.back());
        stack.pop_back();
        stack.push_back(i.op == '-' ? -a : i.function(a));
        break;
      }
      case Instruction::kBinary: {
        Value b = std::move(stack.back());
        stack.pop_back();
        Value a = std::move(stack.back());
        stack.pop_back();
        switch (i.op) {
          case '+': stack.push_back(a + b); break;
          case '-': stack.push_back(a - b); break;
          case '*': stack.push_back(a * b); break;
          case '/': stack.push_back(a / b); break;
          default: stack.push_back(pow(a, b)); break;
        }
        break;
      }
    }
  }
  return stack.back();
}

}  // namespace gradlab
