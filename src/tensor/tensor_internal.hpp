// SPDX-License-Identifier: MIT
// What the tensor ops share beyond op.hpp's kit: walking shapes (around,
// broadcasting, permuting), checked sizes, BLAS, the picking ops' common
// backward, and the elementwise ops' one derivative. Internal.
#pragma once

#include <gradlab/grad.hpp>
#include <gradlab/op.hpp>
#include <gradlab/replay.hpp>
#include <gradlab/tensor.hpp>

#include <gradlab/number_text.hpp>

#include "tensor/buffer_cache.hpp"
#include "tensor/sizes.hpp"
#include "tensor/tensor_broadcast.hpp"

#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace gradlab::detail {

// The element count of a shape known to be valid (that of a tensor).
std::int64_t numel_of(const Shape& shape);

// The short text pictures show of a tensor's numbers: its shape and up to
// 6 of them, or their min / mean / max (tensor_print.cpp).
std::string summary(const std::vector<double>& v, const Shape& shape);

// The name of element `flat` (row-major) of a tensor called base: "W[1,2]",
// as explode() labels its leaves and gradcheck() its rows.
inline std::string element_name(const std::string& base, const Shape& shape, std::int64_t flat) {
  std::string index;
  for (std::size_t d = shape.size(); d-- > 0;) {
    index = std::to_string(flat % shape[d]) + (index.empty() ? "" : ",") + index;
    flat /= shape[d];
  }
  return base + "[" + index + "]";
}

// Sizes, checked: checked_numel, checked_mul, numbers_for ... (sizes.hpp).
// BLAS takes 32-bit sizes: each of the matrix sizes must fit, else
// std::length_error naming `op`.
void check_blas_sizes(const char* op, std::int64_t n, std::int64_t m, std::int64_t k);
// dim in [-rank, rank) -> [0, rank); std::invalid_argument naming `op` otherwise.
std::int64_t wrap_dim(const std::string& op, std::int64_t dim, std::int64_t rank);

// The state of every op that picks elements (select, slice, gather, max,
// max_pool2d): out[i] is a[from[i]].
struct PickState {
  KeptIndices from;  // for each element of out, where it came from in a
};
// Their shared backward: d(out[i])/d(a[from[i]]) = 1, added up where several
// i share one.
void scatter_back(Node& out);
// And their replay: out[i] is a[from[i]], the same Value.
void pick_replay(Replay& r);
// And their graph-building backward: dout scattered back (scatter_add).
void pick_graph(Node& out, GradientGraph& g);
// The scatter as an op of the graph: a tensor of `shape`, zero but for
// out[from[i]] += d[i]. Its own backward picks again (out[i] = a[from[i]]).
Tensor scatter_add(const Tensor& d, const std::vector<std::int64_t>& from, const Shape& shape);
// out[i] = a[from[i]], a tensor of `shape`, as an op of the graph ("take").
Tensor pick(const Tensor& a, const std::vector<std::int64_t>& from, const Shape& shape);

// An index given as a double: a whole number in [-size, size), wrapped to
// [0, size); std::invalid_argument naming `op` otherwise.
std::int64_t whole_number(const std::string& op, double x, std::int64_t size);

// C (n, m) += A (n, k) @ B (k, m) through BLAS, with A and/or B read
// transposed (ta: A is stored (k, n); tb: B is stored (m, k)). With
// accumulate = false, C = A @ B: C's old numbers are not read.
void gemm(bool ta, bool tb, std::int64_t n, std::int64_t m, std::int64_t k, const double* A,
          const double* B, double* C, bool accumulate = true);

// a @ b^T (matmul_nt) and a^T @ b (matmul_tn) over the last two dims, the
// transposed operand read in place by BLAS (no copy), batches broadcast as
// matmul's: what the graph-building backwards multiply by. Ops of the graph,
// differentiable again (their backward is made of the same three products).
Tensor matmul_nt(const Tensor& a, const Tensor& b);
Tensor matmul_tn(const Tensor& a, const Tensor& b);

// --- gradients of gradients (and tensor_of, gradient_of, wants, pass: op.hpp) ---

// t summed over the dimensions along which a tensor of `shape` was
// broadcast to t's shape: the share of a broadcast operand (graph ops).
Tensor sum_to(const Tensor& t, const Shape& shape);

// out = f(a) elementwise; its backward adds dout * f'(a) into a.
template <class F>
Tensor unary(const Tensor& a, const Op& op, F f) {
  std::vector<double> out = detail::buffer_for_overwrite(a.data().size());
  const std::vector<double>& x = a.data();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = f(x[i]);
  return make_result(a.shape(), std::move(out), op, {a});
}

