// SPDX-License-Identifier: MIT
// What several suites need: the message of the exception a call throws, and
// a scratch directory.
#pragma once

#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

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

// A fresh directory under the system's temporary one (named after the suite
// and the process), removed with all it holds when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& suite)
      : path(std::filesystem::temp_directory_path() /
             ("gradlab_" + suite + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace gradlab::testing
