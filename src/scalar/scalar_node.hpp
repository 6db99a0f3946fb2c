// SPDX-License-Identifier: MIT
// A newcomer may skip this file: where scalar nodes get their memory, from
// this thread's node arena in creation order (core/node_arena.hpp), so the
// engine can walk a scalar graph by creation order. Internal.
#pragma once

#include <cstddef>
#include <new>

#include <gradlab/value.hpp>

#include "core/node_arena.hpp"

// Under AddressSanitizer scalar nodes are each their own allocation, so that
// the sanitizer sees every use after free and every leaked node (the engine
// then sorts every graph).
#if defined(__SANITIZE_ADDRESS__)
#define GRADLAB_NO_ARENA 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADLAB_NO_ARENA 1
#endif
#endif

namespace gradlab::detail {

// What the arena asks of a kind (node_arena.hpp): a block fits the node, and
// the node is destroyed as a Node: ScalarNode adds only its two numbers.
static_assert(sizeof(ScalarNode) <= kArenaNodeBytes, "a scalar node must fit an arena block");
// (Its numbers start at the next multiple of a double's alignment after the
// Node: no gap on 64-bit machines, 4 bytes where pointers take 4, as in WebAssembly.)
inline constexpr std::size_t kScalarNumbersOffset =
    (sizeof(Node) + alignof(double) - 1) / alignof(double) * alignof(double);
static_assert(sizeof(ScalarNode) == kScalarNumbersOffset + 2 * sizeof(double),
              "ScalarNode adds only data and grad, so the arena may destroy it as a Node");

// A new scalar node, from this thread's arena.
inline ScalarNode* new_scalar_node(double data, const Op* op) {
#ifdef GRADLAB_NO_ARENA
  return new ScalarNode(data, op);
#else
  auto* node = new (node_arena.allocate()) ScalarNode(data, op);
  node->flags = kInArena;
  return node;
#endif
}

// Frees a scalar node (the kind's destroy): back to the arena it came from.
inline void delete_scalar_node(Node* n) {
  auto* s = static_cast<ScalarNode*>(n);
  if (!(n->flags & kInArena)) return delete s;
  s->~ScalarNode();
  node_arena.deallocate(s);
}

}  // namespace gradlab::detail
