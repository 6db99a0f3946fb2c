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

using detail::tnode;
using detail::unary;
using detail::unary_backward;

namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;  // sqrt(2 / pi)
constexpr double kCoeff = 0.044715;

}  // namespace

Tensor gelu(const Tensor& x, const std::string& approximate) {
  if (approximate == "none") {
    static constexpr Op op{"gelu", [](Node& n) {
      // d(x Phi(x))/dx = Phi(x) + x phi(x), phi the standard normal density
      unary_backward(n, [](double x, double) {
        return 0.5 * (1 + std::erf(x * std::numbers::sqrt2 / 2)) +
               x * std::exp(-0.5 * x * x) * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
      });
    }, &kTensorKind};
    return unary(x, op, [](double v) { return 0.5 * v * (1 + std::erf(v * std::numbers::sqrt2 / 2)); });
  }
  if (approximate == "tanh") {
    static constexpr Op op{"gelu_tanh", [](Node& n) {
      // u = sqrt(2/pi) (x + c x^3), t = tanh u:
      // d/dx [x (1 + t) / 2] = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2) / 2
      unary_backward(n, [](double x, double) {
        double t = std::tanh(kSqrt2OverPi * (x + kCoeff * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * kSqrt2OverPi * (1 + 3 * kCoeff * x * x);
      });
    }, &kTensorKind, [](Replay& r) {
      r.each([](const Value& v) { return 0.5 * v * (1 + tanh(kSqrt2OverPi * (v + kCoeff * v * v * v))); });
    }};
    return unary(x, op, [](double v) {
      return 0.5 * v * (1 + std::tanh(kSqrt2OverPi * (v + kCoeff * v * v * v)));
    });
  }
  throw std::invalid_argument("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
}

Tensor silu(const Tensor& x) {
  static constexpr Op op{"silu", [](Node& n) {
    // s = sigmoid(x): d(x s)/dx = s + x s (1 - s) = s (1 + x (1 - s))
    unary_backward(n, [](double x, double) {
      double s = 1 / (1 + std::exp(-x));
      return s * (1 + x * (1 - s));
    });
  }, &kTensorKind, [](Replay& r) {
    r.each([](const Value& v) { return v * sigmoid(v); });
  }};
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
  static constexpr Op op{"leaky_relu", [](Node& n) {
    const double slope = state<LeakyReluState>(n).negative_slope;
    // 1 for x > 0, the slope otherwise (at 0 too, as PyTorch)
    unary_backward(n, [slope](double x, double) { return x > 0 ? 1.0 : slope; });
  }, &kTensorKind, [](Replay& r) {
    const double slope = state<LeakyReluState>(r.node).negative_slope;
    r.each([slope](const Value& v) { return v.data() > 0 ? v : v * slope; });  // the branch the forward took
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
