// SPDX-License-Identifier: MIT
// The word list for the language-model chapter: reading, filtering, and a
// seeded split (Fisher-Yates with gradlab's platform-independent draws).

#include <gradlab/words.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string_view>

#include "io/input_file.hpp"

namespace gradlab {

std::string default_words_file() {
  const char* env = std::getenv("GRADLAB_WORDS");
  return env && *env ? env : "/usr/share/dict/american-english";
}

std::vector<std::string> load_words(const std::string& path) {
  // Through the checked opener, as every file gradlab reads: a FIFO, a device
  // (/dev/zero) or a directory is refused by name before a byte is read.
  detail::InputFile file(path, "load_words", kMaxWordsFileBytes,
                         "Debian's wamerican word list: run `make data` to install it");
  std::vector<std::string> words = file.reading([&] {
    const std::string text = file.read_rest();
    std::vector<std::string> kept;
    for (std::size_t at = 0; at < text.size();) {
      std::size_t end = std::min(text.find('\n', at), text.size());
      std::string_view line(text.data() + at, end - at);
      at = end + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && std::all_of(line.begin(), line.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        kept.emplace_back(line);
    }
    return kept;
  });
  if (words.empty()) file.refuse("holds no lower-case a-z words (one word a line)");
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
