// SPDX-License-Identifier: MIT
// Gradients of gradients. backward() adds numbers into .grad(); the
// functions here hand the gradients back as graph nodes instead, and with
// create_graph = true those nodes are recorded like any other op's result:
// differentiate them again (to any order), draw them, step through them.
//
//   Value x(3.0);
//   Value y = x * x * x;                    // x^3
//   Value dy = grad(y, {x}, true)[0];       // 3x^2 = 27, a node of the graph
//   Value d2y = grad(dy, {x}, true)[0];     // 6x = 18
//
// Every op states its derivative once (op.hpp); the same lines give the
// numeric backward and, run on Values or Tensors, the graph-building one.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

// dy/dx for each x of xs, as Values (nothing is added into x.grad()). With
// create_graph the results are nodes of the graph, to differentiate again;
// without it, plain numbers. An x that y does not depend on, or a y made of
// constants only (the derivative of 3x is the constant 3), gets 0.
std::vector<Value> grad(const Value& y, const std::vector<Value>& xs, bool create_graph = false);

namespace autograd {

// LibTorch's torch::autograd::grad: d(outputs)/d(inputs), weighted by
// grad_outputs (ones for one-number outputs when left out), returned, not
// added into .grad(). retain_graph defaults to create_graph. An input the
// outputs do not depend on is refused unless allow_unused, which returns an
// undefined tensor (defined() == false) for it. std::invalid_argument for
// bad arguments, std::logic_error for an op that cannot be differentiated
// twice (named) or a freed graph.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {},
                         std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                         bool allow_unused = false);

}  // namespace autograd

// What an op's graph-building backward (Op::backward_graph) works with: the
// gradient gathered so far for each node, as a node. Ops read their result's
// gradient and add a share into each operand's; the engine (grad.cpp) walks
// the graph so that a node's gradient is complete before its step runs.
class GradientGraph {
 public:
  GradientGraph() = default;
  GradientGraph(const GradientGraph&) = delete;
  GradientGraph& operator=(const GradientGraph&) = delete;
  ~GradientGraph();
  // The gradient of n (nullptr: none has arrived, it is 0).
  Node* gradient(const Node& n) const;
  // Adds `share` into the gradient of out's parent i (share is retained; a
  // second share makes a sum node: out's kind's add).
  void add(Node& out, std::size_t i, Node& share);
  // Sets n's gradient (the seed).
  void set(const Node& n, Node& g);
  // Whether n's gradient is wanted: it takes one, and it leads to an input
  // asked for (autograd::grad computes nothing for the rest).
  bool needs(const Node& n) const { return n.requires_grad() && (!pruned_ || needed_.count(&n)); }
  // Only the nodes on a path from the root to one of `inputs` are needed.
  void prune_to(Node& root, const std::vector<const Node*>& inputs);
  // Every node and its gradient.
  const std::unordered_map<const Node*, Node*>& gradients() const { return grads_; }

 private:
  std::unordered_map<const Node*, Node*> grads_;  // each holds one reference
  std::unordered_set<const Node*> needed_;
  bool pruned_ = false;
};

namespace engine {
// The graph-building backward from root, seeded with `seed` (root's
// gradient, a node of root's kind): every gradient reachable from root, as
// nodes, in g. With create_graph the steps record graph nodes; otherwise
// they run under NoGradGuard and make plain leaves. Root must require grad,
// no part of the graph may be freed, and every op met needs a
// backward_graph (std::logic_error naming it otherwise).
void backward_graph(Node& root, Node& seed, bool create_graph, GradientGraph& g);

// backward(create_graph = true) for every kind: backward_graph with the
// graph recorded, then every node's .grad() takes the numbers as backward()
// would (leaves add, inner nodes are replaced) and each leaf keeps its
// gradient as a node too (grad_node: Tensor::grad(), Value::grad_value()),
// added to the one an earlier call kept.
void backward_creating_graph(Node& root, Node& seed, bool retain_graph);
}  // namespace engine

}  // namespace gradlab
