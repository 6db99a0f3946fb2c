// SPDX-License-Identifier: MIT
// All-or-nothing file writes for the renderers: temporary file, fsync, rename.

#include "atomic_file.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace gradlab::detail {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);  // drop the dot
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

void write_file_atomically(const std::string& path, const std::string& what,
                           std::string_view bytes) {
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error(what + ": cannot write '" + path + "': " + reason);
  };
  if (path.empty()) throw std::runtime_error(what + ": the output path is empty");
  // A name of our own in the target's directory, so the rename never crosses
  // file systems; O_EXCL so that no other file is ever overwritten by it.
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      std::remove(tmp.c_str());
      fail(std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;  // closed either way: no descriptor leaks
  if (err != 0) {
    std::remove(tmp.c_str());
    fail(std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    fail(std::strerror(err));
  }
}

}  // namespace gradlab::detail
