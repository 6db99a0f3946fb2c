// SPDX-License-Identifier: MIT
// conv1d and nn::Conv1d: the 1-d convolution (cross-correlation, as in
// PyTorch) with stride, zero padding and dilation, by im2col + GEMM as
// conv2d (conv.cpp) does it. Left out: groups and padding modes other than zeros.
// Shapes: x is (N, C, L), w is (F, C, K), b is (F), out is (N, F, LO) with
// LO = (L + 2 padding - dilation (K - 1) - 1) / stride + 1. One sample's
// columns are (C K, LO): column t holds what output position t reads,
// x[c, t stride - padding + k dilation] (0 over the padding), for every (c, k).

#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/layers.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab::nn::functional {

namespace {

using detail::gemm;

// What conv1d keeps for its backward (x's columns are made again for dw).
struct Conv1dState {
  std::int64_t stride, padding, dilation;
  bool w_in_graph;  // w required grad at the forward: dw is computed
};

struct Geometry1d {
  std::int64_t N, C, L, F, K, LO, stride, padding, dilation;
  std::int64_t CK() const { return C * K; }
  // The input position that output position t reads through tap k (outside [0, L): padding).
  std::int64_t at(std::int64_t t, std::int64_t k) const { return t * stride - padding + k * dilation; }
};

Geometry1d geometry(const Shape& x, const Shape& w, const Conv1dState& s) {
  Geometry1d g{x[0], x[1], x[2], w[0], w[2], 0, s.stride, s.padding, s.dilation};
  g.LO = (g.L + 2 * g.padding - g.dilation * (g.K - 1) - 1) / g.stride + 1;
  return g;
}

// cols (C K, LO) of one sample x_n (C, L), zeros over the padding.
void im2col(const Geometry1d& g, const double* __restrict x, double* __restrict cols) {
  for (std::int64_t c = 0; c < g.C; ++c)
    for (std::int64_t k = 0; k < g.K; ++k) {
      double* __restrict row = cols + (c * g.K + k) * g.LO;
      const double* __restrict xc = x + c * g.L;
      for (std::int64_t t = 0; t < g.LO; ++t) {
        const std::int64_t i = g.at(t, k);
        row[t] = i >= 0 && i < g.L ? xc[i] : 0.0;
      }
    }
}

// im2col's adjoint: each column entry added back where it was read from.
void col2im(const Geometry1d& g, const double* __restrict cols, double* __restrict dx) {
  for (std::int64_t c = 0; c < g.C; ++c)
    for (std::int64_t k = 0; k < g.K; ++k) {
      const double* __restrict row = cols + (c * g.K + k) * g.LO;
      double* __restrict dxc = dx + c * g.L;
      for (std::int64_t t = 0; t < g.LO; ++t) {
        const std::int64_t i = g.at(t, k);
        if (i >= 0 && i < g.L) dxc[i] += row[t];
      }
    }
}

std::string arguments(const Geometry1d& g) {
  return "stride " + std::to_string(g.stride) + ", padding " + std::to_string(g.padding) + " and dilation " +
         std::to_string(g.dilation);
}

// x is (N, C, L); errors name the input as it was given (`given`: (N, C, L) or (C, L)).
Tensor conv1d_batched(const Tensor& x, const Tensor& w, const Tensor* b, const Conv1dState& s, const Shape& given) {
  const char* name = "conv1d";
  auto shapes = [&] { return "input " + to_string(given) + " and weight " + to_string(w.shape()); };
  if (w.dim() != 3)
    throw std::invalid_argument("conv1d: expected a (C_out, C_in, K) weight, got " + shapes());
  if (x.shape()[1] != w.shape()[1])
    throw std::invalid_argument("conv1d: " + shapes() + " have different input channel counts (" +
                                std::to_string(x.shape()[1]) + " != " + std::to_string(w.shape()[1]) + ")");
  if (s.stride < 1 || s.padding < 0 || s.dilation < 1)
    throw std::invalid_argument("conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride " +
                                std::to_string(s.stride) + ", padding " + std::to_string(s.padding) +
                                ", dilation " + std::to_string(s.dilation));
  if (b && b->shape() != Shape{w.shape()[0]})
    throw std::invalid_argument("conv1d: bias of shape " + to_string(b->shape()) + " does not fit weight " +
                                to_string(w.shape()) + " (expected [" + std::to_string(w.shape()[0]) + "])");
  if (w.shape()[0] == 0 || w.shape()[1] == 0 || w.shape()[2] == 0)
    throw std::invalid_argument("conv1d: the weight " + to_string(w.shape()) +
                                " is an empty kernel (every size must be at least 1)");
  // The padded length and the kernel's span, counted with overflow checks.
  using detail::checked_add;
  using detail::checked_mul;
  const std::int64_t padded = checked_add(name, x.shape()[2], checked_mul(name, 2, s.padding, "twice the padding"),
                                          "the padded length");
  const std::int64_t span = checked_add(name, checked_mul(name, s.dilation, w.shape()[2] - 1, "the kernel's span"), 1,
                                        "the kernel's span");
  checked_add(name, checked_mul(name, padded / s.stride + 1, s.stride, "the last position"), span, "the last position");
  Geometry1d g = geometry(x.shape(), w.shape(), s);
  if (padded < span)
    throw std::invalid_argument("conv1d: " + shapes() + " with " + arguments(g) +
                                " give an output length of 0: the kernel spans " + std::to_string(span) +
                                " positions, the padded input only " + std::to_string(padded));
  detail::checked_numel(name, {g.N, g.F, g.LO});
  detail::check_count(name, checked_mul(name, g.CK(), g.LO, "the columns"), "the columns");
  detail::check_blas_sizes(name, g.F, g.LO, g.CK());

  // The backward is the forward's product turned around, sample by sample:
  // dw += dout_n @ cols_n^T, dcols_n = w^T @ dout_n (then col2im), db = dout summed.
  static constexpr Op op{"conv1d", [](Node& n) {
    const Conv1dState& kept = state<Conv1dState>(n);
    // dw only when w required grad at the forward (as conv2d's).
    const bool need_dw = kept.w_in_graph && n.parent(1).requires_grad();
    double* dw = need_dw ? tensor_slot(n.parent(1)).grad : nullptr;
    TensorSlot out = tensor_slot(n), x = tensor_slot(n.parent(0));
    Tensor w = tensor_of(n.parent(1));  // its numbers (its gradient is dw)
    Geometry1d g = geometry(x.shape, w.shape(), kept);
    const std::int64_t F = g.F, CK = g.CK(), LO = g.LO, CL = g.C * g.L;
    const double* dout = out.grad;
    double* dx = x.grad;
    const bool need_dx = dx != nullptr;
    if (n.nparents == 3 && n.parent(2).requires_grad()) {  // db[f] = dout[:, f, :] summed
      double* db = tensor_slot(n.parent(2)).grad;
      for (std::int64_t s = 0; s < g.N; ++s)
        for (std::int64_t f = 0; f < F; ++f) {
          const double* d = dout + (s * F + f) * LO;
          double sum = 0;
          for (std::int64_t t = 0; t < LO; ++t) sum += d[t];
          db[static_cast<std::size_t>(f)] += sum;
        }
    }
    if (!need_dw && !need_dx) return;
    std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(CK * LO));
    for (std::int64_t s = 0; s < g.N; ++s) {
      const double* d = dout + s * F * LO;  // dout_n is (F, LO) as it stands
      if (need_dw) {  // dw += dout_n @ cols_n^T: (F, LO) @ (LO, C K)
        im2col(g, x.data.data() + s * CL, cols.data());
        gemm(false, true, F, CK, LO, d, cols.data(), dw);
      }
      if (need_dx) {  // dcols_n = w^T @ dout_n: (C K, F) @ (F, LO), then col2im adds back
        gemm(true, false, CK, LO, F, w.data().data(), d, cols.data(), /*accumulate=*/false);
        col2im(g, cols.data(), dx + s * CL);
      }
    }
    detail::recycle(std::move(cols));
  }, &kTensorKind, nullptr, [](Node& n, GradientGraph& gg) {
    // The same products on Tensors (create_graph), the columns picked from
    // x (with one zero appended, for the padding) so that they are x's own
    // function: dw = sum_n dout_n @ cols_n^T, dx = w^T @ dout_n scattered
    // back, db = dout summed.
    Tensor x = tensor_of(n.parent(0)), w = tensor_of(n.parent(1));
    const Conv1dState& kept = state<Conv1dState>(n);
    Geometry1d g = geometry(x.shape(), w.shape(), kept);
    const std::int64_t CK = g.CK(), numel = x.numel();
    std::vector<std::int64_t> from(static_cast<std::size_t>(g.N * CK * g.LO));
    std::size_t at = 0;
    for (std::int64_t s = 0; s < g.N; ++s)
      for (std::int64_t c = 0; c < g.C; ++c)
        for (std::int64_t k = 0; k < g.K; ++k)
          for (std::int64_t t = 0; t < g.LO; ++t) {
            const std::int64_t i = g.at(t, k);
            from[at++] = i >= 0 && i < g.L ? (s * g.C + c) * g.L + i : numel;  // numel: the zero
          }
    Tensor xz = cat({reshape(x, {numel}), zeros({1})}, 0);
    Tensor cols = detail::pick(xz, from, {g.N, CK, g.LO});
    Tensor d = gradient_of(n, gg);  // (N, F, LO)
    if (wants(gg, n, 0)) {
      Tensor dcols = matmul(reshape(w, {g.F, CK}).t(), d);  // (C K, F) @ (N, F, LO)
      Tensor dxz = detail::scatter_add(dcols, from, {numel + 1});
      pass(gg, n, 0, reshape(slice(dxz, 0, 0, numel), x.shape()));
    }
    if (kept.w_in_graph && wants(gg, n, 1))
      pass(gg, n, 1, reshape(sum(matmul(d, cols.transpose(1, 2)), 0), w.shape()));
    if (n.nparents == 3) pass(gg, n, 2, sum(sum(d, 2), 0));
  }};
  // out_n (F, LO) = w (F, C K) @ cols_n (C K, LO) for each sample, written
  // straight into its place in (N, F, LO).
  const std::int64_t F = g.F, CK = g.CK(), LO = g.LO, CL = g.C * g.L;
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(g.N * F * LO));
  std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(CK * LO));
  for (std::int64_t s = 0; s < g.N; ++s) {
    double* out_n = out.data() + s * F * LO;
    im2col(g, x.data().data() + s * CL, cols.data());
    if (b)  // the bias first, then the product added onto it
      for (std::int64_t f = 0; f < F; ++f) std::fill(out_n + f * LO, out_n + (f + 1) * LO, b->data()[static_cast<std::size_t>(f)]);
    gemm(false, false, F, LO, CK, w.data().data(), cols.data(), out_n, /*accumulate=*/b != nullptr);
  }
  detail::recycle(std::move(cols));
  Shape shape{g.N, F, LO};
  Tensor result = b ? make_result(std::move(shape), std::move(out), op, {x, w, *b})
                    : make_result(std::move(shape), std::move(out), op, {x, w});
  Conv1dState kept = s;
  kept.w_in_graph = w.requires_grad();
  keep(result, kept);
  return result;
}

}  // namespace

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& b, std::int64_t stride, std::int64_t padding,
              std::int64_t dilation) {
  const Tensor* bias = b.defined() ? &b : nullptr;  // Tensor(): no bias
  const Conv1dState s{stride, padding, dilation, false};
  if (x.dim() == 3) return conv1d_batched(x, w, bias, s, x.shape());
  if (x.dim() == 2)  // one unbatched sample (C, L), as PyTorch takes it
    return conv1d_batched(x.unsqueeze(0), w, bias, s, x.shape()).squeeze(0);
  throw std::invalid_argument("conv1d: expected a (N, C_in, L) or (C_in, L) input, got input " + to_string(x.shape()) +
                              " and weight " + to_string(w.shape()));
}

}  // namespace gradlab::nn::functional

