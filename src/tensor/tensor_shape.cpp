// SPDX-License-Identifier: MIT
// The shape ops: the same numbers seen in another shape (reshape, and
// flatten, squeeze and unsqueeze through it), in another order (permute,
// transpose), or joined (cat, stack). Each backward is the forward's adjoint:
// reshape's a reshape, permute's the inverse permutation, cat's a cut.

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include <gradlab/grad_mode.hpp>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

using detail::around;
using detail::Around;

std::int64_t detail::wrap_dim(const std::string& op, std::int64_t dim, std::int64_t rank) {
  if (dim < -rank || dim >= rank || rank == 0)
    throw std::invalid_argument(op + ": dim " + std::to_string(dim) + " is out of range for a " +
                                std::to_string(rank) + "-d tensor");
  return dim < 0 ? dim + rank : dim;
}

using detail::for_each_permuted;

namespace {
struct PermuteState {
  std::vector<std::int64_t> perm;  // out's dim d is a's dim perm[d]
};
}  // namespace

Tensor permute(const Tensor& a, const std::vector<std::int64_t>& dims) {
  std::vector<std::int64_t> perm;
  std::vector<bool> used(static_cast<std::size_t>(a.dim()), false);
  for (std::int64_t d : dims) {
    d = detail::wrap_dim("permute", d, a.dim());
    if (used[static_cast<std::size_t>(d)] || dims.size() != used.size())
      throw std::invalid_argument("permute: " + to_string(dims) + " is not a permutation of the " +
                                  std::to_string(a.dim()) + " dims of shape " + to_string(a.shape()));
    used[static_cast<std::size_t>(d)] = true;
    perm.push_back(d);
  }
  if (dims.size() != used.size())
    throw std::invalid_argument("permute: " + to_string(dims) + " is not a permutation of the " +
                                std::to_string(a.dim()) + " dims of shape " + to_string(a.shape()));
  static constexpr Op op{"permute", [](Node& n) {
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
    // Each element goes back where it came from: d(out[i])/d(a[src]) = 1.
    for_each_permuted(a.shape, state<PermuteState>(n).perm,
                      [&](std::int64_t i, std::int64_t src) { a.grad[src] += out.grad[i]; });
  }, &kTensorKind, [](Replay& r) {
    const std::vector<Value>& a = r.operand(0);
    r.out.resize(a.size());
    for_each_permuted(r.operand_node(0).shape, state<PermuteState>(r.node).perm,
                      [&](std::int64_t i, std::int64_t src) { r.out[static_cast<std::size_t>(i)] = a[static_cast<std::size_t>(src)]; });
  }, [](Node& n, GradientGraph& g) {  // the same on Tensors: dout, permuted back
    const std::vector<std::int64_t>& perm = state<PermuteState>(n).perm;
    std::vector<std::int64_t> back(perm.size());
    for (std::size_t d = 0; d < perm.size(); ++d) back[static_cast<std::size_t>(perm[d])] = static_cast<std::int64_t>(d);
    pass(g, n, 0, permute(gradient_of(n, g), back));
  }};
  Shape shape(perm.size());
  for (std::size_t d = 0; d < perm.size(); ++d) shape[d] = a.shape()[static_cast<std::size_t>(perm[d])];
  std::vector<double> out = detail::buffer_for_overwrite(a.data().size());
  const std::vector<double>& x = a.data();
  for_each_permuted(a.shape(), perm, [&](std::int64_t i, std::int64_t src) { out[i] = x[src]; });
  Tensor result = make_result(std::move(shape), std::move(out), op, {a});
  keep(result, PermuteState{std::move(perm)});
  return result;
}

