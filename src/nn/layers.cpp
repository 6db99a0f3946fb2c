// SPDX-License-Identifier: MIT
// The layers: their parameters, PyTorch's initial values, and forward as one
// call into nn/functional.

#include <gradlab/nn/layers.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <gradlab/random.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab::nn {

namespace {

// Uniform in [-bound, bound), bound = 1 / sqrt(fan_in): what PyTorch's
// kaiming_uniform_(a = sqrt(5)) gives for weights, and its bias rule.
Tensor fan_in_uniform(const Shape& shape, std::int64_t fan_in) {
  double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
  Tensor t = rand(shape);
  for (double& x : t.data()) x = (2 * x - 1) * bound;
  return t;
}

void check_sizes(const char* layer, std::initializer_list<std::int64_t> sizes) {
  for (std::int64_t s : sizes)
    if (s < 1) throw std::invalid_argument(std::string(layer) + ": sizes must be at least 1, got " + std::to_string(s));
}

// The shape of a parameter about to be made, counted with overflow checks
// (Linear(2^32, 2^32) must not make a weight of 0 numbers).
void check_shape(const char* layer, const Shape& shape) { detail::checked_numel(layer, shape); }

std::string true_false(bool b) { return b ? "True" : "False"; }

}  // namespace

Linear::Linear(std::int64_t in, std::int64_t out, bool with_bias) : Module("Linear") {
  check_sizes("Linear", {in, out});
  check_shape("Linear", {out, in});
  weight = register_parameter("weight", fan_in_uniform({out, in}, in));
  if (with_bias) bias = register_parameter("bias", fan_in_uniform({out}, in));
}

Tensor Linear::forward(Tensor x) {
  return bias.numel() ? functional::linear(x, weight, bias) : functional::linear(x, weight);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(weight.shape()[1]) + ", out_features=" +
         std::to_string(weight.shape()[0]) + ", bias=" + true_false(bias.numel() > 0);
}

Conv2d::Conv2d(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride,
               std::int64_t padding, bool with_bias)
    : Module("Conv2d"), stride_(stride), padding_(padding) {
  check_sizes("Conv2d", {in, out, k, stride});
  if (padding < 0) throw std::invalid_argument("Conv2d: padding must be >= 0, got " + std::to_string(padding));
  check_shape("Conv2d", {out, in, k, k});
  weight = register_parameter("weight", fan_in_uniform({out, in, k, k}, in * k * k));
  if (with_bias) bias = register_parameter("bias", fan_in_uniform({out}, in * k * k));
}

Tensor Conv2d::forward(Tensor x) {
  return bias.numel() ? functional::conv2d(x, weight, bias, stride_, padding_)
                      : functional::conv2d(x, weight, stride_, padding_);
}

std::string Conv2d::extra_repr() const {
  const Shape& w = weight.shape();
  std::string s = std::to_string(w[1]) + ", " + std::to_string(w[0]) + ", kernel_size=(" +
                  std::to_string(w[2]) + ", " + std::to_string(w[3]) + "), stride=(" +
                  std::to_string(stride_) + ", " + std::to_string(stride_) + ")";
  if (padding_) s += ", padding=(" + std::to_string(padding_) + ", " + std::to_string(padding_) + ")";
  if (!bias.numel()) s += ", bias=False";
  return s;
}

MaxPool2d::MaxPool2d(std::int64_t kernel, std::int64_t stride)
    : Module("MaxPool2d"), kernel_(kernel), stride_(stride ? stride : kernel) {
  check_sizes("MaxPool2d", {kernel, stride_});
}

Tensor MaxPool2d::forward(Tensor x) { return functional::max_pool2d(x, kernel_, stride_); }

std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + std::to_string(kernel_) + ", stride=" + std::to_string(stride_) +
         ", padding=0, dilation=1, ceil_mode=False";
}

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(start_) + ", end_dim=" + std::to_string(end_);
}

Dropout::Dropout(const char* name, double p) : Module(name), p_(p) {
  if (!(p >= 0 && p <= 1))
    throw std::invalid_argument(std::string(name) + ": p must be in [0, 1], got " + std::to_string(p));
}

Tensor Dropout::forward(Tensor x) { return functional::dropout(x, p_, is_training()); }
Tensor Dropout1d::forward(Tensor x) { return functional::dropout1d(x, p_, is_training()); }
Tensor Dropout2d::forward(Tensor x) { return functional::dropout2d(x, p_, is_training()); }

std::string Dropout::extra_repr() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "p=%g, inplace=False", p_);
  return buf;
}

LayerNorm::LayerNorm(Shape shape, double eps) : Module("LayerNorm"), shape_(std::move(shape)), eps_(eps) {
  if (shape_.empty()) throw std::invalid_argument("LayerNorm: normalized_shape is empty");
  if (!(eps > 0)) throw std::invalid_argument("LayerNorm: eps must be > 0, got " + number_text(eps));
  for (std::int64_t s : shape_) check_sizes("LayerNorm", {s});
  check_shape("LayerNorm", shape_);
  weight = register_parameter("weight", ones(shape_));
  bias = register_parameter("bias", zeros(shape_));
}

Tensor LayerNorm::forward(Tensor x) {
  return functional::layer_norm(x, static_cast<std::int64_t>(shape_.size()), weight, bias, eps_);
}

std::string LayerNorm::extra_repr() const {
  std::string s = "(";
  for (std::size_t i = 0; i < shape_.size(); ++i) s += (i ? ", " : "") + std::to_string(shape_[i]);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s), eps=%g, elementwise_affine=True", shape_.size() == 1 ? "," : "", eps_);
  return s + buf;
}

Embedding::Embedding(std::int64_t num, std::int64_t dim) : Module("Embedding") {
  check_sizes("Embedding", {num, dim});
  check_shape("Embedding", {num, dim});
  weight = register_parameter("weight", randn({num, dim}));
}

std::string Embedding::extra_repr() const {
  return std::to_string(weight.shape()[0]) + ", " + std::to_string(weight.shape()[1]);
}

}  // namespace gradlab::nn
