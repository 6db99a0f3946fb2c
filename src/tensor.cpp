// SPDX-License-Identifier: MIT
// The Tensor handle and the tensor node kind: creation, reference counting,
// backward() through the shared engine. Printing is in tensor_print.cpp.

#include <gradlab/tensor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <sstream>

#include <gradlab/engine.hpp>
#include <gradlab/grad_mode.hpp>
#include <gradlab/random.hpp>

#include "buffer_cache.hpp"
#include "tensor_internal.hpp"

namespace gradlab {

namespace detail {

std::int64_t numel_of(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

std::int64_t wrap_dim(const std::string& op, std::int64_t dim, std::int64_t rank) {
  if (dim < -rank || dim >= rank || rank == 0)
    throw std::invalid_argument(op + ": dim " + std::to_string(dim) + " is out of range for a " +
                                std::to_string(rank) + "-d tensor");
  return dim < 0 ? dim + rank : dim;
}

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

namespace {

// The one place a result node is made: `parents` are the inputs' nodes.
Tensor make_node(Shape shape, std::vector<double> data, const Op& op,
                 std::span<Node* const> parents) {
  bool record = is_grad_enabled() &&
                std::any_of(parents.begin(), parents.end(), [](Node* p) { return p->requires_grad(); });
  if (record && parents.size() > UINT16_MAX)  // refused before anything is made
    throw std::length_error(std::string(op.name) + ": " + std::to_string(parents.size()) +
                            " inputs, more than the " + std::to_string(UINT16_MAX) +
                            " a graph node can have (join them in groups)");
  auto* out = new TensorNode(std::move(shape), std::move(data), record ? &op : &kTensorLeaf);
  out->refs = 1;
  Tensor result = Tensor::adopt(out);  // owned from here on: a throw below frees it
  if (record) {
    out->flags = kRequiresGrad;
    set_parents(*out, parents);
  }
  return result;
}

}  // namespace

Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   std::initializer_list<const Tensor*> inputs) {
  Node* parents[8];  // an op with a fixed number of operands has at most a few
  std::size_t n = 0;
  for (const Tensor* t : inputs) parents[n++] = t->node();
  return make_node(std::move(shape), std::move(data), op, std::span<Node* const>(parents, n));
}

Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   const std::vector<Tensor>& inputs) {
  std::vector<Node*> parents;
  for (const Tensor& t : inputs) parents.push_back(t.node());
  return make_node(std::move(shape), std::move(data), op, parents);
}

}  // namespace detail

using detail::numel_of;

namespace {

// Up to 6 elements are shown; more are summarised as min / mean / max.
std::string summary(const std::vector<double>& v, const Shape& shape) {
  std::ostringstream os;
  os << to_string(shape);
  if (v.empty()) return os.str();
  char buf[48];
  if (v.size() <= 6) {
    os << " (";
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%.4g", i ? " " : "", v[i]);
      os << buf;
    }
    os << ")";
  } else {
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    std::snprintf(buf, sizeof buf, " min %.4g mean %.4g max %.4g", *lo, mean, *hi);
    os << buf;
  }
  return os.str();
}

}  // namespace

std::vector<double>& TensorNode::grad_buffer() {
  if (grad.size() != data.size()) grad = detail::buffer(data.size());
  return grad;
}

std::vector<double>& TensorNode::grad_buffer_for_overwrite() {
  if (grad.size() != data.size()) grad = detail::buffer_for_overwrite(data.size());
  return grad;
}

