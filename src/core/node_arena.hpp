// SPDX-License-Identifier: MIT
// A newcomer may skip this file: it is how scalar nodes get their memory.
// Blocks are handed out in creation order and reclaimed at the tail. Internal.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gradlab::detail {

// One arena per thread. Blocks are cut from 256 KiB pages strictly in
// creation order: the newest block is always the highest of the newest page,
// and pages are chained oldest to newest. A block that dies is marked dead;
// when the newest block dies, the top moves down over every dead block below
// it, page after page, so a step's graph, freed from its loss down, gives its
// memory back to the next step as it came. A page in the middle whose every
// block has died goes back to the spare pages. Blocks inside a page are never
// reused out of order, so walking down from any block visits older blocks
// only: the engine's backward sweep relies on it (creation order is a
// topological order: every node is made after its parents).
//
// A block may be freed on any thread. One freed away from its owner waits on
// its page until the owner takes it back (when it needs a page); once the
// owner has ended, the page goes back to the shared supply when its last
// block is freed.
class NodeArena {
 public:
  explicit constexpr NodeArena(std::size_t block_size)  // at least 24 bytes
      : block_size_((block_size + 7) / 8 * 8) {}
  // Gives empty pages back; pages still in use are orphaned (the last free
  // returns each). The thread's scalar arena does it when the thread ends.
  // The destructor is trivial, so that a thread_local arena costs no
  // initialisation check per use.
  void release() noexcept;
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  void* allocate();
  void deallocate(void* block) noexcept;
  void deallocate_own(void* block) noexcept { bury(page_of(block), block); }  // held by this arena
  // Between hold() and let_go(), dead blocks are marked but not reclaimed, so
  // that a walk down the blocks (freeing a graph) finds its way.
  void hold() { holding_ = true; }
  void let_go() noexcept;

  static constexpr std::size_t kPageBytes = 256 * 1024;

  // Whether `block` is a block of this arena (the caller knows it is a block
  // of some arena).
  bool holds(const void* block) const {
    return page_of(block)->owner.load(std::memory_order_relaxed) == this;
  }
  // The block made just before `block` in this arena (dead ones included),
  // or nullptr at the oldest. `block` must be held by this arena.
  void* older(const void* block) const {
    Page* p = page_of(block);
    const char* b = static_cast<const char*>(block);
    if (b != p->first) return const_cast<char*>(b) - block_size_;
    for (p = p->older; p; p = p->older)
      if (p->top != p->first) return p->top - block_size_;
    return nullptr;
  }
  // Dead blocks carry this address in their first eight bytes.
  static bool is_dead(const void* block) {
    const void* mark;
    std::memcpy(&mark, block, sizeof mark);
    return mark == &kDeadMark;
  }

 private:
  static const char kDeadMark;
  // A block freed on another thread, waiting for its owner. Its link lies
  // past the first 16 bytes, which the owner may read meanwhile (the dead
  // mark, a node's flags).
  struct FreeBlock {
    void* unused[2];
    FreeBlock* next;
  };
  struct Page {
    char* first = nullptr;        // the oldest block
    char* top = nullptr;          // one past the newest block
    char* end = nullptr;
    std::uint32_t used = 0;       // blocks alive, as the owner knows
    Page* older = nullptr;        // the owner's pages, in creation order
    Page* newer = nullptr;
    Page* next_spare = nullptr;
    FreeBlock* taken = nullptr;   // remote blocks the owner has taken, being marked dead
    Page* next_taken = nullptr;
    // Shared with other threads, under the supply's mutex:
    std::atomic<NodeArena*> owner = nullptr;  // null once the owning thread has ended
    FreeBlock* remote = nullptr;  // blocks freed by other threads
    bool has_remote = false;
    Page* next_remote = nullptr;
  };
  static Page* page_of(const void* block) {
    return reinterpret_cast<Page*>(reinterpret_cast<std::uintptr_t>(block) & ~(kPageBytes - 1));
  }
  Page* new_top_page();
  void take_back_remote();
  void bury(Page* p, void* block) noexcept;  // marks dead, reclaims
  void reclaim_tail() noexcept;
  void unlink(Page* p) noexcept;
  void give_back_remote(Page* page, FreeBlock* block) noexcept;

  std::size_t block_size_;
  bool holding_ = false;
  Page* top_ = nullptr;           // the newest page: blocks come from here
  Page* spare_ = nullptr;         // empty pages kept for this thread
  Page* remote_pages_ = nullptr;  // pages with blocks freed by other threads (supply's mutex)
};

inline void* NodeArena::allocate() {
  Page* p = top_;
  if (!p || p->top == p->end) p = new_top_page();
  ++p->used;
  void* block = p->top;
  p->top += block_size_;
  std::memset(block, 0, sizeof(void*));  // no dead mark from an earlier life
  return block;
}

inline void NodeArena::deallocate(void* block) noexcept {
  Page* p = page_of(block);
  if (p->owner.load(std::memory_order_relaxed) != this)
    return give_back_remote(p, static_cast<FreeBlock*>(block));
  bury(p, block);
}

inline void NodeArena::bury(Page* p, void* block) noexcept {
  const void* mark = &kDeadMark;
  std::memcpy(block, &mark, sizeof mark);
  --p->used;
  if (holding_) return;
  if (p == top_) {
    if (static_cast<char*>(block) + block_size_ == p->top) reclaim_tail();
  } else if (p->used == 0) {
    unlink(p);
  }
}

}  // namespace gradlab::detail

#include <gradlab/node.hpp>

namespace gradlab::detail {

// The arena this thread's small nodes come from, in creation order: a block
// holds a node of up to kArenaNodeBytes (a scalar node is 48). A kind that
// makes its nodes here adds to Node only members with trivial destructors
// (numbers), so that freeing a graph down the arena destroys each as a Node
// and never calls through its kind (node_free.cpp).
inline constexpr std::size_t kArenaNodeBytes = 48;
extern constinit thread_local NodeArena node_arena;

// Whether n was made by this thread's arena (and so lies in creation order).
inline bool made_here(const Node& n) { return (n.flags & kInArena) && node_arena.holds(&n); }

// The node made just before n in this thread's arena, dead ones included
// (n must be one of its nodes, and not the oldest).
inline Node* older(const Node* n) { return static_cast<Node*>(node_arena.older(n)); }

}  // namespace gradlab::detail
