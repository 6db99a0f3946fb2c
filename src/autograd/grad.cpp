// SPDX-License-Identifier: MIT
// Gradients of gradients: the backward pass run again, this time with graph
// ops. Each op's backward_graph (made from the same derivative as its
// numeric backward, op.hpp) adds its operands' shares as nodes, so with
// create_graph the gradients are graphs themselves. The order is Kahn's, as
// in engine.cpp: a node's step runs once all of its users have passed their
// shares back; explicit stacks, so a chain of any length is fine.

#include <gradlab/grad.hpp>

#include <gradlab/engine.hpp>
#include <gradlab/grad_mode.hpp>

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace gradlab {

GradientGraph::~GradientGraph() {
  for (auto& [node, g] : grads_) release(g);
}

Node* GradientGraph::gradient(const Node& n) const {
  auto it = grads_.find(&n);
  return it == grads_.end() ? nullptr : it->second;
}

void GradientGraph::set(const Node& n, Node& g) {
  retain(&g);
  Node*& slot = grads_[&n];
  if (slot) release(slot);
  slot = &g;
}

void GradientGraph::prune_to(Node& root, const std::vector<const Node*>& inputs) {
  // Children after their parents (an iterative post-order), so a node is
  // needed when it is an input or one of its parents is needed.
  needed_.clear();
  pruned_ = true;
  std::unordered_set<const Node*> targets(inputs.begin(), inputs.end()), seen{&root};
  std::vector<std::pair<Node*, std::size_t>> stack{{&root, 0}};
  while (!stack.empty()) {
    auto& [n, next] = stack.back();
    if (next < n->nparents) {
      Node* p = n->parents()[next++];
      if (p->requires_grad() && seen.insert(p).second) stack.push_back({p, 0});
      continue;
    }
    bool needed = targets.count(n) > 0;
    for (Node* p : n->parents()) needed = needed || needed_.count(p);
    if (needed) needed_.insert(n);
    stack.pop_back();
  }
}

void GradientGraph::add(Node& out, std::size_t i, Node& share) {
  Node& p = out.parent(i);
  if (!needs(p)) return;
  Node*& slot = grads_[&p];
  if (!slot) {
    retain(&share);
    slot = &share;
    return;
  }
  Node* sum = p.op->kind->add(*slot, share);  // holds one reference
  release(slot);
  slot = sum;
}

namespace engine {

namespace {

// For every node reachable from root through nodes that take a gradient:
// how many of its users will pass it a share.
std::unordered_map<const Node*, std::size_t> count_users(Node& root) {
  std::unordered_map<const Node*, std::size_t> users{{&root, 0}};
  std::vector<Node*> stack{&root};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (n->flags & kGraphFreed)
      throw std::logic_error(
          "grad: part of this graph was freed by an earlier backward(retain_graph=false); "
          "build the graph again, or pass retain_graph=true to keep it");
    for (Node* p : n->parents()) {
      if (!p->requires_grad()) continue;
      auto [it, first] = users.try_emplace(p, 0);
      ++it->second;
      if (first) stack.push_back(p);
    }
  }
  return users;
}

}  // namespace

void backward_graph(Node& root, Node& seed, bool create_graph, GradientGraph& g) {
  if (!root.requires_grad())
    throw std::logic_error(
        "grad: this result does not require grad (it was computed under NoGradGuard, or only "
        "from constants), so there is no graph to differentiate");
  auto users = count_users(root);
  // Grad mode on: the steps record the gradients' graph. Off: plain numbers.
  const bool was_enabled = is_grad_enabled();
  set_grad_enabled(create_graph);
  struct Restore {
    bool enabled;
    ~Restore() { set_grad_enabled(enabled); }
  } restore{was_enabled};
  g.set(root, seed);
  std::vector<Node*> stack{&root};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (!n->is_leaf() && g.gradient(*n)) {  // no gradient arrived: it is 0, nothing to pass on
      if (!n->op->backward_graph)
        throw std::logic_error(std::string(n->op->name) +
                               ": this op cannot be differentiated twice (create_graph / grad): it has "
                               "no backward written with graph ops");
      n->op->backward_graph(*n, g);
    }
    for (Node* p : n->parents())
      if (p->requires_grad() && --users[p] == 0) stack.push_back(p);
  }
}

void backward_creating_graph(Node& root, Node& seed, bool retain_graph) {
  GradientGraph g;
  backward_graph(root, seed, true, g);
  for (auto [node, gradient] : g.gradients()) {
    Node& n = const_cast<Node&>(*node);  // a node of root's graph: not const to us
    const NodeKind& kind = *n.op->kind;
    if (!n.is_leaf()) kind.zero_grad(n);  // inner nodes keep the latest gradient
    kind.add_to_grad(n, *gradient);
    if (!n.is_leaf()) continue;
    if (Node* old = grad_node(n)) {
      Node* sum = kind.add(*old, *gradient);
      set_grad_node(n, sum);
      release(sum);
    } else {
      set_grad_node(n, gradient);
    }
  }
  if (!retain_graph) free_graph(root);
}

}  // namespace engine

}  // namespace gradlab
