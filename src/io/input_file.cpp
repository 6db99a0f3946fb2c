// SPDX-License-Identifier: MIT
// The checked opener (input_file.hpp): stat, open without blocking, fstat,
// then bounded reads.

#include "io/input_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace gradlab::detail {

namespace {

// What a path is when it is not a regular file, for the message.
std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory, not a file";
  if (S_ISFIFO(mode)) return "is not a regular file (it is a FIFO)";
  if (S_ISCHR(mode)) return "is not a regular file (it is a character device)";
  if (S_ISBLK(mode)) return "is not a regular file (it is a block device)";
  if (S_ISSOCK(mode)) return "is not a regular file (it is a socket)";
  return "is not a regular file";
}

}  // namespace

InputFile::InputFile(const std::string& path, const std::string& what, std::uint64_t max_bytes,
                     const std::string& if_missing)
    : path_(path), what_(what) {
  if (path.empty()) throw std::runtime_error(what + ": the path is empty");
  auto cannot_open = [&](int err) {
    refuse(std::string("cannot open (") + std::strerror(err) + ")" +
           (err == ENOENT && !if_missing.empty() ? "; " + if_missing : ""));
  };
  // 1. The type first, without opening: opening a FIFO or a device can block
  //    or have effects of its own.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) cannot_open(errno);
  if (!S_ISREG(st.st_mode)) refuse(kind_of(st.st_mode));
  // 2. Open without blocking, in case the path now names something else.
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) cannot_open(errno);
  fd_ = fd;
  // 3. What was opened is what counts. A refusal here closes the descriptor
  //    itself: the destructor does not run for an unfinished constructor.
  auto give_up = [&](const std::string& problem) {
    ::close(fd_);
    fd_ = -1;
    refuse(problem);
  };
  if (::fstat(fd_, &st) != 0) give_up(std::string("cannot read (") + std::strerror(errno) + ")");
  if (!S_ISREG(st.st_mode)) give_up(kind_of(st.st_mode));
  // 4. Reads of a regular file never block; back to ordinary reads.
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK) != 0)
    give_up(std::string("cannot read (") + std::strerror(errno) + ")");
  size_ = static_cast<std::uint64_t>(st.st_size);
  if (size_ > max_bytes)
    give_up("is " + std::to_string(size_) + " bytes, more than the " + std::to_string(max_bytes) +
            " bytes such a file may have");
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::refuse(const std::string& problem) const {
  throw std::runtime_error(what_ + ": " + path_ + ": " + problem);
}

std::string InputFile::read(std::uint64_t n) {
  n = std::min(n, size_ - at_);
  std::string out;
  try {
    out.resize(static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {  // a file under its limit, on a machine short of memory
    out_of_memory(what_ + ": " + path_, "reading " + std::to_string(n) + " of its bytes");
  }
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t got = ::read(fd_, out.data() + done, out.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) refuse(std::string("read error (") + std::strerror(errno) + ")");
    if (got == 0) break;  // shorter than when it was opened
    done += static_cast<std::size_t>(got);
  }
  out.resize(done);
  at_ += done;
  return out;
}

std::string InputFile::read_exactly(std::uint64_t want) {
  std::string out = read(want);
  if (out.size() != want)
    refuse("changed while it was read (it had " + std::to_string(size_) + " bytes, then ended after " +
           std::to_string(at_) + ")");
  return out;
}

}  // namespace gradlab::detail
