// SPDX-License-Identifier: MIT
// The thread-local grad-mode switch behind NoGradGuard.

#include <gradlab/grad_mode.hpp>

namespace gradlab::detail {

constinit thread_local bool grad_enabled = true;

}  // namespace gradlab::detail
