// SPDX-License-Identifier: MIT
// libFuzzer target for the MNIST reader (mnist.hpp): the input is every
// digit's file at once (0.json .. 9.json link to one file in memory); it must
// load or be refused with std::runtime_error; never a crash, an overread or
// a leak. Seeds: tests/fuzz/mnist_corpus (written by make_seeds.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <gradlab/mnist.hpp>

#include "memory_file.hpp"

namespace gl = gradlab;
namespace fs = std::filesystem;

namespace {

// A folder whose ten digit files all name the memory file; removed at exit.
struct DigitFolder {
  gl::fuzz::MemoryFile file;
  fs::path dir = fs::temp_directory_path() / ("gradlab_mnist_fuzz_" + std::to_string(::getpid()));
  DigitFolder() {
    fs::create_directories(dir);
    for (int d = 0; d < 10; ++d) {
      fs::path link = dir / (std::to_string(d) + ".json");
      fs::remove(link);
      fs::create_symlink(file.path(), link);
    }
  }
  ~DigitFolder() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static DigitFolder folder;
  folder.file.fill(data, size);
  try {
    gl::Mnist m = gl::load_mnist(folder.dir.string(), 1);
    if (m.train_images.shape()[0] != 10 || m.train_images.shape()[1] != 784) __builtin_trap();
    for (double x : m.train_images.data())
      if (!(x >= 0 && x <= 1)) __builtin_trap();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
