// SPDX-License-Identifier: MIT
// All-or-nothing writes: the file appears whole, replaces an old one, and a
// failure leaves neither a half file nor a temporary one.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/atomic_file.hpp"

namespace fs = std::filesystem;
using gradlab::detail::extension_of;
using gradlab::detail::TempFile;
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

BOOST_AUTO_TEST_CASE(both_kinds_of_temporary_file_write_and_replace) {
  for (TempFile how : {TempFile::kUnnamed, TempFile::kNamed}) {
    TempDir dir;
    fs::path p = dir.path / "a.txt";
    write_file_atomically(p.string(), "test", "first", how);
    write_file_atomically(p.string(), "test", std::string(70000, 'y'), how);
    BOOST_TEST(read(p) == std::string(70000, 'y'));
    BOOST_TEST(dir.files() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_name_of_247_characters_works) {
  // The longest names leave no room for a suffix: the temporary name is short.
  TempDir dir;
  fs::path p = dir.path / (std::string(243, 'n') + ".png");
  BOOST_REQUIRE(p.filename().string().size() == 247u);
  for (TempFile how : {TempFile::kUnnamed, TempFile::kNamed}) {
    write_file_atomically(p.string(), "render", "picture", how);
    BOOST_TEST(read(p) == "picture");
    BOOST_TEST(dir.files() == 1u);
  }
  fs::path longest = dir.path / std::string(255, 'm');
  write_file_atomically(longest.string(), "save", "x");
  BOOST_TEST(read(longest) == "x");
}

BOOST_AUTO_TEST_CASE(a_leftover_temporary_file_does_not_stop_a_save) {
  // What an older gradlab, killed mid-save, left behind: "<name>.tmp-<pid>-<n>",
  // with this process's pid; and a leftover of today's scheme.
  TempDir dir;
  fs::path p = dir.path / "m.gl";
  std::string pid = std::to_string(::getpid());
  for (int n = 0; n < 4; ++n) std::ofstream(p.string() + ".tmp-" + pid + "-" + std::to_string(n)) << "old";
  std::ofstream(dir.path / ".gradlab-abcdefghijkl.tmp") << "old";
  for (TempFile how : {TempFile::kUnnamed, TempFile::kNamed}) {
    write_file_atomically(p.string(), "save", "model", how);
    BOOST_TEST(read(p) == "model");
  }
  BOOST_TEST(dir.files() == 6u);  // the leftovers are someone else's: left as they are
  BOOST_TEST(read(p.string() + ".tmp-" + pid + "-0") == "old");
}

// Runs a save in a child process that the kernel kills part-way through the
// write (SIGXFSZ: the file grows past RLIMIT_FSIZE); the child's status.
int killed_mid_save(const fs::path& p, TempFile how) {
  pid_t child = ::fork();
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_DFL);
    rlimit no_core{0, 0}, small{64 * 1024, 64 * 1024};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::setrlimit(RLIMIT_FSIZE, &small);
    try {
      write_file_atomically(p.string(), "save", std::string(1 << 20, 'z'), how);
    } catch (...) {
    }
    ::_exit(0);  // not reached when the write is killed
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return status;
}

BOOST_AUTO_TEST_CASE(a_save_killed_part_way_leaves_the_old_file_and_nothing_else) {
  TempDir dir;
  fs::path p = dir.path / "m.gl";
  write_file_atomically(p.string(), "save", "old model");
  int status = killed_mid_save(p, TempFile::kUnnamed);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGXFSZ);
  BOOST_TEST(read(p) == "old model");
  BOOST_TEST(dir.files() == 1u);  // the unnamed file vanished with the process
  // Where there is no unnamed file, the short random name stays behind, and
  // the next save still works beside it.
  status = killed_mid_save(p, TempFile::kNamed);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(read(p) == "old model");
  BOOST_TEST(dir.files() == 2u);
  for (const auto& e : fs::directory_iterator(dir.path))
    if (e.path() != p) BOOST_TEST(e.path().filename().string().size() == 25u);  // .gradlab-<12>.tmp
  write_file_atomically(p.string(), "save", "new model", TempFile::kNamed);
  BOOST_TEST(read(p) == "new model");
}

BOOST_AUTO_TEST_CASE(a_bare_file_name_goes_to_the_current_directory) {
  TempDir dir;
  fs::path before = fs::current_path();
  fs::current_path(dir.path);
  write_file_atomically("bare.txt", "test", "here");
  fs::current_path(before);
  BOOST_TEST(read(dir.path / "bare.txt") == "here");
  BOOST_TEST(dir.files() == 1u);
}

BOOST_AUTO_TEST_CASE(extensions) {
  BOOST_TEST(extension_of("out/graph.PNG") == "png");
  BOOST_TEST(extension_of("graph") == "");
  BOOST_TEST(extension_of("a.b/graph.svg") == "svg");
}

BOOST_AUTO_TEST_SUITE_END()
