// SPDX-License-Identifier: MIT
// All-or-nothing file writes: an unnamed temporary file (O_TMPFILE) in the
// target's directory, written and fsynced, linked under a short random name
// and renamed over the target; then the directory is fsynced. Where the file
// system has no unnamed files, a short random name opened with O_EXCL.

#include "io/atomic_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <system_error>
#include <sys/random.h>
#include <unistd.h>

namespace gradlab::detail {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);  // drop the dot
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

namespace {

// "dir/" of "dir/name", "" for a bare name: where the temporary file goes,
// so the rename never crosses file systems.
std::string directory_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// ".gradlab-<12 random letters>.tmp": short whatever the target's name, so a
// legal name of 255 bytes still has a temporary, and unpredictable, so a
// leftover from a killed process never collides with a new one.
std::string temporary_name(const std::string& dir) {
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char random[12];
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    for (unsigned char& r : random) r = static_cast<unsigned char>(gen());
  }
  std::string name = dir + ".gradlab-";
  for (unsigned char r : random) name += kLetters[r % (sizeof kLetters - 1)];
  return name + ".tmp";
}

constexpr int kNameTries = 100;  // a collision of 62 random bits is not expected even once

// A descriptor closed when it goes out of scope. After a successful fsync a
// close has nothing left to report, so its result is not needed.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void throw_errno(int err) { throw std::system_error(err, std::generic_category()); }

// Every byte, then fsync: on disk before the name can point at it.
void write_and_sync(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno(n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw_errno(errno);
}

// Links the unnamed file fd under a new random name in dir; "" when this
// system cannot (no /proc, or no permission), so the caller falls back.
std::string link_unnamed(int fd, const std::string& dir) {
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  for (int i = 0; i < kNameTries; ++i) {
    std::string name = temporary_name(dir);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0)
      return name;
    if (errno == EEXIST) continue;
    if (errno == ENOENT || errno == EPERM || errno == EACCES) return "";
    throw_errno(errno);
  }
  throw_errno(EEXIST);
}

// The bytes, complete and on disk, under a temporary name in dir; or an
// exception with nothing left behind. The unnamed file has no name until it
// is whole, so a process killed while writing leaves nothing; a named one
// (the fallback) leaves its short random name.
std::string write_temporary(const std::string& dir, std::string_view bytes, TempFile how) {
  const char* here = dir.empty() ? "." : dir.c_str();
  if (how == TempFile::kUnnamed) {
    Descriptor file{::open(here, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666)};
    if (file.fd >= 0) {
      write_and_sync(file.fd, bytes);
      if (std::string name = link_unnamed(file.fd, dir); !name.empty()) return name;
    } else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
      throw_errno(errno);  // EISDIR, EINVAL: a kernel or file system without O_TMPFILE
    }
  }
  for (int i = 0; i < kNameTries; ++i) {
    std::string name = temporary_name(dir);
    Descriptor file{::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)};
    if (file.fd < 0 && errno == EEXIST) continue;  // someone's leftover: another name
    if (file.fd < 0) throw_errno(errno);
    try {
      write_and_sync(file.fd, bytes);
    } catch (...) {
      std::remove(name.c_str());
      throw;
    }
    return name;
  }
  throw_errno(EEXIST);
}

// The rename is only durable once the directory that holds the name is on disk.
void sync_directory(const std::string& dir) {
  Descriptor d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) throw_errno(errno);
  // EINVAL: a file system that cannot sync directories; there is nothing more to do.
  if (::fsync(d.fd) != 0 && errno != EINVAL) throw_errno(errno);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& what,
                           std::string_view bytes, TempFile how) {
  if (path.empty()) throw std::runtime_error(what + ": the output path is empty");
  auto fail = [&](const std::string& reason) {
    throw std::runtime_error(what + ": cannot write '" + path + "': " + reason);
  };
  const std::string dir = directory_of(path);
  std::string tmp;
  try {
    tmp = write_temporary(dir, bytes, how);
  } catch (const std::system_error& e) {
    fail(std::strerror(e.code().value()));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    fail(std::strerror(err));
  }
  try {
    sync_directory(dir);
  } catch (const std::system_error& e) {
    fail(std::string("the file is in place but its directory could not be synced (") +
         std::strerror(e.code().value()) + ")");
  }
}

}  // namespace gradlab::detail
