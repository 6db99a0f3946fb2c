// SPDX-License-Identifier: MIT
// conv2d by im2col + GEMM, and max_pool2d. im2col copies every patch of an
// image into a column, so the convolution of that image becomes one matrix
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

#include "tensor/buffer_cache.hpp"
#include "conv_patches.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab::nn::functional {

using detail::gemm;

namespace {

// What conv2d keeps for its backward (the input's patches are made again,
// image by image, for dw).
struct ConvState {
  std::int64_t stride, padding;
  bool w_in_graph;  // w required grad at the forward: dw is computed
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
  // The backward is the forward's products turned around, image by image:
  // dw += dout_n @ cols_n^T, dcols_n = w^T @ dout_n (then col2im), db = dout summed.
  static constexpr Op op{"conv2d", [](Node& n) {
    const ConvState& kept = state<ConvState>(n);
    // dw only when w required grad at the forward (a later requires_grad_
    // does not put it in this graph, as in PyTorch). w's gradient is taken
    // first: x may be w, and then x's slot is not fresh.
    const bool need_dw = kept.w_in_graph && n.parent(1).requires_grad();
    double* dw = need_dw ? tensor_slot(n.parent(1)).grad : nullptr;
    TensorSlot out = tensor_slot(n), x = tensor_slot_for_overwrite(n.parent(0));
    Tensor w = tensor_of(n.parent(1));  // its numbers (its gradient is dw)
    ConvGeometry g = geometry(x.shape, w.shape(), kept.stride, kept.padding);
    ConvGeometry one = g;  // one image
    one.N = 1;
    const std::int64_t F = g.F, K = g.K(), S = g.OH * g.OW, CHW = g.C * g.H * g.W;
    const double* dout = out.grad;
    double* dx = x.grad;
    const bool need_dx = dx != nullptr, fresh = x.fresh;  // a first gradient for x is written, not added
    if (n.nparents == 3 && n.parent(2).requires_grad()) {  // db = dout summed over images and positions
      double* db = tensor_slot(n.parent(2)).grad;
      for (std::int64_t b = 0; b < g.N; ++b)
        for (std::int64_t f = 0; f < F; ++f) {
          // Eight running sums, not one: a single sum waits for each add
          // before the next (a chain the length of the plane), eight
          // proceed side by side, in vector registers.
          const double* __restrict d = dout + (b * F + f) * S;
          double part[8] = {};
          std::int64_t s = 0;
          for (; s + 8 <= S; s += 8)
            for (int l = 0; l < 8; ++l) part[l] += d[s + l];
          double sum = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
          for (; s < S; ++s) sum += d[s];
          db[static_cast<std::size_t>(f)] += sum;
        }
    }
    if (!need_dw && !need_dx) return;
    // One image's columns at a time: (K, S), small enough to stay in cache.
    std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(K * S));
    for (std::int64_t b = 0; b < g.N; ++b) {
      const double* d = dout + b * F * S;  // dout_n is (F, S) as it stands
      if (need_dw) {  // dw += dout_n @ cols_n^T: (F, S) @ (S, K)
        im2col(one, x.data.data() + b * CHW, cols.data());
        gemm(false, true, F, K, S, d, cols.data(), dw);
      }
      if (need_dx) {  // dcols_n = w^T @ dout_n: (K, F) @ (F, S), then col2im adds back
        gemm(true, false, K, S, F, w.data().data(), d, cols.data(), /*accumulate=*/false);
        double* dx_n = dx + b * CHW;
        if (fresh) std::fill(dx_n, dx_n + CHW, 0.0);
        col2im(one, cols.data(), dx_n);
      }
    }
    detail::recycle(std::move(cols));
  }, &kTensorKind, nullptr, [](Node& n, GradientGraph& gg) {
    // The same products on Tensors (create_graph), the columns made by a
    // pick from x (with one zero appended, for the padding) so that they
    // are x's own function: dw = sum_n dout_n @ cols_n^T,
    // dx = the columns' gradient w^T @ dout_n scattered back, db = sum of dout.
    Tensor x = tensor_of(n.parent(0)), w = tensor_of(n.parent(1));
    const ConvState& kept = state<ConvState>(n);
    ConvGeometry g = geometry(x.shape(), w.shape(), kept.stride, kept.padding);
    const std::int64_t K = g.K(), S = g.OH * g.OW, numel = x.numel();
    std::vector<std::int64_t> from(static_cast<std::size_t>(g.N * K * S));
    std::size_t at = 0;
    for (std::int64_t b = 0; b < g.N; ++b)
      for (std::int64_t c = 0; c < g.C; ++c)
        for (std::int64_t kh = 0; kh < g.KH; ++kh)
          for (std::int64_t kw = 0; kw < g.KW; ++kw)
            for (std::int64_t oh = 0; oh < g.OH; ++oh)
              for (std::int64_t ow = 0; ow < g.OW; ++ow) {
                std::int64_t ih = oh * g.stride - g.padding + kh, iw = ow * g.stride - g.padding + kw;
                bool inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
                from[at++] = inside ? ((b * g.C + c) * g.H + ih) * g.W + iw : numel;  // numel: the zero
              }
    Tensor xz = cat({reshape(x, {numel}), zeros({1})}, 0);
    Tensor cols = detail::pick(xz, from, {g.N, K, S});
    Tensor d = reshape(gradient_of(n, gg), {g.N, g.F, S});
    if (wants(gg, n, 0)) {
      Tensor dcols = matmul(reshape(w, {g.F, K}).t(), d);  // (K, F) @ (N, F, S)
      Tensor dxz = detail::scatter_add(dcols, from, {numel + 1});
      pass(gg, n, 0, reshape(slice(dxz, 0, 0, numel), x.shape()));
    }
    if (kept.w_in_graph && wants(gg, n, 1))
      pass(gg, n, 1, reshape(sum(matmul(d, cols.transpose(1, 2)), 0), w.shape()));
    if (n.nparents == 3) pass(gg, n, 2, sum(sum(d, 2), 0));
  }};
  ConvGeometry g = geometry(x.shape(), w.shape(), stride, padding);
  ConvGeometry one = g;
  one.N = 1;
  const std::int64_t F = g.F, K = g.K(), S = g.OH * g.OW, CHW = g.C * g.H * g.W;
  // out_n (F, S) = w (F, K) @ cols_n (K, S) for each image n: written
  // straight into its place in (N, F, OH, OW), nothing to reorder.
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(g.N * F * S));
  std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(K * S));
  for (std::int64_t n = 0; n < g.N; ++n) {
    double* out_n = out.data() + n * F * S;
    im2col(one, x.data().data() + n * CHW, cols.data());
    if (b) {  // the bias first, then the product added onto it
      for (std::int64_t f = 0; f < F; ++f)
        std::fill(out_n + f * S, out_n + (f + 1) * S, b->data()[static_cast<std::size_t>(f)]);
    }
    gemm(false, false, F, S, K, w.data().data(), cols.data(), out_n, /*accumulate=*/b != nullptr);
  }
  detail::recycle(std::move(cols));
  Shape shape{g.N, F, g.OH, g.OW};
  Tensor result = b ? make_result(std::move(shape), std::move(out), op, {x, w, *b})
                    : make_result(std::move(shape), std::move(out), op, {x, w});
  keep(result, ConvState{stride, padding, w.requires_grad()});
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
  // NaN, not a made-up number). The quick pass below does not look for NaN
  // in its comparisons; it notes whether it saw one, and only then is the
  // output made again by the NaN-aware pass.
  bool saw_nan = false;
  // if_true if `larger`, else if_false, without a branch (on real
  // activations "larger?" is a coin toss the processor would often guess
  // wrong): a mask of all ones when larger.
  auto pick = [](bool larger, std::int64_t if_true, std::int64_t if_false) {
    const std::int64_t mask = -static_cast<std::int64_t>(larger);
    return (if_true & mask) | (if_false & ~mask);
  };
  auto pool_nan_aware = [&](auto k) {
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
              if (v > best || (v != v && best == best)) best = v, at = src;
            }
          out[i] = best;
          argmax[i] = at;
        }
  };
  // k is the kernel size: a compile-time 2 for a 2x2 window (the compiler
  // then unrolls the window), else the number given. One output row at a
  // time, through plain pointers.
  auto pool = [&](auto k, auto stride) {
    const double* __restrict x = in.data();
    double* __restrict o = out.data();
    std::int64_t* __restrict am = argmax.data();
    std::int64_t nan = 0;  // set when any number read is NaN
    for (std::int64_t plane = 0; plane < N * C; ++plane)
      for (std::int64_t oh = 0; oh < OH; ++oh) {
        const std::int64_t row = (plane * H + oh * stride) * W;  // the window's top-left at ow = 0
        const std::int64_t i0 = (plane * OH + oh) * OW;
        for (std::int64_t ow = 0; ow < OW; ++ow) {
          const std::int64_t first = row + ow * stride;
          double best = x[first];
          std::int64_t at = first;
          nan |= static_cast<std::int64_t>(best != best);
          for (std::int64_t kh = 0; kh < k; ++kh)
            for (std::int64_t kw = 0; kw < k; ++kw) {
              const std::int64_t src = first + kh * W + kw;
              const double v = x[src];
              nan |= static_cast<std::int64_t>(v != v);
              at = pick(v > best, src, at);
              best = std::max(best, v);
            }
          o[i0 + ow] = best;
          am[i0 + ow] = at;
        }
      }
    saw_nan = nan != 0;
  };
  // The common 2x2 window with stride 2, written out: two input rows, and
  // each window's four numbers read as pairs.
  auto pool_2x2 = [&] {
    const double* __restrict x = in.data();
    double* __restrict o = out.data();
    std::int64_t* __restrict am = argmax.data();
    std::int64_t nan = 0;
    for (std::int64_t plane = 0; plane < N * C; ++plane)
      for (std::int64_t oh = 0; oh < OH; ++oh) {
        const std::int64_t top = (plane * H + 2 * oh) * W;
        const double* __restrict r0 = x + top;
        const double* __restrict r1 = r0 + W;
        double* __restrict orow = o + (plane * OH + oh) * OW;
        std::int64_t* __restrict arow = am + (plane * OH + oh) * OW;
        for (std::int64_t ow = 0; ow < OW; ++ow) {
          const double a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
          nan |= static_cast<std::int64_t>((a != a) | (b != b) | (c != c) | (d != d));
          // The window's winner as an offset from its top-left (0, 1, W, W + 1).
          std::int64_t at = pick(b > a, 1, 0);
          double best = std::max(a, b);
          at = pick(c > best, W, at);
          best = std::max(best, c);
          at = pick(d > best, W + 1, at);
          best = std::max(best, d);
          orow[ow] = best;
          arow[ow] = top + 2 * ow + at;
        }
      }
    saw_nan = nan != 0;
  };
  if (kernel == 2 && stride == 2) pool_2x2();
  else if (kernel == 2) pool(std::integral_constant<std::int64_t, 2>{}, stride);
  else pool(kernel, stride);
  if (saw_nan) {
    if (kernel == 2) pool_nan_aware(std::integral_constant<std::int64_t, 2>{});
    else pool_nan_aware(kernel);
  }
  // d(out[i])/d(x[argmax i]) = 1, and 0 for the rest of the window: the
  // indexing ops' scatter, with the arg-maxes as the positions.
  static constexpr Op op{"max_pool2d", detail::scatter_back, &kTensorKind, detail::pick_replay, detail::pick_graph};
  Tensor result = make_result({N, C, OH, OW}, std::move(out), op, {x});
  keep(result, detail::PickState{detail::KeptIndices(std::move(argmax))});
  return result;
}

}  // namespace gradlab::nn::functional
