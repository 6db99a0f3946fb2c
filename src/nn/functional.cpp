// SPDX-License-Identifier: MIT
// linear and layer_norm as single ops, each backward beside its forward, and
// the ops that are compositions of tensor ops already there: dropout,
// embedding. Composed ops need no backward of their own: the engine chains theirs.

#include <gradlab/nn/functional.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab::nn::functional {

using detail::gemm;

namespace {

// x is (..., I): the number of rows is the product of every dim but the last.
std::int64_t rows_of(const Shape& x) { return detail::numel_of(Shape(x.begin(), x.end() - 1)); }

Tensor linear_op(const Tensor& x, const Tensor& w, const Tensor* b) {
  if (w.dim() != 2 || x.dim() < 1 || x.shape().back() != w.shape()[1])
    throw std::invalid_argument("linear: input of shape " + to_string(x.shape()) +
                                " does not fit weight of shape " + to_string(w.shape()) +
                                " (expected (..., in) and (out, in))");
  const std::int64_t O = w.shape()[0], I = w.shape()[1], N = rows_of(x.shape());
  if (b && b->shape() != Shape{O})
    throw std::invalid_argument("linear: bias of shape " + to_string(b->shape()) +
                                " does not fit weight of shape " + to_string(w.shape()) +
                                " (expected [" + std::to_string(O) + "])");
  // out = x @ w^T (+ b). x is (N, I), w is (O, I), out is (N, O).
  Shape shape = x.shape();
  shape.back() = O;
  detail::checked_numel("linear", shape);
  detail::check_blas_sizes("linear", N, O, I);
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(N * O));
  if (b)  // each row starts as b, then the GEMM adds x @ w^T into it
    for (std::int64_t r = 0; r < N; ++r) std::copy(b->data().begin(), b->data().end(), out.begin() + r * O);
  gemm(false, true, N, O, I, x.data().data(), w.data().data(), out.data(), /*accumulate=*/b != nullptr);
  // Backward: dx = dout @ w, dw = dout^T @ x, db = the sum of dout's rows.
  static constexpr Op op{"linear", [](Node& n) {
    // The first gradient to reach x or w is written (the GEMM's C = A @ B,
    // into an unfilled buffer), later ones added. x and w may be one tensor:
    // then only x's slot is fresh, and x's gradient is written first.
    TensorSlot out = tensor_slot(n), x = tensor_slot_for_overwrite(n.parent(0)),
               w = tensor_slot_for_overwrite(n.parent(1));
    const std::int64_t O = w.shape[0], I = w.shape[1], N = rows_of(x.shape);
    if (x.grad)  // dx = dout @ w: (N, O) @ (O, I)
      gemm(false, false, N, I, O, out.grad, w.data.data(), x.grad, /*accumulate=*/!x.fresh);
    if (w.grad)  // dw = dout^T @ x: (O, N) @ (N, I)
      gemm(true, false, O, I, N, out.grad, x.data.data(), w.grad, /*accumulate=*/!w.fresh);
    if (n.nparents == 3) {
      TensorSlot b = tensor_slot(n.parent(2));  // db = sum of dout's rows
      if (b.grad)
        for (std::int64_t r = 0; r < N; ++r)
          for (std::int64_t o = 0; o < O; ++o) b.grad[o] += out.grad[r * O + o];
    }
  }, &kTensorKind, [](Replay& r) {
    // out[n][o] = sum_i x[n][i] w[o][i] (+ b[o]), as Values.
    const std::vector<Value>& x = r.operand(0);
    const std::vector<Value>& w = r.operand(1);
    const std::size_t O = static_cast<std::size_t>(r.operand_node(1).shape[0]);
    const std::size_t I = static_cast<std::size_t>(r.operand_node(1).shape[1]);
    const std::size_t N = static_cast<std::size_t>(rows_of(r.operand_node(0).shape));
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t o = 0; o < O; ++o) {
        std::size_t i = 0;
        Value s = r.operand_count() == 3 ? r.operand(2)[o]
                  : I > 0                ? x[n * I] * w[o * I + i++]
                                         : Value::constant(0);  // an empty sum
        for (; i < I; ++i) s = s + x[n * I + i] * w[o * I + i];
        r.out.push_back(s);
      }
  }, [](Node& n, GradientGraph& g) {  // the same on Tensors (create_graph)
    Tensor x = tensor_of(n.parent(0)), w = tensor_of(n.parent(1));
    const std::int64_t O = w.shape()[0], I = w.shape()[1], N = rows_of(x.shape());
    Tensor dout = gradient_of(n, g);
    Tensor rows = dout.dim() == 2 ? dout : reshape(dout, {N, O});
    if (wants(g, n, 0)) pass(g, n, 0, matmul(dout, w));  // dx = dout @ w
    if (wants(g, n, 1))                                           // dw = dout^T @ x
      pass(g, n, 1, detail::matmul_tn(rows, x.dim() == 2 ? x : reshape(x, {N, I})));
    if (n.nparents == 3) pass(g, n, 2, sum(rows, 0));             // db = sum of dout's rows
  }};
  if (b) return make_result(std::move(shape), std::move(out), op, {x, w, *b});
  return make_result(std::move(shape), std::move(out), op, {x, w});
}

