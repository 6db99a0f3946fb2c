// SPDX-License-Identifier: MIT
// Elementwise tensor ops, forward then backward, side by side: Value's ops,
// applied to every element. One forward serves the numbers and the scalar
// replay (explode.hpp) alike. Binary ops broadcast, and their backward sums
// each gradient back over the dimensions its operand was stretched along.

#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

using detail::for_each_broadcast;
using detail::unary;
using detail::unary_backward;

namespace {

// out = f(a, b) elementwise under broadcasting.
template <class F>
Tensor binary(const char* name, const Tensor& a, const Tensor& b, const Op& op, F f) {
  Shape shape = detail::broadcast_shape(name, a.shape(), b.shape());
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(detail::numel_of(shape)));
  const double* x = a.data().data();
  const double* y = b.data().data();
  for_each_broadcast(shape, a.shape(), b.shape(),
                     [&](std::int64_t i, std::int64_t ia, std::int64_t ib) { out[i] = f(x[ia], y[ib]); });
  return make_result(std::move(shape), std::move(out), op, {a, b});
}

// The backward of a binary op: grad(dout, x, y, out) returns the pair
// (d out/d x, d out/d y) times dout for one element; shares are added into
// the operands that take a gradient, summed over broadcast elements.
template <class G>
void binary_backward(Node& n, G grad) {
  TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0)), b = tensor_slot(n.parent(1));
  for_each_broadcast(out.shape, a.shape, b.shape, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
    auto [gx, gy] = grad(out.grad[i], a.data[ia], b.data[ib], out.data[i]);
    if (a.grad) a.grad[ia] += gx;
    if (b.grad) b.grad[ib] += gy;
  });
}

// The two shares of a binary op: numbers, or Tensors for gradients of
// gradients.
template <class T>
struct Pair {
  T x, y;
};
template <class T>
Pair(T, T) -> Pair<T>;  // (clang 14, emscripten's, deduces no aggregate's arguments by itself)

template <class G>
void binary_numbers(Node& n) {  // backward() on numbers
  binary_backward(n, G{});
}
template <class G>
void binary_graph(Node& n, GradientGraph& g) {  // create_graph: the same line on Tensors
  Tensor a = tensor_of(n.parent(0)), b = tensor_of(n.parent(1));
  auto [da, db] = G{}(gradient_of(n, g), a, b, tensor_of(n));
  if (wants(g, n, 0)) pass(g, n, 0, detail::sum_to(da, a.shape()));
  if (wants(g, n, 1)) pass(g, n, 1, detail::sum_to(db, b.shape()));
}
// The Op of a binary op whose shares are `grad`, a lambda
// `[](const auto& dout, const auto& a, const auto& b, const auto& out)`
// returning Pair{dout * d out/d a, dout * d out/d b}: on numbers, one element
// at a time, for backward(); on whole Tensors for gradients of gradients.
template <class G>
constexpr Op binary_op(const char* name, G /*grad*/, void (*replay)(Replay&)) {
  return Op{name, &binary_numbers<G>, &kTensorKind, replay, &binary_graph<G>};
}

// NaN is not a domain error: it passes through as NaN, as in PyTorch and in
// Value's ops (value.hpp), so a run that diverged shows NaN where it began.
template <class Check>
void check_domain(const char* op, const Tensor& a, Check ok, const char* expected) {
  for (double x : a.data())
    if (!ok(x) && x == x)  // the number printed as Value's ops print it
      throw std::domain_error(std::string(op) + ": input must be " + expected + ", got " +
                              number_text(x));
}

// relu and sigmoid of a number, beside Value's (value_ops.cpp), so that one
// forward serves a tensor's numbers and its replay's Values.
double relu(double x) { return x > 0 ? x : 0.0; }
double sigmoid(double x) {  // two forms, so that e^(large) never overflows
  return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
}

}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) {
  static constexpr auto f = [](const auto& x, const auto& y) { return x + y; };  // forward: numbers, Values
  static constexpr Op op = binary_op("+", [](const auto& dout, const auto&, const auto&, const auto&) {  // backward
    return Pair{dout, dout};  // d(a+b)/da = 1, d(a+b)/db = 1
  }, [](Replay& r) { r.each_pair(f); });
  return binary("add", a, b, op, f);
}

Tensor operator-(const Tensor& a, const Tensor& b) {
  static constexpr auto f = [](const auto& x, const auto& y) { return x - y; };  // forward: numbers, Values
  static constexpr Op op = binary_op("-", [](const auto& dout, const auto&, const auto&, const auto&) {  // backward
    return Pair{dout, -dout};  // d(a-b)/da = 1, d(a-b)/db = -1
  }, [](Replay& r) { r.each_pair(f); });
  return binary("sub", a, b, op, f);
}

