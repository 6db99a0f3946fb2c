// SPDX-License-Identifier: MIT
// Indexing. Every indexing op here is a gather: out[i] = a[src[i]] for a
// list src of flat positions in a, which the op works out; so every backward
// is the same scatter, da[src[i]] += dout[i], and every replay the same pick.
// triu and tril, a fixed mask, close the file.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include <gradlab/grad_mode.hpp>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

using detail::PickState;
using detail::KeptIndices;
using detail::around;
using detail::Around;

// The shared backward (tensor_internal.hpp): d(out[i])/d(a[src[i]]) = 1,
// and several i may share a src (index_select with repeats), so their
// gradients add up.
void detail::scatter_back(Node& n) {
  TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
  const std::int64_t* from = state<PickState>(n).from.v.data();
  for (std::size_t i = 0; i < out.data.size(); ++i) a.grad[from[i]] += out.grad[i];
}

// out[i] = a[from[i]], with the same Values.
void detail::pick_replay(Replay& r) { r.pick(state<PickState>(r.node).from.v); }

using detail::pick_replay;
using detail::scatter_back;

namespace {
Tensor take(const Tensor& a, Shape shape, std::vector<std::int64_t> src, const Op& op);
}

// The scatter as an op: its derivative with respect to d picks the same
// elements back, d(out[from[i]])/d(d[i]) = 1, so its backward is a pick.
Tensor detail::scatter_add(const Tensor& d, const std::vector<std::int64_t>& from, const Shape& shape) {
  static constexpr Op op{"scatter_add", [](Node& n) {
    TensorSlot out = tensor_slot(n), d = tensor_slot(n.parent(0));
    const std::int64_t* from = state<PickState>(n).from.v.data();
    for (std::size_t i = 0; i < d.data.size(); ++i) d.grad[i] += out.grad[static_cast<std::size_t>(from[i])];
  }, &kTensorKind, [](Replay& r) {
    const std::vector<std::int64_t>& from = state<PickState>(r.node).from.v;
    const std::vector<Value>& d = r.operand(0);
    std::vector<std::optional<Value>> sums(r.node.data.size());
    for (std::size_t i = 0; i < from.size(); ++i) {
      auto& s = sums[static_cast<std::size_t>(from[i])];
      s = s ? *s + d[i] : d[i];
    }
    for (auto& s : sums) r.out.push_back(s ? *s : Value::constant(0));
  }, [](Node& n, GradientGraph& g) {  // the same on Tensors: pick dout back
    pass(g, n, 0, detail::pick(gradient_of(n, g), state<PickState>(n).from.v, tensor_of(n.parent(0)).shape()));
  }};
  std::vector<double> out = detail::buffer(static_cast<std::size_t>(detail::numel_of(shape)));
  for (std::size_t i = 0; i < from.size(); ++i) out[static_cast<std::size_t>(from[i])] += d.data()[i];
  Tensor result = make_result(shape, std::move(out), op, {d});
  keep(result, PickState{KeptIndices(std::vector<std::int64_t>(from))});
  return result;
}

Tensor detail::pick(const Tensor& a, const std::vector<std::int64_t>& from, const Shape& shape) {
  static constexpr Op kTake{"take", scatter_back, &kTensorKind, pick_replay, pick_graph};
  return take(a, shape, from, kTake);
}

void detail::pick_graph(Node& n, GradientGraph& g) {
  pass(g, n, 0, scatter_add(gradient_of(n, g), state<PickState>(n).from.v, tensor_of(n.parent(0)).shape()));
}

using detail::pick_graph;

