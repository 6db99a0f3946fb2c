// SPDX-License-Identifier: MIT
// conv_transpose2d and nn::ConvTranspose2d: the convolution run backwards.
// Its forward is conv2d's data-gradient path (w^T @ x, then col2im, as in
// conv.cpp's backward) and its backward is conv2d's forward (im2col, then
// w @ columns). Left out: groups and dilation.
// Shapes: x is (N, Cin, H, W), w is (Cin, Cout, KH, KW) (PyTorch's layout),
// out is (N, Cout, OH, OW) with OH = (H - 1) stride - 2 padding + KH + output_padding.
// The conv2d that would map out back to x's shape has geometry g with
// C = Cout, F = Cin, and its output (OH, OW) of conv_patches.hpp is (H, W).
// Differentiable twice: the backward is written with graph ops too.

#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/layers.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "tensor/tensor_internal.hpp"
#include "conv_patches.hpp"

namespace gradlab::nn::functional {

namespace {

using detail::gemm;

struct ConvTransposeState {
  std::int64_t stride, padding;
};

// x's (N, F, S) numbers as (F, P), P = N * S: what the products take.
std::vector<double> channels_first(const std::vector<double>& x, std::int64_t N, std::int64_t F, std::int64_t S) {
  std::vector<double> d = detail::buffer_for_overwrite(static_cast<std::size_t>(N * F * S));
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t f = 0; f < F; ++f)
      std::copy_n(x.begin() + (n * F + f) * S, S, d.begin() + f * N * S + n * S);
  return d;
}

// The conv2d geometry of a transposed convolution with output `out_shape`.
ConvGeometry transposed_geometry(const Shape& x, const Shape& w, const Shape& out, std::int64_t stride,
                                 std::int64_t padding) {
  return {x[0], w[1], out[2], out[3], w[0], w[2], w[3], x[2], x[3], stride, padding};
}

}  // namespace

Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride,
                        std::int64_t padding, std::int64_t output_padding) {
  auto shapes = [&] { return "input " + to_string(x.shape()) + " and weight " + to_string(w.shape()); };
  if (x.dim() != 4 || w.dim() != 4)
    throw std::invalid_argument("conv_transpose2d: expected (N, Cin, H, W) input and (Cin, Cout, KH, KW) weight, got " +
                                shapes());
  if (x.shape()[1] != w.shape()[0])
    throw std::invalid_argument("conv_transpose2d: " + shapes() + " have different input channel counts (" +
                                std::to_string(x.shape()[1]) + " != " + std::to_string(w.shape()[0]) + ")");
  if (stride < 1 || padding < 0 || output_padding < 0 || output_padding >= stride)
    throw std::invalid_argument("conv_transpose2d: expected stride >= 1, padding >= 0 and 0 <= output_padding < stride, got stride " +
                                std::to_string(stride) + ", padding " + std::to_string(padding) +
                                ", output_padding " + std::to_string(output_padding));
  const bool has_bias = b.numel() != 0 || b.dim() != 1;  // Tensor() ([0]) is "no bias"
  if (has_bias && b.shape() != Shape{w.shape()[1]})
    throw std::invalid_argument("conv_transpose2d: bias of shape " + to_string(b.shape()) + " does not fit weight " +
                                to_string(w.shape()) + " (expected [" + std::to_string(w.shape()[1]) + "])");
  for (std::int64_t s : w.shape())
    if (s == 0) throw std::invalid_argument("conv_transpose2d: the weight " + to_string(w.shape()) + " is an empty kernel");
  // OH = (H - 1) stride - 2 padding + KH + output_padding, counted with overflow checks.
  auto side = [&](std::int64_t in, std::int64_t k, const char* what) {
    using detail::checked_add;
    using detail::checked_mul;
    std::int64_t grown = checked_mul("conv_transpose2d", in - 1, stride, what);
    std::int64_t size = checked_add("conv_transpose2d", checked_add("conv_transpose2d", grown, k, what),
                                    output_padding, what) -
                         checked_mul("conv_transpose2d", 2, padding, "twice the padding");
    if (in < 1 || size < 1)
      throw std::invalid_argument("conv_transpose2d: " + shapes() + " with stride " + std::to_string(stride) +
                                  " and padding " + std::to_string(padding) + " give an output " + what +
                                  " of " + std::to_string(in < 1 ? 0 : size) + " (it must be at least 1)");
    return size;
  };
  Shape out_shape{x.shape()[0], w.shape()[1], side(x.shape()[2], w.shape()[2], "height"),
                  side(x.shape()[3], w.shape()[3], "width")};
  detail::checked_numel("conv_transpose2d", out_shape);
  ConvGeometry g = transposed_geometry(x.shape(), w.shape(), out_shape, stride, padding);
  detail::check_count("conv_transpose2d", detail::checked_mul("conv_transpose2d", g.K(), g.P(), "the columns"),
                      "the columns");
  detail::check_blas_sizes("conv_transpose2d", g.K(), g.P(), g.F);

  // The backward is conv2d's forward: cols = im2col(dout), then
  // dx = w @ cols (F, K) @ (K, P), dw = x @ cols^T (F, P) @ (P, K), db = dout summed.
  static constexpr Op op{"conv_transpose2d", [](Node& n) {
    TensorSlot out = tensor_slot(n), x = tensor_slot(n.parent(0)), w = tensor_slot(n.parent(1));
    ConvGeometry g = transposed_geometry(x.shape, w.shape, out.shape, state<ConvTransposeState>(n).stride,
                                         state<ConvTransposeState>(n).padding);
    const std::int64_t F = g.F, K = g.K(), P = g.P(), S = g.OH * g.OW;
    const double* dout = out.grad;
    std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(K * P));
    im2col(g, dout, cols.data());  // (K, P)
    if (x.grad) {  // dx = w @ cols: (F, K) @ (K, P), then back to (N, F, H, W)
      std::vector<double> d = detail::buffer_for_overwrite(static_cast<std::size_t>(F * P));
      gemm(false, false, F, P, K, w.data.data(), cols.data(), d.data(), /*accumulate=*/false);
      double* dx = x.grad;
      for (std::int64_t b = 0; b < g.N; ++b)
        for (std::int64_t f = 0; f < F; ++f)
          for (std::int64_t s = 0; s < S; ++s) dx[(b * F + f) * S + s] += d[f * P + b * S + s];
      detail::recycle(std::move(d));
    }
    if (w.grad) {  // dw = x @ cols^T: (F, P) @ (P, K)
      std::vector<double> xf = channels_first(x.data, g.N, F, S);
      gemm(false, true, F, K, P, xf.data(), cols.data(), w.grad);
      detail::recycle(std::move(xf));
    }
    if (n.nparents == 3 && n.parent(2).requires_grad()) {  // db[c] = dout summed over n, h, w
      double* db = tensor_slot(n.parent(2)).grad;
      const std::int64_t Cout = out.shape[1], plane = out.shape[2] * out.shape[3];
      for (std::int64_t b = 0; b < g.N; ++b)
        for (std::int64_t c = 0; c < Cout; ++c)
          for (std::int64_t s = 0; s < plane; ++s) db[c] += dout[(b * Cout + c) * plane + s];
    }
    detail::recycle(std::move(cols));
  }, &kTensorKind, nullptr, [](Node& n, GradientGraph& gg) {
    // The same products on Tensors (create_graph). The columns of dout are
    // a pick from it (with one zero appended, for the padding), so that
    // they stay dout's own function: dx = w @ cols, dw = x @ cols^T, db = dout summed.
    Tensor x = tensor_of(n.parent(0)), w = tensor_of(n.parent(1));
    Tensor dout = gradient_of(n, gg);
    const ConvTransposeState& kept = state<ConvTransposeState>(n);
    ConvGeometry g = transposed_geometry(x.shape(), w.shape(), dout.shape(), kept.stride, kept.padding);
    const std::int64_t F = g.F, K = g.K(), P = g.P(), S = g.OH * g.OW, numel = dout.numel();
    std::vector<std::int64_t> from(static_cast<std::size_t>(K * P));
    for_each_patch_element(g, [&](std::int64_t at, std::int64_t src) {
      from[static_cast<std::size_t>(at)] = src >= 0 ? src : numel;  // numel: the zero
    });
    Tensor cols = detail::pick(cat({reshape(dout, {numel}), zeros({1})}, 0), from, {K, P});  // (K, P)
    if (wants(gg, n, 0)) {  // dx = w @ cols: (F, K) @ (K, P), then (F, N, S) to (N, F, S)
      Tensor d = reshape(matmul(reshape(w, {F, K}), cols), {F, g.N, S});
      pass(gg, n, 0, reshape(permute(d, {1, 0, 2}), x.shape()));
    }
    if (wants(gg, n, 1)) {  // dw = x @ cols^T: (F, P) @ (P, K)
      Tensor xf = reshape(permute(reshape(x, {g.N, F, S}), {1, 0, 2}), {F, P});
      pass(gg, n, 1, reshape(detail::matmul_nt(xf, cols), w.shape()));
    }
    if (n.nparents == 3) {  // db[c] = dout summed over n, h, w
      const Shape& s = dout.shape();
      pass(gg, n, 2, sum(sum(reshape(dout, {s[0], s[1], s[2] * s[3]}), 2), 0));
    }
  }};

  // Forward: cols = w^T @ x, (K, F) @ (F, P), then col2im adds each column
  // into the output positions its patch covers.
  const std::int64_t F = g.F, K = g.K(), P = g.P(), S = g.OH * g.OW;
  std::vector<double> xf = channels_first(x.data(), g.N, F, S);
  std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(K * P));
  gemm(true, false, K, P, F, w.data().data(), xf.data(), cols.data(), /*accumulate=*/false);
  detail::recycle(std::move(xf));
  const std::int64_t Cout = out_shape[1], plane = out_shape[2] * out_shape[3];
  std::vector<double> out = detail::buffer(static_cast<std::size_t>(g.N * Cout * plane));
  double* o = out.data();
  const double* c = cols.data();
  for_each_patch_element(g, [=](std::int64_t at, std::int64_t dst) { if (dst >= 0) o[dst] += c[at]; });
  detail::recycle(std::move(cols));
  if (has_bias)
    for (std::int64_t n = 0; n < g.N; ++n)
      for (std::int64_t ch = 0; ch < Cout; ++ch)
        for (std::int64_t s = 0; s < plane; ++s) out[(n * Cout + ch) * plane + s] += b.data()[static_cast<std::size_t>(ch)];
  Tensor result = has_bias ? make_result(std::move(out_shape), std::move(out), op, {x, w, b})
                           : make_result(std::move(out_shape), std::move(out), op, {x, w});
  keep(result, ConvTransposeState{stride, padding});  // the output's shape gives the rest
  return result;
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& w, std::int64_t stride, std::int64_t padding,
                        std::int64_t output_padding) {
  return conv_transpose2d(x, w, Tensor(), stride, padding, output_padding);
}

}  // namespace gradlab::nn::functional

