// SPDX-License-Identifier: MIT
// The Tensor handle and the tensor node kind: how an op's result node is
// made, what the engine and the pictures ask of a tensor node, backward()
// through the shared engine. Making tensors is in tensor_create.cpp,
// broadcasting in tensor_broadcast.cpp, printing in tensor_print.cpp.

#include <gradlab/tensor.hpp>

#include <algorithm>
#include <stdexcept>

#include <gradlab/engine.hpp>
#include <gradlab/grad.hpp>
#include <gradlab/grad_mode.hpp>
#include <gradlab/op.hpp>

#include "tensor/buffer_cache.hpp"
#include "tensor/tensor_internal.hpp"

namespace gradlab {

namespace {

// A node as what it is, for the tensor node kind's own functions below (an
// op reaches its nodes through op.hpp's slots).
TensorNode& tnode(Node& n) { return static_cast<TensorNode&>(n); }

// What every result is checked for before its node is made: a shape
// counted by the checked helper (sizes.hpp: no negative dim, no overflow),
// numbers that fill it, and a tensor op's Op.
void check_result(const Shape& shape, std::size_t size, const Op& op) {
  const std::int64_t count = detail::checked_numel(op.name, shape);
  if (static_cast<std::int64_t>(size) != count)
    throw std::invalid_argument(std::string(op.name) + ": the result has " + std::to_string(size) +
                                " numbers for shape " + to_string(shape) + " (" +
                                std::to_string(count) + " elements)");
  if (op.kind != &kTensorKind)
    throw std::invalid_argument(std::string(op.name) + ": a tensor op's Op needs &kTensorKind");
}

// The one place a result node is made: `parents` are the operands' nodes.
// With grad mode off, or when no operand takes a gradient, it is a plain
// leaf and no graph is recorded.
Tensor make_node(Shape shape, std::vector<double> data, const Op& op,
                 std::span<Node* const> parents) {
  check_result(shape, data.size(), op);
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
                   std::span<const Tensor> operands) {
  std::vector<Node*> parents;
  parents.reserve(operands.size());
  for (const Tensor& t : operands) parents.push_back(t.node());
  return make_node(std::move(shape), std::move(data), op, parents);
}

Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   std::initializer_list<std::reference_wrapper<const Tensor>> operands) {
  if (operands.size() <= 8) {  // an op of a few operands needs no vector for them
    Node* parents[8];
    std::size_t n = 0;
    for (const Tensor& t : operands) parents[n++] = t.node();
    return make_node(std::move(shape), std::move(data), op, std::span<Node* const>(parents, n));
  }
  return make_result(std::move(shape), std::move(data), op,
                     std::vector<Tensor>(operands.begin(), operands.end()));
}

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
      delete t;  // and with it the op's state (op_state.hpp), its buffers recycled too
    },
    [](Node& n) {
      auto& t = tnode(n);
      std::fill(t.grad.begin(), t.grad.end(), 0.0);
    },
    [](const Node& n) {
      auto& t = static_cast<const TensorNode&>(n);
      return detail::summary(t.data, t.shape);
    },
    [](const Node& n) {
      auto& t = static_cast<const TensorNode&>(n);
      return t.grad.empty() ? std::string("none") : detail::summary(t.grad, t.shape);
    },
    // For gradients of gradients: a + b as a node, and node.grad += gradient.
    [](Node& a, Node& b) -> Node* {
      retain(&a);
      retain(&b);
      Tensor sum = Tensor::adopt(&tnode(a)) + Tensor::adopt(&tnode(b));
      Node* n = sum.node();
      retain(n);
      return n;
    },
    [](Node& n, const Node& g) {
      auto& t = tnode(n);
      const auto& d = static_cast<const TensorNode&>(g).data;
      std::vector<double>& grad = t.grad_buffer();
      for (std::size_t i = 0; i < grad.size(); ++i) grad[i] += d[i];
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
  if (Node* g = grad_node(*node_)) {  // kept by backward(create_graph=true): a node of the graph
    retain(g);
    return adopt(&tnode(*g));
  }
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

void Tensor::zero_grad() {
  std::fill(node_->grad.begin(), node_->grad.end(), 0.0);
  if (node_->flags & kHasGradNode) set_grad_node(*node_, nullptr);
}

Tensor Tensor::detach() const { return tensor(node_->data, node_->shape); }

Tensor& Tensor::set_label(const std::string& label) {
  set_node_label(*node_, label);
  return *this;
}

void Tensor::backward(bool retain_graph, bool create_graph) {
  if (numel() != 1)
    throw std::invalid_argument("backward: the tensor has shape " + to_string(shape()) +
                                "; backward() without a gradient needs a single number "
                                "(reduce it with sum() or mean(), or pass the gradient)");
  backward(ones(shape()), retain_graph, create_graph);
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) {
  if (gradient.shape() != shape())
    throw std::invalid_argument("backward: the gradient has shape " + to_string(gradient.shape()) +
                                " but the tensor has shape " + to_string(shape()));
  if (create_graph) return engine::backward_creating_graph(*node_, *gradient.node(), retain_graph);
  const std::vector<double>& g = gradient.data();
  engine::backward(
      *node_,
      [&](Node& root) {
        std::vector<double>& dout = tnode(root).grad_buffer();
        for (std::size_t i = 0; i < dout.size(); ++i) dout[i] += g[i];
      },
      retain_graph);
}

}  // namespace gradlab
