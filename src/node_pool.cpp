// SPDX-License-Identifier: MIT
// The page pool behind scalar nodes (see node_pool.hpp): the slow paths, and
// under AddressSanitizer a checked version of the fast ones.

#include "node_pool.hpp"

#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#ifdef GRADLAB_ASAN_POOL
#include <sanitizer/asan_interface.h>
#endif

namespace gradlab::detail {

namespace {

std::mutex remote_mutex;  // guards every page's `remote` list

constexpr std::size_t kChunkPages = 64;  // pages are taken from the system 4 MiB at a time

// Owns every chunk of pages, so memory handed between threads stays valid,
// and frees them when the program ends.
struct ChunkRegistry {
  std::mutex mutex;
  std::vector<void*> chunks;
  ~ChunkRegistry() {
    for (void* c : chunks) std::free(c);
  }
};
ChunkRegistry& chunk_registry() {
  static ChunkRegistry registry;
  return registry;
}

}  // namespace

NodePool::Page* NodePool::next_page() {
  // A listed page with room, else blocks other threads gave back, else a new page.
  while (partial_) {
    Page* p = partial_;
    partial_ = p->next_partial;
    p->listed = false;
    if (p->free || p->fresh != p->end) return p;
  }
  if (current_) {
    FreeBlock* b;
    {
      std::lock_guard lock(remote_mutex);
      b = current_->remote;
      current_->remote = nullptr;
    }
    for (FreeBlock* next; b; b = next) {
      next = b->next;
      give_back_slow(current_, b);
    }
    if (current_->free || current_->fresh != current_->end) return current_;
  }
  if (!spare_) {
    void* chunk = std::aligned_alloc(kPageBytes, kChunkPages * kPageBytes);
    if (!chunk) throw std::bad_alloc();
    {
      ChunkRegistry& r = chunk_registry();
      std::lock_guard lock(r.mutex);
      r.chunks.push_back(chunk);
    }
    spare_ = static_cast<char*>(chunk);
    spare_end_ = spare_ + kChunkPages * kPageBytes;
  }
  char* memory = spare_;
  spare_ += kPageBytes;
  if (spare_ == spare_end_) spare_ = spare_end_ = nullptr;
  Page* p = new (memory) Page{};
  p->owner = this;
  std::size_t header = (sizeof(Page) + block_size_ - 1) / block_size_ * block_size_;
  p->first = p->fresh = memory + header;
  p->end = p->first + (kPageBytes - header) / block_size_ * block_size_;
  return p;
}

void NodePool::give_back_slow(Page* p, FreeBlock* b) noexcept {
  if (--p->used == 0) {
    // Every block is back: start again from the first, in address order.
    p->free = nullptr;
    p->fresh = p->first;
  } else {
    b->next = p->free;
    p->free = b;
  }
  if (p != current_ && !p->listed) {
    p->listed = true;
    p->next_partial = partial_;
    partial_ = p;
  }
}

void NodePool::give_back_remote(Page* p, FreeBlock* b) noexcept {
  // Another thread's page: leave the block for its owner to take back.
  std::lock_guard lock(remote_mutex);
  b->next = p->remote;
  p->remote = b;
}

#ifdef GRADLAB_ASAN_POOL
// The same paths, with free blocks poisoned so that a use after free is
// reported by AddressSanitizer.
void* NodePool::allocate() {
  Page* p = current_;
  if (!p || (!p->free && p->fresh == p->end)) p = current_ = next_page();
  void* block;
  if (p->free) {
    ASAN_UNPOISON_MEMORY_REGION(p->free, block_size_);
    block = p->free;
    p->free = p->free->next;
  } else {
    block = p->fresh;
    p->fresh += block_size_;
  }
  ASAN_UNPOISON_MEMORY_REGION(block, block_size_);
  ++p->used;
  return block;
}

void NodePool::deallocate(void* block) noexcept {
  auto* b = static_cast<FreeBlock*>(block);
  auto* p = reinterpret_cast<Page*>(reinterpret_cast<std::uintptr_t>(block) & ~(kPageBytes - 1));
  if (p->owner != this) return give_back_remote(p, b);
  give_back_slow(p, b);
  ASAN_POISON_MEMORY_REGION(b, block_size_);
}
#endif

}  // namespace gradlab::detail
