// SPDX-License-Identifier: MIT
// What several suites need: the message of the exception a call throws, and
// a finite-difference check of a tensor function, a scratch directory, the
// size of a PNG file.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
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

// The tensors of a fixture file made by a script in tests/fixtures/: lines
// "NAME d0 d1 ... : v0 v1 ..."; other lines are skipped.
inline std::map<std::string, Tensor> read_fixture(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read fixture " + path);
  std::map<std::string, Tensor> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, word;
    words >> name;
    Shape shape;
    while (words >> word && word != ":") {
      if (word.find_first_not_of("0123456789") != std::string::npos) break;
      shape.push_back(std::stoll(word));
    }
    if (word != ":") continue;
    std::vector<double> values;
    while (words >> word) values.push_back(std::stod(word));
    out[name] = tensor(values, shape);
  }
  return out;
}

// The width and height of the PNG at `path` (from its IHDR chunk, which
// follows the 8-byte signature), or {0, 0} when the file is not a PNG.
inline std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char b[24] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!in || !std::equal(signature, signature + 8, b) || !std::equal(b + 12, b + 16, "IHDR")) return {0, 0};
  auto be32 = [&](int at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
  };
  return {be32(16), be32(20)};
}

}  // namespace gradlab::testing
