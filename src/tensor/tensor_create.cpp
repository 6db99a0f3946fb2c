// SPDX-License-Identifier: MIT
// Making tensors: from numbers (flat with a shape, or nested lists), filled
// (zeros, ones, full), counted (arange) and random (randn, rand). Every size
// is checked before anything is allocated (tensor_size.cpp).

#include <gradlab/tensor.hpp>

#include <algorithm>
#include <cmath>

#include <gradlab/random.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab {

Tensor tensor(std::vector<double> data, Shape shape) {
  std::int64_t count = detail::checked_numel("tensor", shape);
  if (static_cast<std::int64_t>(data.size()) != count)
    throw std::invalid_argument("tensor: " + std::to_string(data.size()) +
                                " values do not fill shape " + to_string(shape) + " (" +
                                std::to_string(count) + " elements)");
  auto* n = new TensorNode(std::move(shape), std::move(data), &kTensorLeaf);
  n->refs = 1;
  return Tensor::adopt(n);
}

Tensor tensor(std::initializer_list<double> values) {
  return tensor(std::vector<double>(values), {static_cast<std::int64_t>(values.size())});
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows) {
  std::vector<double> data;
  std::int64_t cols = rows.size() ? static_cast<std::int64_t>(rows.begin()->size()) : 0;
  for (auto& r : rows) {
    if (static_cast<std::int64_t>(r.size()) != cols)
      throw std::invalid_argument("tensor: rows of different lengths (" + std::to_string(cols) +
                                  " and " + std::to_string(r.size()) + ")");
    data.insert(data.end(), r.begin(), r.end());
  }
  return tensor(std::move(data), {static_cast<std::int64_t>(rows.size()), cols});
}

namespace {

// A list of equally shaped tensors as one tensor with a new first dim.
template <class Blocks>
Tensor stack_blocks(const Blocks& blocks, std::size_t rank) {
  std::vector<double> data;
  Shape inner(rank - 1, 0);
  bool first = true;
  for (auto& b : blocks) {
    Tensor t = tensor(b);
    if (!first && t.shape() != inner)
      throw std::invalid_argument("tensor: blocks of different shapes (" + to_string(inner) +
                                  " and " + to_string(t.shape()) + ")");
    inner = t.shape();
    first = false;
    data.insert(data.end(), t.data().begin(), t.data().end());
  }
  inner.insert(inner.begin(), static_cast<std::int64_t>(blocks.size()));
  return tensor(std::move(data), std::move(inner));
}

}  // namespace

Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> blocks) {
  return stack_blocks(blocks, 3);
}

Tensor tensor(std::initializer_list<
              std::initializer_list<std::initializer_list<std::initializer_list<double>>>> blocks) {
  return stack_blocks(blocks, 4);
}

namespace {

// `op`'s tensor of `shape`, each number from make(): the size is checked
// before the numbers are allocated.
template <class Make>
Tensor filled(const char* op, const Shape& shape, Make make) {
  std::vector<double> v = detail::numbers_for_overwrite(op, shape);
  for (double& x : v) x = make();
  auto* n = new TensorNode(shape, std::move(v), &kTensorLeaf);
  n->refs = 1;
  return Tensor::adopt(n);
}

}  // namespace

Tensor scalar_tensor(double value) { return tensor({value}, {}); }
Tensor full(const Shape& shape, double value) { return filled("full", shape, [=] { return value; }); }
Tensor zeros(const Shape& shape) { return filled("zeros", shape, [] { return 0.0; }); }
Tensor ones(const Shape& shape) { return filled("ones", shape, [] { return 1.0; }); }

Tensor arange(double start, double end, double step) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
    throw std::invalid_argument("arange: step must be non-zero and all bounds finite, got start " +
                                number_text(start) + ", end " + number_text(end) +
                                ", step " + number_text(step));
  // How many numbers, counted before any is made (as a double: end - start
  // may be past any integer). The loop below then makes at most that many.
  double count = std::max(0.0, std::ceil((end - start) / step));
  if (!(count <= static_cast<double>(kMaxTensorElements)))
    throw std::length_error("arange: from " + number_text(start) + " to " +
                            number_text(end) + " in steps of " + number_text(step) +
                            " is " + number_text(count) + " numbers, more than the limit of " +
                            std::to_string(kMaxTensorElements) + " (2^40 bytes, kMaxTensorBytes)");
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(count));
  const std::size_t most = static_cast<std::size_t>(count) + 1;  // rounding may add one
  for (double x = start; (step > 0 ? x < end : x > end) && v.size() < most;
       x = start + step * static_cast<double>(v.size()))
    v.push_back(x);
  std::int64_t n = static_cast<std::int64_t>(v.size());
  return tensor(std::move(v), {n});
}

Tensor randn(const Shape& shape) { return filled("randn", shape, [] { return normal(); }); }
Tensor rand(const Shape& shape) { return filled("rand", shape, [] { return uniform(); }); }

}  // namespace gradlab
