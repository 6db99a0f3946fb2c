// SPDX-License-Identifier: MIT
// Weight initialisation, torch.nn.init's functions and formulas: each fills
// a tensor in place (outside the graph) from gradlab's generator and returns
// it. A tensor with no elements is left as it is. fan_in and fan_out of a weight (out, in, k...) are in * k... and
// out * k..., as PyTorch computes them.
#pragma once

#include <optional>
#include <string>

#include <gradlab/tensor.hpp>

namespace gradlab::nn::init {

// The gain recommended for a nonlinearity: 1 for "linear", "conv1d/2d/3d",
// "sigmoid" (and the transposed convs); 5/3 for "tanh"; sqrt(2) for "relu";
// sqrt(2 / (1 + slope^2)) for "leaky_relu" (param = slope, 0.01 when not
// given); 3/4 for "selu". Others: std::invalid_argument.
double calculate_gain(const std::string& nonlinearity, std::optional<double> param = std::nullopt);

Tensor& uniform_(Tensor& t, double a = 0, double b = 1);          // U(a, b)
Tensor& normal_(Tensor& t, double mean = 0, double std = 1);      // N(mean, std^2)
Tensor& constant_(Tensor& t, double value);
Tensor& zeros_(Tensor& t);
Tensor& ones_(Tensor& t);

// U(-a, a) with a = gain sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010).
Tensor& xavier_uniform_(Tensor& t, double gain = 1);
// N(0, std^2) with std = gain sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& t, double gain = 1);
// U(-b, b) with b = gain sqrt(3 / fan), gain = calculate_gain(nonlinearity,
// a), fan = fan_in or fan_out by mode (He et al. 2015).
Tensor& kaiming_uniform_(Tensor& t, double a = 0, const std::string& mode = "fan_in",
                         const std::string& nonlinearity = "leaky_relu");
// N(0, std^2) with std = gain / sqrt(fan).
Tensor& kaiming_normal_(Tensor& t, double a = 0, const std::string& mode = "fan_in",
                        const std::string& nonlinearity = "leaky_relu");

}  // namespace gradlab::nn::init
