// SPDX-License-Identifier: MIT
// Backpropagation, for every kind of node. A node's gradient is complete once
// every node that uses it has passed its share back, so backward must visit
// each node after all of its users. Two ways to find such an order, side by
// side below:
//   1. Creation order. Every node is made after its parents, so walking from
//      the root towards older nodes meets each node after all of its users:
//      one reverse loop, as an AD tape does. Nodes made one after another
//      in one arena on this thread (scalar nodes) are walked this way.
//   2. Counting users (Kahn's algorithm, as PyTorch's engine does it). First
//      count, for every node, the users that will send it a gradient; then
//      visit a node once its count reaches zero. Any graph: tensors, nodes
//      from other threads, a step-by-step observer.
// Both use explicit loops and stacks: no graph is deep enough to overflow
// the call stack.

#include <gradlab/engine.hpp>

#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "core/node_arena.hpp"
#include "core/node_free.hpp"
#include "core/user_counts.hpp"

namespace gradlab::engine {

namespace {

using gradlab::detail::detach_parents;
using gradlab::detail::freed_nodes_alive;
using gradlab::detail::made_here;
using gradlab::detail::older;
using gradlab::detail::UserCounts;

// After an error: every node reachable from root loses the sweep's marks.
// Rare, so it may be slow and allocate.
void clear_marks(Node& root) {
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

// An inner node holds the gradient of the latest backward (pictures show
// it), so a sweep clears it when it first reaches the node, before the first
// addition. Leaves are never cleared: they accumulate.
void clear_grad(Node& n) {
  n.op->kind->zero_grad(n);
  n.flags |= kGradSet;  // this sweep adds into it
}

// ---- Order 1: creation order -------------------------------------------
// Root first, then every node root reaches, newest first. A node is marked
// (kVisited) by the first user that reaches it; nodes never reached, or
// dead, are stepped over. The walk ends when every marked node has been met.
void sweep_in_creation_order(Node& root) {
  root.flags |= kVisited;
  std::size_t waiting = 1;  // marked and not yet met
  Node* n = &root;
  try {
    for (;; n = older(n)) {
      if (!(n->flags & kVisited)) continue;
      n->flags &= ~kVisited;
      for (Node* p : n->parents()) {
        const std::uint16_t flags = p->flags;
        if (!(flags & kRequiresGrad) || p->nparents == 0 || (flags & kVisited)) continue;  // 0: a leaf
        p->flags = flags | kVisited | kGradSet;
        ++waiting;  // before the call: marked and counted, even if it throws
        if (flags & kGradSet) p->op->kind->zero_grad(*p);  // one never written is 0 already
      }
      if (n->op->backward) n->op->backward(*n);  // adds n's gradient into its parents'
      if (--waiting == 0) return;
    }
  } catch (...) {  // an op's backward threw (n's): clear the marks not yet met
    for (n = older(n); waiting > 1; n = older(n)) {
      if (!(n->flags & kVisited)) continue;
      n->flags &= ~kVisited;
      --waiting;
    }
    throw;
  }
}

// ---- Order 2: counting users (Kahn) ------------------------------------
// Pass 1 walks the graph once, marking each node (kVisited, and kFresh: its
// gradient not yet cleared) and counting its users. It also checks that no
// part of the graph was freed, before any gradient changes.
void count_users(Node& root, UserCounts& users, std::vector<Node*>& stack) {
  root.flags |= kVisited | kFresh;
  stack.push_back(&root);
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (n->flags & kGraphFreed)
      throw std::logic_error(
          "backward: part of this graph was freed by an earlier backward(retain_graph=false); "
          "build the graph again, or pass retain_graph=true to keep it");
    for (Node* p : n->parents()) {
      if (!p->requires_grad()) continue;  // sends nothing back
      ++users[p];
      if (p->flags & kVisited) continue;
      p->flags |= kVisited | kFresh;
      stack.push_back(p);
    }
  }
}

void clear_if_fresh(Node& n) {
  if (!(n.flags & kFresh)) return;
  n.flags &= ~kFresh;
  if (!n.is_leaf()) clear_grad(n);
}

// Pass 2: the root first; each parent once its last user has passed its
// share back.
void sweep_counting_users(Node& root, const std::function<void(Node&)>& seed,
                          const BackwardObserver& observer) {
  thread_local UserCounts users;  // reused: no allocation per backward
  thread_local std::vector<Node*> stack;
  users.clear();
  stack.clear();
  try {
    count_users(root, users, stack);
    clear_if_fresh(root);
    seed(root);
    stack.push_back(&root);
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      n->flags &= ~kVisited;
      if (n->op->backward) {
        for (Node* p : n->parents()) clear_if_fresh(*p);
        n->op->backward(*n);  // adds n's gradient into its parents'
      }
      if (observer) observer(*n);
      for (Node* p : n->parents())
        if (p->requires_grad() && --users[p] == 0) stack.push_back(p);
    }
  } catch (...) {
    stack.clear();
    clear_marks(root);
    throw;
  }
}

}  // namespace

void backward(Node& root, const std::function<void(Node&)>& seed, bool retain_graph,
              const BackwardObserver& observer) {
  if (!root.requires_grad())
    throw std::logic_error(
        "backward: this result does not require grad (it was computed under NoGradGuard, "
        "or only from constants), so there is no graph to backpropagate through");
  if (root.flags & kGraphFreed)
    throw std::logic_error(
        "backward: the graph behind this result was freed by an earlier "
        "backward(retain_graph=false); build it again, or pass retain_graph=true to keep it");
  // One sweep at a time on a thread: the marks live in the nodes, so a
  // backward() started from inside another (an observer, a seed) would
  // corrupt the outer one.
  thread_local bool sweeping = false;
  if (sweeping)
    throw std::logic_error("backward: called from inside another backward() on this thread "
                           "(from an observer?); run it after the first one returns");
  struct Sweeping {
    Sweeping() { sweeping = true; }
    ~Sweeping() { sweeping = false; }
  } in_sweep;
  // Creation order serves when every node of the graph was made in order on
  // this thread (kUnordered says otherwise) and no node was freed by an
  // earlier backward(false) that this one must refuse to cross: then there
  // is nothing to check, and the sweep changes gradients as it goes.
  if (!observer && !root.is_leaf() && made_here(root) && !(root.flags & kUnordered) &&
      freed_nodes_alive() == 0) {
    clear_grad(root);
    seed(root);
    sweep_in_creation_order(root);
  } else {
    sweep_counting_users(root, seed, observer);
  }
  if (!retain_graph) free_graph(root);
}

void free_graph(Node& root) {
  // Each detached link moves to the stack with the reference it held;
  // releasing that reference afterwards may free the parent.
  std::vector<Node*> stack;
  detach_parents(root, stack);
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    detach_parents(*n, stack);
    release(n);
  }
}

}  // namespace gradlab::engine
