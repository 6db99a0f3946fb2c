// SPDX-License-Identifier: MIT
// A free list of equal-sized blocks for small nodes: allocating and freeing is
// a pointer swap, and a block carries no allocator header. Internal.
#pragma once

#include <cstddef>

namespace gradlab::detail {

// Blocks are carved from large slabs that live until the program ends, so a
// block may be freed on any thread (it joins that thread's free list).
// Use one pool per thread and block size; blocks are aligned for any type
// of pointer alignment (8 bytes), which is all a node needs.
class NodePool {
 public:
  // constexpr, so a thread_local pool needs no initialisation check per use.
  explicit constexpr NodePool(std::size_t block_size)
      : block_size_((block_size + alignof(FreeBlock) - 1) / alignof(FreeBlock) *
                    alignof(FreeBlock)) {}
  void* allocate();
  void deallocate(void* block) noexcept;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  void grow();

  std::size_t block_size_;
  FreeBlock* free_ = nullptr;
};

}  // namespace gradlab::detail