// A transpose is the permutation that swaps two dims.
Tensor transpose(const Tensor& a, std::int64_t dim0, std::int64_t dim1) {
  dim0 = detail::wrap_dim("transpose", dim0, a.dim());
  dim1 = detail::wrap_dim("transpose", dim1, a.dim());
  std::vector<std::int64_t> perm(static_cast<std::size_t>(a.dim()));
  for (std::size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<std::int64_t>(d);
  std::swap(perm[static_cast<std::size_t>(dim0)], perm[static_cast<std::size_t>(dim1)]);
  return permute(a, perm);
}

Tensor reshape(const Tensor& a, const Shape& shape) {
  Shape out = shape;
  std::int64_t infer = -1;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1 && infer < 0) infer = static_cast<std::int64_t>(i);
    else if (out[i] < 0)
      throw std::invalid_argument("reshape: bad shape " + to_string(shape));
  }
  if (infer >= 0) {  // the other dims, counted with the -1 as 1
    out[static_cast<std::size_t>(infer)] = 1;
    std::int64_t known = detail::checked_numel("reshape", out);
    out[static_cast<std::size_t>(infer)] = known > 0 && a.numel() % known == 0 ? a.numel() / known : -1;
  }
  // Counted with overflow checks: [2^62 + 1, 4] must not pass for 4 elements.
  if ((infer >= 0 && out[static_cast<std::size_t>(infer)] < 0) ||
      detail::checked_numel("reshape", out) != a.numel())
    throw std::invalid_argument("reshape: cannot view shape " + to_string(a.shape()) + " (" +
                                std::to_string(a.numel()) + " elements) as " + to_string(shape));
  static constexpr Op op{"reshape", [](Node& n) {
    // The same numbers in the same order: the gradient passes through as is.
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
    for (std::size_t i = 0; i < a.data.size(); ++i) a.grad[i] += out.grad[i];
  }, &kTensorKind, [](Replay& r) {
    r.out = r.operand(0);  // the same Values, in the same order
  }, [](Node& n, GradientGraph& g) {  // the same on Tensors: dout in a's shape
    pass(g, n, 0, reshape(gradient_of(n, g), tensor_of(n.parent(0)).shape()));
  }};
  std::vector<double> numbers = detail::buffer_for_overwrite(a.data().size());
  std::copy(a.data().begin(), a.data().end(), numbers.begin());
  return make_result(std::move(out), std::move(numbers), op, {a});
}

namespace {

struct CatState {
  std::int64_t dim;  // the dim the inputs were joined along
};

constexpr Op kCat{"cat", [](Node& n) {
  TensorSlot out = tensor_slot(n);
  const std::int64_t dim = state<CatState>(n).dim;
  Around r = around(out.shape, dim);
  // The adjoint of joining is cutting: each input takes back its block.
  std::size_t at = 0;
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::size_t k = 0; k < n.nparents; ++k) {
      TensorSlot t = tensor_slot(n.parent(k));
      std::int64_t block = t.shape[static_cast<std::size_t>(dim)] * r.inner;
      if (t.grad)
        for (std::int64_t j = 0; j < block; ++j)
          t.grad[static_cast<std::size_t>(o * block + j)] += out.grad[at + static_cast<std::size_t>(j)];
      at += static_cast<std::size_t>(block);
    }
}, &kTensorKind, [](Replay& r) {
  // The same Values, joined in the same order: each input's block, row by row.
  const std::int64_t dim = state<CatState>(r.node).dim;
  Around around_dim = around(r.node.shape, dim);
  for (std::int64_t o = 0; o < around_dim.outer; ++o)
    for (std::size_t k = 0; k < r.operand_count(); ++k) {
      std::int64_t block = r.operand_node(k).shape[static_cast<std::size_t>(dim)] * around_dim.inner;
      auto first = r.operand(k).begin() + o * block;
      r.out.insert(r.out.end(), first, first + block);
    }
}, [](Node& n, GradientGraph& g) {  // the same on Tensors: each input takes its slice of dout
  const std::int64_t dim = state<CatState>(n).dim;
  Tensor dout = gradient_of(n, g);
  std::int64_t start = 0;
  for (std::size_t k = 0; k < n.nparents; ++k) {
    std::int64_t size = tensor_of(n.parent(k)).shape()[static_cast<std::size_t>(dim)];
    pass(g, n, k, slice(dout, dim, start, start + size));
    start += size;
  }
}};

// A node has at most 65,535 parents: more inputs that take part in
// backward are refused up front, naming the op the user called.
void check_input_count(const std::string& op, const std::vector<Tensor>& tensors) {
  if (tensors.size() > UINT16_MAX && is_grad_enabled() &&
      std::any_of(tensors.begin(), tensors.end(), [](const Tensor& t) { return t.requires_grad(); }))
    throw std::length_error(op + ": " + std::to_string(tensors.size()) + " tensors that take part in " +
                            "backward, more than the " + std::to_string(UINT16_MAX) +
                            " inputs a graph node can have (join them in groups of at most that)");
}

