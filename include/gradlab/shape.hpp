// SPDX-License-Identifier: MIT
// A tensor's shape, and the largest tensor there may be: what the tensor
// ops' helpers (broadcasting, size checks, the buffer cache) need to know of
// tensors, without the Tensor handle itself.
#pragma once

#include <cstdint>
#include <vector>

namespace gradlab {

using Shape = std::vector<std::int64_t>;  // sizes, outermost first: (N, C, H, W)

// The largest tensor gradlab makes: 2^40 bytes, 2^37 numbers. Every op works
// out its result's size (and any buffer it needs) with overflow-checked
// arithmetic first; a size that overflows, or a tensor past this limit, is
// refused with std::length_error naming the op and the shape, before anything
// is allocated. (A tensor under the limit that the machine cannot hold still
// gets std::bad_alloc; from the factories, the modules' constructors,
// histogram, multinomial and the file readers its what() names the op or the
// file and the bytes.)
inline constexpr std::int64_t kMaxTensorBytes = std::int64_t{1} << 40;
inline constexpr std::int64_t kMaxTensorElements = kMaxTensorBytes / std::int64_t{sizeof(double)};

}  // namespace gradlab
