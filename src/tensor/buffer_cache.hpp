// SPDX-License-Identifier: MIT
// Reusing the memory of large tensor buffers. A training step frees and
// allocates the same big arrays again and again; from malloc each one comes
// as fresh pages from the kernel (mmap, page faults, zeroing), which costs
// more than the arithmetic on small models. Buffers of 64 KiB and more are
// therefore kept, per thread, when their tensor dies and handed out again:
// numbers (data, gradients) and the indices ops keep for backward.
// Internal to gradlab.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gradlab::detail {

// A vector of n copies of `fill`, its memory reused when a kept buffer fits.
std::vector<double> buffer(std::size_t n, double fill = 0.0);

// A vector of n numbers left as they were (an op's output that it writes in
// full: filling it first would be wasted work).
std::vector<double> buffer_for_overwrite(std::size_t n);
std::vector<std::int64_t> index_buffer_for_overwrite(std::size_t n);

// Takes v's memory for later calls above (v is left empty). Small buffers,
// and any beyond the cache's limit, are simply freed.
void recycle(std::vector<double>&& v);
void recycle(std::vector<std::int64_t>&& v);

// A buffer that goes back to the cache when it dies: what an op keeps in
// its state (the indices it picked, conv2d's columns) is one of these.
template <class T>
struct Kept {
  std::vector<T> v;
  Kept() = default;
  explicit Kept(std::vector<T> from) : v(std::move(from)) {}
  Kept(Kept&&) noexcept = default;
  Kept& operator=(Kept&&) noexcept = default;
  ~Kept() { recycle(std::move(v)); }
};
using KeptIndices = Kept<std::int64_t>;
using KeptNumbers = Kept<double>;

// The bytes the calling thread keeps now (for tests).
std::size_t cached_bytes();

}  // namespace gradlab::detail
