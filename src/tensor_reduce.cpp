// SPDX-License-Identifier: MIT
// Reductions: sum and mean over everything or over one dimension. Their
// backward spreads the output gradient back over the reduced elements.

#include <stdexcept>

#include "tensor_internal.hpp"

namespace gradlab {

using detail::make_result;
using detail::operand;
using detail::tnode;

namespace {

// A tensor seen as (outer, n, inner) around dimension `dim`: reducing `dim`
// leaves (outer, inner).
struct Around {
  std::int64_t outer = 1, n = 1, inner = 1;
};
Around around(const Shape& shape, std::int64_t dim) {
  Around r;
  for (std::int64_t d = 0; d < static_cast<std::int64_t>(shape.size()); ++d) {
    std::int64_t s = shape[static_cast<std::size_t>(d)];
    if (d < dim) r.outer *= s;
    else if (d == dim) r.n = s;
    else r.inner *= s;
  }
  return r;
}

Shape reduced_shape(const Shape& shape, std::int64_t dim, bool keepdim) {
  Shape out = shape;
  if (keepdim) out[static_cast<std::size_t>(dim)] = 1;
  else out.erase(out.begin() + dim);
  return out;
}

// Sum over dim, scaled by `scale` (1 for sum, 1/n for mean). saved_ints keeps
// the dim for the backward.
Tensor reduce(const Tensor& a, std::int64_t dim, bool keepdim, bool mean, const Op& op) {
  dim = detail::wrap_dim(mean ? "mean" : "sum", dim, a.dim());
  Around r = around(a.shape(), dim);
  double scale = mean ? 1.0 / static_cast<double>(r.n) : 1.0;
  std::vector<double> out(static_cast<std::size_t>(r.outer * r.inner), 0.0);
  const std::vector<double>& x = a.data();
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t k = 0; k < r.n; ++k)
      for (std::int64_t i = 0; i < r.inner; ++i)
        out[o * r.inner + i] += x[(o * r.n + k) * r.inner + i] * scale;
  Tensor result = make_result(reduced_shape(a.shape(), dim, keepdim), std::move(out), op, {&a});
  result.node()->saved_ints = {dim};
  result.node()->saved_number = scale;
  return result;
}

// d(sum)/da = 1 for every element reduced, d(mean)/da = 1/n: each element of
// a gets its output's gradient, times the scale.
void reduce_backward(Node& n) {
  TensorNode& out = tnode(n);
  TensorNode& a = operand(n, 0);
  Around r = around(a.shape, out.saved_ints[0]);
  std::vector<double>& da = a.grad_buffer();
  const std::vector<double>& dout = out.grad_buffer();
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t k = 0; k < r.n; ++k)
      for (std::int64_t i = 0; i < r.inner; ++i)
        da[(o * r.n + k) * r.inner + i] += dout[o * r.inner + i] * out.saved_number;
}

constexpr Op kSumOp{"sum", reduce_backward, &kTensorKind};
constexpr Op kMeanOp{"mean", reduce_backward, &kTensorKind};

}  // namespace

Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim) {
  return reduce(a, dim, keepdim, false, kSumOp);
}
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim) {
  if (a.dim() > 0 && a.shape()[static_cast<std::size_t>(detail::wrap_dim("mean", dim, a.dim()))] == 0)
    throw std::invalid_argument("mean: dim " + std::to_string(dim) + " is empty");
  return reduce(a, dim, keepdim, true, kMeanOp);
}
// Over everything: the tensor as one long dimension.
Tensor sum(const Tensor& a) { return sum(reshape(a, {-1}), 0); }
Tensor mean(const Tensor& a) {
  if (a.numel() == 0) throw std::invalid_argument("mean: the tensor is empty");
  return mean(reshape(a, {-1}), 0);
}

Tensor Tensor::sum() const { return gradlab::sum(*this); }
Tensor Tensor::sum(std::int64_t dim, bool keepdim) const { return gradlab::sum(*this, dim, keepdim); }
Tensor Tensor::mean() const { return gradlab::mean(*this); }
Tensor Tensor::mean(std::int64_t dim, bool keepdim) const { return gradlab::mean(*this, dim, keepdim); }

}  // namespace gradlab