namespace gradlab::nn {

Conv1d::Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size, std::int64_t stride,
               std::int64_t padding, std::int64_t dilation, bool bias)
    : Module("Conv1d"), stride_(stride), padding_(padding), dilation_(dilation) {
  if (in_channels < 1 || out_channels < 1 || kernel_size < 1)
    throw std::invalid_argument("Conv1d: in_channels, out_channels and kernel_size must be at least 1, got " +
                                std::to_string(in_channels) + ", " + std::to_string(out_channels) + ", " +
                                std::to_string(kernel_size));
  if (stride < 1 || padding < 0 || dilation < 1)
    throw std::invalid_argument("Conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride " +
                                std::to_string(stride) + ", padding " + std::to_string(padding) + ", dilation " +
                                std::to_string(dilation));
  detail::checked_numel("Conv1d", {out_channels, in_channels, kernel_size});
  // PyTorch's initialisation: U(+-1/sqrt(fan_in)), fan_in = in_channels * kernel_size.
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_channels * kernel_size));
  auto uniform = [bound](const Shape& shape) {
    Tensor t = rand(shape);
    for (double& v : t.data()) v = (2 * v - 1) * bound;
    return t;
  };
  weight = register_parameter("weight", uniform({out_channels, in_channels, kernel_size}));
  if (bias) this->bias = register_parameter("bias", uniform({out_channels}));
}

Tensor Conv1d::forward(Tensor x) { return functional::conv1d(x, weight, bias, stride_, padding_, dilation_); }

std::string Conv1d::extra_repr() const {
  const Shape& w = weight.shape();
  auto one = [](std::int64_t v) {  // PyTorch's 1-tuples: (3,)
    std::string t = "(";  // (appended, not "(" + ...: GCC 12 warns of a false overlap there)
    return t.append(std::to_string(v)).append(",)");
  };
  std::string s = std::to_string(w[1]) + ", " + std::to_string(w[0]) + ", kernel_size=" + one(w[2]) +
                  ", stride=" + one(stride_);
  if (padding_) s += ", padding=" + one(padding_);
  if (dilation_ != 1) s += ", dilation=" + one(dilation_);
  if (!bias.defined()) s += ", bias=False";
  return s;
}

}  // namespace gradlab::nn
