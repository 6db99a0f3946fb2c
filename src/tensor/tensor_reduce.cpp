// SPDX-License-Identifier: MIT
// Reductions over everything or one dimension: sum, mean, max, var, std, and
// softmax / log_softmax along a dimension. Sum's backward spreads the output
// gradient back over the reduced elements; max's sends it to the winner.

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

namespace {

using detail::around;
using detail::Around;

Shape reduced_shape(const Shape& shape, std::int64_t dim, bool keepdim) {
  Shape out = shape;
  if (keepdim) out[static_cast<std::size_t>(dim)] = 1;
  else out.erase(out.begin() + dim);
  return out;
}

// What sum and mean keep: the (outer, n, inner) view they reduced over n,
// and the factor (1 for sum, 1/n for mean).
struct ReduceState {
  Around around;
  double scale;
};

// Sums a, seen as (outer, n, inner), over n, times `scale`.
Tensor reduce(const Tensor& a, Around r, Shape shape, bool mean, const Op& op) {
  if (mean && r.n == 0) throw std::invalid_argument("mean: nothing to average (an empty dim)");
  double scale = mean ? 1.0 / static_cast<double>(r.n) : 1.0;
  std::vector<double> out = detail::buffer(static_cast<std::size_t>(r.outer * r.inner));
  const std::vector<double>& x = a.data();
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t k = 0; k < r.n; ++k)
      for (std::int64_t i = 0; i < r.inner; ++i)
        out[o * r.inner + i] += x[(o * r.n + k) * r.inner + i] * scale;
  Tensor result = make_result(std::move(shape), std::move(out), op, {a});
  keep(result, ReduceState{r, scale});
  return result;
}

// d(sum)/da = 1 for every element reduced, d(mean)/da = 1/n: each element of
// a gets its output's gradient, times the scale.
void reduce_backward(Node& n) {
  const auto& [r, scale] = state<ReduceState>(n);
  TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t k = 0; k < r.n; ++k)
      for (std::int64_t i = 0; i < r.inner; ++i)
        a.grad[(o * r.n + k) * r.inner + i] += out.grad[o * r.inner + i] * scale;
}

// The same sums with Values: one chain of + per output element.
void reduce_replay(Replay& replay) {
  const Around r = state<ReduceState>(replay.node).around;  // (captured below: a plain variable)
  const double scale = state<ReduceState>(replay.node).scale;
  const std::vector<Value>& a = replay.operand(0);
  auto at = [&](std::int64_t o, std::int64_t k, std::int64_t i) {
    return a[static_cast<std::size_t>((o * r.n + k) * r.inner + i)];
  };
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t i = 0; i < r.inner; ++i) {
      // A sum of nothing is the constant 0 (mean refuses an empty dim).
      Value s = r.n == 0 ? Value::constant(0) : at(o, 0, i);
      for (std::int64_t k = 1; k < r.n; ++k) s = s + at(o, k, i);
      replay.out.push_back(scale == 1 ? s : s * scale);
    }
}

// The same with graph ops, for gradients of gradients: dout, seen as
// (outer, 1, inner), times `scale` spread over (outer, n, inner).
void reduce_graph(Node& n, GradientGraph& g) {
  const auto& [r, scale] = state<ReduceState>(n);
  Tensor dout = reshape(gradient_of(n, g), {r.outer, 1, r.inner});
  Tensor share = dout * full({r.outer, r.n, r.inner}, scale);
  pass(g, n, 0, reshape(share, tensor_of(n.parent(0)).shape()));
}

// The whole tensor as one long dimension, reduced to a 0-d result.
Around everything(const Tensor& a) { return {1, a.numel(), 1}; }

