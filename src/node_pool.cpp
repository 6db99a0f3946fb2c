// SPDX-License-Identifier: MIT
// The page pool behind scalar nodes (see node_pool.hpp): the page supply, the
// slow paths, and under AddressSanitizer a checked version of the fast ones.

#include "node_pool.hpp"

#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#ifdef GRADLAB_ASAN_POOL
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace gradlab::detail {

namespace {

constexpr std::size_t kChunkPages = 64;  // pages come from the system 4 MiB at a time

// Every page of every pool: empty pages ready for any thread, and the chunks
// they were cut from, freed when the program ends. Its mutex also guards the
// fields of a page that other threads touch (owner, remote).
struct PageSupply {
  std::mutex mutex;
  std::vector<void*> chunks;
  std::vector<char*> empty;
  ~PageSupply() {
    for (void* c : chunks) std::free(c);
  }
  char* take() {
    std::lock_guard lock(mutex);
    if (empty.empty()) {
      void* chunk = std::aligned_alloc(NodePool::kPageBytes, kChunkPages * NodePool::kPageBytes);
      if (!chunk) throw std::bad_alloc();
      chunks.push_back(chunk);
      for (std::size_t i = kChunkPages; i-- > 0;)
        empty.push_back(static_cast<char*>(chunk) + i * NodePool::kPageBytes);
    }
    char* page = empty.back();
    empty.pop_back();
    return page;
  }
};
PageSupply& supply() {
  static PageSupply* s = new PageSupply;  // never destroyed: nodes may die after statics
  return *s;
}

}  // namespace

NodePool::Page* NodePool::next_page() {
  take_back_remote();
  // The current page again if blocks came back to it (it is never listed,
  // so leaving it now would strand them), else a listed page with room, else
  // a page from the supply.
  if (current_ && (current_->free || current_->fresh != current_->end)) return current_;
  while (partial_) {
    Page* p = partial_;
    partial_ = p->next_partial;
    p->listed = false;
    if (p->free || p->fresh != p->end) return p;
  }
  char* memory = supply().take();
  Page* p = new (memory) Page{};
  p->owner = this;
  std::size_t header = (sizeof(Page) + block_size_ - 1) / block_size_ * block_size_;
  p->first = p->fresh = memory + header;
  p->end = p->first + (kPageBytes - header) / block_size_ * block_size_;
  POISON(p->first, p->end - p->first);
  p->next_owned = owned_;
  owned_ = p;
  return p;
}

void NodePool::take_back_remote() {
  // Everything other threads share (the list, each page's remote blocks and
  // its link in the list) is read and cleared under one lock; once a page's
  // has_remote is false another thread may relink it at once, so the walk
  // afterwards follows next_taken, which only this thread touches.
  Page* taken = nullptr;
  {
    std::lock_guard lock(supply().mutex);
    for (Page* p = remote_pages_; p; p = p->next_remote) {
      p->taken = p->remote;
      p->remote = nullptr;
      p->has_remote = false;
      p->next_taken = taken;
      taken = p;
    }
    remote_pages_ = nullptr;
  }
  for (Page* p = taken; p; p = p->next_taken) {
    for (FreeBlock *b = p->taken, *next; b; b = next) {
      UNPOISON(b, sizeof(FreeBlock));
      next = b->next;
      give_back(p, b);
    }
    p->taken = nullptr;
  }
}

void NodePool::give_back(Page* p, FreeBlock* b) noexcept {
  if (--p->used == 0) {
    // Every block is back: start again from the first, in address order.
    p->free = nullptr;
    p->fresh = p->first;
  } else {
    b->next = p->free;
    p->free = b;
  }
  POISON(b, block_size_);  // a use after free now trips AddressSanitizer
  if (p != current_ && !p->listed) {
    p->listed = true;
    p->next_partial = partial_;
    partial_ = p;
  }
}

void NodePool::give_back_remote(Page* p, FreeBlock* b) noexcept {
  std::lock_guard lock(supply().mutex);
  if (!p->owner) {  // the owning thread has ended: the page goes back whole
    if (--p->used == 0) supply().empty.push_back(reinterpret_cast<char*>(p));
    return;
  }
  b->next = p->remote;  // for the owner to take back
  p->remote = b;
  POISON(b, block_size_);
  if (!p->has_remote) {
    p->has_remote = true;
    NodePool* owner = p->owner.load(std::memory_order_relaxed);
    p->next_remote = owner->remote_pages_;
    owner->remote_pages_ = p;
  }
}

NodePool::~NodePool() {
  take_back_remote();
  std::lock_guard lock(supply().mutex);
  for (Page* p = owned_; p;) {
    Page* next = p->next_owned;
    if (p->used == 0) supply().empty.push_back(reinterpret_cast<char*>(p));
    else p->owner.store(nullptr, std::memory_order_relaxed);  // the last free returns the page
    p = next;
  }
  owned_ = current_ = partial_ = nullptr;
}

#ifdef GRADLAB_ASAN_POOL
// The same paths as the inline ones, with free blocks poisoned.
void* NodePool::allocate() {
  Page* p = current_;
  if (!p || (!p->free && p->fresh == p->end)) p = current_ = next_page();
  ++p->used;
  void* block;
  if (p->free) {
    UNPOISON(p->free, block_size_);
    block = p->free;
    p->free = p->free->next;
  } else {
    block = p->fresh;
    p->fresh += block_size_;
  }
  UNPOISON(block, block_size_);
  return block;
}

void NodePool::deallocate(void* block) noexcept {
  auto* b = static_cast<FreeBlock*>(block);
  auto* p = reinterpret_cast<Page*>(reinterpret_cast<std::uintptr_t>(block) & ~(kPageBytes - 1));
  if (p->owner.load(std::memory_order_relaxed) != this) return give_back_remote(p, b);
  give_back(p, b);
}
#endif

}  // namespace gradlab::detail
