// SPDX-License-Identifier: MIT
// A newcomer may skip this file and read UserCounts as
// std::unordered_map<const Node*, std::uint32_t>: how many users of each
// node have yet to pass their gradient back (engine.cpp, order 2). It is a
// table of its own only to be fast: one array, open addressing, kept from
// one backward to the next, so a small graph's backward allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gradlab/node.hpp>

namespace gradlab::detail {

class UserCounts {
 public:
  // Forgets every count; a table that a large graph grew shrinks back.
  void clear() {
    if (slots_.size() > 4096 && 8 * used_ < slots_.size()) slots_.assign(slots_.size() / 4, Slot{});
    else if (used_) std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = 0;
  }
  // The count of n, 0 the first time n is asked for.
  std::uint32_t& operator[](const Node* n) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    Slot* s = find(n);
    if (!s->node) {
      s->node = n;
      ++used_;
    }
    return s->count;
  }

 private:
  struct Slot {
    const Node* node = nullptr;
    std::uint32_t count = 0;
  };
  // Where n is, or the empty slot where it would go (Fibonacci hashing of
  // the address, then the next slots in turn).
  Slot* find(const Node* n) {
    std::size_t mask = slots_.size() - 1;
    std::size_t i = (reinterpret_cast<std::uintptr_t>(n) >> 4) * 0x9E3779B97F4A7C15ull >> 20 & mask;
    while (slots_[i].node && slots_[i].node != n) i = (i + 1) & mask;
    return &slots_[i];
  }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.node) *find(s.node) = s;
  }
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace gradlab::detail