constexpr Op kSumOp{"sum", reduce_backward, &kTensorKind, reduce_replay, reduce_graph};
constexpr Op kMeanOp{"mean", reduce_backward, &kTensorKind, reduce_replay, reduce_graph};

}  // namespace

Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim) {
  dim = detail::wrap_dim("sum", dim, a.dim());
  return reduce(a, around(a.shape(), dim), reduced_shape(a.shape(), dim, keepdim), false, kSumOp);
}
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim) {
  dim = detail::wrap_dim("mean", dim, a.dim());
  return reduce(a, around(a.shape(), dim), reduced_shape(a.shape(), dim, keepdim), true, kMeanOp);
}
Tensor sum(const Tensor& a) { return reduce(a, everything(a), {}, false, kSumOp); }

Tensor detail::sum_to(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  Tensor s = t;
  while (s.dim() > static_cast<std::int64_t>(shape.size())) s = sum(s, 0);  // leading dims broadcast
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (shape[d] == 1 && s.shape()[d] != 1) s = sum(s, static_cast<std::int64_t>(d), true);
  return s;
}
Tensor mean(const Tensor& a) { return reduce(a, everything(a), {}, true, kMeanOp); }

// --- max: the gradient goes to the element that won ---------------------------

namespace {

// The largest of each (outer, n, inner) slice; it keeps each winner's flat
// index in a (a PickState), for the backward and for argmax.
Tensor max_around(const Tensor& a, Around r, Shape shape) {
  if (r.n == 0) throw std::invalid_argument("max: nothing to compare (an empty dim)");
  std::vector<double> out = detail::buffer_for_overwrite(static_cast<std::size_t>(r.outer * r.inner));
  std::vector<std::int64_t> winner = detail::index_buffer_for_overwrite(out.size());
  const std::vector<double>& x = a.data();
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t i = 0; i < r.inner; ++i) {
      std::int64_t best = o * r.n * r.inner + i;
      for (std::int64_t k = 1; k < r.n; ++k) {
        std::int64_t j = (o * r.n + k) * r.inner + i;
        // Strict: the first of equal maxima wins. A NaN wins over any
        // number, and the first NaN stays (as in PyTorch: max([1, NaN, 3]) is NaN).
        if (x[j] > x[best] || (x[j] != x[j] && x[best] == x[best])) best = j;
      }
      out[o * r.inner + i] = x[best];
      winner[o * r.inner + i] = best;
    }
  // d(max)/da = 1 for the winner, 0 for the rest: the backward of a pick.
  static constexpr Op op{"max", detail::scatter_back, &kTensorKind, detail::pick_replay, detail::pick_graph};
  Tensor result = make_result(std::move(shape), std::move(out), op, {a});
  keep(result, detail::PickState{detail::KeptIndices(std::move(winner))});
  return result;
}

}  // namespace

Tensor max(const Tensor& a, std::int64_t dim, bool keepdim) {
  dim = detail::wrap_dim("max", dim, a.dim());
  return max_around(a, around(a.shape(), dim), reduced_shape(a.shape(), dim, keepdim));
}

Tensor max(const Tensor& a) { return max_around(a, everything(a), {}); }

Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim) {
  dim = detail::wrap_dim("argmax", dim, a.dim());
  Tensor m = max(a.detach(), dim, keepdim);
  Around r = around(a.shape(), dim);
  const std::vector<std::int64_t>& winner = state<detail::PickState>(*m.node()).from.v;
  std::vector<double> index(m.data().size());
  for (std::size_t i = 0; i < index.size(); ++i)  // flat index -> position along dim
    index[i] = static_cast<double>(winner[i] / r.inner % r.n);
  return tensor(std::move(index), m.shape());
}

// --- var and std: built from ops, so their gradients come for free -----------

