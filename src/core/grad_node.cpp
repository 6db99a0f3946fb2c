// SPDX-License-Identifier: MIT
// A newcomer may skip this file: where the gradients kept as nodes by
// backward(create_graph=true) live. Few leaves have one, so they sit in one
// side table keyed by node, as labels do (node_label.cpp).

#include <gradlab/node.hpp>

#include <mutex>
#include <unordered_map>

namespace gradlab {

namespace {

// A mutex, because a node may die on any thread.
struct GradNodeTable {
  std::mutex mutex;
  std::unordered_map<const Node*, Node*> nodes;  // each holds one reference
};
GradNodeTable& grad_node_table() {
  static GradNodeTable* table = new GradNodeTable;  // never destroyed: nodes may outlive statics
  return *table;
}

// Takes node's entry out of the table (its reference goes to the caller).
Node* take(const Node& node) {
  GradNodeTable& t = grad_node_table();
  std::lock_guard lock(t.mutex);
  auto it = t.nodes.find(&node);
  if (it == t.nodes.end()) return nullptr;
  Node* g = it->second;
  t.nodes.erase(it);
  return g;
}

}  // namespace

namespace detail {
void forget_grad_node(const Node& node) {
  if (Node* g = take(node)) release(g);  // outside the lock: releasing may free nodes with entries
}
}  // namespace detail

Node* grad_node(const Node& node) {
  if (!(node.flags & kHasGradNode)) return nullptr;
  GradNodeTable& t = grad_node_table();
  std::lock_guard lock(t.mutex);
  return t.nodes.at(&node);
}

void set_grad_node(Node& node, Node* g) {
  if (g) retain(g);
  Node* old = take(node);
  if (g) {
    GradNodeTable& t = grad_node_table();
    std::lock_guard lock(t.mutex);
    t.nodes[&node] = g;
    node.flags |= kHasGradNode;
  } else {
    node.flags &= ~kHasGradNode;
  }
  if (old) release(old);
}

}  // namespace gradlab
