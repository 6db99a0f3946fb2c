// SPDX-License-Identifier: MIT
// A regular file in memory (memfd) that the file fuzzers fill with each
// input and hand to gradlab's readers by path (/proc/self/fd/N): the whole
// reader runs, checked opener included, with no disk in the loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>

namespace gradlab::fuzz {

class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("gradlab_fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  // Replaces the file's bytes with data[0, size).
  void fill(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    for (std::size_t done = 0; done < size;) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  void fill(std::string_view bytes) {
    fill(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// The input made to pass the gradlab file's whole-file checks (serialize.hpp):
// the size field set to the input's size and the checksum recomputed, so the
// mutations reach the header's entries, the shapes and the numbers behind
// them instead of stopping at "checksum mismatch". Empty when too short.
inline std::string with_valid_checksum(const std::uint8_t* data, std::size_t size) {
  if (size < 32) return {};
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 8; ++i) bytes[16 + i] = static_cast<char>((std::uint64_t{size} >> (8 * i)) & 0xff);
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 of every byte before the checksum
  for (std::size_t i = 0; i + 8 < size; ++i) {
    h ^= static_cast<unsigned char>(bytes[i]);
    h *= 1099511628211ull;
  }
  for (int i = 0; i < 8; ++i) bytes[size - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xff);
  return bytes;
}

}  // namespace gradlab::fuzz
