// SPDX-License-Identifier: MIT
// Every scalar op, forward then backward, side by side as in micrograd's
// engine.py. A backward reads out, a and b from the node and adds
// out.grad times the local derivative into each operand's grad. Each is
// written once for numbers and Values alike (`auto`, math::), so it also
// serves gradients of gradients; the helpers they use (make_result,
// scalar_op) are public: op.hpp.

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/number_text.hpp>
#include <gradlab/op.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

Value operator+(const Value& a, const Value& b) {
  double data = a.data() + b.data();  // forward
  static constexpr Op op = scalar_op("+", [](auto& out, auto& a, auto& b) {  // backward
    a.grad += out.grad;  // d(a+b)/da = 1
    b.grad += out.grad;  // d(a+b)/db = 1
  });
  return make_result(data, op, a, b);
}

Value operator-(const Value& a, const Value& b) {
  double data = a.data() - b.data();  // forward
  static constexpr Op op = scalar_op("-", [](auto& out, auto& a, auto& b) {  // backward
    a.grad += out.grad;  // d(a-b)/da = 1
    b.grad -= out.grad;  // d(a-b)/db = -1
  });
  return make_result(data, op, a, b);
}

Value operator*(const Value& a, const Value& b) {
  double data = a.data() * b.data();  // forward
  static constexpr Op op = scalar_op("*", [](auto& out, auto& a, auto& b) {  // backward
    a.grad += b.data * out.grad;  // d(a*b)/da = b
    b.grad += a.data * out.grad;  // d(a*b)/db = a
  });
  return make_result(data, op, a, b);
}

Value operator/(const Value& a, const Value& b) {
  if (b.data() == 0.0) throw std::domain_error("div: division by zero (" + number_text(a.data()) + " / 0)");
  double data = a.data() / b.data();  // forward
  static constexpr Op op = scalar_op("/", [](auto& out, auto& a, auto& b) {  // backward
    a.grad += out.grad / b.data;                       // d(a/b)/da = 1/b
    b.grad -= out.grad * a.data / (b.data * b.data);  // d(a/b)/db = -a/b^2
  });
  return make_result(data, op, a, b);
}

Value operator-(const Value& a) {
  double data = -a.data();  // forward
  static constexpr Op op = scalar_op("neg", [](auto& out, auto& a) {  // backward
    a.grad -= out.grad;  // d(-a)/da = -1
  });
  return make_result(data, op, a);
}

// A plain number joins the graph as a constant leaf, as micrograd wraps it.
Value operator+(const Value& a, double b) { return a + Value::constant(b); }
Value operator+(double a, const Value& b) { return Value::constant(a) + b; }
Value operator-(const Value& a, double b) { return a - Value::constant(b); }
Value operator-(double a, const Value& b) { return Value::constant(a) - b; }
Value operator*(const Value& a, double b) { return a * Value::constant(b); }
Value operator*(double a, const Value& b) { return Value::constant(a) * b; }
Value operator/(const Value& a, double b) { return a / Value::constant(b); }
Value operator/(double a, const Value& b) { return Value::constant(a) / b; }

Value pow(const Value& a, const Value& b) {
  double x = a.data(), y = b.data();
  if (x < 0 && y != std::floor(y))
    throw std::domain_error("pow: negative base " + number_text(x) + " with non-integer exponent " +
                            number_text(y));
  if (x == 0 && y < 0)
    throw std::domain_error("pow: 0 to the negative power " + number_text(y) + " (division by zero)");
  double data = std::pow(x, y);  // forward
  static constexpr Op op = scalar_op("pow", [](auto& out, auto& a, auto& b) {  // backward
    // d(a^b)/da = b a^(b-1), which is 0 for b = 0 (where 0 * 0^-1 would be NaN)
    if (number(b.data) != 0) a.grad += b.data * math::pow(a.data, b.data - 1) * out.grad;
    if (!b.requires_grad) return;  // a constant exponent needs no log
    // d(a^b)/db = a^b ln a; 0 at a = 0, and no real derivative (NaN) for a < 0.
    if (number(a.data) > 0) b.grad += out.data * math::log(a.data) * out.grad;
    if (number(a.data) < 0) b.grad += out.grad * std::nan("");
  });
  return make_result(data, op, a, b);
}
Value pow(const Value& a, double b) { return pow(a, Value::constant(b)); }
Value pow(double a, const Value& b) { return pow(Value::constant(a), b); }

Value exp(const Value& a) {
  double data = std::exp(a.data());  // forward
  static constexpr Op op = scalar_op("exp", [](auto& out, auto& a) {  // backward
    a.grad += out.data * out.grad;  // d(e^a)/da = e^a
  });
  return make_result(data, op, a);
}

Value log(const Value& a) {
  if (a.data() <= 0)
    throw std::domain_error("log: input must be positive, got " + number_text(a.data()));
  double data = std::log(a.data());  // forward
  static constexpr Op op = scalar_op("log", [](auto& out, auto& a) {  // backward
    a.grad += out.grad / a.data;  // d(ln a)/da = 1/a
  });
  return make_result(data, op, a);
}

