// SPDX-License-Identifier: MIT
// All-or-nothing file writes for the renderers: temporary file, then rename.

#include "atomic_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace gradlab::viz::detail {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);  // drop the dot
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

void write_atomically(const std::string& path, const std::string& what,
                      const std::function<bool(const std::string&)>& write) {
  if (path.empty()) throw std::runtime_error(what + ": the output path is empty");
  // mkstemp in the target's own directory, so the final rename never crosses
  // file systems and an unwritable directory is found before any work is done.
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    throw std::runtime_error(what + ": cannot write '" + path + "': " + std::strerror(errno));
  }
  ::fchmod(fd, 0644);
  ::close(fd);
  bool ok = false;
  try {
    ok = write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  struct stat st {};
  if (!ok || ::stat(tmp.c_str(), &st) != 0 || st.st_size == 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(what + ": writing '" + path + "' failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error(what + ": cannot write '" + path + "': " + std::strerror(err));
  }
}

}  // namespace gradlab::viz::detail