// A mask of 0 and 1 / (1 - p) with `keep` dims of x's shape and 1 elsewhere,
// so that one draw serves a whole channel when keep < rank.
Tensor dropout_mask(const char* op, const Tensor& x, double p, std::size_t keep) {
  if (!(p >= 0 && p <= 1))
    throw std::invalid_argument(std::string(op) + ": p must be in [0, 1], got " + number_text(p));
  Shape shape = x.shape();
  for (std::size_t d = keep; d < shape.size(); ++d) shape[d] = 1;
  Tensor mask = rand(shape);
  for (double& m : mask.data()) m = m < p ? 0.0 : 1.0 / (1.0 - p);
  return mask;
}

Tensor channel_dropout(const char* op, const Tensor& x, double p, bool training,
                       std::int64_t rank) {
  if (x.dim() != rank && x.dim() != rank - 1)
    throw std::invalid_argument(std::string(op) + ": expected a " + std::to_string(rank - 1) + "-d or " +
                                std::to_string(rank) + "-d input, got shape " + to_string(x.shape()));
  if (!training || p == 0) return x;
  // The channel dim is the one before the spatial ones: (N, C, ...) or (C, ...).
  std::size_t keep = x.dim() == rank ? 2 : 1;
  return x * dropout_mask(op, x, p, keep);
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& w) { return linear_op(x, w, nullptr); }
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) { return linear_op(x, w, &b); }

Tensor dropout(const Tensor& x, double p, bool training) {
  if (!training || p == 0) return x;
  return x * dropout_mask("dropout", x, p, x.shape().size());
}
Tensor dropout1d(const Tensor& x, double p, bool training) {
  return channel_dropout("dropout1d", x, p, training, 3);
}
Tensor dropout2d(const Tensor& x, double p, bool training) {
  return channel_dropout("dropout2d", x, p, training, 4);
}

namespace {
struct LayerNormState {
  // (rows, D) xhat = (x - mean) / sqrt(var + eps), then (rows) 1 / sqrt(var + eps)
  detail::KeptNumbers xhat_rstd;
  double eps;
};
}  // namespace

