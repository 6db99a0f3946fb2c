// SPDX-License-Identifier: MIT
// Grad mode: whether ops record the graph that backward() needs. It is on by
// default and per thread; NoGradGuard turns it off for a scope, as in LibTorch.
#pragma once

namespace gradlab {

namespace detail {
extern constinit thread_local bool grad_enabled;
}

inline bool is_grad_enabled() { return detail::grad_enabled; }
inline void set_grad_enabled(bool enabled) { detail::grad_enabled = enabled; }

// While a NoGradGuard lives, ops on this thread record no graph: their results
// are leaves that take no gradient (use it for evaluation and for updates).
class NoGradGuard {
 public:
  NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace gradlab
