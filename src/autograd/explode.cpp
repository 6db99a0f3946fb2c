// SPDX-License-Identifier: MIT
// Exploding a tensor graph into scalar Values (explode.hpp): the walk, from
// the leaves up, asking each node's op for its replay (each op writes its
// own beside its forward and backward). The replay shapes ops share are in
// replay.cpp.

#include <gradlab/explode.hpp>

#include <stdexcept>
#include <string>

#include <gradlab/engine.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab {

using detail::element_name;

ExplodedGraph explode(const Tensor& root, std::size_t max_elements) {
  std::vector<const Node*> order = engine::topological_order(*root.node());
  std::size_t total = 0;
  for (const Node* n : order) total += static_cast<const TensorNode*>(n)->data.size();
  if (total > max_elements)
    throw std::length_error("explode: the graph has " + std::to_string(total) +
                            " scalar elements, more than max_elements = " + std::to_string(max_elements));
  ExplodedGraph g;
  std::size_t unnamed = 0;
  for (const Node* node : order) {
    if (node->op->kind != &kTensorKind)
      throw std::invalid_argument("explode: the graph mixes node kinds");
    const auto& n = static_cast<const TensorNode&>(*node);
    if (n.flags & kGraphFreed)  // its operands are gone: there is nothing to replay
      throw std::invalid_argument("explode: the graph was freed by backward(retain_graph=false) "
                                  "(op '" + std::string(n.op->name) + "' has no operands left)");
    std::vector<Value> elements;
    if (n.is_leaf()) {
      std::string base = node_label(n);
      if (base.empty()) base = std::string("t").append(std::to_string(unnamed++));
      for (std::size_t i = 0; i < n.data.size(); ++i) {
        Value v = n.requires_grad() ? Value(n.data[i]) : Value::constant(n.data[i]);
        v.set_label(element_name(base, n.shape, static_cast<std::int64_t>(i)));
        v.node()->flags |= n.flags & kParameter;  // a parameter's elements are parameters
        elements.push_back(v);
      }
    } else {
      // The op says how (Op::replay, beside its forward and backward).
      if (!n.op->replay)
        throw std::invalid_argument("explode: op '" + std::string(n.op->name) + "' has no scalar replay");
      std::vector<const std::vector<Value>*> in;
      for (const Node* p : n.parents()) in.push_back(&g.elements.at(p));
      Replay replay(n, std::move(in));
      n.op->replay(replay);
      if (replay.out.size() != n.data.size())
        throw std::logic_error("explode: the replay of op '" + std::string(n.op->name) + "' made " +
                               std::to_string(replay.out.size()) + " elements for " +
                               std::to_string(n.data.size()));
      elements = std::move(replay.out);
    }
    g.elements.emplace(node, std::move(elements));
  }
  g.output = g.elements.at(root.node());
  return g;
}

}  // namespace gradlab
