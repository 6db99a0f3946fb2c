// SPDX-License-Identifier: MIT
// The Value handle and the scalar node kind: making leaves, reference
// counting, backward() through the shared engine, printing.

#include <gradlab/value.hpp>

#include <cstdio>
#include <ostream>

#include <gradlab/engine.hpp>
#include <gradlab/grad.hpp>

#include "scalar/scalar_node.hpp"

#include <gradlab/number_text.hpp>

namespace gradlab {

namespace {
}  // namespace

const NodeKind kScalarKind{
    "scalar",
    detail::delete_scalar_node,  // back to its arena (scalar_node.hpp)
    [](Node& n) { static_cast<ScalarNode&>(n).grad() = 0.0; },
    [](const Node& n) { return four_decimals(static_cast<const ScalarNode&>(n).data); },
    [](const Node& n) { return four_decimals(static_cast<const ScalarNode&>(n).grad()); },
    // For gradients of gradients: a + b as a node, and node.grad += gradient.
    [](Node& a, Node& b) -> Node* {
      retain(&a);
      retain(&b);
      Value sum = Value::adopt(static_cast<ScalarNode*>(&a)) + Value::adopt(static_cast<ScalarNode*>(&b));
      Node* n = sum.node();
      retain(n);
      return n;
    },
    [](Node& n, const Node& g) {
      static_cast<ScalarNode&>(n).grad() += static_cast<const ScalarNode&>(g).data;
    },
};
const Op kScalarLeaf{"", nullptr, &kScalarKind};

Value::Value(double data) : Handle(detail::new_scalar_node(data, &kScalarLeaf)) {
  node_->refs = 1;
  node_->flags |= kRequiresGrad;
}

Value::Value(double data, const std::string& label) : Value(data) { set_label(label); }

Value Value::constant(double data) {
  auto* node = detail::new_scalar_node(data, &kScalarLeaf);
  node->refs = 1;
  return adopt(node);
}

Value& Value::set_label(const std::string& label) {
  set_node_label(*node_, label);
  return *this;
}

std::vector<Value> Value::parents() const {
  std::vector<Value> out;
  for (Node* p : node_->parents()) {
    retain(p);
    out.push_back(adopt(static_cast<ScalarNode*>(p)));
  }
  return out;
}

void Value::backward(bool retain_graph, bool create_graph) {
  // The output's gradient with respect to itself is 1.
  if (create_graph) {
    Value one = constant(1.0);
    return engine::backward_creating_graph(*node_, *one.node(), retain_graph);
  }
  engine::backward(
      *node_, [](Node& root) { static_cast<ScalarNode&>(root).grad() += 1.0; }, retain_graph);
}

Value Value::grad_value() const {
  if (Node* g = grad_node(*node_)) {
    retain(g);
    return adopt(static_cast<ScalarNode*>(g));
  }
  return constant(grad());
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  os << "Value(";
  if (std::string label = v.label(); !label.empty()) os << "label=" << label << ", ";
  return os << "data=" << four_decimals(v.data()) << ", grad=" << four_decimals(v.grad()) << ")";
}

}  // namespace gradlab
