// SPDX-License-Identifier: MIT
// matmul through BLAS: its backward is two more matmuls, one per operand,
// each reading the other operand transposed in place; so is its
// graph-building backward (matmul_nt, matmul_tn: no transposed copies).

#include <cblas.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

namespace detail {

void gemm(bool ta, bool tb, std::int64_t n, std::int64_t m, std::int64_t k, const double* A,
          const double* B, double* C, bool accumulate) {
  if (n == 0 || m == 0) return;
  if (k == 0) {  // an empty sum (and BLAS refuses leading dims of 0)
    if (!accumulate) std::fill(C, C + n * m, 0.0);
    return;
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), 1.0, A,
              static_cast<int>(ta ? n : k), B, static_cast<int>(tb ? k : m), accumulate ? 1.0 : 0.0, C,
              static_cast<int>(m));
}

}  // namespace detail

using detail::gemm;

namespace {

// Batched matmul: a is (..., N, K), b is (..., K, M), out is (..., N, M).
// The leading "batch" dims broadcast like elementwise shapes, so the pairs of
// matrices come from for_each_broadcast over the batch shapes (matrix
// indices, not element indices).
Shape batch_of(const Shape& s) { return Shape(s.begin(), s.end() - 2); }

// The product with either operand read transposed in place, through BLAS's
// transpose flags (no copy is made): TA, each matrix of a is stored (K, N)
// and a^T is used; TB, each matrix of b is stored (M, K). matmul is
// <false, false>; the other two are what the graph-building backward
// multiplies by (dout @ b^T, a^T @ dout), named as BLAS names them: n as
// stored, t transposed.
template <bool TA, bool TB>
Tensor product(const Tensor& a, const Tensor& b) {
  static_assert(!(TA && TB), "a^T @ b^T is never needed");
  constexpr const char* name = TA ? "matmul_tn" : TB ? "matmul_nt" : "matmul";
  const std::int64_t ra = a.dim() - 2, rb = b.dim() - 2;  // the rows of a and b as stored
  std::int64_t N = a.shape()[ra + TA], K = a.shape()[ra + !TA];
  std::int64_t K2 = b.shape()[rb + TB], M = b.shape()[rb + !TB];
  if (K != K2)
    throw std::invalid_argument(std::string(name) + ": shapes " + to_string(a.shape()) + " and " +
                                to_string(b.shape()) + " are not aligned (" + std::to_string(K) +
                                " != " + std::to_string(K2) + ")");
  Shape batch = detail::broadcast_shape(name, batch_of(a.shape()), batch_of(b.shape()));
  detail::check_blas_sizes(name, N, M, K);
  static constexpr Op op{name, [](Node& n) {
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0)), b = tensor_slot(n.parent(1));
    std::int64_t N = out.shape[out.shape.size() - 2], M = out.shape.back();
    std::int64_t K = a.shape[a.shape.size() - 2 + !TA];
    if (!N || !M || !K) return;
    const double* dout = out.grad;
    double* da = a.grad;
    double* db = b.grad;
    // Per matrix: da = dout @ b^T and db = a^T @ dout (each stored as its
    // operand is: the transpose of that when the operand was read
    // transposed); a matrix broadcast over several batches receives the
    // sum of their shares.
    detail::for_each_broadcast(batch_of(out.shape), batch_of(a.shape), batch_of(b.shape),
                   [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                     const double* A = a.data.data() + ia * N * K;
                     const double* B = b.data.data() + ib * K * M;
                     const double* D = dout + o * N * M;
                     if (da && TA) gemm(TB, true, K, N, M, B, D, da + ia * N * K);    // (b @ dout^T): (K, N)
                     if (da && !TA) gemm(false, !TB, N, K, M, D, B, da + ia * N * K);  // dout @ b^T: (N, K)
                     if (db && TB) gemm(true, TA, M, K, N, D, A, db + ib * K * M);     // (dout^T @ a): (M, K)
                     if (db && !TB) gemm(!TA, false, K, M, N, A, D, db + ib * K * M);  // a^T @ dout: (K, M)
                   });
  }, &kTensorKind, [](Replay& r) {
    // out[i][j] = sum_k a[i][k] * b[k][j], for two matrices.
    const TensorNode& ta = r.operand_node(0);
    if (ta.shape.size() != 2 || r.operand_node(1).shape.size() != 2)
      throw std::invalid_argument(std::string("explode: only 2-d ") + name + " has a scalar replay");
    const std::vector<Value>& a = r.operand(0);
    const std::vector<Value>& b = r.operand(1);
    const std::int64_t N = r.node.shape[0], M = r.node.shape[1], K = ta.shape[!TA];
    auto at_a = [&](std::int64_t i, std::int64_t k) {  // a[i][k], read as stored
      return a[static_cast<std::size_t>(TA ? k * N + i : i * K + k)];
    };
    auto at_b = [&](std::int64_t k, std::int64_t j) {
      return b[static_cast<std::size_t>(TB ? j * K + k : k * M + j)];
    };
    for (std::int64_t i = 0; i < N; ++i)
      for (std::int64_t j = 0; j < M; ++j) {
        if (K == 0) {  // (N, 0) @ (0, M): every element is an empty sum, 0
          r.out.push_back(Value::constant(0));
          continue;
        }
        Value s = at_a(i, 0) * at_b(0, j);
        for (std::int64_t k = 1; k < K; ++k) s = s + at_a(i, k) * at_b(k, j);
        r.out.push_back(s);
      }
  }, [](Node& n, GradientGraph& g) {
    // The same on Tensors: da = dout @ b^T, db = a^T @ dout, each again a
    // product read transposed in place (stored as the operand is).
    Tensor dout = gradient_of(n, g);
    Tensor a = tensor_of(n.parent(0)), b = tensor_of(n.parent(1));
    if (wants(g, n, 0)) {
      if constexpr (TA) pass(g, n, 0, detail::sum_to(product<TB, true>(b, dout), a.shape()));
      else pass(g, n, 0, detail::sum_to(product<false, !TB>(dout, b), a.shape()));
    }
    if (wants(g, n, 1)) {
      if constexpr (TB) pass(g, n, 1, detail::sum_to(product<true, TA>(dout, a), b.shape()));
      else pass(g, n, 1, detail::sum_to(product<!TA, false>(a, dout), b.shape()));
    }
  }};
  Shape shape = batch;
  shape.push_back(N);
  shape.push_back(M);
  detail::checked_numel(name, shape);  // (N, 1) @ (1, M) is N * M numbers
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(detail::numel_of(shape)));
  // Each output matrix is written once, so BLAS writes it (no zero fill, no add).
  detail::for_each_broadcast(batch, batch_of(a.shape()), batch_of(b.shape()),
                 [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                   gemm(TA, TB, N, M, K, a.data().data() + ia * N * K,
                        b.data().data() + ib * K * M, out.data() + o * N * M, /*accumulate=*/false);
                 });
  return make_result(std::move(shape), std::move(out), op, {a, b});
}

