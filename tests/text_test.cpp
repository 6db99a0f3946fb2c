// SPDX-License-Identifier: MIT
// Text for character-level models (src/io/text.cpp, text_vocab.cpp): load_text
// refuses a missing, empty or non-UTF-8 file by name; CharVocab numbers code
// points in order and names a character it does not hold; split_text cuts
// 90/10 in order; get_batch's windows are the data's, shifted by one, and
// repeat under manual_seed. The fortune cookies `make data` writes, when
// there, hold what scripts/fetch-fortunes.sh says.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <gradlab/random.hpp>
#include <gradlab/text.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gradlab::testing::error_of;

BOOST_AUTO_TEST_SUITE(text_test)

BOOST_AUTO_TEST_CASE(load_text_reads_utf8_and_refuses_the_rest) {
  gradlab::testing::TempDir dir("text_test");
  std::ofstream(dir.file("ok")) << "caf\xC3\xA9 \xE2\x82\xAC\n\xF0\x9F\x98\x80";
  BOOST_TEST(gl::load_text(dir.file("ok")) == "caf\xC3\xA9 \xE2\x82\xAC\n\xF0\x9F\x98\x80");
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("missing")); }) ==
             "load_text: " + dir.file("missing") + ": cannot open (No such file or directory)");
  std::ofstream(dir.file("empty")).flush();
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("empty")); }) ==
             "load_text: " + dir.file("empty") + ": is empty (a language model needs text to learn from)");
  // Latin-1's é on line 2; a truncated character at the end; an overlong
  // '/' (0xC0 0xAF); a surrogate (0xED 0xA0 0x80): each named by its byte.
  std::ofstream(dir.file("latin1")) << "ok\ncaf\xE9\n";
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("latin1")); }) ==
             "load_text: " + dir.file("latin1") +
                 ": is not UTF-8 text: byte 0xE9 at offset 6 (line 2) starts no UTF-8 character");
  std::ofstream(dir.file("cut")) << "ab\xE2\x82";
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("cut")); }).find("byte 0xE2 at offset 2 (line 1)") !=
             std::string::npos);
  std::ofstream(dir.file("overlong")) << "\xC0\xAF";
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("overlong")); }).find("byte 0xC0 at offset 0") != std::string::npos);
  std::ofstream(dir.file("surrogate")) << "x\xED\xA0\x80";
  BOOST_TEST(error_of([&] { gl::load_text(dir.file("surrogate")); }).find("byte 0xED at offset 1") !=
             std::string::npos);
  // Only a regular file: a folder is refused before a byte is read.
  BOOST_TEST(error_of([&] { gl::load_text(dir.path.string()); }) ==
             "load_text: " + dir.path.string() + ": is a directory, not a file");
}

BOOST_AUTO_TEST_CASE(the_default_file_says_to_run_make_data) {
  gradlab::testing::TempDir dir("text_test");
  ::setenv("GRADLAB_TEXT", dir.file("nowhere.txt").c_str(), 1);
  BOOST_TEST(gl::default_text_file() == dir.file("nowhere.txt"));
  ::unsetenv("GRADLAB_TEXT");
  BOOST_TEST(gl::default_text_file().ends_with("/.cache/text/fortunes.txt"));
  if (!std::filesystem::exists(gl::default_text_file()))
    BOOST_TEST(error_of([&] { gl::load_text(); }).ends_with("run `make data` to write them"));
}

BOOST_AUTO_TEST_CASE(vocab_numbers_code_points_in_order) {
  gl::CharVocab v("hello, w\xC3\xB6rld\n");  // ö is U+00F6, after every ASCII character
  BOOST_TEST((v.chars() ==
              std::vector<std::string>{"\n", " ", ",", "d", "e", "h", "l", "o", "r", "w", "\xC3\xB6"}));
  BOOST_TEST(v.size() == 11);
  BOOST_TEST(v.find("\xC3\xB6") == 10);
  BOOST_TEST(v.at(10) == "\xC3\xB6");
  BOOST_TEST(v.find("w") == 9);
  BOOST_TEST(v.find("z") == -1);
  BOOST_TEST(v.find("ab") == -1);
  BOOST_TEST((v.encode("hello") == std::vector<int>{5, 4, 6, 6, 7}));
  BOOST_TEST(v.decode(v.encode("w\xC3\xB6rld, hello\n")) == "w\xC3\xB6rld, hello\n");
  BOOST_TEST(v.decode(gl::tensor({5.0, 4.0, 6.0})) == "hel");
}

