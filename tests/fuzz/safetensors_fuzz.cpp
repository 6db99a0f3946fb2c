// SPDX-License-Identifier: MIT
// libFuzzer target for the safetensors reader: any bytes must give tensors
// that agree with their header, or a std::runtime_error naming the problem;
// never a crash, a hang, a read out of bounds or a leak.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <gradlab/serialize.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  gradlab::Metadata metadata;
  try {
    gradlab::NamedTensors tensors = gradlab::detail::parse_safetensors("fuzz", bytes, &metadata);
    for (const auto& [name, t] : tensors) {
      std::int64_t numel = 1;
      for (std::int64_t d : t.shape()) numel *= d;
      if (name.empty() || numel != t.numel()) __builtin_trap();  // a tensor that lies about its size
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
