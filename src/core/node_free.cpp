// SPDX-License-Identifier: MIT
// A newcomer may skip this file: freeing graphs. A node whose count reaches
// zero is freed with every parent whose last reference it held, and
// backward(retain_graph=false) drops a graph's links (free_graph in
// engine.cpp, through detach_parents here); neither recurses.

#include <gradlab/node.hpp>

#include <atomic>
#include <vector>

#include "core/node_arena.hpp"
#include "core/node_free.hpp"

namespace gradlab {

namespace detail {
void forget_label(const Node& node);      // node_label.cpp
void forget_grad_node(const Node& node);  // grad_node.cpp
}

namespace {
std::atomic<std::int64_t> freed_nodes{0};  // nodes marked kGraphFreed, alive
}

std::int64_t detail::freed_nodes_alive() {
  return freed_nodes.load(std::memory_order_relaxed);
}

void Node::free_extras() {
  if (nparents > 2) delete[] parent_array;
  if (flags & kHasLabel) detail::forget_label(*this);
  if (flags & kHasGradNode) detail::forget_grad_node(*this);
  if (flags & kGraphFreed) freed_nodes.fetch_sub(1, std::memory_order_relaxed);
}

namespace {

thread_local std::vector<Node*> dying;  // counts at zero, waiting to be freed

// Frees node and what dies with it walking down this thread's arena, newest
// first: a node's users are newer than itself, so each node is met after
// every user that could release it. The nodes the walk is to free are marked
// kVisited. The arena holds its reclaim until the end, so that the walk finds
// its way down. Nodes made elsewhere, and the parents of a node that may be
// older than they are (kUnordered), go to `dying` instead.
void free_in_creation_order(Node* node) {
  auto& arena = gradlab::detail::node_arena;
  arena.hold();
  node->flags |= kVisited;
  std::size_t waiting = 1;  // marked and not yet met
  for (Node* n = node;; n = gradlab::detail::older(n)) {
    if (!(n->flags & kVisited)) continue;
    for (Node* p : n->parents()) {
      if (--p->refs != 0) continue;
      if (gradlab::detail::made_here(*p) && !(n->flags & kUnordered)) {
        p->flags |= kVisited;
        ++waiting;
      } else {
        dying.push_back(p);
      }
    }
    n->flags &= ~kVisited;
    n->~Node();  // an arena node is destroyed as a Node (node_arena.hpp)
    arena.deallocate_own(n);  // marked dead; its memory stays until let_go()
    if (--waiting == 0) break;
  }
  arena.let_go();
}

}  // namespace

void free_node(Node* node) {
  // Nodes whose count reached zero wait in `dying` instead of on the call
  // stack; the first dying parent of each node is taken next directly, so a
  // chain never touches the list. A kind's destroy may release further nodes
  // (a tensor's saved inputs): those calls only add to the list, and the
  // outermost call frees them.
  thread_local bool freeing = false;
  if (freeing) {
    dying.push_back(node);
    return;
  }
  freeing = true;
  Node* n = node;
  if (gradlab::detail::made_here(*node) && !(node->flags & kUnordered)) {
    free_in_creation_order(node);
    n = nullptr;
  }
  if (!n && !dying.empty()) {
    n = dying.back();
    dying.pop_back();
  }
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

void detail::detach_parents(Node& n, std::vector<Node*>& released) {
  if (n.is_leaf() || (n.flags & kGraphFreed)) return;
  for (Node* p : n.parents()) released.push_back(p);
  if (n.nparents > 2) delete[] n.parent_array;
  n.inline_parents[0] = n.inline_parents[1] = nullptr;
  n.nparents = 0;
  n.flags |= kGraphFreed;
  freed_nodes.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace gradlab
