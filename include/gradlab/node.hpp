// SPDX-License-Identifier: MIT
// The node of every computation graph, scalar or tensor: a reference count,
// the op that made it and its ordered parents. What a node holds (a number,
// an array) belongs to its kind; the engine sees only what is declared here.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gradlab {

struct Node;
class Replay;         // replay.hpp
class GradientGraph;  // grad.hpp

// What the engine and the pictures need from one kind of node (scalar,
// tensor). Each kind defines one of these; the core never names a kind.
struct NodeKind {
  const char* name;                            // "scalar", "tensor"
  void (*destroy)(Node* node);                 // delete a node whose count reached 0
  void (*zero_grad)(Node& node);               // set the gradient to zero
  std::string (*data_text)(const Node& node);  // the data, as the pictures show it
  std::string (*grad_text)(const Node& node);  // the gradient, likewise
  // For gradients of gradients (grad.hpp): a + b as a new node in the graph
  // (returned holding one reference), and node.grad += gradient's numbers.
  Node* (*add)(Node& a, Node& b) = nullptr;
  void (*add_to_grad)(Node& node, const Node& gradient) = nullptr;
};

// The op that made a node: its name, its backward step and its node kind.
// Every op is one static Op; a leaf's op has an empty name and no backward.
// A node points to its Op, so op name, backward and kind cost 8 bytes a node.
struct Op {
  const char* name;             // "+", "tanh", "matmul"; "" for a leaf
  void (*backward)(Node& out);  // adds out's gradient into its parents' gradients
  const NodeKind* kind;
  // A tensor op's forward once more with Value ops, so explode() can show it
  // as scalars (explode.hpp); nullptr: it has none, explode refuses it.
  void (*replay)(Replay& r) = nullptr;
  // The same backward written with graph ops, for gradients of gradients
  // (create_graph, grad.hpp): it passes each parent's share as a new node.
  // Made from the one derivative that also gives `backward` (op.hpp), so the
  // two never disagree; nullptr: the op refuses create_graph by name.
  void (*backward_graph)(Node& out, GradientGraph& g) = nullptr;
};

// Bits of Node::flags.
enum NodeFlag : std::uint16_t {
  kRequiresGrad = 1 << 0,  // backward computes a gradient for this node
  kVisited = 1 << 1,       // engine bookkeeping: reached by the sweep under way
  kGraphFreed = 1 << 2,    // its parents were dropped by backward(retain_graph=false)
  kHasLabel = 1 << 3,      // a label is stored for it (see node_label)
  kFresh = 1 << 4,         // engine bookkeeping: grad not yet cleared in this sweep
  kParameter = 1 << 5,     // a leaf a model learns (pictures colour it apart from inputs)
  kInArena = 1 << 6,       // made in creation order by a node arena (node_arena.hpp)
  kUnordered = 1 << 7,     // its graph holds a node made out of creation order: sort it
  kGradSet = 1 << 8,       // its gradient may not be 0: a backward or a hand wrote it
  kHasGradNode = 1 << 9,   // backward(create_graph) kept its gradient as a node (grad_node)
  kKindFlag0 = 1 << 10,    // bits 10-15 are free for the node kinds
};

// A node is shared by the handles (Value, Tensor) and the child nodes that
// refer to it; it is freed by release() when the last of them lets go.
// 32 bytes: a scalar node adds its number and gradient (48 in all).
struct Node {
  const Op* op;
  std::uint32_t refs = 0;  // handles and children holding this node
  std::uint16_t nparents = 0;
  std::uint16_t flags = 0;
  // Up to two parents are stored inline (every scalar op but sum and dot);
  // more on the heap.
  union {
    Node* inline_parents[2];
    Node** parent_array;
  };

  explicit Node(const Op* made_by) : op(made_by), inline_parents{nullptr, nullptr} {
    ++live_node_count;
  }
  ~Node() {
    if (nparents > 2 || (flags & (kHasLabel | kGraphFreed | kHasGradNode))) free_extras();
    --live_node_count;
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  std::span<Node* const> parents() const {
    return {nparents <= 2 ? inline_parents : parent_array, nparents};
  }
  Node& parent(std::size_t i) const { return *parents()[i]; }
  bool requires_grad() const { return flags & kRequiresGrad; }
  bool is_leaf() const { return op->backward == nullptr; }

  // Nodes alive on this thread (created here minus freed here): tests use it
  // to prove that a dropped graph is freed.
  static constinit thread_local std::int64_t live_node_count;

 private:
  void free_extras();  // a heap parent array, a label, a count (node_free.cpp)
};

// Takes a reference to node.
inline void retain(Node* node) { ++node->refs; }

// Frees a node whose count reached zero, and with it every parent whose last
// reference it held, without recursion (node_free.cpp).
void free_node(Node* node);

// Drops a reference; at zero the node is freed (free_node).
inline void release(Node* node) {
  if (--node->refs == 0) free_node(node);
}

// Records the parents of `out` (it must have none yet) and retains each.
void set_parents(Node& out, std::span<Node* const> parents);

// Labels are rare, so they live in a side table instead of in every node
// (node_label.cpp).
std::string node_label(const Node& node);
void set_node_label(Node& node, const std::string& label);

// The gradient of a leaf as a node, kept by backward(create_graph=true) so
// that it can be differentiated again; nullptr when there is none. Kept, like
// labels, in a side table (grad_node.cpp). set_grad_node retains g (nullptr
// drops it). The gradient usually refers to the leaf itself (d(x^2)/dx = 2x),
// so the two keep each other alive until zero_grad() drops it, as in PyTorch.
Node* grad_node(const Node& node);
void set_grad_node(Node& node, Node* g);

// Nodes alive on this thread.
inline std::int64_t live_nodes() { return Node::live_node_count; }

}  // namespace gradlab
