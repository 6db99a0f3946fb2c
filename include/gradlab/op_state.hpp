// SPDX-License-Identifier: MIT
// What a tensor op keeps for its backward beyond its operands, as a small
// struct declared beside the op, so that a backward reads names, not slots:
//
//   struct PermuteState {
//     std::vector<std::int64_t> perm;  // out's dim d is a's dim perm[d]
//   };
//   ... forward:  keep(result, PermuteState{std::move(perm)});
//   ... backward: const auto& [perm] = state<PermuteState>(n);
//
// The struct lives inside the tensor node (no allocation of its own, nothing
// to pay on the hot path); it is destroyed with the node. Reading it as
// another type than it was stored as throws std::logic_error naming the op.
#pragma once

#include <cstddef>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace gradlab {

class OpState {
 public:
  static constexpr std::size_t kBytes = 48;  // room for the largest op's state

  OpState() = default;
  OpState(const OpState&) = delete;
  OpState& operator=(const OpState&) = delete;
  ~OpState() { reset(); }

  // Stores s, replacing what was there.
  template <class S>
  S& emplace(S s) {
    static_assert(sizeof(S) <= kBytes, "an op's state must fit in OpState::kBytes");
    static_assert(alignof(S) <= 8, "an op's state holds numbers, sizes and vectors");
    reset();
    S* stored = ::new (static_cast<void*>(bytes_)) S(std::move(s));
    type_ = &kType<S>;
    return *stored;
  }

  // The state as the S it was stored as; `op` names the reader in the error.
  template <class S>
  const S& get(const char* op) const {
    if (type_ != &kType<S>)
      throw std::logic_error(std::string(op) + ": the node keeps " +
                             (type_ ? "another op's state" : "no state") + " than its backward reads");
    return *std::launder(reinterpret_cast<const S*>(bytes_));
  }

  bool empty() const { return type_ == nullptr; }
  void reset() {
    if (type_) type_->destroy(bytes_);
    type_ = nullptr;
  }

 private:
  // One of these per state type: its address tells the types apart.
  struct Type {
    void (*destroy)(void* state);
  };
  template <class S>
  static constexpr Type kType{[](void* state) { static_cast<S*>(state)->~S(); }};

  alignas(8) std::byte bytes_[kBytes];
  const Type* type_ = nullptr;
};

}  // namespace gradlab
