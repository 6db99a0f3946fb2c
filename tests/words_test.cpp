// SPDX-License-Identifier: MIT
// The word list (src/words.cpp): only lower-case a-z words are kept, the
// split is seeded, complete and disjoint, a missing file says what to do, and
// only a regular file is read (no FIFO, device or directory).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <gradlab/words.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gradlab::testing::error_of;

BOOST_AUTO_TEST_SUITE(words_test)

BOOST_AUTO_TEST_CASE(keeps_lower_case_words_only) {
  gradlab::testing::TempDir dir("words_test");
  std::ofstream(dir.file("words")) << "apple\nZeus\nzebra's\nzebra\r\n\ncafé\nx\n";
  BOOST_TEST((gl::load_words(dir.file("words")) == std::vector<std::string>{"apple", "zebra", "x"}));
  std::ofstream(dir.file("none")) << "Zeus\n";
  BOOST_TEST(error_of([&] { gl::load_words(dir.file("none")); }) ==
             "load_words: " + dir.file("none") + ": holds no lower-case a-z words (one word a line)");
  BOOST_TEST(error_of([&] { gl::load_words(dir.file("missing")); }) ==
             "load_words: " + dir.file("missing") +
                 ": cannot open (No such file or directory); Debian's wamerican word list: run `make data` to install it");
}

BOOST_AUTO_TEST_CASE(only_a_regular_file_is_read) {
  gradlab::testing::TempDir dir("words_test");
  // A directory used to say "holds no lower-case a-z words".
  BOOST_TEST(error_of([&] { gl::load_words(dir.path.string()); }) ==
             "load_words: " + dir.path.string() + ": is a directory, not a file");
  // A FIFO with no writer used to block forever: refused at once.
  std::string fifo = dir.file("pipe");
  BOOST_TEST(gradlab::testing::error_reading_fifo(fifo, [&] { gl::load_words(fifo); }) ==
             "load_words: " + fifo + ": is not a regular file (it is a FIFO)");
  // A link to /dev/zero used to be read until memory ran out.
  std::string zero = dir.file("zero");
  std::filesystem::create_symlink("/dev/zero", zero);
  BOOST_TEST(error_of([&] { gl::load_words(zero); }) ==
             "load_words: " + zero + ": is not a regular file (it is a character device)");
  // A file past the limit is refused by its size, unread (a hole takes no disk).
  std::string huge = dir.file("huge");
  gradlab::testing::write_sparse(huge, "apple\n", gl::kMaxWordsFileBytes + 1);
  BOOST_TEST(error_of([&] { gl::load_words(huge); }) ==
             "load_words: " + huge + ": is " + std::to_string(gl::kMaxWordsFileBytes + 1) +
                 " bytes, more than the " + std::to_string(gl::kMaxWordsFileBytes) + " bytes such a file may have");
  // The last line needs no newline.
  std::ofstream(dir.file("last")) << "b\na";
  BOOST_TEST((gl::load_words(dir.file("last")) == std::vector<std::string>{"b", "a"}));
}

BOOST_AUTO_TEST_CASE(split_is_seeded_complete_and_disjoint) {
  std::vector<std::string> words;
  for (int i = 0; i < 1000; ++i) words.push_back("w" + std::to_string(i));
  gl::WordSplit a = gl::split_words(words, 42), b = gl::split_words(words, 42), c = gl::split_words(words, 43);
  BOOST_TEST(a.train.size() == 800u);
  BOOST_TEST(a.dev.size() == 100u);
  BOOST_TEST(a.test.size() == 100u);
  BOOST_TEST((a.train == b.train && a.dev == b.dev && a.test == b.test));  // the same seed, the same split
  BOOST_TEST((a.train != c.train));
  BOOST_TEST((a.train != std::vector<std::string>(words.begin(), words.begin() + 800)));  // shuffled
  std::set<std::string> all(a.train.begin(), a.train.end());
  all.insert(a.dev.begin(), a.dev.end());
  all.insert(a.test.begin(), a.test.end());
  BOOST_TEST(all.size() == 1000u);  // every word once
  BOOST_TEST(error_of([&] { gl::split_words(words, 1, 0.9, 0.2); }).find("add up to at most 1") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