namespace {

// The variance along dim (everything when dim is absent); `op` names the
// caller in messages.
Tensor variance(const char* op, const Tensor& a, const std::int64_t* dim, bool unbiased, bool keepdim) {
  std::int64_t d = dim ? detail::wrap_dim(op, *dim, a.dim()) : 0;
  double n = static_cast<double>(dim ? a.shape()[static_cast<std::size_t>(d)] : a.numel());
  if (n - (unbiased ? 1 : 0) <= 0)
    throw std::invalid_argument(std::string(op) + ": " + (dim ? "dim " + std::to_string(d) + " has " : "") +
                                std::to_string(static_cast<std::int64_t>(n)) + " elements, too few" +
                                (unbiased ? " (the unbiased estimate divides by n - 1)" : ""));
  double divisor = n - (unbiased ? 1 : 0);
  if (!dim) {
    Tensor diff = a - mean(a);
    return sum(diff * diff) / divisor;
  }
  Tensor diff = a - mean(a, d, true);
  return sum(diff * diff, d, keepdim) / divisor;
}

}  // namespace

Tensor var(const Tensor& a, std::int64_t dim, bool unbiased, bool keepdim) {
  return variance("var", a, &dim, unbiased, keepdim);
}
Tensor var(const Tensor& a) { return variance("var", a, nullptr, true, false); }

// d(sqrt v)/dv = 1 / (2 sqrt v): sqrt's own backward, after var's.
Tensor std(const Tensor& a, std::int64_t dim, bool unbiased, bool keepdim) {
  return sqrt(variance("std", a, &dim, unbiased, keepdim));
}
Tensor std(const Tensor& a) { return sqrt(variance("std", a, nullptr, true, false)); }

// --- softmax and log_softmax along a dim, stably ------------------------------

namespace {

// For each slice along dim: calls f(base, stride, n), the slice being
// x[base], x[base + stride], ..., n elements.
template <class F>
void for_each_slice(const Shape& shape, std::int64_t dim, F f) {
  Around r = around(shape, dim);
  for (std::int64_t o = 0; o < r.outer; ++o)
    for (std::int64_t i = 0; i < r.inner; ++i) f(o * r.n * r.inner + i, r.inner, r.n);
}

struct SoftmaxState {
  std::int64_t dim;  // the dim each slice runs along
};

Tensor softmax_like(const Tensor& a, std::int64_t dim, bool log, const Op& op) {
  dim = detail::wrap_dim(log ? "log_softmax" : "softmax", dim, a.dim());
  const std::vector<double>& x = a.data();
  std::vector<double> out = detail::buffer_for_overwrite(x.size());
  for_each_slice(a.shape(), dim, [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
    double m = -INFINITY;
    for (std::int64_t k = 0; k < n; ++k) m = std::max(m, x[base + k * stride]);
    double z = 0;  // sum of exp(x - m): at least 1, never overflows
    for (std::int64_t k = 0; k < n; ++k) z += std::exp(x[base + k * stride] - m);
    for (std::int64_t k = 0; k < n; ++k) {
      double shifted = x[base + k * stride] - m;
      out[base + k * stride] = log ? shifted - std::log(z) : std::exp(shifted) / z;
    }
  });
  Tensor result = make_result(a.shape(), std::move(out), op, {a});
  keep(result, SoftmaxState{dim});
  return result;
}

// The same with Values, slice by slice: e^(x - m) / z, or (x - m) - log z.
// m, the slice's largest number, is a constant: shifting every input by
// the same number changes neither the result nor its gradient.
void softmax_replay(Replay& replay, bool log) {
  const std::vector<Value>& a = replay.operand(0);
  replay.out.resize(a.size());
  for_each_slice(replay.node.shape, state<SoftmaxState>(replay.node).dim,
                 [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
                   auto at = [&](std::int64_t k) { return static_cast<std::size_t>(base + k * stride); };
                   double m = -INFINITY;
                   for (std::int64_t k = 0; k < n; ++k) m = std::max(m, a[at(k)].data());
                   Value z = Value::constant(0);
                   for (std::int64_t k = 0; k < n; ++k) z = z + exp(a[at(k)] - m);
                   for (std::int64_t k = 0; k < n; ++k)
                     replay.out[at(k)] = log ? (a[at(k)] - m) - gradlab::log(z) : exp(a[at(k)] - m) / z;
                 });
}

}  // namespace

