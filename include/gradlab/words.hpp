// SPDX-License-Identifier: MIT
// Real words for language models: the word list of Debian's wamerican
// package (/usr/share/dict/american-english, installed by `make data`),
// kept to lower-case a-z words, and split the same way on every run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gradlab {

// The largest word list load_words reads: 64 MiB (wamerican's is 1 MB).
inline constexpr std::uint64_t kMaxWordsFileBytes = std::uint64_t{1} << 26;

// Where wamerican puts its list: $GRADLAB_WORDS when that variable is set.
std::string default_words_file();

// The words of `path` (one a line) made of the letters a-z only, in the
// file's order: "zebra" stays, "Zeus" and "zebra's" go. Only a regular file
// of at most kMaxWordsFileBytes is read (a FIFO, a device or a directory is
// refused before a byte is read). std::runtime_error names the file and the
// problem, and says to run `make data` when the file does not exist.
std::vector<std::string> load_words(const std::string& path = default_words_file());

struct WordSplit {
  std::vector<std::string> train, dev, test;
};

// Shuffles the words with a private generator seeded by `seed` (the same
// order on every platform) and cuts them into train (the first `train`
// fraction), dev (the next `dev` fraction) and test (the rest).
WordSplit split_words(std::vector<std::string> words, std::uint64_t seed = 42, double train = 0.8,
                      double dev = 0.1);

}  // namespace gradlab
