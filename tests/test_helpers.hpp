// SPDX-License-Identifier: MIT
// What several suites need: the message of the exception a call throws.
#pragma once

#include <exception>
#include <string>

namespace gradlab::testing {

// what() of the E that f() throws, or "(no error)"; another exception type
// propagates, so the test fails on it.
template <class E = std::exception, class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace gradlab::testing
