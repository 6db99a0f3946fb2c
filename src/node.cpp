// SPDX-License-Identifier: MIT
// Node lifetime: reference counting with iterative teardown, parent lists,
// the label side table, and the block pool that scalar nodes are made from.

#include <gradlab/node.hpp>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "node_pool.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define GRADLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADLAB_ASAN 1
#endif
#endif
#ifdef GRADLAB_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

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

Node::~Node() {
  if (nparents > 2) delete[] parent_array;
  if (flags & kHasLabel) {
    LabelTable& t = label_table();
    std::lock_guard lock(t.mutex);
    t.labels.erase(this);
  }
  --live_node_count;
}

void release(Node* node) {
  if (--node->refs != 0) return;
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

namespace detail {

namespace {

constexpr std::size_t kSlabBytes = 1 << 20;

// Owns every slab, so memory handed between threads stays valid, and frees
// them when the program ends.
struct SlabRegistry {
  std::mutex mutex;
  std::vector<void*> slabs;
  ~SlabRegistry() {
    for (void* s : slabs) std::free(s);
  }
};
SlabRegistry& slab_registry() {
  static SlabRegistry registry;
  return registry;
}

}  // namespace

void NodePool::grow() {
  void* slab = std::malloc(kSlabBytes);
  if (!slab) throw std::bad_alloc();
  {
    SlabRegistry& r = slab_registry();
    std::lock_guard lock(r.mutex);
    r.slabs.push_back(slab);
  }
  // Thread the new blocks onto the free list, first block first.
  char* base = static_cast<char*>(slab);
  std::size_t count = kSlabBytes / block_size_;
  for (std::size_t i = count; i-- > 0;) deallocate(base + i * block_size_);
}

void* NodePool::allocate() {
  if (!free_) grow();
  FreeBlock* block = free_;
  UNPOISON(block, block_size_);
  free_ = block->next;
  return block;
}

void NodePool::deallocate(void* p) noexcept {
  auto* block = static_cast<FreeBlock*>(p);
  block->next = free_;
  POISON(block, block_size_);  // a use after free now trips AddressSanitizer
  free_ = block;
}

}  // namespace detail
}  // namespace gradlab