Tensor layer_norm(const Tensor& x, std::int64_t normalized_dims, const Tensor& w, const Tensor& b,
                  double eps) {
  if (w.shape() != b.shape() || w.dim() != normalized_dims)
    throw std::invalid_argument("layer_norm: weight " + to_string(w.shape()) + " and bias " +
                                to_string(b.shape()) + " must have the same shape, that of the input's last " +
                                std::to_string(normalized_dims) + " dim(s)");
  if (normalized_dims < 1 || normalized_dims > x.dim() ||
      !std::equal(w.shape().begin(), w.shape().end(), x.shape().end() - normalized_dims))
    throw std::invalid_argument("layer_norm: expected input with shape [*, " +
                                to_string(w.shape()).substr(1) + ", but got " + to_string(x.shape()));
  // One op, not the dozen its formula takes as separate ops (mean, minus,
  // var, sqrt, divide, times w, plus b, each with a tensor and a backward):
  // layer_norm runs in every transformer block, twice. x is seen as rows of
  // D = the normalised dims' size: xhat = (x - mean) / sqrt(var + eps) per
  // row, out = xhat * w + b.
  if (!(eps > 0)) throw std::invalid_argument("layer_norm: eps must be > 0, got " + number_text(eps));
  if (w.numel() == 0)
    throw std::invalid_argument("layer_norm: nothing to normalise over (normalized shape " +
                                to_string(w.shape()) + ")");
  const std::size_t D = w.data().size(), rows = x.data().size() / D;  // an empty batch: no rows
  std::vector<double> out = detail::buffer_for_overwrite(x.data().size());
  std::vector<double> xhats = detail::buffer_for_overwrite(rows * D + rows);  // then the rstds
  double* rstds = xhats.data() + rows * D;
  const double* xs = x.data().data();
  for (std::size_t r = 0; r < rows; ++r) {
    const double* row = xs + r * D;
    double mean = 0, var = 0;
    for (std::size_t j = 0; j < D; ++j) mean += row[j];
    mean /= static_cast<double>(D);
    for (std::size_t j = 0; j < D; ++j) var += (row[j] - mean) * (row[j] - mean);
    double rstd = 1 / std::sqrt(var / static_cast<double>(D) + eps);  // the biased variance, as PyTorch
    rstds[r] = rstd;
    for (std::size_t j = 0; j < D; ++j) {
      double xhat = (row[j] - mean) * rstd;
      xhats[r * D + j] = xhat;
      out[r * D + j] = xhat * w.data()[j] + b.data()[j];
    }
  }
  // Backward, per row (sums over the row's D elements j; r = 1 / sqrt(var + eps)):
  //   dw_j += dout_j xhat_j,  db_j += dout_j,  g_j = dout_j w_j (= dL/dxhat_j)
  //   xhat_j = (x_j - mean) r, with d(mean)/dx_k = 1/D and d(r)/dx_k = -r^3 (x_k - mean) / D,
  //   so dxhat_j/dx_k = r (delta_jk - 1/D - xhat_j xhat_k / D), and
  //   dx_k = sum_j g_j dxhat_j/dx_k = r (g_k - mean(g) - xhat_k mean(g xhat)).
  static constexpr Op op{"layer_norm", [](Node& n) {
    TensorSlot out = tensor_slot(n), x = tensor_slot(n.parent(0)), w = tensor_slot(n.parent(1)),
               b = tensor_slot(n.parent(2));
    const std::size_t D = w.data.size(), rows = D ? x.data.size() / D : 0;
    const double* xhat = state<LayerNormState>(n).xhat_rstd.v.data();
    const double* rstd = xhat + rows * D;
    const double* dout = out.grad;
    double *dx = x.grad, *dw = w.grad, *db = b.grad;
    for (std::size_t r = 0; r < rows; ++r) {
      const double* dy = dout + r * D;
      const double* xh = xhat + r * D;
      double mean_g = 0, mean_gx = 0;
      for (std::size_t j = 0; j < D; ++j) {
        if (dw) dw[j] += dy[j] * xh[j];
        if (db) db[j] += dy[j];
        double g = dy[j] * w.data[j];
        mean_g += g;
        mean_gx += g * xh[j];
      }
      if (!dx) continue;
      mean_g /= static_cast<double>(D);
      mean_gx /= static_cast<double>(D);
      double* dxr = dx + r * D;
      for (std::size_t j = 0; j < D; ++j) dxr[j] += rstd[r] * (dy[j] * w.data[j] - mean_g - xh[j] * mean_gx);
    }
  }, &kTensorKind, nullptr, [](Node& n, GradientGraph& g) {
    // The same lines on Tensors (create_graph), xhat and r made again from x
    // with graph ops, so that their own dependence on x is differentiated.
    Tensor x = tensor_of(n.parent(0)), w = tensor_of(n.parent(1));
    const std::int64_t D = w.numel(), rows = D ? x.numel() / D : 0;
    Tensor X = reshape(x, {rows, D}), dy = reshape(gradient_of(n, g), {rows, D});
    Tensor diff = X - X.mean(1, true);
    Tensor r = 1 / sqrt((diff * diff).mean(1, true) + state<LayerNormState>(n).eps);
    Tensor xhat = diff * r;
    Tensor gw = dy * reshape(w, {D});  // dL/dxhat
    Tensor dx = r * (gw - gw.mean(1, true) - xhat * (gw * xhat).mean(1, true));
    pass(g, n, 0, reshape(dx, x.shape()));
    pass(g, n, 1, reshape((dy * xhat).sum(0), w.shape()));
    pass(g, n, 2, reshape(dy.sum(0), w.shape()));
  }};
  Tensor result = make_result(x.shape(), std::move(out), op, {x, w, b});
  keep(result, LayerNormState{detail::KeptNumbers(std::move(xhats)), eps});
  return result;
}

Tensor embedding(const Tensor& index, const Tensor& weight) {
  if (weight.dim() != 2)
    throw std::invalid_argument("embedding: weight must be (num_embeddings, dim), got shape " +
                                to_string(weight.shape()));
  const std::int64_t V = weight.shape()[0];
  for (double i : index.data())  // rows count from 0; no negative indices, as in PyTorch
    if (!(i >= 0 && i < static_cast<double>(V)) || i != static_cast<double>(static_cast<std::int64_t>(i)))
      throw std::invalid_argument("embedding: index " + number_text(i) + " is not a row of the " +
                                  std::to_string(V) + "-row table (0.." + std::to_string(V - 1) + ")");
  Shape shape = index.shape();
  shape.push_back(weight.shape()[1]);
  detail::checked_numel("embedding", shape);
  return reshape(index_select(weight, 0, flatten(index)), shape);
}

}  // namespace gradlab::nn::functional
