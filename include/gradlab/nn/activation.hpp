// SPDX-License-Identifier: MIT
// The activations of transformers and modern MLPs as modules: GELU (exact or
// tanh-approximated), SiLU and LeakyReLU, each one op of nn/functional.hpp.
// ReLU, Tanh and Sigmoid are in nn/layers.hpp.
#pragma once

#include <string>

#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/module.hpp>
#include <gradlab/nn/options.hpp>

namespace gradlab::nn {

// x Phi(x); GELU("tanh") uses the tanh approximation, as PyTorch's approximate='tanh'.
class GELU : public Module {
 public:
  explicit GELU(std::string approximate = "none");
  Tensor forward(Tensor x) override { return functional::gelu(x, approximate_); }
  std::string extra_repr() const override;

 private:
  std::string approximate_;
};

// x sigmoid(x), also called swish.
class SiLU : public Module {
 public:
  SiLU() : Module("SiLU") {}
  Tensor forward(Tensor x) override { return functional::silu(x); }
};

// x for x > 0, negative_slope * x otherwise.
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : Module("LeakyReLU"), slope_(negative_slope) {}
  explicit LeakyReLU(const LeakyReLUOptions& o) : LeakyReLU(o.negative_slope()) {}
  Tensor forward(Tensor x) override { return functional::leaky_relu(x, slope_); }
  std::string extra_repr() const override;

 private:
  double slope_;
};

}  // namespace gradlab::nn
