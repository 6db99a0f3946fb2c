// SPDX-License-Identifier: MIT
// What several suites need: the message of the exception a call throws, and
// a finite-difference check of a tensor function, a scratch directory, a
// file's bytes, the size of a PNG file.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <thread>
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

// The same for a module's parameters: loss() is evaluated with each element
// of each parameter moved by +-h, against the gradients backward() leaves.
template <class M, class L>
void check_parameters(const std::string& what, M& module, L loss, double h = 1e-6) {
  module.zero_grad();
  loss().backward();
  for (auto& [name, p] : module.named_parameters()) {
    Tensor param = p;
    std::vector<double> grad = param.grad().to_vector();
    for (std::size_t i = 0; i < grad.size(); ++i) {
      double x = param.data()[i];
      param.data()[i] = x + h;
      double up = loss().item();
      param.data()[i] = x - h;
      double down = loss().item();
      param.data()[i] = x;
      double numeric = (up - down) / (2 * h);
      BOOST_TEST(std::abs(numeric - grad[i]) <= 1e-6 + 1e-5 * std::abs(numeric),
                 what << ": d/d" << name << "[" << i << "] numeric " << numeric << " autograd " << grad[i]);
    }
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

// The same shape, and every element within 1e-11 (a fixture's numbers).
inline void same(const Tensor& a, const Tensor& b) {
  BOOST_TEST(to_string(a.shape()) == to_string(b.shape()));
  BOOST_TEST(a.to_vector() == b.to_vector(), boost::test_tools::tolerance(1e-11) << boost::test_tools::per_element());
}

// Whether two tensors hold the same shape and the same bits (NaN payloads,
// -0 included); an empty tensor's data may be null, which memcmp must not see.
inline bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.data().size() == b.data().size() &&
         (a.data().empty() ||
          std::memcmp(a.data().data(), b.data().data(), a.data().size() * sizeof(double)) == 0);
}

// A whole file's bytes, and a file made of given bytes.
inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The message of the error f() gives when it reads `fifo`, a FIFO made here
// with no writer: a reader that opens it blindly waits for a writer forever.
// f must answer within 5 s; if it does not, the test fails and the FIFO is
// opened from this side until f lets go, so the suite still ends.
inline std::string error_reading_fifo(const std::filesystem::path& fifo,
                                      const std::function<void()>& f) {
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto reading = std::async(std::launch::async, [&] { return error_of(f); });
  if (reading.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    BOOST_ERROR("reading the FIFO " << fifo << " blocked for 5 s");
    while (reading.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // a blocked open() returns, read() ends
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (fd >= 0) ::close(fd);
    }
  }
  return reading.get();
}

// A file of `bytes` bytes at `path` that takes no room on disk (a hole),
// beginning with `start`: for files too big to read.
inline void write_sparse(const std::filesystem::path& path, const std::string& start, std::uint64_t bytes) {
  { std::ofstream(path, std::ios::binary) << start; }
  std::filesystem::resize_file(path, bytes);
}

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