namespace gradlab::nn {

ConvTranspose2d::ConvTranspose2d(const ConvTranspose2dOptions& o)
    : Module("ConvTranspose2d"), stride_(o.stride()), padding_(o.padding()), output_padding_(o.output_padding()) {
  const std::int64_t in = o.in_channels(), out = o.out_channels(), k = o.kernel_size();
  for (std::int64_t s : {in, out, k, stride_})
    if (s < 1) throw std::invalid_argument("ConvTranspose2d: sizes and stride must be at least 1, got " + std::to_string(s));
  if (padding_ < 0 || output_padding_ < 0 || output_padding_ >= stride_)
    throw std::invalid_argument("ConvTranspose2d: expected padding >= 0 and 0 <= output_padding < stride, got padding " +
                                std::to_string(padding_) + ", output_padding " + std::to_string(output_padding_));
  detail::checked_numel("ConvTranspose2d", {in, out, k, k});
  // PyTorch's initialisation: U(+-1/sqrt(fan_in)), fan_in = weight.size(1) * k * k = out * k * k.
  const double bound = 1.0 / std::sqrt(static_cast<double>(out * k * k));
  auto uniform = [bound](const Shape& shape) {
    Tensor t = rand(shape);
    for (double& v : t.data()) v = (2 * v - 1) * bound;
    return t;
  };
  weight = register_parameter("weight", uniform({in, out, k, k}));
  if (o.bias()) bias = register_parameter("bias", uniform({out}));
}

Tensor ConvTranspose2d::forward(Tensor x) {
  return functional::conv_transpose2d(x, weight, bias, stride_, padding_, output_padding_);
}

std::string ConvTranspose2d::extra_repr() const {
  const Shape& w = weight.shape();
  auto pair = [](std::int64_t v) {  // "(2, 2)", appended piece by piece (GCC 12's -Wrestrict)
    std::string text = "(";
    text += std::to_string(v);
    text += ", ";
    text += std::to_string(v);
    text += ")";
    return text;
  };
  std::string s = std::to_string(w[0]) + ", " + std::to_string(w[1]) + ", kernel_size=" + pair(w[2]) +
                  ", stride=" + pair(stride_);
  if (padding_) s += ", padding=" + pair(padding_);
  if (output_padding_) s += ", output_padding=" + pair(output_padding_);
  if (!bias.numel()) s += ", bias=False";
  return s;
}

}  // namespace gradlab::nn
