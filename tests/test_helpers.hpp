// SPDX-License-Identifier: MIT
// What several suites need: the message of the exception a call throws, and
// a finite-difference check of a tensor function, a scratch directory.
#pragma once

#include <boost/test/unit_test.hpp>

#include <exception>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

#include <gradlab/gradcheck.hpp>
#include <gradlab/tensor.hpp>

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

// Checks f's gradients at `inputs` against central differences (f returns
// a one-element tensor); the table is printed when it fails.
inline void check(const std::string& what, const TensorFunction& f, const std::vector<Tensor>& inputs,
                  const GradCheckOptions& options = {}) {
  BOOST_TEST_CONTEXT(what) {
    GradCheckResult r = gradcheck(f, inputs, options);
    BOOST_TEST(r.ok(), r);
    BOOST_TEST(!r.entries.empty());
  }
}

// A weighted sum, so every element of t gets its own gradient.
inline Tensor weigh(const Tensor& t) {
  std::vector<double> w(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.5 + 0.25 * static_cast<double>(i % 7);
  return (t * tensor(w, t.shape())).sum();
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