Tensor softmax(const Tensor& a, std::int64_t dim) {
  static constexpr Op op{"softmax", [](Node& n) {
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
    const double* dout = out.grad;
    const std::vector<double>& s = out.data;
    // d(s_k)/d(a_j) = s_k (delta_kj - s_j), so da_j = s_j (dout_j - sum_k dout_k s_k).
    for_each_slice(out.shape, state<SoftmaxState>(n).dim, [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
      double dot = 0;
      for (std::int64_t k = 0; k < n; ++k) dot += dout[base + k * stride] * s[base + k * stride];
      for (std::int64_t j = 0; j < n; ++j)
        a.grad[base + j * stride] += s[base + j * stride] * (dout[base + j * stride] - dot);
    });
  }, &kTensorKind, [](Replay& r) { softmax_replay(r, false); }, [](Node& n, GradientGraph& g) {
    // The same on Tensors: da = s (dout - sum_k dout_k s_k).
    const std::int64_t dim = state<SoftmaxState>(n).dim;
    Tensor s = tensor_of(n), dout = gradient_of(n, g);
    pass(g, n, 0, s * (dout - sum(dout * s, dim, true)));
  }};
  return softmax_like(a, dim, false, op);
}

Tensor log_softmax(const Tensor& a, std::int64_t dim) {
  static constexpr Op op{"log_softmax", [](Node& n) {
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
    const double* dout = out.grad;
    // d(log s_k)/d(a_j) = delta_kj - s_j, so da_j = dout_j - s_j sum_k dout_k.
    for_each_slice(out.shape, state<SoftmaxState>(n).dim, [&](std::int64_t base, std::int64_t stride, std::int64_t n) {
      double total = 0;
      for (std::int64_t k = 0; k < n; ++k) total += dout[base + k * stride];
      for (std::int64_t j = 0; j < n; ++j)
        a.grad[base + j * stride] += dout[base + j * stride] - std::exp(out.data[base + j * stride]) * total;
    });
  }, &kTensorKind, [](Replay& r) { softmax_replay(r, true); }, [](Node& n, GradientGraph& g) {
    // The same on Tensors: da = dout - e^out sum_k dout_k.
    const std::int64_t dim = state<SoftmaxState>(n).dim;
    Tensor out = tensor_of(n), dout = gradient_of(n, g);
    pass(g, n, 0, dout - exp(out) * sum(dout, dim, true));
  }};
  return softmax_like(a, dim, true, op);
}

Tensor Tensor::max() const { return gradlab::max(*this); }
Tensor Tensor::max(std::int64_t dim, bool keepdim) const { return gradlab::max(*this, dim, keepdim); }
Tensor Tensor::var(std::int64_t dim, bool unbiased, bool keepdim) const {
  return gradlab::var(*this, dim, unbiased, keepdim);
}
Tensor Tensor::std() const { return gradlab::std(*this); }
Tensor Tensor::std(std::int64_t dim, bool unbiased, bool keepdim) const {
  return gradlab::std(*this, dim, unbiased, keepdim);
}
Tensor Tensor::softmax(std::int64_t dim) const { return gradlab::softmax(*this, dim); }
Tensor Tensor::log_softmax(std::int64_t dim) const { return gradlab::log_softmax(*this, dim); }
Tensor Tensor::sum() const { return gradlab::sum(*this); }
Tensor Tensor::sum(std::int64_t dim, bool keepdim) const { return gradlab::sum(*this, dim, keepdim); }
Tensor Tensor::mean() const { return gradlab::mean(*this); }
Tensor Tensor::mean(std::int64_t dim, bool keepdim) const { return gradlab::mean(*this, dim, keepdim); }

}  // namespace gradlab
