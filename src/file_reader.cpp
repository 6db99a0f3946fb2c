// SPDX-License-Identifier: MIT
// Reading a user's file: open without blocking (a FIFO would wait for a
// writer forever), check that it is a regular file, then read what fstat
// promised and not a byte more.

#include "file_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace gradlab::detail {

namespace {

[[noreturn]] void refuse(const std::string& op, const std::string& path, const std::string& problem) {
  throw std::runtime_error(op + ": " + path + ": " + problem);
}

// Closes the descriptor on every way out.
struct Descriptor {
  int fd;
  ~Descriptor() { ::close(fd); }
};

}  // namespace

std::string read_regular_file(const std::string& op, const std::string& path, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) refuse(op, path, std::string("cannot open (") + std::strerror(errno) + ")");
  Descriptor guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) refuse(op, path, std::string("cannot stat (") + std::strerror(errno) + ")");
  if (S_ISDIR(st.st_mode)) refuse(op, path, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) refuse(op, path, "is not a regular file");
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes)
    refuse(op, path, "is " + std::to_string(size) + " bytes, over the limit of " +
                         std::to_string(max_bytes));
  std::string bytes;
  try {
    bytes.resize(static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    refuse(op, path, "is " + std::to_string(size) + " bytes, more than this machine can hold");
  }
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) refuse(op, path, std::string("read error (") + std::strerror(errno) + ")");
    if (n == 0) break;  // the file shrank while we read it
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

}  // namespace gradlab::detail