namespace {

Tensor take(const Tensor& a, Shape shape, std::vector<std::int64_t> src, const Op& op) {
  std::vector<double> out = detail::buffer_for_overwrite(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) out[i] = a.data()[static_cast<std::size_t>(src[i])];
  Tensor result = make_result(std::move(shape), std::move(out), op, {a});
  keep(result, PickState{KeptIndices(std::move(src))});
  return result;
}

constexpr Op kSelect{"select", scatter_back, &kTensorKind, pick_replay, pick_graph};
constexpr Op kSlice{"slice", scatter_back, &kTensorKind, pick_replay, pick_graph};
constexpr Op kIndexSelect{"index_select", scatter_back, &kTensorKind, pick_replay, pick_graph};
constexpr Op kGather{"gather", scatter_back, &kTensorKind, pick_replay, pick_graph};

// The positions `picked` along `dim`, in that order: the gather behind
// select, slice and index_select. Without keep_dim, dim is dropped (select).
Tensor take_along(const Tensor& a, std::int64_t dim, const std::vector<std::int64_t>& picked,
                  const Op& op, bool keep_dim = true) {
  Around r = around(a.shape(), dim);
  const std::int64_t k_count = static_cast<std::int64_t>(picked.size());
  Shape shape = a.shape();
  if (keep_dim) shape[static_cast<std::size_t>(dim)] = k_count;
  else shape.erase(shape.begin() + dim);
  detail::checked_numel(op.name, shape);  // index_select may repeat rows: more out than in
  std::vector<std::int64_t> src = detail::index_buffer_for_overwrite(static_cast<std::size_t>(r.outer * k_count * r.inner));
  std::int64_t at = 0;
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t k : picked)
      for (std::int64_t i = 0; i < r.inner; ++i) src[static_cast<std::size_t>(at++)] = (o * r.n + k) * r.inner + i;
  return take(a, std::move(shape), std::move(src), op);
}

// A run of whole rows along the first non-trivial dim (a batch of a data
// set: images.slice(0, 64, 128)) is one block of memory: copied at once, and
// its gradient added back at the block's offset.
struct BlockState {
  std::int64_t offset;  // out[i] is a[offset + i]
};

constexpr Op kSliceBlock{"slice", [](Node& n) {
  TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
  double* da = a.grad + state<BlockState>(n).offset;
  for (std::size_t i = 0; i < out.data.size(); ++i) da[i] += out.grad[i];  // d(out[i])/d(a[offset + i]) = 1
}, &kTensorKind, [](Replay& r) {
  auto first = r.operand(0).begin() + state<BlockState>(r.node).offset;
  r.out.assign(first, first + static_cast<std::ptrdiff_t>(r.node.data.size()));
}, [](Node& n, GradientGraph& g) {  // the same on Tensors: dout scattered back at the offset
  std::vector<std::int64_t> from(tensor_of(n).numel());
  for (std::size_t i = 0; i < from.size(); ++i) from[i] = state<BlockState>(n).offset + static_cast<std::int64_t>(i);
  pass(g, n, 0, detail::scatter_add(gradient_of(n, g), from, tensor_of(n.parent(0)).shape()));
}};

constexpr Op kSelectBlock{"select", kSliceBlock.backward, &kTensorKind, kSliceBlock.replay,
                          kSliceBlock.backward_graph};

// Without keep_dim, dim is dropped (select of one index: end = start + 1).
Tensor take_block(const Tensor& a, std::int64_t dim, std::int64_t start, std::int64_t end, bool keep_dim = true) {
  Around r = around(a.shape(), dim);
  auto first = a.data().begin() + start * r.inner, last = a.data().begin() + end * r.inner;
  Shape shape = a.shape();
  if (keep_dim) shape[static_cast<std::size_t>(dim)] = end - start;
  else shape.erase(shape.begin() + dim);
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(last - first));
  std::copy(first, last, out.begin());
  Tensor result = make_result(std::move(shape), std::move(out), keep_dim ? kSliceBlock : kSelectBlock, {a});
  keep(result, BlockState{start * r.inner});
  return result;
}

}  // namespace

std::int64_t detail::whole_number(const std::string& op, double x, std::int64_t size) {
  // Checked as a double first: NaN, infinity or 1e300 has no int64.
  const bool in_range = x >= -static_cast<double>(size) && x < static_cast<double>(size);
  const auto i = in_range ? static_cast<std::int64_t>(x) : 0;
  if (!in_range || static_cast<double>(i) != x || i < -size || i >= size)
    throw std::invalid_argument(op + ": index " + number_text(x) + " is out of range for size " +
                                std::to_string(size));
  return i < 0 ? i + size : i;
}

