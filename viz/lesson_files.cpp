// SPDX-License-Identifier: MIT
// lesson_files.hpp: the record of a lesson's own files, read and written
// whole; each file known by its size and FNV-1a hash, read back through the
// library's checked opener.

#include "lesson_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"

namespace gradlab::viz::detail {

namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader =
    "gradlab lesson record 1: the files a lesson wrote in this folder, as size, FNV-1a hash and name. "
    "A lesson replaces or removes only these, and only while they are unchanged.";
constexpr std::uint64_t kMaxRecordBytes = 1 << 20;
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;  // a page of many pictures

// The names a lesson writes: step_NN.png (two digits or more) and index.html.
bool lesson_name(const std::string& name) {
  if (name == "index.html") return true;
  if (name.size() < 11 || name.rfind("step_", 0) != 0 || !name.ends_with(".png")) return false;
  for (std::size_t i = 5; i + 4 < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return false;
  return true;
}

// A regular file itself (not a link to one), and its size.
bool regular_file(const std::string& path, std::uint64_t& size) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::uint64_t hash_of(const std::string& path, std::uint64_t max_bytes) {
  gradlab::detail::InputFile in(path, "Lesson", max_bytes);
  return fnv1a(in.read_rest());
}

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

LessonFiles::LessonFiles(const std::string& dir) : dir_(dir) {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error)
    throw std::runtime_error("Lesson: cannot make the folder '" + dir_ + "' for its pictures (" + error.message() +
                             "); give a folder you can write to");
  if (!fs::is_directory(dir_))
    throw std::runtime_error("Lesson: '" + dir_ + "' is not a folder; give a folder for the pictures");
  // The files an earlier run wrote, still as it wrote them: removed.
  const std::string record = (fs::path(dir_) / kRecord).string();
  if (exists(record)) {
    gradlab::detail::InputFile in(record, "Lesson: its record of the files it wrote", kMaxRecordBytes);
    std::istringstream lines(in.read_rest());
    std::string line;
    if (!std::getline(lines, line) || line != kHeader)
      throw std::runtime_error("Lesson: '" + record + "' is not a lesson's record of its files, so the lesson cannot "
                               "tell its own files from yours in '" + dir_ + "'; give it a new or empty folder");
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::uint64_t size = 0;
      std::string hash, name;
      fields >> size >> hash;
      std::getline(fields >> std::ws, name);
      if (!lesson_name(name)) continue;  // a lesson writes no other names, whatever the record says
      const std::string path = (fs::path(dir_) / name).string();
      std::uint64_t now = 0;
      if (!regular_file(path, now) || now != size || hex(hash_of(path, kMaxFileBytes)) != hash) continue;
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw std::runtime_error("Lesson: cannot remove '" + path + "', written by an earlier run of a lesson (" +
                                 std::strerror(errno) + ")");
    }
  }
  // Whatever else has a lesson's name is someone else's: left alone, and the
  // lesson goes no further.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (lesson_name(name))
      throw std::runtime_error("Lesson: the folder '" + dir_ + "' already holds " + name +
                               ", which no lesson wrote there (or which has changed since); a lesson never replaces "
                               "files it did not write: give it a new or empty folder, or move " + name + " away");
  }
}

std::string LessonFiles::claim(const std::string& name) const {
  const std::string path = (fs::path(dir_) / name).string();
  if (!written_.count(name) && exists(path))
    throw std::runtime_error("Lesson: '" + path + "' appeared while the lesson ran; it is not the lesson's, so it "
                             "is left as it is: give the lesson a folder of its own");
  return path;
}

void LessonFiles::wrote(const std::string& name) {
  const std::string path = (fs::path(dir_) / name).string();
  std::uint64_t size = 0;
  if (!regular_file(path, size)) return;  // a plot step that drew nothing
  written_[name] = {size, hash_of(path, kMaxFileBytes)};
  save_record();
}

void LessonFiles::save_record() const {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& [name, w] : written_) text += std::to_string(w.size) + " " + hex(w.hash) + " " + name + "\n";
  gradlab::detail::write_file_atomically((fs::path(dir_) / kRecord).string(), "Lesson", text);
}

}  // namespace gradlab::viz::detail
