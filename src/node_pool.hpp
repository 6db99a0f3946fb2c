// SPDX-License-Identifier: MIT
// Equal-sized blocks for small nodes, handed out from 64 KiB pages: taking and
// returning a block is a few instructions, and a block has no allocator
// header. Internal.
#pragma once

#include <cstddef>
#include <cstdint>

// Under AddressSanitizer the pool poisons free blocks (node_pool.cpp), so a
// use of a freed node is reported; the fast inline paths are for other builds.
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
// freed lies in memory in the order it is built and swept: that order, not
// the instruction count, decides the speed of a graph too big for the cache.
// A block may be freed on any thread; a block freed away from its owner
// waits on its page until the owner takes it back.
class NodePool {
 public:
  // constexpr, so a thread_local pool needs no initialisation check per use.
  explicit constexpr NodePool(std::size_t block_size)
      : block_size_((block_size + 7) / 8 * 8) {}

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
    FreeBlock* remote = nullptr;  // blocks returned by other threads (under a mutex)
    NodePool* owner = nullptr;
    char* fresh = nullptr;        // blocks from here to `end` not handed out since the (re)start
    char* end = nullptr;
    char* first = nullptr;
    std::uint32_t used = 0;       // blocks handed out and not yet returned
    bool listed = false;          // in the owner's partial_ list
    Page* next_partial = nullptr;
  };
  Page* next_page();
  void give_back_slow(Page* page, FreeBlock* block) noexcept;
  void give_back_remote(Page* page, FreeBlock* block) noexcept;

  std::size_t block_size_;
  Page* current_ = nullptr;  // blocks come from here
  Page* partial_ = nullptr;  // other pages with blocks to give
  char* spare_ = nullptr;    // pages not yet used, in the latest chunk
  char* spare_end_ = nullptr;
};

#ifndef GRADLAB_ASAN_POOL
inline void* NodePool::allocate() {
  Page* p = current_;
  if (p && p->free) {  // most often: a block that came back
    FreeBlock* b = p->free;
    p->free = b->next;
    ++p->used;
    return b;
  }
  if (!p || p->fresh == p->end) p = current_ = next_page();
  if (p->free) {
    FreeBlock* b = p->free;
    p->free = b->next;
    ++p->used;
    return b;
  }
  void* block = p->fresh;
  p->fresh += block_size_;
  ++p->used;
  return block;
}

inline void NodePool::deallocate(void* block) noexcept {
  auto* b = static_cast<FreeBlock*>(block);
  auto* p = reinterpret_cast<Page*>(reinterpret_cast<std::uintptr_t>(block) & ~(kPageBytes - 1));
  if (p->owner != this) return give_back_remote(p, b);
  if (p->used > 1 && (p == current_ || p->listed)) {  // most often: nothing else to do
    --p->used;
    b->next = p->free;
    p->free = b;
    return;
  }
  give_back_slow(p, b);
}
#endif

}  // namespace gradlab::detail