Value tanh(const Value& a) {
  double data = std::tanh(a.data());  // forward
  static constexpr Op op = scalar_op("tanh", [](auto& out, auto& a) {  // backward
    a.grad += (1 - out.data * out.data) * out.grad;  // d(tanh a)/da = 1 - tanh(a)^2
  });
  return make_result(data, op, a);
}

Value relu(const Value& a) {
  double data = a.data() > 0 ? a.data() : 0.0;  // forward
  static constexpr Op op = scalar_op("relu", [](auto& out, auto& a) {  // backward
    if (number(out.data) > 0) a.grad += out.grad;  // d(relu a)/da = 1 if a > 0 else 0
  });
  return make_result(data, op, a);
}

Value sigmoid(const Value& a) {
  // Two forms of 1/(1+e^-a), so that e^(large) never overflows.
  double x = a.data();
  double s = x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
  static constexpr Op op = scalar_op("sigmoid", [](auto& out, auto& a) {  // backward
    a.grad += out.data * (1 - out.data) * out.grad;  // d(s(a))/da = s(a) (1 - s(a))
  });
  return make_result(s, op, a);
}

Value sqrt(const Value& a) {
  if (a.data() < 0)
    throw std::domain_error("sqrt: input must not be negative, got " + number_text(a.data()));
  double data = std::sqrt(a.data());  // forward
  static constexpr Op op = scalar_op("sqrt", [](auto& out, auto& a) {  // backward
    a.grad += out.grad / (2 * out.data);  // d(sqrt a)/da = 1 / (2 sqrt a)
  });
  return make_result(data, op, a);
}

Value sin(const Value& a) {
  double data = std::sin(a.data());  // forward
  static constexpr Op op = scalar_op("sin", [](auto& out, auto& a) {  // backward
    a.grad += math::cos(a.data) * out.grad;  // d(sin a)/da = cos a
  });
  return make_result(data, op, a);
}

Value cos(const Value& a) {
  double data = std::cos(a.data());  // forward
  static constexpr Op op = scalar_op("cos", [](auto& out, auto& a) {  // backward
    a.grad -= math::sin(a.data) * out.grad;  // d(cos a)/da = -sin a
  });
  return make_result(data, op, a);
}

// Ops of many operands (op.hpp's scalar_op_n): a whole sum, or a whole dot
// product, is one node, however long.
Value sum(const std::vector<Value>& x) {
  if (x.empty()) throw std::invalid_argument("sum: x is empty");
  double data = x[0].data();  // forward, in order: x0 + x1 + x2 ...
  for (std::size_t i = 1; i < x.size(); ++i) data += x[i].data();
  static constexpr Op op = scalar_op_n("sum", [](auto& out, auto& x) {  // backward
    for (std::size_t i = 0; i < x.size(); ++i) x[i].grad += out.grad;  // d(sum)/dx_i = 1
  });
  return make_result(data, op, x);
}

Value dot(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("dot: a has " + std::to_string(a.size()) + " Values and b has " +
                                std::to_string(b.size()) + "; they must be as long");
  if (a.empty()) throw std::invalid_argument("dot: a and b are empty");
  double data = a[0].data() * b[0].data();  // forward, in order: a0 b0 + a1 b1 + ...
  for (std::size_t i = 1; i < a.size(); ++i) data += a[i].data() * b[i].data();
  // The operands are a's Values, then b's: x[i] is a_i and x[n + i] is b_i.
  static constexpr Op op = scalar_op_n("dot", [](auto& out, auto& x) {  // backward
    const std::size_t n = x.size() / 2;
    for (std::size_t i = 0; i < n; ++i) {
      x[i].grad += x[n + i].data * out.grad;  // d(a.b)/da_i = b_i
      x[n + i].grad += x[i].data * out.grad;  // d(a.b)/db_i = a_i
    }
  });
  return make_result(data, op, a, b);
}

// Members and compound assignment, all in terms of the free functions.
Value Value::pow(double exponent) const { return gradlab::pow(*this, exponent); }
Value Value::pow(const Value& exponent) const { return gradlab::pow(*this, exponent); }
Value Value::exp() const { return gradlab::exp(*this); }
Value Value::log() const { return gradlab::log(*this); }
Value Value::tanh() const { return gradlab::tanh(*this); }
Value Value::relu() const { return gradlab::relu(*this); }
Value Value::sigmoid() const { return gradlab::sigmoid(*this); }
Value Value::sqrt() const { return gradlab::sqrt(*this); }
Value Value::sin() const { return gradlab::sin(*this); }
Value Value::cos() const { return gradlab::cos(*this); }

Value& Value::operator+=(const Value& other) { return *this = *this + other; }
Value& Value::operator-=(const Value& other) { return *this = *this - other; }
Value& Value::operator*=(const Value& other) { return *this = *this * other; }
Value& Value::operator/=(const Value& other) { return *this = *this / other; }
Value& Value::operator+=(double other) { return *this = *this + other; }
Value& Value::operator-=(double other) { return *this = *this - other; }
Value& Value::operator*=(double other) { return *this = *this * other; }
Value& Value::operator/=(double other) { return *this = *this / other; }

}  // namespace gradlab
