// SPDX-License-Identifier: MIT
// The checked opener (src/input_file.cpp): exact reads refuse a file that
// shrank, a reader's bad_alloc names the file, and no file the library reads
// is opened any other way: the library's sources hold no std::ifstream.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "io/input_file.hpp"
#include "test_helpers.hpp"

namespace fs = std::filesystem;
using gradlab::detail::InputFile;
using gradlab::testing::error_of;
using gradlab::testing::TempDir;

namespace {

// Every line of code (comments left out) in the C++ files under `folder` of
// the source tree that opens a file by a path some other way than
// InputFile: "path:line: text".
std::vector<std::string> other_openers(const std::string& folder) {
  std::vector<std::string> found;
  const fs::path root = fs::path(GRADLAB_SOURCE_DIR) / folder;
  BOOST_REQUIRE(fs::is_directory(root));
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".h")) continue;
    std::ifstream in(entry.path());  // the test reads its own sources; not a library path
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string code = line.substr(0, line.find("//"));
      for (const char* opener : {"ifstream", "std::fstream", "fopen(", "basic_filebuf"})
        if (code.find(opener) != std::string::npos) {
          found.push_back(fs::relative(entry.path(), GRADLAB_SOURCE_DIR).string() + ":" +
                          std::to_string(number) + ": " + line);
          break;
        }
    }
  }
  return found;
}

std::string listed(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const std::string& l : lines) out << "\n  " << l;
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(input_file_test)

// A plain std::ifstream blocks on a FIFO and reads /dev/zero until memory
// runs out; every file the library reads goes through InputFile instead.
BOOST_AUTO_TEST_CASE(the_library_opens_files_only_through_input_file) {
  for (const char* folder : {"src", "include", "tools"}) {
    const std::vector<std::string> found = other_openers(folder);
    BOOST_TEST(found.empty(), "open through InputFile (src/input_file.hpp) instead:" << listed(found));
  }
}

BOOST_AUTO_TEST_CASE(viz_opens_files_only_through_input_file) {
  const std::vector<std::string> found = other_openers("viz");
  BOOST_TEST(found.empty(), "open through InputFile (src/input_file.hpp) instead:" << listed(found));
}

BOOST_AUTO_TEST_CASE(exact_reads_and_named_memory) {
  TempDir dir("input_file_test");
  const std::string path = dir.file("ten");
  std::ofstream(path) << "0123456789";
  InputFile file(path, "reader", 100);
  BOOST_TEST(file.size() == 10u);
  BOOST_TEST(file.read_exactly(4) == "0123");
  fs::resize_file(path, 6);  // shrinks while it is read
  BOOST_TEST(error_of([&] { file.read_exactly(4); }) ==
             "reader: " + path + ": changed while it was read (it had 10 bytes, then ended after 6)");
  // A reader's std::bad_alloc becomes one that names the file; other errors pass as they are.
  std::string named = error_of<std::bad_alloc>([&] { file.reading([]() -> int { throw std::bad_alloc(); }); });
  BOOST_TEST(named == "reader: " + path + ": out of memory reading its 10 bytes (std::bad_alloc)");
  BOOST_TEST(error_of<std::runtime_error>([&] { file.reading([]() -> int { throw std::runtime_error("as it was"); }); }) ==
             "as it was");
  BOOST_TEST(file.reading([] { return 7; }) == 7);
  BOOST_TEST(error_of([&] { InputFile(path, "reader", 5); }) ==
             "reader: " + path + ": is 6 bytes, more than the 5 bytes such a file may have");
}

BOOST_AUTO_TEST_SUITE_END()