// The backward of a unary op: local(x, out) is d out/d x for one element.
// The first gradient to reach a is written, later ones added.
template <class L>
void unary_backward(Node& n, L local) {
  TensorSlot out = tensor_slot(n), a = tensor_slot_for_overwrite(n.parent(0));
  // Plain pointers that share no memory (__restrict says so) and a count
  // read once: a loop the compiler vectorises.
  const std::size_t count = a.data.size();
  const double* __restrict dout = out.grad;
  const double* __restrict x = a.data.data();
  const double* __restrict y = out.data.data();
  double* __restrict da = a.grad;
  if (a.fresh) {
    for (std::size_t i = 0; i < count; ++i) da[i] = dout[i] * local(x[i], y[i]);
    return;
  }
  for (std::size_t i = 0; i < count; ++i) da[i] += dout[i] * local(x[i], y[i]);
}

// What a local derivative may call, for a number and a whole Tensor alike
// (the Tensor forms are masks: constants, no gradient flows through them).
inline double step(double x) { return static_cast<double>(x > 0); }  // 1 where x > 0, else 0
inline Tensor step(const Tensor& x) { return gt(x, scalar_tensor(0.0)); }
inline double sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }
inline Tensor sign(const Tensor& x) { return step(x) - step(-x); }
inline double positive_or(double x, double other) { return x > 0 ? 1.0 : other; }  // 1 where x > 0, else other
inline Tensor positive_or(const Tensor& x, double other) { return step(x) * (1 - other) + other; }
inline double same(double x, double y) { return x == y ? 1.0 : 0.0; }  // 1 where x == y
inline Tensor same(const Tensor& x, const Tensor& y) { return eq(x, y); }

template <class L>
void unary_numbers(Node& n) {  // backward() on numbers
  unary_backward(n, L{});
}
template <class L>
void unary_graph(Node& n, GradientGraph& g) {  // create_graph: the same line on Tensors
  if (wants(g, n, 0)) pass(g, n, 0, gradient_of(n, g) * L{}(tensor_of(n.parent(0)), tensor_of(n)));
}
// The Op of an elementwise op whose local derivative d out/d a is
// `local`, a lambda `[](const auto& a, const auto& out)`: called on numbers,
// one element at a time, by backward(), and on whole Tensors (graph ops)
// for gradients of gradients. One derivative, both backward passes.
template <class L>
constexpr Op unary_op(const char* name, L /*local*/, void (*replay)(Replay&)) {
  return Op{name, &unary_numbers<L>, &kTensorKind, replay, &unary_graph<L>};
}

// A tensor seen as (outer, n, inner) around dimension `dim`: element
// (o, k, i) is at (o * n + k) * inner + i. Reductions, softmax, cat and the
// indexing ops all walk a dimension this way.
struct Around {
  std::int64_t outer = 1, n = 1, inner = 1;
};
inline Around around(const Shape& shape, std::int64_t dim) {
  Around r;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (static_cast<std::int64_t>(d) < dim) r.outer *= shape[d];
    else if (static_cast<std::int64_t>(d) == dim) r.n = shape[d];
    else r.inner *= shape[d];
  }
  return r;
}

// Walks the elements of permute(a, perm) in order and calls f(i, src):
// element i of the result is element src of a (a has shape `shape`).
template <class F>
void for_each_permuted(const Shape& shape, const std::vector<std::int64_t>& perm, F f) {
  if (shape.size() == 2 && perm[0] == 1) {  // a matrix transpose: two plain loops
    const std::int64_t rows = shape[0], cols = shape[1];
    for (std::int64_t j = 0; j < cols; ++j)
      for (std::int64_t i = 0; i < rows; ++i) f(j * rows + i, i * cols + j);
    return;
  }
  std::vector<std::int64_t> a_strides = broadcast_strides(shape, shape);
  Shape out(shape.size());
  std::vector<std::int64_t> strides(shape.size());  // a's strides, in the result's order
  for (std::size_t d = 0; d < perm.size(); ++d) {
    out[d] = shape[static_cast<std::size_t>(perm[d])];
    strides[d] = a_strides[static_cast<std::size_t>(perm[d])];
  }
  std::vector<std::int64_t> index(out.size(), 0);
  std::int64_t src = 0, n = numel_of(out);
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

}  // namespace gradlab::detail
