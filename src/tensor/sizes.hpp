// SPDX-License-Identifier: MIT
// Sizes, checked (tensor_size.cpp): the one place where a size that comes
// from an argument or a file is counted before anything is allocated, for
// tensors and Values alike. Each refusal is std::length_error naming the op
// and the sizes; a machine that cannot give memory under the limit raises
// OutOfMemory (a std::bad_alloc that says who asked for how much). Internal;
// a newcomer may skip this file.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <gradlab/shape.hpp>

namespace gradlab::detail {

// The element count of `shape` that `op` is about to make:
// std::invalid_argument for a negative dim, std::length_error naming `op` and
// the shape when the count overflows or passes kMaxTensorElements. Called
// once per op, on shapes, before allocating.
// Inline, for the count that passes; a refusal is made out of line.
[[noreturn]] void refuse_shape(const char* op, const std::vector<std::int64_t>& shape);
inline std::int64_t checked_numel(const char* op, const std::vector<std::int64_t>& shape) {
  // The product of the non-zero dims is what is checked: a shape with a 0 in
  // it holds nothing, but its other dims still give the strides and loop
  // counts that ops walk (zeros({2^62, 4, 0}).sum(2) is [2^62, 4]).
  std::int64_t walked = 1;
  bool empty = false, refused = false;
  for (std::int64_t d : shape) {
    refused |= d < 0;
    if (d == 0) empty = true;
    else refused |= __builtin_mul_overflow(walked, d, &walked);
  }
  if (refused || walked > kMaxTensorElements) refuse_shape(op, shape);
  return empty ? 0 : walked;
}
// a * b and a + b of sizes, or std::length_error naming `op` and `what`
// ("the padded height") when the result does not fit in 64 bits.
std::int64_t checked_mul(const char* op, std::int64_t a, std::int64_t b, const char* what);
std::int64_t checked_add(const char* op, std::int64_t a, std::int64_t b, const char* what);
// The same for unsigned sizes (std::size_t arguments): the result as an
// int64, or std::length_error when it passes INT64_MAX.
std::int64_t checked_product(const char* op, std::uint64_t a, std::uint64_t b, const char* what);
// A count of numbers `op` is about to allocate (`what` says for what):
// std::length_error past kMaxTensorElements.
void check_count(const char* op, std::int64_t count, const std::string& what);

// The numbers of a tensor of `shape` that `op` is about to make, each
// `fill` (numbers_for) or left to be written (numbers_for_overwrite): the
// shape is counted by checked_numel first, and a machine that cannot give
// the memory raises OutOfMemory naming `op`, the shape and the bytes instead
// of a bare std::bad_alloc. Every buffer whose size comes from an argument
// (a factory, a module's table, histogram's bins, multinomial's draws, a
// file's shape) is made here, so no op or module built by hand can skip
// the count.
std::vector<double> numbers_for(const char* op, const std::vector<std::int64_t>& shape, double fill = 0.0);
std::vector<double> numbers_for_overwrite(const char* op, const std::vector<std::int64_t>& shape);

// A std::bad_alloc that says who asked for how much (what() is the
// message); it is caught wherever std::bad_alloc is.
class OutOfMemory : public std::bad_alloc {
 public:
  explicit OutOfMemory(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};
// Throws OutOfMemory "<who>: out of memory <need> (std::bad_alloc)", need
// saying for what: "for a tensor of shape [2^36] (2^39 bytes)".
[[noreturn]] void out_of_memory(const std::string& who, const std::string& need);

}  // namespace gradlab::detail
