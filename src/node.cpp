// SPDX-License-Identifier: MIT
// Node lifetime: reference counting with iterative teardown, parent lists,
// and the label side table.

#include <gradlab/node.hpp>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace gradlab {

constinit thread_local std::int64_t Node::live_node_count = 0;

std::int64_t live_nodes() { return Node::live_node_count; }

namespace {

// Labels, keyed by node. A mutex, because a node may die on any thread.
struct LabelTable {
  std::mutex mutex;
  std::unordered_map<const Node*, std::string> labels;
};
LabelTable& label_table() {
  static LabelTable* table = new LabelTable;  // never destroyed: nodes may outlive statics
  return *table;
}

}  // namespace

void Node::free_extras() {
  if (nparents > 2) delete[] parent_array;
  if (flags & kHasLabel) {
    LabelTable& t = label_table();
    std::lock_guard lock(t.mutex);
    t.labels.erase(this);
  }
}

void free_node(Node* node) {
  // Nodes whose count reached zero wait in `dying` instead of on the call
  // stack; the first dying parent of each node is taken next directly, so a
  // chain never touches the list. A kind's destroy may release further nodes
  // (a tensor's saved inputs): those calls only add to the list, and the
  // outermost call frees them.
  thread_local std::vector<Node*> dying;
  thread_local bool freeing = false;
  if (freeing) {
    dying.push_back(node);
    return;
  }
  freeing = true;
  Node* n = node;
  while (n) {
    Node* next = nullptr;
    for (Node* p : n->parents()) {
      if (--p->refs != 0) continue;
      if (!next) next = p;
      else dying.push_back(p);
    }
    n->op->kind->destroy(n);
    if (!next && !dying.empty()) {
      next = dying.back();
      dying.pop_back();
    }
    n = next;
  }
  freeing = false;
}

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
}

std::string node_label(const Node& node) {
  if (!(node.flags & kHasLabel)) return {};
  LabelTable& t = label_table();
  std::lock_guard lock(t.mutex);
  return t.labels.at(&node);
}

void set_node_label(Node& node, const std::string& label) {
  LabelTable& t = label_table();
  std::lock_guard lock(t.mutex);
  if (label.empty()) {
    t.labels.erase(&node);
    node.flags &= ~kHasLabel;
  } else {
    t.labels[&node] = label;
    node.flags |= kHasLabel;
  }
}

}  // namespace gradlab