// Both operands of 2 or more dims, for the transposed products.
void check_matrices(const char* name, const Tensor& a, const Tensor& b) {
  if (a.dim() < 2 || b.dim() < 2)
    throw std::invalid_argument(std::string(name) + ": needs tensors of at least 2 dimensions, got shapes " +
                                to_string(a.shape()) + " and " + to_string(b.shape()));
}

}  // namespace

namespace detail {
Tensor matmul_nt(const Tensor& a, const Tensor& b) {
  check_matrices("matmul_nt", a, b);
  return product<false, true>(a, b);
}
Tensor matmul_tn(const Tensor& a, const Tensor& b) {
  check_matrices("matmul_tn", a, b);
  return product<true, false>(a, b);
}
}  // namespace detail

Tensor matmul(const Tensor& a, const Tensor& b) {
  // 1-d operands become matrices, as in PyTorch: (K) is (1, K) on the left,
  // (K, 1) on the right, and the extra dimension is dropped from the result.
  if (a.dim() == 0 || b.dim() == 0)
    throw std::invalid_argument("matmul: needs tensors of at least 1 dimension, got shapes " +
                                to_string(a.shape()) + " and " + to_string(b.shape()));
  if (a.dim() == 1 && b.dim() == 1)  // a dot product: (1, K) @ (K, 1), as a 0-d tensor
    return reshape(matmul(reshape(a, {1, a.numel()}), reshape(b, {b.numel(), 1})), {});
  if (a.dim() == 1) {
    Tensor out = matmul(reshape(a, {1, a.numel()}), b);
    Shape s = out.shape();
    s.erase(s.end() - 2);
    return reshape(out, s);
  }
  if (b.dim() == 1) {
    Tensor out = matmul(a, reshape(b, {b.numel(), 1}));
    Shape s = out.shape();
    s.pop_back();
    return reshape(out, s);
  }
  return product<false, false>(a, b);
}

Tensor Tensor::matmul(const Tensor& other) const { return gradlab::matmul(*this, other); }
}  // namespace gradlab