BOOST_AUTO_TEST_CASE(vocab_names_what_it_refuses) {
  gl::CharVocab v("abc\n");
  BOOST_TEST(error_of([&] { v.encode("ab\xC3\xA9"); }) ==
             "CharVocab::encode: '\xC3\xA9' (U+00E9) at character 2 is not in the vocabulary (4 characters)");
  BOOST_TEST(error_of([&] { v.encode("a\tb"); }) ==
             "CharVocab::encode: '\\t' (U+0009) at character 1 is not in the vocabulary (4 characters)");
  BOOST_TEST(error_of([&] { v.encode("a\x01"); }) ==
             "CharVocab::encode: U+0001 at character 1 is not in the vocabulary (4 characters)");
  BOOST_TEST(error_of([&] { v.encode("a\xFF"); }) ==
             "CharVocab::encode: the text is not UTF-8: byte 0xFF at offset 1 starts no UTF-8 character");
  BOOST_TEST(error_of([&] { v.decode(std::vector<int>{0, 4}); }) ==
             "CharVocab: id 4 is outside the vocabulary (ids 0 to 3)");
  BOOST_TEST(error_of([&] { v.decode(gl::tensor({1.5})); }) ==
             "CharVocab::decode: id 1.5 is not a whole number from 0 to 3");
  BOOST_TEST(error_of([&] { gl::CharVocab(""); }) == "CharVocab: the text is empty; a vocabulary needs characters");
  BOOST_TEST(error_of([&] { gl::CharVocab("ab\xC3"); }) ==
             "CharVocab: the text is not UTF-8: byte 0xC3 at offset 2 starts no UTF-8 character");
}

BOOST_AUTO_TEST_CASE(split_is_the_first_ninety_percent) {
  std::vector<int> ids(1000);
  for (int i = 0; i < 1000; ++i) ids[static_cast<std::size_t>(i)] = i;
  gl::TextSplit s = gl::split_text(ids);
  BOOST_TEST(s.train.size() == 900u);
  BOOST_TEST(s.val.size() == 100u);
  BOOST_TEST(s.train.back() == 899);
  BOOST_TEST(s.val.front() == 900);
  BOOST_TEST(error_of([&] { gl::split_text(ids, 1.5); }) == "split_text: train_fraction must be in [0, 1], got 1.500000");
}

BOOST_AUTO_TEST_CASE(batches_are_windows_shifted_by_one_and_seeded) {
  std::vector<int> data(50);
  for (int i = 0; i < 50; ++i) data[static_cast<std::size_t>(i)] = i;
  gl::manual_seed(3);
  gl::TextBatch b = gl::get_batch(data, 8, 4);
  BOOST_TEST((b.x.shape() == gl::Shape{4, 8}));
  BOOST_TEST((b.y.shape() == gl::Shape{4, 8}));
  std::set<double> starts;
  for (std::int64_t r = 0; r < 4; ++r) {
    std::vector<double> x = b.x.select(0, r).to_vector(), y = b.y.select(0, r).to_vector();
    for (std::size_t t = 0; t < 8; ++t) {
      BOOST_TEST(x[t] == x[0] + static_cast<double>(t));  // a window of the data
      BOOST_TEST(y[t] == x[t] + 1);                       // and each position's next id
    }
    BOOST_TEST(x[0] >= 0);
    BOOST_TEST(x[0] <= 50 - 8 - 1);
    starts.insert(x[0]);
  }
  BOOST_TEST(starts.size() > 1u);
  // The starts are floor(u * (n - block)) for the generator's next uniforms.
  gl::manual_seed(3);
  for (std::int64_t r = 0; r < 4; ++r)
    BOOST_TEST(b.x.select(0, r).to_vector()[0] == std::floor(gl::uniform() * 42));
  gl::manual_seed(3);
  BOOST_TEST(gl::get_batch(data, 8, 4).x.to_vector() == b.x.to_vector());
  // A window needs block_size + 1 ids: 9 ids with block 8 always start at 0.
  BOOST_TEST(gl::get_batch(std::vector<int>(data.begin(), data.begin() + 9), 8, 3).x.to_vector()[16] == 0);
  BOOST_TEST(error_of([&] { gl::get_batch(data, 0, 4); }) == "get_batch: block_size must be at least 1, got 0");
  BOOST_TEST(error_of([&] { gl::get_batch(data, 8, -1); }) == "get_batch: batch_size must be at least 1, got -1");
  BOOST_TEST(error_of([&] { gl::get_batch(data, 50, 4); }) ==
             "get_batch: data has 50 ids, but a window of block_size 50 and its next id need at least 51");
}

BOOST_AUTO_TEST_CASE(the_fortune_cookies_when_make_data_wrote_them) {
  if (!std::filesystem::exists(gl::default_text_file())) return;  // the fortunes_data fixture writes them
  std::string text = gl::load_text();
  BOOST_TEST(text.size() > 900'000u);
  BOOST_TEST(text.size() < 1'200'000u);
  BOOST_TEST(text.find("\n\n\n") == std::string::npos);  // one blank line between cookies
  BOOST_TEST(text.find('%') != std::string::npos);        // '%' inside a cookie stays
  BOOST_TEST(text.find("\n%\n") == std::string::npos);    // the separators are gone
  BOOST_TEST(text.find('\b') == std::string::npos);       // overstriking is cleaned
  BOOST_TEST(text.back() == '\n');
  gl::CharVocab v(text);
  BOOST_TEST(v.size() == 97);  // tab, newline and the 95 printable ASCII characters
  BOOST_TEST(v.at(0) == "\t");
  BOOST_TEST(v.at(96) == "~");
}

BOOST_AUTO_TEST_SUITE_END()
