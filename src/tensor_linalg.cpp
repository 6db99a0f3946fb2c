// SPDX-License-Identifier: MIT
// matmul through BLAS, and the shape ops transpose and reshape. Each backward
// is the forward's adjoint: matmul's is two more matmuls, transpose's a
// transpose, reshape's a reshape.

#include <cblas.h>

#include <stdexcept>

#include "tensor_internal.hpp"

namespace gradlab {

using detail::make_result;
using detail::operand;
using detail::tnode;

namespace {

// C (n, m) += A (n, k) @ B (k, m), with A and/or B read transposed.
void gemm(bool ta, bool tb, std::int64_t n, std::int64_t m, std::int64_t k, const double* A,
          const double* B, double* C) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), 1.0, A,
              static_cast<int>(ta ? n : k), B, static_cast<int>(tb ? k : m), 1.0, C,
              static_cast<int>(m));
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  // a is (N, K), b is (K, M), out is (N, M).
  if (a.dim() != 2 || b.dim() != 2)
    throw std::invalid_argument("matmul: needs 2-d tensors, got shapes " + to_string(a.shape()) +
                                " and " + to_string(b.shape()));
  std::int64_t N = a.shape()[0], K = a.shape()[1], M = b.shape()[1];
  if (b.shape()[0] != K)
    throw std::invalid_argument("matmul: shapes " + to_string(a.shape()) + " and " +
                                to_string(b.shape()) + " are not aligned (" + std::to_string(K) +
                                " != " + std::to_string(b.shape()[0]) + ")");
  static constexpr Op op{"matmul", [](Node& n) {
    TensorNode& out = tnode(n);
    TensorNode& a = operand(n, 0);
    TensorNode& b = operand(n, 1);
    std::int64_t N = a.shape[0], K = a.shape[1], M = b.shape[1];
    const double* dout = out.grad_buffer().data();
    if (a.requires_grad())  // da = dout @ b^T   (N, M) @ (M, K)
      gemm(false, true, N, K, M, dout, b.data.data(), a.grad_buffer().data());
    if (b.requires_grad())  // db = a^T @ dout   (K, N) @ (N, M)
      gemm(true, false, K, M, N, a.data.data(), dout, b.grad_buffer().data());
  }, &kTensorKind};
  std::vector<double> out(static_cast<std::size_t>(N * M), 0.0);
  if (N && M && K) gemm(false, false, N, M, K, a.data().data(), b.data().data(), out.data());
  return make_result({N, M}, std::move(out), op, {&a, &b});
}

namespace {

// Walks the elements of transpose(a, d0, d1) in order and calls f(i, src):
// element i of the result is element src of a (a has shape `shape`).
template <class F>
void for_each_transposed(const Shape& shape, std::int64_t d0, std::int64_t d1, F f) {
  Shape out = shape;
  std::swap(out[static_cast<std::size_t>(d0)], out[static_cast<std::size_t>(d1)]);
  // a's row-major strides, in the result's order of dimensions.
  std::vector<std::int64_t> strides = detail::broadcast_strides(shape, shape);
  std::swap(strides[static_cast<std::size_t>(d0)], strides[static_cast<std::size_t>(d1)]);
  std::vector<std::int64_t> index(out.size(), 0);
  std::int64_t src = 0, n = detail::numel_of(out);
  for (std::int64_t i = 0; i < n; ++i) {
    f(i, src);
    for (std::size_t d = out.size(); d-- > 0;) {  // advance like an odometer
      src += strides[d];
      if (++index[d] < out[d]) break;
      src -= strides[d] * out[d];
      index[d] = 0;
    }
  }
}

}  // namespace

Tensor transpose(const Tensor& a, std::int64_t dim0, std::int64_t dim1) {
  dim0 = detail::wrap_dim("transpose", dim0, a.dim());
  dim1 = detail::wrap_dim("transpose", dim1, a.dim());
  static constexpr Op op{"transpose", [](Node& n) {
    TensorNode& out = tnode(n);
    TensorNode& a = operand(n, 0);
    std::vector<double>& da = a.grad_buffer();
    const std::vector<double>& dout = out.grad_buffer();
    // Each element goes back where it came from: d(out[i])/d(a[src]) = 1.
    for_each_transposed(a.shape, out.saved_ints[0], out.saved_ints[1],
                        [&](std::int64_t i, std::int64_t src) { da[src] += dout[i]; });
  }, &kTensorKind};
  Shape shape = a.shape();
  std::swap(shape[static_cast<std::size_t>(dim0)], shape[static_cast<std::size_t>(dim1)]);
  std::vector<double> out(a.data().size());
  const std::vector<double>& x = a.data();
  for_each_transposed(a.shape(), dim0, dim1, [&](std::int64_t i, std::int64_t src) { out[i] = x[src]; });
  Tensor result = make_result(std::move(shape), std::move(out), op, {&a});
  result.node()->saved_ints = {dim0, dim1};
  return result;
}

Tensor reshape(const Tensor& a, const Shape& shape) {
  Shape out = shape;
  std::int64_t known = 1, infer = -1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1 && infer < 0) infer = static_cast<std::int64_t>(i);
    else if (out[i] < 0)
      throw std::invalid_argument("reshape: bad shape " + to_string(shape));
    else known *= out[i];
  }
  if (infer >= 0 && known > 0 && a.numel() % known == 0) out[static_cast<std::size_t>(infer)] = a.numel() / known;
  if (detail::numel_of(out) != a.numel() || (infer >= 0 && out[static_cast<std::size_t>(infer)] < 0))
    throw std::invalid_argument("reshape: cannot view shape " + to_string(a.shape()) + " (" +
                                std::to_string(a.numel()) + " elements) as " + to_string(shape));
  static constexpr Op op{"reshape", [](Node& n) {
    // The same numbers in the same order: the gradient passes through as is.
    std::vector<double>& da = operand(n, 0).grad_buffer();
    const std::vector<double>& dout = tnode(n).grad_buffer();
    for (std::size_t i = 0; i < da.size(); ++i) da[i] += dout[i];
  }, &kTensorKind};
  return make_result(std::move(out), a.data(), op, {&a});
}

Tensor Tensor::matmul(const Tensor& other) const { return gradlab::matmul(*this, other); }
Tensor Tensor::transpose(std::int64_t d0, std::int64_t d1) const { return gradlab::transpose(*this, d0, d1); }
Tensor Tensor::reshape(const Shape& shape) const { return gradlab::reshape(*this, shape); }

}  // namespace gradlab
