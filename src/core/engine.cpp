// SPDX-License-Identifier: MIT
// Backpropagation. A node's gradient is complete once every node that uses
// it has passed its share back. Every node is made after its parents, so
// creation order is a topological order: walking from the root towards older
// nodes meets each node after all of its users, and one reverse loop does
// backward, as an AD tape does. Graphs not made that way are sorted instead
// (topological_order.cpp, which a newcomer may skip).

#include <gradlab/engine.hpp>

#include <stdexcept>

#include "core/node_arena.hpp"
#include "core/topological_order.hpp"

namespace gradlab::engine {

namespace {

using gradlab::detail::scalar_arena;

Node* older(Node* n) { return static_cast<Node*>(scalar_arena.older(n)); }
bool in_creation_order(const Node& n) { return gradlab::detail::made_here(n); }

// The sweep: root first, then every node root reaches, newest first. A node
// is marked (kVisited) by the first user that reaches it, and its gradient
// cleared then, before the first addition (an inner node holds the gradient
// of the latest backward). Leaves are never marked: they accumulate. Every
// node the arena holds is a scalar node, so the sweep clears its grad itself.
void sweep(Node& root) {
  root.flags |= kVisited;
  std::size_t waiting = 1;  // marked and not yet met
  Node* n = &root;
  try {
    for (;; n = older(n)) {
      if (!(n->flags & kVisited)) continue;  // not reached, or dead
      n->flags &= ~kVisited;
      for (Node* p : n->parents())
        if (p->requires_grad() && p->nparents && !(p->flags & kVisited))
          p->flags |= kVisited, static_cast<ScalarNode*>(p)->grad = 0.0, ++waiting;
      if (n->op->backward) n->op->backward(*n);  // adds out's gradient into its parents'
      if (--waiting == 0) return;
    }
  } catch (...) {  // an op's backward threw: clear the marks not yet met
    while (--waiting) {
      n = older(n);
      if (n->flags & kVisited) n->flags &= ~kVisited;
      else ++waiting;
    }
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
  // earlier backward(false) that this one must refuse to cross: then no
  // check is left, and the sweep changes gradients as it goes.
  if (!observer && !root.is_leaf() && in_creation_order(root) && !(root.flags & kUnordered) &&
      detail::freed_nodes_alive() == 0) {
    root.op->kind->zero_grad(root);
    seed(root);
    sweep(root);
  } else {
    detail::backward_sorted(root, seed, observer);
  }
  if (!retain_graph) free_graph(root);
}

}  // namespace gradlab::engine