Tensor operator*(const Tensor& a, const Tensor& b) {
  static constexpr auto f = [](const auto& x, const auto& y) { return x * y; };  // forward: numbers, Values
  static constexpr Op op = binary_op("*", [](const auto& dout, const auto& x, const auto& y, const auto&) {  // backward
    return Pair{dout * y, dout * x};  // d(a*b)/da = b, d(a*b)/db = a
  }, [](Replay& r) { r.each_pair(f); });
  return binary("mul", a, b, op, f);
}

Tensor operator/(const Tensor& a, const Tensor& b) {
  for (double y : b.data())
    if (y == 0) throw std::domain_error("div: division by zero");
  static constexpr auto f = [](const auto& x, const auto& y) { return x / y; };  // forward: numbers, Values
  static constexpr Op op = binary_op("/", [](const auto& dout, const auto& x, const auto& y, const auto&) {  // backward
    return Pair{dout / y, -dout * x / (y * y)};  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
  }, [](Replay& r) { r.each_pair(f); });
  return binary("div", a, b, op, f);
}

Tensor operator-(const Tensor& a) {
  static constexpr auto f = [](const auto& x) { return -x; };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("neg", [](const auto&, const auto&) {  // backward
    return -1.0;  // d(-a)/da = -1
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

// A number joins the graph as a constant 0-d tensor, broadcast to any shape.
Tensor operator+(const Tensor& a, double b) { return a + scalar_tensor(b); }
Tensor operator+(double a, const Tensor& b) { return scalar_tensor(a) + b; }
Tensor operator-(const Tensor& a, double b) { return a - scalar_tensor(b); }
Tensor operator-(double a, const Tensor& b) { return scalar_tensor(a) - b; }
Tensor operator*(const Tensor& a, double b) { return a * scalar_tensor(b); }
Tensor operator*(double a, const Tensor& b) { return scalar_tensor(a) * b; }
Tensor operator/(const Tensor& a, double b) { return a / scalar_tensor(b); }
Tensor operator/(double a, const Tensor& b) { return scalar_tensor(a) / b; }

Tensor exp(const Tensor& a) {
  static constexpr auto f = [](const auto& x) { using std::exp; return exp(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("exp", [](const auto&, const auto& out) {  // backward
    return out;  // d(e^a)/da = e^a
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor log(const Tensor& a) {
  check_domain("log", a, [](double x) { return x > 0; }, "positive");
  static constexpr auto f = [](const auto& x) { using std::log; return log(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("log", [](const auto& x, const auto&) {  // backward
    return 1 / x;  // d(ln a)/da = 1/a
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor tanh(const Tensor& a) {
  static constexpr auto f = [](const auto& x) { using std::tanh; return tanh(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("tanh", [](const auto&, const auto& out) {  // backward
    return 1 - out * out;  // d(tanh a)/da = 1 - tanh(a)^2
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor relu(const Tensor& a) {
  static constexpr auto f = [](const auto& x) { return relu(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("relu", [](const auto&, const auto& out) {  // backward
    return detail::step(out);  // d(relu a)/da = 1 if a > 0, else 0
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor sigmoid(const Tensor& a) {
  static constexpr auto f = [](const auto& x) { return sigmoid(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("sigmoid", [](const auto&, const auto& out) {  // backward
    return out * (1 - out);  // d(s(a))/da = s(a) (1 - s(a))
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor sqrt(const Tensor& a) {
  check_domain("sqrt", a, [](double x) { return x >= 0; }, "non-negative");
  static constexpr auto f = [](const auto& x) { using std::sqrt; return sqrt(x); };  // forward: numbers, Values
  static constexpr Op op = detail::unary_op("sqrt", [](const auto&, const auto& out) {  // backward
    return 1 / (2 * out);  // d(sqrt a)/da = 1 / (2 sqrt a)
  }, [](Replay& r) { r.each(f); });
  return unary(a, op, f);
}

Tensor abs(const Tensor& a) {
  static constexpr auto f = [](double x) { return std::abs(x); };  // forward
  static constexpr Op op = detail::unary_op("abs", [](const auto& x, const auto&) {  // backward
    return detail::sign(x);  // d|a|/da = sign(a), 0 at 0
  }, [](Replay& r) {
    r.each([](const Value& x) { return relu(x) + relu(-x); });  // |x|, with slope 0 at 0 as above
  });
  return unary(a, op, f);
}

namespace {
struct PowState {
  double exponent;
};
}  // namespace

Tensor pow(const Tensor& a, double exponent) {
  if (exponent != std::floor(exponent))
    check_domain("pow", a, [](double x) { return x >= 0; }, "non-negative for a non-integer exponent");
  if (exponent < 0) check_domain("pow", a, [](double x) { return x != 0; }, "non-zero for a negative exponent");
  auto f = [exponent](double x) { return std::pow(x, exponent); };  // forward
  // d(a^p)/da = p a^(p-1), for numbers and Tensors; nothing for p = 0 (where
  // 0 * 0^-1 would be NaN)
  static constexpr auto local = [](const auto& x, double p) { using std::pow; return p * pow(x, p - 1); };
  static constexpr Op op{"pow", [](Node& n) {  // backward
    const double p = state<PowState>(n).exponent;
    if (p != 0) unary_backward(n, [p](const auto& x, const auto&) { return local(x, p); });
  }, &kTensorKind, [](Replay& r) {
    const double p = state<PowState>(r.node).exponent;
    r.each([p](const Value& x) { return pow(x, p); });
  }, [](Node& n, GradientGraph& g) {  // the same derivative on Tensors (create_graph)
    const double p = state<PowState>(n).exponent;
    if (p != 0) pass(g, n, 0, gradient_of(n, g) * local(tensor_of(n.parent(0)), p));
  }};
  Tensor out = unary(a, op, f);
  keep(out, PowState{exponent});
  return out;
}

Tensor clamp(const Tensor& a, double low, double high) {
  if (!(low <= high))
    throw std::invalid_argument("clamp: low " + std::to_string(low) + " is above high " +
                                std::to_string(high));
  auto f = [low, high](double x) { return x < low ? low : x > high ? high : x; };  // forward
  static constexpr Op op = detail::unary_op("clamp", [](const auto& x, const auto& out) {  // backward
    // out == a exactly where a was inside [low, high]: d(clamp a)/da = 1 there, else 0.
    return detail::same(x, out);
  }, [](Replay& r) {
    // a itself where it was inside [low, high], else the bound, a constant.
    const std::vector<Value>& a = r.operand(0);
    for (std::size_t i = 0; i < a.size(); ++i)
      r.out.push_back(a[i].data() == r.node.data[i] ? a[i] : Value::constant(r.node.data[i]));
  });
  return unary(a, op, f);
}

// A mask is data, not a function of a and b: no gradient flows through it.
template <class C>
Tensor compare(const char* name, const Tensor& a, const Tensor& b, C c) {
  Shape shape = detail::broadcast_shape(name, a.shape(), b.shape());
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(detail::numel_of(shape)));
  for_each_broadcast(shape, a.shape(), b.shape(), [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
    out[i] = c(a.data()[ia], b.data()[ib]) ? 1.0 : 0.0;
  });
  return tensor(std::move(out), std::move(shape));
}
Tensor gt(const Tensor& a, const Tensor& b) { return compare("gt", a, b, std::greater<>()); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare("lt", a, b, std::less<>()); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare("ge", a, b, std::greater_equal<>()); }
Tensor le(const Tensor& a, const Tensor& b) { return compare("le", a, b, std::less_equal<>()); }
Tensor eq(const Tensor& a, const Tensor& b) { return compare("eq", a, b, std::equal_to<>()); }

namespace {
struct MaskedFillState {
  double value;  // what the mask's elements are replaced by
};
}  // namespace

Tensor masked_fill(const Tensor& a, const Tensor& mask, double value) {
  if (detail::broadcast_shape("masked_fill", a.shape(), mask.shape()) != a.shape())
    throw std::invalid_argument("masked_fill: mask of shape " + to_string(mask.shape()) +
                                " does not broadcast to shape " + to_string(a.shape()));
  auto f = [value](double x, double m) { return m != 0 ? value : x; };  // forward
  static constexpr Op op = binary_op("masked_fill", [](const auto& dout, const auto&, const auto& m, const auto&) {
    // d(out)/da = 1 where the mask is 0, 0 where it filled in the value; the
    // mask is data (detached): its share is never used.
    return Pair{dout * detail::same(m, 0.0 * m), dout};
  }, [](Replay& r) {
    const double fill = state<MaskedFillState>(r.node).value;  // a constant where the mask is set
    r.each_pair([fill](const Value& x, const Value& m) { return m.data() != 0 ? Value::constant(fill) : x; });
  });
  Tensor out = binary("masked_fill", a, mask.detach(), op, f);
  keep(out, MaskedFillState{value});
  return out;
}

Tensor Tensor::clamp(double low, double high) const { return gradlab::clamp(*this, low, high); }
Tensor Tensor::masked_fill(const Tensor& mask, double value) const {
  return gradlab::masked_fill(*this, mask, value);
}
Tensor Tensor::exp() const { return gradlab::exp(*this); }
Tensor Tensor::log() const { return gradlab::log(*this); }
Tensor Tensor::tanh() const { return gradlab::tanh(*this); }
Tensor Tensor::relu() const { return gradlab::relu(*this); }
Tensor Tensor::sigmoid() const { return gradlab::sigmoid(*this); }
Tensor Tensor::sqrt() const { return gradlab::sqrt(*this); }
Tensor Tensor::abs() const { return gradlab::abs(*this); }
Tensor Tensor::pow(double exponent) const { return gradlab::pow(*this, exponent); }

}  // namespace gradlab
