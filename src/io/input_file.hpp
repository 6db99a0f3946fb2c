// SPDX-License-Identifier: MIT
// Opening a file a user named, for reading, checked before a byte is read:
// only a regular file, opened without blocking, no larger than a stated
// limit. Every reader in gradlab (models, checkpoints, MNIST) opens through
// here. Internal; not an installed header.
#pragma once

#include <cstdint>
#include <string>

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
  // the size it had when opened, so a file that grows cannot make it read more).
  std::string read(std::uint64_t n);
  // The rest of the file, up to its size; throws if it has shrunk meanwhile.
  std::string read_rest();

  [[noreturn]] void refuse(const std::string& problem) const;

 private:
  std::string path_, what_;
  int fd_ = -1;
  std::uint64_t size_ = 0, at_ = 0;
};

}  // namespace gradlab::detail
