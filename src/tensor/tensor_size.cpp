// SPDX-License-Identifier: MIT
// Sizes, checked (sizes.hpp): the overflow-checked products and sums every
// op computes its shapes with, the size limit (kMaxTensorBytes) and the
// buffers made to a checked size. Checks run once per op on shapes, never
// per element. A newcomer may skip this file.

#include <climits>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>

#include "tensor/tensor_internal.hpp"

namespace gradlab::detail {

namespace {

const std::string kLimit = "the limit of " + std::to_string(kMaxTensorElements) +
                           " numbers (2^40 bytes, gradlab::kMaxTensorBytes)";

[[noreturn, gnu::cold, gnu::noinline]] void overflows(const char* op, const std::string& what) {
  throw std::length_error(std::string(op) + ": " + what +
                          " overflows 64-bit size arithmetic (too large for any tensor)");
}

[[noreturn, gnu::cold, gnu::noinline]] void too_many(const char* op, const std::string& what,
                                                    std::int64_t count) {
  throw std::length_error(std::string(op) + ": " + what + " spans " + std::to_string(count) +
                          " numbers, more than " + kLimit);
}

// "what (a op b)": the sizes named beside what they are.
std::string sizes_of(const char* what, std::uint64_t a, const char* sign, std::uint64_t b, bool is_signed) {
  auto text = [&](std::uint64_t v) {
    return is_signed ? std::to_string(static_cast<std::int64_t>(v)) : std::to_string(v);
  };
  return std::string(what) + " (" + text(a) + sign + text(b) + ")";
}

[[noreturn, gnu::cold, gnu::noinline]] void negative_dim(const char* op, const Shape& shape) {
  throw std::invalid_argument(std::string(op) + ": negative dimension in shape " + to_string(shape));
}

}  // namespace

void refuse_shape(const char* op, const Shape& shape) {
  for (std::int64_t d : shape)
    if (d < 0) negative_dim(op, shape);
  std::int64_t walked = 1;
  for (std::int64_t d : shape)
    if (d != 0 && __builtin_mul_overflow(walked, d, &walked)) overflows(op, "shape " + to_string(shape));
  too_many(op, "shape " + to_string(shape), walked);
}

std::int64_t checked_mul(const char* op, std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t out;
  if (__builtin_mul_overflow(a, b, &out))
    overflows(op, sizes_of(what, static_cast<std::uint64_t>(a), " * ", static_cast<std::uint64_t>(b), true));
  return out;
}

std::int64_t checked_product(const char* op, std::uint64_t a, std::uint64_t b, const char* what) {
  std::uint64_t out;
  if (__builtin_mul_overflow(a, b, &out) || out > static_cast<std::uint64_t>(INT64_MAX))
    overflows(op, sizes_of(what, a, " * ", b, false));
  return static_cast<std::int64_t>(out);
}

std::int64_t checked_add(const char* op, std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t out;
  if (__builtin_add_overflow(a, b, &out))
    overflows(op, sizes_of(what, static_cast<std::uint64_t>(a), " + ", static_cast<std::uint64_t>(b), true));
  return out;
}

void check_count(const char* op, std::int64_t count, const std::string& what) {
  if (count < 0 || count > kMaxTensorElements) too_many(op, what, count);
}

void check_blas_sizes(const char* op, std::int64_t n, std::int64_t m, std::int64_t k) {
  for (std::int64_t s : {n, m, k})
    if (s > INT_MAX)
      throw std::length_error(std::string(op) + ": a matrix size of " + std::to_string(s) +
                              " is more than BLAS's 32-bit sizes take (" + std::to_string(INT_MAX) + ")");
}

void out_of_memory(const std::string& who, const std::string& need) {
  throw OutOfMemory(who + ": out of memory " + need + " (std::bad_alloc)");
}

namespace {

template <class Make>
std::vector<double> allocated(const char* op, const Shape& shape, Make make) {
  const std::int64_t count = checked_numel(op, shape);
  try {
    return make(static_cast<std::size_t>(count));
  } catch (const std::bad_alloc&) {
    out_of_memory(op, "for a tensor of shape " + to_string(shape) + " (" +
                          std::to_string(static_cast<std::uint64_t>(count) * sizeof(double)) + " bytes)");
  }
}

}  // namespace

std::vector<double> numbers_for(const char* op, const Shape& shape, double fill) {
  return allocated(op, shape, [=](std::size_t n) { return buffer(n, fill); });
}

std::vector<double> numbers_for_overwrite(const char* op, const Shape& shape) {
  return allocated(op, shape, [](std::size_t n) { return buffer_for_overwrite(n); });
}

std::int64_t numel_of(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

}  // namespace gradlab::detail
