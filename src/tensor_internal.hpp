// SPDX-License-Identifier: MIT
// What the tensor ops share: making a result node, reaching a node's
// operands, and walking two broadcast shapes together. Internal.
#pragma once

#include <gradlab/tensor.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace gradlab::detail {

inline TensorNode& tnode(Node& n) { return static_cast<TensorNode&>(n); }
inline TensorNode& operand(Node& n, std::size_t i) { return tnode(n.parent(i)); }

// The result of an op on `inputs`. With grad mode off, or when no input takes
// a gradient, it is a plain leaf and no graph is recorded.
Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   std::initializer_list<const Tensor*> inputs);
Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   const std::vector<Tensor>& inputs);  // any number (cat, stack)

std::int64_t numel_of(const Shape& shape);
// dim in [-rank, rank) -> [0, rank); std::invalid_argument naming `op` otherwise.
std::int64_t wrap_dim(const std::string& op, std::int64_t dim, std::int64_t rank);

// NumPy broadcasting: shapes align from the right; a dimension of 1 (or a
// missing one) stretches. std::invalid_argument names the op and both shapes.
Shape broadcast_shape(const std::string& op, const Shape& a, const Shape& b);

// The row-major strides of `shape` seen from an output of shape `out`:
// 0 where `shape` is broadcast, so one element serves the whole dimension.
std::vector<std::int64_t> broadcast_strides(const Shape& shape, const Shape& out);

// Calls f(i_out, i_a, i_b) for every element of `out`, with the matching
// element of a and b under broadcasting.
template <class F>
void for_each_broadcast(const Shape& out, const Shape& a, const Shape& b, F f) {
  const std::int64_t n = numel_of(out);
  if (a == out && b == out) {  // the common case: no broadcasting at all
    for (std::int64_t i = 0; i < n; ++i) f(i, i, i);
    return;
  }
  std::vector<std::int64_t> sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
  std::vector<std::int64_t> index(out.size(), 0);
  std::int64_t ia = 0, ib = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    f(i, ia, ib);
    // Advance the multi-index like an odometer, moving ia and ib with it.
    for (std::size_t d = out.size(); d-- > 0;) {
      ia += sa[d];
      ib += sb[d];
      if (++index[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      index[d] = 0;
    }
  }
}

}  // namespace gradlab::detail
