// SPDX-License-Identifier: MIT
// All-or-nothing writes: the file appears whole, replaces an old one, and a
// failure leaves neither a half file nor a temporary one.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.hpp"

namespace fs = std::filesystem;
using gradlab::detail::extension_of;
using gradlab::detail::write_file_atomically;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("gradlab_atomic_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(path);
  }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
};
std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(atomic_file_test)

BOOST_AUTO_TEST_CASE(writes_and_replaces) {
  TempDir dir;
  fs::path p = dir.path / "a.txt";
  write_file_atomically(p.string(), "test", "first");
  BOOST_TEST(read(p) == "first");
  write_file_atomically(p.string(), "test", std::string(100000, 'x'));
  BOOST_TEST(read(p).size() == 100000u);
  BOOST_TEST(dir.files() == 1u);
}

BOOST_AUTO_TEST_CASE(permissions_follow_the_umask) {
  TempDir dir;
  mode_t old = ::umask(027);
  write_file_atomically((dir.path / "m.txt").string(), "test", "x");
  ::umask(old);
  struct stat st {};
  ::stat((dir.path / "m.txt").c_str(), &st);
  BOOST_TEST((st.st_mode & 0777) == 0640u);
}

BOOST_AUTO_TEST_CASE(failures_name_the_path_and_leave_nothing) {
  TempDir dir;
  fs::path missing = dir.path / "no" / "a.txt";
  try {
    write_file_atomically(missing.string(), "plot", "x");
    BOOST_FAIL("must throw");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) ==
               "plot: cannot write '" + missing.string() + "': No such file or directory");
  }
  // A directory where the file should go: the rename fails after the write.
  fs::create_directories(dir.path / "taken");
  fs::path taken = dir.path / "taken";
  fs::create_directories(taken / "inside");
  BOOST_CHECK_THROW(write_file_atomically(taken.string(), "plot", "x"), std::runtime_error);
  BOOST_TEST(fs::is_directory(taken));
  BOOST_TEST(dir.files() == 1u);  // no temporary file left beside it
}

BOOST_AUTO_TEST_CASE(extensions) {
  BOOST_TEST(extension_of("out/graph.PNG") == "png");
  BOOST_TEST(extension_of("graph") == "");
  BOOST_TEST(extension_of("a.b/graph.svg") == "svg");
}

BOOST_AUTO_TEST_SUITE_END()