// cat, and stack through it: `name` is the op the user called, for messages.
Tensor join(const char* name, const std::vector<Tensor>& tensors, std::int64_t dim) {
  const std::string op = name;
  check_input_count(op, tensors);
  const Shape& first = tensors[0].shape();
  dim = detail::wrap_dim(op, dim, static_cast<std::int64_t>(first.size()));
  Shape shape = first;
  shape[static_cast<std::size_t>(dim)] = 0;
  for (const Tensor& t : tensors) {
    Shape s = t.shape();
    if (s.size() != first.size())
      throw std::invalid_argument(op + ": shapes " + to_string(first) + " and " + to_string(s) +
                                  " have different numbers of dims");
    s[static_cast<std::size_t>(dim)] = first[static_cast<std::size_t>(dim)];
    if (s != first)
      throw std::invalid_argument(op + ": shapes " + to_string(first) + " and " + to_string(t.shape()) +
                                  " differ outside dim " + std::to_string(dim));
    std::int64_t& joined = shape[static_cast<std::size_t>(dim)];
    joined = detail::checked_add(name, joined, t.shape()[static_cast<std::size_t>(dim)],
                                 "the joined dim");
  }
  detail::checked_numel(name, shape);  // one tensor joined with itself 10^6 times
  // Row by row of (outer, n, inner): each input contributes its n_k * inner block.
  Around r = around(shape, dim);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(detail::numel_of(shape)));
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (const Tensor& t : tensors) {
      std::int64_t block = t.shape()[static_cast<std::size_t>(dim)] * r.inner;
      out.insert(out.end(), t.data().begin() + o * block, t.data().begin() + (o + 1) * block);
    }
  Tensor result = make_result(std::move(shape), std::move(out), kCat, tensors);
  keep(result, CatState{dim});
  return result;
}

}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
  if (tensors.empty()) throw std::invalid_argument("cat: needs at least one tensor");
  return join("cat", tensors, dim);
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) {
  if (tensors.empty()) throw std::invalid_argument("stack: needs at least one tensor");
  dim = detail::wrap_dim("stack", dim, tensors[0].dim() + 1);
  // Counted before the parts are made (each is a copy of its tensor).
  Shape stacked = tensors[0].shape();
  stacked.insert(stacked.begin() + dim, static_cast<std::int64_t>(tensors.size()));
  detail::checked_numel("stack", stacked);
  check_input_count("stack", tensors);
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) {
    if (t.shape() != tensors[0].shape())
      throw std::invalid_argument("stack: shapes " + to_string(tensors[0].shape()) + " and " +
                                  to_string(t.shape()) + " differ");
    parts.push_back(unsqueeze(t, dim));
  }
  return join("stack", parts, dim);
}

// Shape-only ops: the same numbers in the same order, so each is a reshape.
Tensor flatten(const Tensor& a, std::int64_t start_dim, std::int64_t end_dim) {
  if (a.dim() == 0) return reshape(a, {1});
  start_dim = detail::wrap_dim("flatten", start_dim, a.dim());
  end_dim = detail::wrap_dim("flatten", end_dim, a.dim());
  if (start_dim > end_dim) throw std::invalid_argument("flatten: start_dim is after end_dim");
  Shape shape(a.shape().begin(), a.shape().begin() + start_dim);
  std::int64_t merged = 1;
  for (std::int64_t d = start_dim; d <= end_dim; ++d) merged *= a.shape()[static_cast<std::size_t>(d)];
  shape.push_back(merged);
  shape.insert(shape.end(), a.shape().begin() + end_dim + 1, a.shape().end());
  return reshape(a, shape);
}

Tensor unsqueeze(const Tensor& a, std::int64_t dim) {
  dim = detail::wrap_dim("unsqueeze", dim, a.dim() + 1);
  Shape shape = a.shape();
  shape.insert(shape.begin() + dim, 1);
  return reshape(a, shape);
}

Tensor squeeze(const Tensor& a) {
  Shape shape;
  for (std::int64_t d : a.shape())
    if (d != 1) shape.push_back(d);
  return reshape(a, shape);
}

Tensor squeeze(const Tensor& a, std::int64_t dim) {
  dim = detail::wrap_dim("squeeze", dim, a.dim());
  Shape shape = a.shape();
  if (shape[static_cast<std::size_t>(dim)] == 1) shape.erase(shape.begin() + dim);
  return reshape(a, shape);
}

Tensor Tensor::transpose(std::int64_t d0, std::int64_t d1) const { return gradlab::transpose(*this, d0, d1); }
Tensor Tensor::reshape(const Shape& shape) const { return gradlab::reshape(*this, shape); }
Tensor Tensor::permute(const std::vector<std::int64_t>& dims) const { return gradlab::permute(*this, dims); }
Tensor Tensor::flatten(std::int64_t s, std::int64_t e) const { return gradlab::flatten(*this, s, e); }
Tensor Tensor::unsqueeze(std::int64_t dim) const { return gradlab::unsqueeze(*this, dim); }
Tensor Tensor::squeeze() const { return gradlab::squeeze(*this); }
Tensor Tensor::squeeze(std::int64_t dim) const { return gradlab::squeeze(*this, dim); }

}  // namespace gradlab
