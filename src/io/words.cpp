// SPDX-License-Identifier: MIT
// The word list for the language-model chapter: reading, filtering, and a
// seeded split (Fisher-Yates with gradlab's platform-independent draws).

#include <gradlab/words.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace gradlab {

std::string default_words_file() {
  const char* env = std::getenv("GRADLAB_WORDS");
  return env && *env ? env : "/usr/share/dict/american-english";
}

std::vector<std::string> load_words(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("load_words: cannot read " + path +
                             " (Debian's wamerican word list: run `make data` to install it)");
  std::vector<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && std::all_of(line.begin(), line.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
      words.push_back(line);
  }
  if (words.empty()) throw std::runtime_error("load_words: " + path + " holds no lower-case a-z words");
  return words;
}

WordSplit split_words(std::vector<std::string> words, std::uint64_t seed, double train, double dev) {
  if (!(train >= 0 && dev >= 0 && train + dev <= 1))
    throw std::invalid_argument("split_words: fractions train " + std::to_string(train) + " and dev " +
                                std::to_string(dev) + " must be >= 0 and add up to at most 1");
  std::mt19937_64 gen(seed);
  for (std::size_t i = words.size(); i > 1; --i) {  // Fisher-Yates, from the back
    double u = static_cast<double>(gen() >> 11) * 0x1.0p-53;
    std::swap(words[i - 1], words[static_cast<std::size_t>(u * static_cast<double>(i))]);
  }
  const auto n = static_cast<double>(words.size());
  const auto n_train = static_cast<std::ptrdiff_t>(train * n), n_dev = static_cast<std::ptrdiff_t>(dev * n);
  WordSplit s;
  s.train.assign(words.begin(), words.begin() + n_train);
  s.dev.assign(words.begin() + n_train, words.begin() + n_train + n_dev);
  s.test.assign(words.begin() + n_train + n_dev, words.end());
  return s;
}

}  // namespace gradlab