const NodeKind kTensorKind{
    "tensor",
    [](Node* n) {
      auto* t = static_cast<TensorNode*>(n);
      detail::recycle(std::move(t->data));  // big buffers serve the next tensors (buffer_cache.hpp)
      detail::recycle(std::move(t->grad));
      detail::recycle(std::move(t->saved_ints));
      detail::recycle(std::move(t->saved_data));
      delete t;
    },
    [](Node& n) {
      auto& t = detail::tnode(n);
      std::fill(t.grad.begin(), t.grad.end(), 0.0);
    },
    [](const Node& n) {
      auto& t = static_cast<const TensorNode&>(n);
      return summary(t.data, t.shape);
    },
    [](const Node& n) {
      auto& t = static_cast<const TensorNode&>(n);
      return t.grad.empty() ? std::string("none") : summary(t.grad, t.shape);
    },
};
const Op kTensorLeaf{"", nullptr, &kTensorKind};

// --- the handle ------------------------------------------------------------

Tensor::Tensor() : Tensor(zeros({0})) {}

Tensor Tensor::adopt(TensorNode* node) { return Tensor(node); }

Tensor& Tensor::requires_grad_(bool on) {
  if (!node_->is_leaf())
    throw std::logic_error("requires_grad_: only a leaf tensor can be made to require grad; "
                           "use detach() for a leaf copy of a result");
  if (on) node_->flags |= kRequiresGrad;
  else node_->flags &= ~kRequiresGrad;
  return *this;
}

double Tensor::item() const {
  if (numel() != 1)
    throw std::invalid_argument("item: the tensor has " + std::to_string(numel()) +
                                " elements (shape " + to_string(shape()) + "), not 1");
  return node_->data[0];
}

Tensor Tensor::grad() const {
  std::vector<double> g = node_->grad.empty() ? std::vector<double>(node_->data.size(), 0.0)
                                              : node_->grad;
  return tensor(std::move(g), node_->shape);
}

Parameter::Parameter(const Tensor& value) : Tensor(value.detach()) {
  requires_grad_();
  node_->flags |= kParameter;
}

bool is_parameter(const Tensor& t) { return t.node()->flags & kParameter; }

Tensor& Tensor::retain_grad() {
  if (!node_->requires_grad())
    throw std::logic_error("retain_grad: this tensor does not require grad, so no gradient "
                           "reaches it");
  return *this;  // inner tensors keep their gradient already (see tensor.hpp)
}

void Tensor::zero_grad() { std::fill(node_->grad.begin(), node_->grad.end(), 0.0); }

Tensor Tensor::detach() const { return tensor(node_->data, node_->shape); }

Tensor& Tensor::set_label(const std::string& label) {
  set_node_label(*node_, label);
  return *this;
}

void Tensor::backward(bool retain_graph) {
  if (numel() != 1)
    throw std::invalid_argument("backward: the tensor has shape " + to_string(shape()) +
                                "; backward() without a gradient needs a single number "
                                "(reduce it with sum() or mean(), or pass the gradient)");
  backward(ones(shape()), retain_graph);
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) {
  if (gradient.shape() != shape())
    throw std::invalid_argument("backward: the gradient has shape " + to_string(gradient.shape()) +
                                " but the tensor has shape " + to_string(shape()));
  const std::vector<double>& g = gradient.data();
  engine::backward(
      *node_,
      [&](Node& root) {
        std::vector<double>& dout = detail::tnode(root).grad_buffer();
        for (std::size_t i = 0; i < dout.size(); ++i) dout[i] += g[i];
      },
      retain_graph);
}

// --- creation ----------------------------------------------------------------

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
  std::vector<double> v(static_cast<std::size_t>(detail::checked_numel(op, shape)));
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
                                detail::number_text(start) + ", end " + detail::number_text(end) +
                                ", step " + detail::number_text(step));
  // How many numbers, counted before any is made (as a double: end - start
  // may be past any integer). The loop below then makes at most that many.
  double count = std::max(0.0, std::ceil((end - start) / step));
  if (!(count <= static_cast<double>(kMaxTensorElements)))
    throw std::length_error("arange: from " + detail::number_text(start) + " to " +
                            detail::number_text(end) + " in steps of " + detail::number_text(step) +
                            " is " + detail::number_text(count) + " numbers, more than the limit of " +
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
