// SPDX-License-Identifier: MIT
// gelu (exact and tanh), silu and leaky_relu: elementwise ops, each forward
// beside its derivative, as the elementwise ops of tensor_ops.cpp.

#include <gradlab/nn/activation.hpp>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

#include "tensor/tensor_internal.hpp"

namespace gradlab::nn::functional {

using detail::unary;
using detail::unary_backward;

namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;  // sqrt(2 / pi)
constexpr double kCoeff = 0.044715;

}  // namespace

namespace {

// erf as an op of the graph, for gelu's derivative on Tensors (create_graph).
Tensor erf(const Tensor& x) {
  static constexpr Op op = detail::unary_op("erf", [](const auto& x, const auto&) {  // backward
    using std::exp;
    return (2 * std::numbers::inv_sqrtpi) * exp(-(x * x));  // d erf(x)/dx = 2/sqrt(pi) e^(-x^2)
  }, nullptr);
  return unary(x, op, [](double v) { return std::erf(v); });
}
double erf(double x) { return std::erf(x); }

}  // namespace

Tensor gelu(const Tensor& x, const std::string& approximate) {
  if (approximate == "none") {
    static constexpr Op op = detail::unary_op("gelu", [](const auto& x, const auto&) {  // backward
      // d(x Phi(x))/dx = Phi(x) + x phi(x), phi the standard normal density
      using std::exp;
      return 0.5 * (1 + erf(x * (std::numbers::sqrt2 / 2))) +
             x * exp(-0.5 * (x * x)) * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
    }, nullptr);
    return unary(x, op, [](double v) { return 0.5 * v * (1 + std::erf(v * std::numbers::sqrt2 / 2)); });
  }
  if (approximate == "tanh") {
    static constexpr Op op = detail::unary_op("gelu_tanh", [](const auto& x, const auto&) {  // backward
      // u = sqrt(2/pi) (x + c x^3), t = tanh u:
      // d/dx [x (1 + t) / 2] = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2) / 2
      using std::tanh;
      auto t = tanh(kSqrt2OverPi * (x + kCoeff * x * x * x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * kSqrt2OverPi * (1 + 3 * kCoeff * x * x);
    }, [](Replay& r) {
      r.each([](const Value& v) { return 0.5 * v * (1 + tanh(kSqrt2OverPi * (v + kCoeff * v * v * v))); });
    });
    return unary(x, op, [](double v) {
      return 0.5 * v * (1 + std::tanh(kSqrt2OverPi * (v + kCoeff * v * v * v)));
    });
  }
  throw std::invalid_argument("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
}

Tensor silu(const Tensor& x) {
  static constexpr Op op = detail::unary_op("silu", [](const auto& x, const auto&) {  // backward
    // s = sigmoid(x): d(x s)/dx = s + x s (1 - s) = s (1 + x (1 - s))
    using std::exp;
    auto s = 1 / (1 + exp(-x));
    return s * (1 + x * (1 - s));
  }, [](Replay& r) {
    r.each([](const Value& v) { return v * sigmoid(v); });
  });
  return unary(x, op, [](double v) {  // v sigmoid(v), in the form that never overflows
    return v >= 0 ? v / (1 + std::exp(-v)) : v * std::exp(v) / (1 + std::exp(v));
  });
}

namespace {
struct LeakyReluState {
  double negative_slope;
};
}  // namespace

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  // 1 for x > 0, the slope otherwise (at 0 too, as PyTorch): numbers and Tensors
  static constexpr auto local = [](const auto& x, double slope) { return detail::positive_or(x, slope); };
  static constexpr Op op{"leaky_relu", [](Node& n) {  // backward
    const double slope = state<LeakyReluState>(n).negative_slope;
    unary_backward(n, [slope](const auto& x, const auto&) { return local(x, slope); });
  }, &kTensorKind, [](Replay& r) {
    const double slope = state<LeakyReluState>(r.node).negative_slope;
    r.each([slope](const Value& v) { return v.data() > 0 ? v : v * slope; });  // the branch the forward took
  }, [](Node& n, GradientGraph& g) {  // the same derivative on Tensors (create_graph)
    const double slope = state<LeakyReluState>(n).negative_slope;
    pass(g, n, 0, gradient_of(n, g) * local(tensor_of(n.parent(0)), slope));
  }};
  Tensor out = unary(x, op, [negative_slope](double v) { return v > 0 ? v : negative_slope * v; });
  keep(out, LeakyReluState{negative_slope});
  return out;
}

}  // namespace gradlab::nn::functional

namespace gradlab::nn {

GELU::GELU(std::string approximate) : Module("GELU"), approximate_(std::move(approximate)) {
  if (approximate_ != "none" && approximate_ != "tanh")
    throw std::invalid_argument("GELU: approximate must be \"none\" or \"tanh\", got \"" + approximate_ + "\"");
}

std::string GELU::extra_repr() const { return "approximate='" + approximate_ + "'"; }

std::string LeakyReLU::extra_repr() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "negative_slope=%g", slope_);
  return buf;
}

}  // namespace gradlab::nn
