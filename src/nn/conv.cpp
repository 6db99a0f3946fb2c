// SPDX-License-Identifier: MIT
// conv2d by im2col + GEMM, and max_pool2d. im2col copies every input patch
// into a column, so the whole convolution of a batch becomes one matrix
// product; its backward is two more products and col2im, im2col's adjoint.
// Shapes: x is (N, C, H, W), w is (F, C, KH, KW), out is (N, F, OH, OW);
// a patch has K = C * KH * KW numbers and there are P = N * OH * OW of them.

#include <gradlab/nn/functional.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <limits>
#include <stdexcept>

#include "../buffer_cache.hpp"
#include "conv_patches.hpp"
#include "../tensor_internal.hpp"

namespace gradlab::nn::functional {

using detail::gemm;
using detail::make_result;
using detail::operand;
using detail::tnode;

namespace {

// What conv2d keeps for its backward.
struct ConvState {
  std::int64_t stride, padding;
  detail::KeptNumbers cols;  // (K, P): the input's patches, for dw (empty when w takes no gradient)
};

// Shapes and arguments checked by conv2d_op (which calls check_geometry
// once, before anything is allocated), so nothing here overflows.
ConvGeometry geometry(const Shape& x, const Shape& w, std::int64_t stride, std::int64_t padding) {
  ConvGeometry g{x[0], x[1], x[2], x[3], w[0], w[2], w[3], 0, 0, stride, padding};
  g.OH = (g.H + 2 * padding - g.KH) / stride + 1;
  g.OW = (g.W + 2 * padding - g.KW) / stride + 1;
  return g;
}

// Every size the forward and backward work with, computed once with
// overflow checks: the padded input, the output (N, F, OH, OW), the columns
// (K, P), and the bounds for_each_patch_element works out (padding + stride).
void check_geometry(const Shape& x, const Shape& w, std::int64_t stride, std::int64_t padding) {
  using detail::checked_add;
  using detail::checked_mul;
  const char* op = "conv2d";
  std::int64_t pad2 = checked_mul(op, 2, padding, "twice the padding");
  std::int64_t H = checked_add(op, x[2], pad2, "the padded height");
  std::int64_t W = checked_add(op, x[3], pad2, "the padded width");
  checked_add(op, checked_add(op, W, padding, "width + padding"), stride, "width + padding + stride");
  checked_add(op, padding, stride, "padding + stride");
  Shape out{x[0], w[0], (H - w[2]) / stride + 1, (W - w[3]) / stride + 1};
  // The output's count and the columns' (K, P), saturated: past the limit
  // is past the limit, however far.
  auto times = [](std::int64_t a, std::int64_t b) {
    std::int64_t r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
  };
  const std::int64_t P = times(times(out[0], out[2]), out[3]);
  const std::int64_t K = w[1] * w[2] * w[3];  // the weight's own size: checked when it was made
  auto refuse = [&](const std::string& what) {
    throw std::length_error("conv2d: input " + to_string(x) + ", weight " + to_string(w) + ", stride " +
                            std::to_string(stride) + " and padding " + std::to_string(padding) + " give " +
                            what + ", more than the limit of " + std::to_string(kMaxTensorElements) +
                            " numbers (2^40 bytes, kMaxTensorBytes)");
  };
  if (times(P, out[1]) > kMaxTensorElements) refuse("an output " + to_string(out));
  if (times(P, K) > kMaxTensorElements)
    refuse("an output " + to_string(out) + " whose im2col columns are " + std::to_string(K) + " by " +
           std::to_string(P) + " numbers");
  detail::check_blas_sizes(op, w[0], P, K);
}

Tensor conv2d_op(const Tensor& x, const Tensor& w, const Tensor* b, std::int64_t stride,
                 std::int64_t padding) {
  auto shapes = [&] { return "input " + to_string(x.shape()) + " and weight " + to_string(w.shape()); };
  if (x.dim() != 4 || w.dim() != 4)
    throw std::invalid_argument("conv2d: expected (N, C, H, W) input and (F, C, KH, KW) weight, got " + shapes());
  if (x.shape()[1] != w.shape()[1])
    throw std::invalid_argument("conv2d: " + shapes() + " have different channel counts (" +
                                std::to_string(x.shape()[1]) + " != " + std::to_string(w.shape()[1]) + ")");
  if (stride < 1 || padding < 0)
    throw std::invalid_argument("conv2d: stride must be >= 1 and padding >= 0, got stride " +
                                std::to_string(stride) + ", padding " + std::to_string(padding));
  if (b && b->shape() != Shape{w.shape()[0]})
    throw std::invalid_argument("conv2d: bias of shape " + to_string(b->shape()) + " does not fit weight " +
                                to_string(w.shape()));
  if (w.shape()[0] == 0 || w.shape()[1] == 0 || w.shape()[2] == 0 || w.shape()[3] == 0)
    throw std::invalid_argument("conv2d: the weight " + to_string(w.shape()) +
                                " is an empty kernel (every size must be at least 1)");
  check_geometry(x.shape(), w.shape(), stride, padding);
  if (x.shape()[2] + 2 * padding < w.shape()[2] || x.shape()[3] + 2 * padding < w.shape()[3])
    throw std::invalid_argument("conv2d: the kernel of " + shapes() + " is larger than the padded input");
  // The backward is the forward's three products turned around:
  // dw = dout @ cols^T, dcols = w^T @ dout (then col2im), db = dout summed.
  static constexpr Op op{"conv2d", [](Node& n) {
    TensorNode& out = tnode(n);
    TensorNode& x = operand(n, 0);
    TensorNode& w = operand(n, 1);
    const ConvState& kept = state<ConvState>(n);
    ConvGeometry g = geometry(x.shape, w.shape, kept.stride, kept.padding);
    const std::int64_t F = g.F, K = g.K(), P = g.P(), S = g.OH * g.OW;
    // dout arrives as (N, F, OH, OW); the products want it as (F, P).
    const std::vector<double>& dout = out.grad_buffer();
    std::vector<double> d = detail::buffer_for_overwrite(static_cast<std::size_t>(F * P));
    for (std::int64_t b = 0; b < g.N; ++b)
      for (std::int64_t f = 0; f < F; ++f)
        std::copy_n(dout.begin() + (b * F + f) * S, S, d.begin() + f * P + b * S);
    // dw = d @ cols^T: (F, P) @ (P, K), with the columns the forward kept
    // (it keeps them when w required grad then; a later requires_grad_ cannot add them).
    if (w.requires_grad() && !kept.cols.v.empty())
      gemm(false, true, F, K, P, d.data(), kept.cols.v.data(), w.grad_buffer().data());
    if (n.nparents == 3 && operand(n, 2).requires_grad()) {  // db = d summed over patches
      std::vector<double>& db = operand(n, 2).grad_buffer();
      for (std::int64_t f = 0; f < F; ++f)
        for (std::int64_t p = 0; p < P; ++p) db[f] += d[f * P + p];
    }
    if (x.requires_grad()) {  // dcols = w^T @ d: (K, F) @ (F, P), then col2im adds back
      std::vector<double> dcols = detail::buffer_for_overwrite(static_cast<std::size_t>(K * P));
      gemm(true, false, K, P, F, w.data.data(), d.data(), dcols.data(), /*accumulate=*/false);
      double* dx = x.grad_buffer().data();
      const double* dc = dcols.data();
      for_each_patch_element(g, [=](std::int64_t at, std::int64_t src) { if (src >= 0) dx[src] += dc[at]; });
      detail::recycle(std::move(dcols));
    }
    detail::recycle(std::move(d));
  }, &kTensorKind};
  ConvGeometry g = geometry(x.shape(), w.shape(), stride, padding);
  const std::int64_t F = g.F, K = g.K(), P = g.P(), S = g.OH * g.OW;
  // out (F, P) = w (F, K) @ cols (K, P), then each image's block moves to (N, F, OH, OW).
  std::vector<double> cols = im2col(g, x.data());
  std::vector<double> prod = detail::buffer_for_overwrite(static_cast<std::size_t>(F * P));
  gemm(false, false, F, P, K, w.data().data(), cols.data(), prod.data(), /*accumulate=*/false);
  std::vector<double> out = detail::buffer_for_overwrite(prod.size());
  for (std::int64_t n = 0; n < g.N; ++n)
    for (std::int64_t f = 0; f < F; ++f) {
      double bias = b ? b->data()[static_cast<std::size_t>(f)] : 0.0;
      for (std::int64_t s = 0; s < S; ++s) out[(n * F + f) * S + s] = prod[f * P + n * S + s] + bias;
    }
  detail::recycle(std::move(prod));
  Shape shape{g.N, F, g.OH, g.OW};
  Tensor result = b ? make_result(std::move(shape), std::move(out), op, {&x, &w, b})
                    : make_result(std::move(shape), std::move(out), op, {&x, &w});
  if (!(w.requires_grad() && result.requires_grad())) detail::recycle(std::move(cols));  // no dw to compute
  keep(result, ConvState{stride, padding, detail::KeptNumbers(std::move(cols))});
  return result;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& w, std::int64_t stride, std::int64_t padding) {
  return conv2d_op(x, w, nullptr, stride, padding);
}
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride,
              std::int64_t padding) {
  return conv2d_op(x, w, &b, stride, padding);
}

Tensor max_pool2d(const Tensor& x, std::int64_t kernel, std::int64_t stride) {
  if (stride == 0) stride = kernel;
  if (x.dim() != 4 || kernel < 1 || stride < 1 || x.shape()[2] < kernel || x.shape()[3] < kernel)
    throw std::invalid_argument("max_pool2d: cannot pool input of shape " + to_string(x.shape()) +
                                " with kernel " + std::to_string(kernel) + " and stride " +
                                std::to_string(stride) + " (expected (N, C, H, W) with H, W >= kernel)");
  const std::int64_t N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
  const std::int64_t OH = (H - kernel) / stride + 1, OW = (W - kernel) / stride + 1;
  const std::vector<double>& in = x.data();
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(N * C * OH * OW));
  std::vector<std::int64_t> argmax = detail::index_buffer_for_overwrite(out.size());  // kept for backward
  // A NaN in a window wins it, as in PyTorch (so a diverging network shows
  // NaN, not a made-up number); inputs without NaN take the quick path.
  bool has_nan = false;
  for (double v : in) has_nan |= v != v;
  // k is the kernel size: a compile-time 2 for the common 2x2 window (the
  // compiler then unrolls the window), else the number given.
  auto pool = [&](auto nan_aware, auto k) {
    std::size_t i = 0;
    for (std::int64_t plane = 0; plane < N * C; ++plane)
      for (std::int64_t oh = 0; oh < OH; ++oh)
        for (std::int64_t ow = 0; ow < OW; ++ow, ++i) {
          double best = -std::numeric_limits<double>::infinity();
          std::int64_t at = (plane * H + oh * stride) * W + ow * stride;
          for (std::int64_t kh = 0; kh < k; ++kh)
            for (std::int64_t kw = 0; kw < k; ++kw) {
              std::int64_t src = (plane * H + oh * stride + kh) * W + ow * stride + kw;
              double v = in[static_cast<std::size_t>(src)];
              if constexpr (decltype(nan_aware)::value) {
                if (v > best || (v != v && best == best)) best = v, at = src;
              } else {
                // Without a branch (on real activations "larger?" is a coin
                // toss the processor would often guess wrong): a mask of all
                // ones when v is larger picks src, else at.
                std::int64_t larger = -static_cast<std::int64_t>(v > best);
                at = (src & larger) | (at & ~larger);
                best = std::max(best, v);
              }
            }
          out[i] = best;
          argmax[i] = at;
        }
  };
  auto with_kernel = [&](auto nan_aware) {
    if (kernel == 2) pool(nan_aware, std::integral_constant<std::int64_t, 2>{});
    else pool(nan_aware, kernel);
  };
  if (has_nan) with_kernel(std::true_type{});
  else with_kernel(std::false_type{});
  // d(out[i])/d(x[argmax i]) = 1, and 0 for the rest of the window: the
  // indexing ops' scatter, with the arg-maxes as the positions.
  static constexpr Op op{"max_pool2d", detail::scatter_back, &kTensorKind, detail::pick_replay};
  Tensor result = make_result({N, C, OH, OW}, std::move(out), op, {&x});
  keep(result, detail::PickState{detail::KeptIndices(std::move(argmax))});
  return result;
}

}  // namespace gradlab::nn::functional
