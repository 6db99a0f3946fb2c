// SPDX-License-Identifier: MIT
// The tensor ops neural networks are made of, as free functions (LibTorch's
// torch::nn::functional). The layers in nn/ call these; each op's forward and
// backward stand together in src/nn/. Shapes: N = batch, C = channels or
// classes, H, W = height and width, D = features.
#pragma once

#include <cstdint>
#include <string>

#include <gradlab/tensor.hpp>

namespace gradlab::nn::functional {

// x @ w^T + b: x is (N, in) (or (..., in)), w is (out, in), b is (out).
// One BLAS call each way, reading w transposed in place (no copy of w^T).
Tensor linear(const Tensor& x, const Tensor& w);
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);

// 2-d convolution (cross-correlation, as in PyTorch) by im2col + one GEMM:
// x is (N, C, H, W), w is (F, C, KH, KW), b is (F); the result is
// (N, F, (H + 2p - KH) / s + 1, (W + 2p - KW) / s + 1).
Tensor conv2d(const Tensor& x, const Tensor& w, std::int64_t stride = 1, std::int64_t padding = 0);
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride = 1,
              std::int64_t padding = 0);

// 1-d convolution (cross-correlation, as in PyTorch) by im2col + GEMM: x is
// (N, C_in, L) (or one sample (C_in, L)), w is (C_out, C_in, K), b is (C_out)
// (Tensor(): none); output position t reads x[t * stride - padding + k *
// dilation] for k < K (zeros outside), so the result is (N, C_out, LO) with
// LO = (L + 2 padding - dilation (K - 1) - 1) / stride + 1.
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& b = {}, std::int64_t stride = 1,
              std::int64_t padding = 0, std::int64_t dilation = 1);

// The transposed convolution (conv2d's gradient with respect to its input,
// as a layer that grows an image): x is (N, Cin, H, W), w is (Cin, Cout, KH,
// KW) (PyTorch's layout), b is (Cout); the result is (N, Cout, (H - 1) s -
// 2p + KH + output_padding, likewise for W), output_padding < stride.
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, std::int64_t stride = 1,
                        std::int64_t padding = 0, std::int64_t output_padding = 0);
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride = 1,
                        std::int64_t padding = 0, std::int64_t output_padding = 0);

// The largest value of each kernel x kernel window (x is (N, C, H, W));
// its gradient goes to that value. stride 0 means stride = kernel.
Tensor max_pool2d(const Tensor& x, std::int64_t kernel, std::int64_t stride = 0);

// Zeroes elements with probability p and scales the rest by 1 / (1 - p), in
// training; the identity otherwise. dropout1d/2d zero whole channels of
// (N, C, L) / (N, C, H, W) inputs. The masks come from gradlab's generator.
Tensor dropout(const Tensor& x, double p, bool training = true);
Tensor dropout1d(const Tensor& x, double p, bool training = true);
Tensor dropout2d(const Tensor& x, double p, bool training = true);

// (x - mean) / sqrt(var + eps) * w + b over the last `normalized_dims` dims
// (biased variance, as PyTorch); w and b have the shape of those dims.
Tensor layer_norm(const Tensor& x, std::int64_t normalized_dims, const Tensor& w,
                  const Tensor& b, double eps = 1e-5);

// Batch normalisation of x (N, C) or (N, C, *) per channel C, with
// PyTorch's formulas. training: the batch's mean and biased variance over
// every dim but C normalise x, and the running statistics (C), when given,
// move towards the batch's: r = (1 - momentum) r + momentum batch, with the
// unbiased variance (n / (n - 1)). Otherwise running_mean and running_var
// normalise. Then * weight + bias (C), when given. An empty tensor (Tensor())
// stands for "none". The statistics are taken over (rows, C) with C last, so
// 1-d and 2-d batch norm share them.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = {}, const Tensor& bias = {}, bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

// Rows of `weight` (V, D) picked by the whole numbers in `index` (any
// shape): the result has shape index.shape + [D].
Tensor embedding(const Tensor& index, const Tensor& weight);

// Activations beyond relu/tanh/sigmoid (tensor.hpp), with PyTorch's formulas:
// gelu(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, or with approximate =
// "tanh", x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2; silu(x) =
// x sigmoid(x); leaky_relu(x) = x for x > 0, negative_slope * x otherwise.
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
Tensor silu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);

// --- losses: input first, target second; reduction over the batch --------

enum class Reduction { None, Mean, Sum };

// Cross-entropy of logits (N, C) against class indices (N), computed as one
// op: -log softmax(x)[target], stable, with gradient softmax(x) - onehot.
// Rows whose target is ignore_index add nothing and get no gradient; the
// mean is over the other rows (NaN when there are none, as in PyTorch).
Tensor cross_entropy(const Tensor& logits, const Tensor& target,
                     Reduction reduction = Reduction::Mean, std::int64_t ignore_index = -100);
// -input[target] of log-probabilities (N, C) and class indices (N).
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean);
// (input - target)^2, same shapes.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// -(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; each log is
// clamped at -100, as PyTorch does, so p = 0 or 1 gives a finite loss.
Tensor binary_cross_entropy(const Tensor& probs, const Tensor& target,
                            Reduction reduction = Reduction::Mean);
// The same from logits, stably: max(x, 0) - x t + log(1 + exp(-|x|)).
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction reduction = Reduction::Mean);

}  // namespace gradlab::nn::functional

// ATen's spellings in gradlab:: itself (torch::max_pool2d, torch::nll_loss,
// ... after `namespace torch = gradlab;`): the same functions as above.
namespace gradlab {
using nn::functional::Reduction;
using nn::functional::binary_cross_entropy;
using nn::functional::conv1d;
using nn::functional::conv2d;
using nn::functional::conv_transpose2d;
using nn::functional::cross_entropy;
using nn::functional::dropout;
using nn::functional::leaky_relu;
using nn::functional::linear;
using nn::functional::max_pool2d;
using nn::functional::mse_loss;
using nn::functional::nll_loss;
// ATen's nll_loss(input, target, weight, reduction): gradlab has no class
// weights, so weight must be Tensor() (std::invalid_argument otherwise).
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const Tensor& weight,
                Reduction reduction = Reduction::Mean);
}  // namespace gradlab
