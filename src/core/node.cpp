// SPDX-License-Identifier: MIT
// Recording a node's parents. Freeing nodes (node_free.cpp) and their labels
// (node_label.cpp) live apart: a newcomer may skip both.

#include <gradlab/node.hpp>

#include <cstdint>
#include <stdexcept>

namespace gradlab {

constinit thread_local std::int64_t Node::live_node_count = 0;

void set_parents(Node& out, std::span<Node* const> parents) {
  if (out.nparents != 0) throw std::logic_error("set_parents: the node has parents already");
  if (parents.size() > UINT16_MAX)
    throw std::length_error("set_parents: " + std::to_string(parents.size()) +
                            " parents, more than the 65535 a node can have");
  Node** slots = out.inline_parents;
  if (parents.size() > 2) slots = out.parent_array = new Node*[parents.size()];
  for (std::size_t i = 0; i < parents.size(); ++i) {
    slots[i] = parents[i];
    retain(parents[i]);
  }
  out.nparents = static_cast<std::uint16_t>(parents.size());
  out.flags |= kUnordered;  // its parents may be newer than itself: the engine sorts its graph
}

}  // namespace gradlab
