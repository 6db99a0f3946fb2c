// SPDX-License-Identifier: MIT
// A newcomer may skip this file: ordering a graph by sorting. Pictures ask for
// it read-only (topological_order), and the engine sorts when creation order
// cannot be used: tensor graphs, a node from another thread, an observer.
// A node's gradient is complete once every node that uses it has passed its
// share back, so the sort first counts each node's users, then sweeps from
// the root, visiting a node when its count reaches zero (Kahn's sort, as
// PyTorch's engine does it). Explicit stacks: no depth reaches the call stack.

#include "core/topological_order.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gradlab::engine {

namespace {

// Clears the sweep bookkeeping of every node reachable from root. Used only
// when a sweep is abandoned (an error), so it may be slow and allocate.
void reset_marks(Node& root) {
  std::unordered_set<Node*> seen{&root};
  std::vector<Node*> stack{&root};
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    n->flags &= ~(kVisited | kFresh);
    for (Node* p : n->parents())
      if (seen.insert(p).second) stack.push_back(p);
  }
}

// Pass 1: count, for every node, the users that will send it a gradient.
template <class Marks, class Follow>
void count_users(Node& root, Marks& marks, Follow follow, std::vector<Node*>& stack) {
  marks.first_visit(root);
  stack.push_back(&root);
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    marks.check(*n);
    for (Node* p : n->parents()) {
      if (!follow(*p)) continue;
      ++marks.pending(*p);
      if (marks.first_visit(*p)) stack.push_back(p);
    }
  }
}

// Pass 2: visit each node once its last user has been visited: reverse
// topological order, the root first.
template <class Marks, class Follow, class Visit>
void visit_in_order(Node& root, Marks& marks, Follow follow, Visit visit,
                    std::vector<Node*>& stack) {
  stack.push_back(&root);
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    marks.done(*n);
    visit(*n);
    for (Node* p : n->parents())
      if (follow(*p) && --marks.pending(*p) == 0) stack.push_back(p);
  }
}

// Counts of pending users keyed by node: open addressing in one array,
// reused from sweep to sweep, so that a small graph's sweep costs little.
class PendingCounts {
 public:
  void clear() {  // a table that a large graph grew shrinks back for small ones
    if (slots_.size() > 4096 && 8 * used_ < slots_.size()) slots_.assign(slots_.size() / 4, Slot{});
    else if (used_) std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = 0;
  }
  std::uint32_t& operator[](const Node* n) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    Slot* s = find(n);
    if (!s->node) s->node = n, ++used_;
    return s->count;
  }

 private:
  struct Slot {
    const Node* node = nullptr;
    std::uint32_t count = 0;
  };
  Slot* find(const Node* n) {
    std::size_t mask = slots_.size() - 1;
    std::size_t i = (reinterpret_cast<std::uintptr_t>(n) >> 4) * 0x9E3779B97F4A7C15ull >> 20 & mask;
    while (slots_[i].node && slots_[i].node != n) i = (i + 1) & mask;
    return &slots_[i];
  }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.node) *find(s.node) = s;
  }
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

// Marks for backward: the visited and fresh bits in the nodes, the counts of
// pending users beside them.
struct SweepMarks {
  PendingCounts& counts;
  bool first_visit(Node& n) {
    if (n.flags & kVisited) return false;
    n.flags |= kVisited | kFresh;
    return true;
  }
  std::uint32_t& pending(Node& n) { return counts[&n]; }
  void done(Node& n) { n.flags &= ~kVisited; }
  void check(const Node& n) {
    if (n.flags & kGraphFreed)
      throw std::logic_error(
          "backward: part of this graph was freed by an earlier backward(retain_graph=false); "
          "build the graph again, or pass retain_graph=true to keep it");
  }
};

// Marks kept beside the graph, which is then only read.
struct TableMarks {
  std::unordered_set<const Node*> visited;
  std::unordered_map<const Node*, std::uint32_t> counts;
  bool first_visit(Node& n) { return visited.insert(&n).second; }
  std::uint32_t& pending(Node& n) { return counts[&n]; }
  void done(Node&) {}
  void check(const Node&) {}
};

bool takes_grad(const Node& n) { return n.requires_grad(); }

void clear_if_fresh(Node& n) {
  if (!(n.flags & kFresh)) return;
  n.flags &= ~kFresh;
  if (!n.is_leaf()) n.op->kind->zero_grad(n);
}

}  // namespace

void detail::backward_sorted(Node& root, const std::function<void(Node&)>& seed,
                             const BackwardObserver& observer) {
  thread_local std::vector<Node*> stack;  // reused: no allocation per backward
  thread_local PendingCounts counts;
  stack.clear();
  counts.clear();
  try {
    // Pass 1 checks the whole graph before the first gradient changes, so a
    // refused backward leaves every gradient as it was.
    SweepMarks marks{counts};
    count_users(root, marks, takes_grad, stack);
    clear_if_fresh(root);
    seed(root);
    auto step = [](Node& n) {
      if (!n.op->backward) return;  // a leaf: its gradient is complete
      for (Node* p : n.parents()) clear_if_fresh(*p);
      n.op->backward(n);  // adds out's gradient into its parents'
    };
    if (observer)
      visit_in_order(root, marks, takes_grad, [&](Node& n) { step(n), observer(n); }, stack);
    else
      visit_in_order(root, marks, takes_grad, step, stack);
  } catch (...) {
    stack.clear();
    reset_marks(root);
    throw;
  }
}

std::vector<const Node*> topological_order(const Node& root) {
  // Only TableMarks are written, so the graph itself is just read.
  Node& start = const_cast<Node&>(root);
  auto every_node = [](const Node&) { return true; };
  TableMarks marks;
  std::vector<Node*> stack;
  std::vector<const Node*> order;
  count_users(start, marks, every_node, stack);
  visit_in_order(start, marks, every_node, [&](Node& n) { order.push_back(&n); }, stack);
  std::reverse(order.begin(), order.end());  // parents before children
  return order;
}

}  // namespace gradlab::engine
