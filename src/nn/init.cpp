// SPDX-License-Identifier: MIT
// torch.nn.init's formulas. Every fill draws from gradlab's generator, one
// number per element in row-major order, so manual_seed repeats it.

#include <gradlab/nn/init.hpp>

#include <cmath>
#include <stdexcept>

#include <gradlab/random.hpp>

#include <gradlab/number_text.hpp>

namespace gradlab::nn::init {

namespace {

struct Fans {
  double in, out;
};

// A weight is (out, in, k...): fan_in = in * k..., fan_out = out * k...
Fans fans(const char* op, const Tensor& t) {
  if (t.dim() < 2)
    throw std::invalid_argument(std::string(op) + ": fan in and fan out need a tensor of at least 2 dims, got shape " +
                                to_string(t.shape()));
  double receptive = 1;
  for (std::int64_t d = 2; d < t.dim(); ++d) receptive *= static_cast<double>(t.shape()[static_cast<std::size_t>(d)]);
  return {static_cast<double>(t.shape()[1]) * receptive, static_cast<double>(t.shape()[0]) * receptive};
}

double fan_of(const char* op, const Tensor& t, const std::string& mode) {
  Fans f = fans(op, t);
  if (mode == "fan_in") return f.in;
  if (mode == "fan_out") return f.out;
  throw std::invalid_argument(std::string(op) + ": mode must be \"fan_in\" or \"fan_out\", got \"" + mode + "\"");
}


}  // namespace

double calculate_gain(const std::string& nonlinearity, std::optional<double> param) {
  for (const char* one : {"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                          "conv_transpose3d", "sigmoid"})
    if (nonlinearity == one) return 1;
  if (nonlinearity == "tanh") return 5.0 / 3;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    double slope = param.value_or(0.01);  // PyTorch: 0.01 when param is None
    return std::sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4;
  throw std::invalid_argument("calculate_gain: unsupported nonlinearity \"" + nonlinearity + "\"");
}

Tensor& uniform_(Tensor& t, double a, double b) {
  if (!(a <= b))
    throw std::invalid_argument("uniform_: a " + number_text(a) + " is above b " + number_text(b));
  for (double& x : t.data()) x = uniform(a, b);
  return t;
}

Tensor& normal_(Tensor& t, double mean, double std) {
  if (!(std >= 0)) throw std::invalid_argument("normal_: std must be >= 0, got " + number_text(std));
  for (double& x : t.data()) x = normal(mean, std);
  return t;
}

Tensor& constant_(Tensor& t, double value) {
  for (double& x : t.data()) x = value;
  return t;
}
Tensor& zeros_(Tensor& t) { return constant_(t, 0); }
Tensor& ones_(Tensor& t) { return constant_(t, 1); }

Tensor& xavier_uniform_(Tensor& t, double gain) {
  Fans f = fans("xavier_uniform_", t);
  if (t.numel() == 0) return t;  // nothing to fill (PyTorch warns and returns)
  double a = gain * std::sqrt(6.0 / (f.in + f.out));  // sqrt(3) std: U(-a, a) has std a / sqrt(3)
  return uniform_(t, -a, a);
}

Tensor& xavier_normal_(Tensor& t, double gain) {
  Fans f = fans("xavier_normal_", t);
  if (t.numel() == 0) return t;
  return normal_(t, 0, gain * std::sqrt(2.0 / (f.in + f.out)));
}

Tensor& kaiming_uniform_(Tensor& t, double a, const std::string& mode, const std::string& nonlinearity) {
  double fan = fan_of("kaiming_uniform_", t, mode), gain = calculate_gain(nonlinearity, a);
  if (t.numel() == 0) return t;
  double bound = std::sqrt(3.0) * gain / std::sqrt(fan);
  return uniform_(t, -bound, bound);
}

Tensor& kaiming_normal_(Tensor& t, double a, const std::string& mode, const std::string& nonlinearity) {
  double fan = fan_of("kaiming_normal_", t, mode), gain = calculate_gain(nonlinearity, a);
  if (t.numel() == 0) return t;
  return normal_(t, 0, gain / std::sqrt(fan));
}

}  // namespace gradlab::nn::init
