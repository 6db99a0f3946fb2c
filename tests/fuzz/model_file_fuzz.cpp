// SPDX-License-Identifier: MIT
// libFuzzer target for the model-file reader (serialize.hpp): any bytes must
// load or be refused with std::runtime_error, and a refused load must leave
// the destination as it was; never a crash, an overread or a leak. Each input
// is tried as it is and with its size and checksum made valid.
// Seeds: tests/fuzz/model_corpus (written by make_seeds.cpp).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <gradlab/serialize.hpp>

#include "memory_file.hpp"

namespace gl = gradlab;

namespace {

// read() and load() of the file: loaded, or refused with the destination as it was.
void read_and_load(const std::string& path) {
  // What the seed model.gl holds: load() goes on past read() to compare names and shapes.
  gl::NamedTensors into = {{"fc1.weight", gl::zeros({2, 3})},
                           {"fc1.bias", gl::zeros({2})},
                           {"scale", gl::scalar_tensor(0.0)}};
  try {
    gl::NamedTensors tensors = gl::read(path);
    for (const auto& [name, t] : tensors)
      if (static_cast<std::size_t>(t.numel()) != t.data().size()) __builtin_trap();
  } catch (const std::runtime_error&) {
  }
  try {
    gl::load(path, into);
  } catch (const std::runtime_error&) {
    for (const auto& [name, t] : into)
      for (double x : t.data())
        if (x != 0) __builtin_trap();  // a refused load changes nothing
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gl::fuzz::MemoryFile file;
  file.fill(data, size);
  read_and_load(file.path());
  // The same bytes with a valid size and checksum: on to the entries.
  if (std::string fixed = gl::fuzz::with_valid_checksum(data, size); !fixed.empty()) {
    file.fill(fixed);
    read_and_load(file.path());
  }
  return 0;
}
