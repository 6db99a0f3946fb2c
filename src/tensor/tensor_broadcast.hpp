// SPDX-License-Identifier: MIT
// Walking two broadcast shapes together: the loop every elementwise op and
// its backward run (tensor_broadcast.cpp has the shape arithmetic). Internal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/shape.hpp>

namespace gradlab::detail {

std::int64_t numel_of(const Shape& shape);

// NumPy broadcasting: shapes align from the right; a dimension of 1 (or a
// missing one) stretches. std::invalid_argument names the op and both shapes.
Shape broadcast_shape(const std::string& op, const Shape& a, const Shape& b);

// The row-major strides of `shape` seen from an output of shape `out`:
// 0 where `shape` is broadcast, so one element serves the whole dimension.
std::vector<std::int64_t> broadcast_strides(const Shape& shape, const Shape& out);

// Whether `shape` (leading 1s aside) is the trailing dims of `out`, so that
// it repeats as one block along out's leading dims.
inline bool is_trailing_block(const Shape& shape, const Shape& out) {
  std::size_t skip = 0;
  while (skip < shape.size() && shape[skip] == 1) ++skip;
  const std::size_t rank = shape.size() - skip;
  if (rank > out.size()) return false;
  for (std::size_t d = 0; d < rank; ++d)
    if (shape[skip + d] != out[out.size() - rank + d]) return false;
  return true;
}

// Calls f(i_out, i_a, i_b) for every element of `out`, with the matching
// element of a and b under broadcasting.
template <class F>
void for_each_broadcast(const Shape& out, const Shape& a, const Shape& b, F f) {
  const std::int64_t n = numel_of(out);
  if (a == out && b == out) {  // the common case: no broadcasting at all
    for (std::int64_t i = 0; i < n; ++i) f(i, i, i);
    return;
  }
  if (a == out && numel_of(b) == 1) {  // a number on the right: x * 0.5
    for (std::int64_t i = 0; i < n; ++i) f(i, i, 0);
    return;
  }
  if (b == out && numel_of(a) == 1) {  // and on the left: 1 - x
    for (std::int64_t i = 0; i < n; ++i) f(i, 0, i);
    return;
  }
  // One operand repeats whole: a bias over rows, a mask (L, S) over (N, H, L, S).
  if (a == out && is_trailing_block(b, out)) {
    const std::int64_t nb = numel_of(b);
    for (std::int64_t o = 0; nb > 0 && o < n; o += nb)
      for (std::int64_t j = 0; j < nb; ++j) f(o + j, o + j, j);
    return;
  }
  if (b == out && is_trailing_block(a, out)) {
    const std::int64_t na = numel_of(a);
    for (std::int64_t o = 0; na > 0 && o < n; o += na)
      for (std::int64_t j = 0; j < na; ++j) f(o + j, j, o + j);
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
