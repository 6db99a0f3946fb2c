// SPDX-License-Identifier: MIT
// libFuzzer target for the safetensors reader (serialize.hpp): any bytes must
// give tensors that agree with their header, or a std::runtime_error naming
// the problem, and a refused load_safetensors must leave the destination as
// it was; never a crash, an overread, a hang or a leak.
// Seeds: tests/fuzz/safetensors_corpus (hand-assembled from the specification),
// and a header of 200,000 entries that `fuzz_seeds --large DIR` writes at
// fuzzing time (11 MB, too big to commit): a parse that is not linear in the
// header times out on it (nlohmann::ordered_json took 46 s).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <gradlab/serialize.hpp>

#include "memory_file.hpp"

namespace gl = gradlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gl::fuzz::MemoryFile file;
  file.fill(data, size);
  bool read = false, header_read = false;
  try {
    for (const auto& [name, t] : gl::read_safetensors(file.path())) {
      std::int64_t numel = 1;
      for (std::int64_t d : t.shape()) numel *= d;
      if (name.empty() || numel != t.numel()) __builtin_trap();  // a tensor that lies about its size
    }
    read = true;
  } catch (const std::runtime_error&) {
  }
  // The metadata comes from the header alone, after the same checks: it is
  // refused exactly when the whole file is (the numbers cannot be wrong).
  try {
    gl::read_safetensors_metadata(file.path());
    header_read = true;
  } catch (const std::runtime_error&) {
  }
  if (read != header_read) __builtin_trap();
  // What the seed f64_with_metadata holds, so load goes on to compare names and shapes.
  gl::NamedTensors into = {{"0.weight", gl::zeros({2, 2})}, {"0.bias", gl::zeros({2})}};
  try {
    gl::load_safetensors(file.path(), into);
  } catch (const std::runtime_error&) {
    for (const auto& [name, t] : into)
      for (double x : t.data())
        if (x != 0) __builtin_trap();  // a refused load changes nothing
  }
  return 0;
}
