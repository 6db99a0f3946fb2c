// SPDX-License-Identifier: MIT
// A newcomer may skip this file: the page supply and the slow paths of the
// node arena (node_arena.hpp): new pages, reclaiming the tail, remote frees.

#include "core/node_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace gradlab::detail {

const char NodeArena::kDeadMark = 0;

constinit thread_local NodeArena node_arena(kArenaNodeBytes);

namespace {
struct ReleaseAtThreadEnd {
  ~ReleaseAtThreadEnd() { node_arena.release(); }
};
thread_local ReleaseAtThreadEnd release_at_thread_end;  // made on a thread's first page
}  // namespace

namespace {

constexpr std::size_t kChunkPages = 16;  // pages come from the system 4 MiB at a time
constexpr std::size_t kChunkBytes = kChunkPages * NodeArena::kPageBytes;

// A chunk aligned to the page size, straight from the kernel: mapped a page
// larger, then trimmed at both ends. (From malloc, each chunk would also
// cost the 4 KiB page that holds malloc's own header, 0.05 bytes a node.)
void* map_chunk() {
  const std::size_t span = kChunkBytes + NodeArena::kPageBytes;
  void* mapped = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = (start + NodeArena::kPageBytes - 1) & ~(NodeArena::kPageBytes - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  const std::uintptr_t tail = start + span - (aligned + kChunkBytes);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + kChunkBytes), tail);
  return reinterpret_cast<void*>(aligned);
}

// Every page of every arena: empty pages ready for any thread, and the chunks
// they were cut from, freed when the program ends. Its mutex also guards the
// fields of a page that other threads touch (owner, remote).
struct PageSupply {
  std::mutex mutex;
  std::vector<void*> chunks;
  std::vector<char*> empty;
  ~PageSupply() {
    for (void* c : chunks) munmap(c, kChunkBytes);
  }
  char* take() {
    std::lock_guard lock(mutex);
    if (empty.empty()) {
      chunks.reserve(chunks.size() + 1);  // first, so that a throw leaks no chunk
      void* chunk = map_chunk();
      chunks.push_back(chunk);
      for (std::size_t i = kChunkPages; i-- > 0;)
        empty.push_back(static_cast<char*>(chunk) + i * NodeArena::kPageBytes);
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

NodeArena::Page* NodeArena::new_top_page() {
  if (this == &node_arena) (void)&release_at_thread_end;
  take_back_remote();
  if (top_ && top_->top != top_->end) return top_;  // the tail came back meanwhile
  Page* p = spare_;
  if (p) {
    spare_ = p->next_spare;
  } else {
    char* memory = supply().take();
    p = new (memory) Page{};
    p->owner = this;
    std::size_t header = (sizeof(Page) + block_size_ - 1) / block_size_ * block_size_;
    p->first = memory + header;
    p->end = p->first + (kPageBytes - header) / block_size_ * block_size_;
  }
  p->top = p->first;
  p->used = 0;
  p->older = top_;
  p->newer = nullptr;
  if (top_) top_->newer = p;
  top_ = p;
  return p;
}

void NodeArena::reclaim_tail() noexcept {
  for (;;) {
    Page* p = top_;
    if (p->used == 0) p->top = p->first;  // every block dead: no need to look
    while (p->top != p->first && is_dead(p->top - block_size_)) p->top -= block_size_;
    if (p->top != p->first || !p->older) return;
    unlink(p);  // empty: the page below is the newest now
  }
}

void NodeArena::let_go() noexcept {
  holding_ = false;
  for (Page *p = top_ ? top_->older : nullptr, *older; p; p = older) {
    older = p->older;
    if (p->used == 0) unlink(p);
  }
  if (top_) reclaim_tail();
}

void NodeArena::unlink(Page* p) noexcept {
  if (p->older) p->older->newer = p->newer;
  if (p->newer) p->newer->older = p->older;
  if (p == top_) top_ = p->older;
  p->older = p->newer = nullptr;
  p->next_spare = spare_;
  spare_ = p;
}

void NodeArena::take_back_remote() {
  // Everything other threads share (the list, each page's remote blocks and
  // its link in the list) is read and cleared under one lock; the walk
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
      next = b->next;
      bury(p, b);
    }
    p->taken = nullptr;
  }
}

void NodeArena::give_back_remote(Page* p, FreeBlock* b) noexcept {
  std::lock_guard lock(supply().mutex);
  if (!p->owner) {  // the owning thread has ended: the page goes back whole
    if (--p->used == 0) supply().empty.push_back(reinterpret_cast<char*>(p));
    return;
  }
  b->next = p->remote;  // for the owner to take back
  p->remote = b;
  if (!p->has_remote) {
    p->has_remote = true;
    NodeArena* owner = p->owner.load(std::memory_order_relaxed);
    p->next_remote = owner->remote_pages_;
    owner->remote_pages_ = p;
  }
}

void NodeArena::release() noexcept {
  take_back_remote();
  std::lock_guard lock(supply().mutex);
  for (Page* p = spare_; p; p = p->next_spare) supply().empty.push_back(reinterpret_cast<char*>(p));
  for (Page* p = top_; p;) {
    Page* older = p->older;
    if (p->used == 0) supply().empty.push_back(reinterpret_cast<char*>(p));
    else p->owner.store(nullptr, std::memory_order_relaxed);  // the last free returns the page
    p = older;
  }
  top_ = spare_ = nullptr;
}

}  // namespace gradlab::detail
