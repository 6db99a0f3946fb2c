// SPDX-License-Identifier: MIT
// NumPy broadcasting: the shape two operands make together, and the strides
// that walk an operand inside that shape (0 along a stretched dim). The
// walk itself, for_each_broadcast, is in tensor_broadcast.hpp.

#include <algorithm>
#include <stdexcept>

#include "tensor/tensor_internal.hpp"

namespace gradlab::detail {

Shape broadcast_shape(const std::string& op, const Shape& a, const Shape& b) {
  if (a == b) return a;  // a tensor's shape, checked when the tensor was made
  Shape out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    std::int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      throw std::invalid_argument(op + ": shapes " + to_string(a) + " and " + to_string(b) +
                                  " cannot be broadcast together (" + std::to_string(da) +
                                  " vs " + std::to_string(db) + ")");
    out[out.size() - 1 - i] = da == 1 ? db : da;  // a 1 stretches, to 0 too: (0, 1) / 2 is (0, 1)
  }
  checked_numel(op.c_str(), out);  // (2^20, 1) + (1, 2^20) would be 8 TiB
  return out;
}

std::vector<std::int64_t> broadcast_strides(const Shape& shape, const Shape& out) {
  std::vector<std::int64_t> strides(out.size(), 0);
  std::int64_t stride = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    std::size_t d = shape.size() - 1 - i, od = out.size() - 1 - i;
    strides[od] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}

}  // namespace gradlab::detail
