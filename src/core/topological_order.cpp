// SPDX-License-Identifier: MIT
// The order the pictures number a graph in: parents before children, the
// same on every run. The engine's own walk (engine.cpp) marks the nodes as
// it goes; this one keeps its marks beside the graph and only reads it, so a
// picture can be drawn at any time. The same count of users as engine.cpp's
// order 2, over every node (constants too).

#include <gradlab/engine.hpp>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace gradlab::engine {

std::vector<const Node*> topological_order(const Node& root) {
  // Count the users of every node reachable from root.
  std::unordered_map<const Node*, std::uint32_t> users{{&root, 0}};
  std::vector<const Node*> stack{&root};
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const Node* p : n->parents())
      if (users[p]++ == 0) stack.push_back(p);
  }
  // Visit each node once its last user has been visited: children before
  // parents, then reversed.
  std::vector<const Node*> order;
  stack.push_back(&root);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    order.push_back(n);
    for (const Node* p : n->parents())
      if (--users[p] == 0) stack.push_back(p);
  }
  std::reverse(order.begin(), order.end());
  return order;
}

}  // namespace gradlab::engine
