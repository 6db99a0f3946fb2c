// SPDX-License-Identifier: MIT
// A newcomer may skip this file: where node labels are kept. Labels are rare,
// so they live in one side table keyed by node instead of in every node.

#include <gradlab/node.hpp>

#include <mutex>
#include <unordered_map>

namespace gradlab {

namespace {

// A mutex, because a node may die on any thread.
struct LabelTable {
  std::mutex mutex;
  std::unordered_map<const Node*, std::string> labels;
};
LabelTable& label_table() {
  static LabelTable* table = new LabelTable;  // never destroyed: nodes may outlive statics
  return *table;
}

}  // namespace

namespace detail {
void forget_label(const Node& node) {
  LabelTable& t = label_table();
  std::lock_guard lock(t.mutex);
  t.labels.erase(&node);
}
}  // namespace detail

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
