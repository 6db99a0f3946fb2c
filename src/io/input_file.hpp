// SPDX-License-Identifier: MIT
// Opening a file a user named, for reading, checked before a byte is read:
// only a regular file, opened without blocking, no larger than a stated
// limit. Every reader in gradlab (models, checkpoints, safetensors, MNIST,
// word lists) opens through here; tests/input_file_test.cpp fails on any
// std::ifstream left in src/ or viz/. Internal; not an installed header.
#pragma once

#include <cstdint>
#include <string>

#include "tensor/sizes.hpp"

namespace gradlab::detail {

// A regular file open for reading. The constructor stats the path, opens it
// with O_NONBLOCK (so a FIFO swapped in meanwhile cannot hold the open), checks
// again on the open descriptor that it is a regular file, and refuses one of
// more than `max_bytes`. Every problem is a std::runtime_error
// "<what>: <path>: <problem>"; `if_missing` is added to the message when
// the file does not exist.
class InputFile {
 public:
  InputFile(const std::string& path, const std::string& what, std::uint64_t max_bytes,
            const std::string& if_missing = "");
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // The size the file had when it was opened (at most max_bytes).
  std::uint64_t size() const { return size_; }
  // The next n bytes, or fewer where the file ends (read() never reads past
  // the size it had when opened, so a file that grows cannot make it read
  // more). Memory the machine cannot give is an OutOfMemory (sizes.hpp)
  // naming the file, never a bare std::bad_alloc.
  std::string read(std::uint64_t n);
  // Exactly the next n bytes (n no more than are left of size()); throws if
  // the file has shrunk meanwhile.
  std::string read_exactly(std::uint64_t n);
  // The rest of the file, up to its size; throws if it has shrunk meanwhile.
  std::string read_rest() { return read_exactly(size_ - at_); }

  [[noreturn]] void refuse(const std::string& problem) const;

  // f(), where a std::bad_alloc (the reader's buffers, on a machine short of
  // memory) becomes an OutOfMemory naming the file: "read_safetensors:
  // m.safetensors: out of memory reading its 3221225472 bytes (std::bad_alloc)".
  template <class F>
  decltype(auto) reading(F f) const {
    try {
      return f();
    } catch (const OutOfMemory&) {
      throw;  // named already
    } catch (const std::bad_alloc&) {
      out_of_memory(what_ + ": " + path_, "reading its " + std::to_string(size_) + " bytes");
    }
  }

 private:
  std::string path_, what_;
  int fd_ = -1;
  std::uint64_t size_ = 0, at_ = 0;
};

}  // namespace gradlab::detail