using detail::whole_number;

Tensor select(const Tensor& a, std::int64_t dim, std::int64_t index) {
  dim = detail::wrap_dim("select", dim, a.dim());
  index = whole_number("select", static_cast<double>(index), a.shape()[static_cast<std::size_t>(dim)]);
  if (around(a.shape(), dim).outer == 1) return take_block(a, dim, index, index + 1, /*keep_dim=*/false);
  return take_along(a, dim, {index}, kSelect, /*keep_dim=*/false);
}

Tensor slice(const Tensor& a, std::int64_t dim, std::int64_t start, std::int64_t end,
             std::int64_t step) {
  dim = detail::wrap_dim("slice", dim, a.dim());
  if (step <= 0) throw std::invalid_argument("slice: step must be positive, got " + std::to_string(step));
  Around r = around(a.shape(), dim);
  auto clip = [&](std::int64_t i) { return std::clamp(i < 0 ? i + r.n : i, std::int64_t{0}, r.n); };
  start = clip(start);
  end = clip(end);
  if (r.outer == 1 && step == 1) return take_block(a, dim, start, std::max(start, end));
  // start + j * step for j < count: counted first, so a huge step cannot
  // overflow past end (both are clipped to [0, n]).
  std::int64_t count = end > start ? (end - start - 1) / step + 1 : 0;
  std::vector<std::int64_t> picked(static_cast<std::size_t>(count));
  for (std::int64_t j = 0; j < count; ++j) picked[static_cast<std::size_t>(j)] = start + j * step;
  return take_along(a, dim, picked, kSlice);
}

Tensor index_select(const Tensor& a, std::int64_t dim, const Tensor& index) {
  dim = detail::wrap_dim("index_select", dim, a.dim());
  if (index.dim() != 1)
    throw std::invalid_argument("index_select: the index must be 1-d, got shape " + to_string(index.shape()));
  std::vector<std::int64_t> picked;
  for (double x : index.data())
    picked.push_back(whole_number("index_select", x, a.shape()[static_cast<std::size_t>(dim)]));
  return take_along(a, dim, picked, kIndexSelect);
}

Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index) {
  dim = detail::wrap_dim("gather", dim, a.dim());
  if (index.dim() != a.dim())
    throw std::invalid_argument("gather: index of shape " + to_string(index.shape()) +
                                " must have as many dims as the input " + to_string(a.shape()));
  for (std::size_t d = 0; d < index.shape().size(); ++d)
    if (static_cast<std::int64_t>(d) != dim && index.shape()[d] > a.shape()[d])
      throw std::invalid_argument("gather: index of shape " + to_string(index.shape()) +
                                  " is larger than the input " + to_string(a.shape()) +
                                  " outside dim " + std::to_string(dim));
  // out[..., j, ...] = a[..., index[..., j, ...], ...] along dim.
  std::vector<std::int64_t> a_strides = detail::broadcast_strides(a.shape(), a.shape());
  const Shape& is = index.shape();
  std::vector<std::int64_t> pos(is.size(), 0), src;
  for (std::int64_t i = 0; i < index.numel(); ++i) {
    std::int64_t flat = 0;
    for (std::size_t d = 0; d < is.size(); ++d) {
      std::int64_t k = static_cast<std::int64_t>(d) == dim
                           ? whole_number("gather", index.data()[static_cast<std::size_t>(i)], a.shape()[d])
                           : pos[d];
      flat += k * a_strides[d];
    }
    src.push_back(flat);
    for (std::size_t d = is.size(); d-- > 0;) {  // next position, like an odometer
      if (++pos[d] < is[d]) break;
      pos[d] = 0;
    }
  }
  return take(a, is, std::move(src), kGather);
}

// --- triu / tril: a fixed mask over the last two dims ------------------------

