// SPDX-License-Identifier: MIT
// Equal-sized blocks for small nodes, handed out from 64 KiB pages: taking and
// returning a block is a few instructions, and a block has no allocator
// header. Internal.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

// Under AddressSanitizer scalar nodes bypass the pool (value.cpp), so that the
// sanitizer sees every node; the pool's own tests still run with poisoning.
#if defined(__SANITIZE_ADDRESS__)
#define GRADLAB_ASAN_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADLAB_ASAN_POOL 1
#endif
#endif

namespace gradlab::detail {

// One pool per thread and block size. A page whose blocks have all come back
// starts again from its first block, so a graph built after the last one was
// freed lies in memory in the order it is built and swept: for a graph larger
// than the cache, that order decides the speed.
//
// Pages come from a shared supply and go back to it when a thread ends. A
// block may be freed on any thread: one freed away from its page's owner
// waits on the page until the owner takes it back; once the owner has ended,
// the page returns to the supply when its last block is freed.
class NodePool {
 public:
  // constexpr, so a thread_local pool needs no initialisation per use.
  explicit constexpr NodePool(std::size_t block_size) : block_size_((block_size + 7) / 8 * 8) {}
  ~NodePool();  // gives empty pages back; pages still in use are orphaned
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  void* allocate();
  void deallocate(void* block) noexcept;

  static constexpr std::size_t kPageBytes = 64 * 1024;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  // The header at the start of every page; the blocks follow it.
  struct Page {
    FreeBlock* free = nullptr;    // returned blocks, ready to hand out again
    char* fresh = nullptr;        // blocks from here to `end` not handed out since the (re)start
    char* end = nullptr;
    char* first = nullptr;
    std::uint32_t used = 0;       // blocks handed out and not yet returned to the owner
    bool listed = false;          // in the owner's partial_ list
    Page* next_partial = nullptr;
    Page* next_owned = nullptr;   // the owner's list of all its pages
    FreeBlock* taken = nullptr;   // remote blocks the owner has taken, being given back
    Page* next_taken = nullptr;   // the owner's list of such pages
    // Shared with other threads, under the supply's mutex:
    // Null once the owning thread has ended; atomic because any thread reads it.
    std::atomic<NodePool*> owner = nullptr;
    FreeBlock* remote = nullptr;  // blocks freed by other threads
    bool has_remote = false;      // in the owner's remote_pages_ list
    Page* next_remote = nullptr;
  };
  Page* next_page();
  void take_back_remote();
  void give_back(Page* page, FreeBlock* block) noexcept;
  void give_back_remote(Page* page, FreeBlock* block) noexcept;

  std::size_t block_size_;
  Page* current_ = nullptr;       // blocks come from here
  Page* partial_ = nullptr;       // other pages with blocks to give
  Page* owned_ = nullptr;         // every page of this pool
  Page* remote_pages_ = nullptr;  // pages with blocks freed by other threads (supply's mutex)
};

#ifndef GRADLAB_ASAN_POOL
inline void* NodePool::allocate() {
  Page* p = current_;
  if (!p || (!p->free && p->fresh == p->end)) p = current_ = next_page();
  ++p->used;
  if (FreeBlock* b = p->free) {  // most often: a block that came back
    p->free = b->next;
    return b;
  }
  void* block = p->fresh;
  p->fresh += block_size_;
  return block;
}

inline void NodePool::deallocate(void* block) noexcept {
  auto* b = static_cast<FreeBlock*>(block);
  auto* p = reinterpret_cast<Page*>(reinterpret_cast<std::uintptr_t>(block) & ~(kPageBytes - 1));
  if (p->owner.load(std::memory_order_relaxed) != this) return give_back_remote(p, b);
  if (p->used > 1 && (p == current_ || p->listed)) {  // most often: nothing else to do
    --p->used;
    b->next = p->free;
    p->free = b;
    return;
  }
  give_back(p, b);
}
#endif

}  // namespace gradlab::detail