namespace {

// Whether element (i, j) of a matrix is kept: j - i >= diagonal for the
// upper triangle, j - i <= diagonal for the lower.
bool in_triangle(std::int64_t i, std::int64_t j, std::int64_t diagonal, bool upper) {
  return upper ? j - i >= diagonal : j - i <= diagonal;
}

// Calls f(flat index, kept) for every element of a (..., R, C) shape.
template <class F>
void for_each_triangle(const Shape& shape, std::int64_t diagonal, bool upper, F f) {
  const std::int64_t R = shape[shape.size() - 2], C = shape.back();
  const std::int64_t matrices = R != 0 && C != 0 ? detail::numel_of(shape) / (R * C) : 0;
  for (std::int64_t m = 0, at = 0; m < matrices; ++m)
    for (std::int64_t i = 0; i < R; ++i)
      for (std::int64_t j = 0; j < C; ++j, ++at) f(at, in_triangle(i, j, diagonal, upper));
}

struct TriangleState {
  std::int64_t diagonal;
  bool upper;  // triu, else tril
};

// d(out)/da = 1 inside the triangle, 0 outside it.
void triangle_backward(Node& n) {
  TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
  const auto& [diagonal, upper] = state<TriangleState>(n);
  for_each_triangle(out.shape, diagonal, upper, [&](std::int64_t i, bool kept) {
    if (kept) a.grad[i] += out.grad[i];
  });
}

// The kept Values, and the constant 0 outside the triangle.
void triangle_replay(Replay& r) {
  const auto& [diagonal, upper] = state<TriangleState>(r.node);
  const std::vector<Value>& a = r.operand(0);
  for_each_triangle(r.node.shape, diagonal, upper, [&](std::int64_t i, bool kept) {
    r.out.push_back(kept ? a[static_cast<std::size_t>(i)] : Value::constant(0));
  });
}

// The same on Tensors: the triangle of dout.
void triangle_graph(Node& n, GradientGraph& g) {
  const auto& [diagonal, upper] = state<TriangleState>(n);
  Tensor dout = gradient_of(n, g);
  pass(g, n, 0, upper ? triu(dout, diagonal) : tril(dout, diagonal));
}

constexpr Op kTriu{"triu", triangle_backward, &kTensorKind, triangle_replay, triangle_graph};
constexpr Op kTril{"tril", triangle_backward, &kTensorKind, triangle_replay, triangle_graph};

Tensor triangle(const char* name, const Tensor& a, std::int64_t diagonal, bool upper) {
  if (a.dim() < 2)
    throw std::invalid_argument(std::string(name) + ": needs a tensor of at least 2 dims, got shape " +
                                to_string(a.shape()));
  std::vector<double> out = detail::buffer_for_overwrite(a.data().size());
  const std::vector<double>& x = a.data();
  for_each_triangle(a.shape(), diagonal, upper, [&](std::int64_t i, bool kept) { out[i] = kept ? x[i] : 0.0; });
  Tensor result = make_result(a.shape(), std::move(out), upper ? kTriu : kTril, {a});
  keep(result, TriangleState{diagonal, upper});
  return result;
}

}  // namespace

Tensor triu(const Tensor& a, std::int64_t diagonal) { return triangle("triu", a, diagonal, true); }
Tensor tril(const Tensor& a, std::int64_t diagonal) { return triangle("tril", a, diagonal, false); }
Tensor Tensor::triu(std::int64_t diagonal) const { return gradlab::triu(*this, diagonal); }
Tensor Tensor::tril(std::int64_t diagonal) const { return gradlab::tril(*this, diagonal); }

Tensor Tensor::select(std::int64_t dim, std::int64_t i) const { return gradlab::select(*this, dim, i); }
Tensor Tensor::slice(std::int64_t dim, std::int64_t s, std::int64_t e, std::int64_t step) const {
  return gradlab::slice(*this, dim, s, e, step);
}
Tensor Tensor::index_select(std::int64_t dim, const Tensor& index) const {
  return gradlab::index_select(*this, dim, index);
}
Tensor Tensor::gather(std::int64_t dim, const Tensor& index) const { return gradlab::gather(*this, dim, index); }

}  // namespace gradlab
