// SPDX-License-Identifier: MIT
// Text for character-level language models: reading a UTF-8 file, the 90/10
// split and random batches of windows (the lecture's get_batch). The
// character vocabulary is text_vocab.cpp.

#include <gradlab/random.hpp>
#include <gradlab/text.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "io/input_file.hpp"
#include "io/text_utf8.hpp"

namespace gradlab {

std::string default_text_file() {
  const char* env = std::getenv("GRADLAB_TEXT");
  return env && *env ? env : GRADLAB_SOURCE_DIR "/.cache/text/fortunes.txt";
}

std::string load_text(const std::string& path) {
  const bool the_default = path == GRADLAB_SOURCE_DIR "/.cache/text/fortunes.txt";
  detail::InputFile file(path, "load_text", kMaxTextFileBytes,
                         the_default ? "the fortune cookies: run `make data` to write them" : "");
  std::string text = file.reading([&] { return file.read_rest(); });
  if (text.empty()) file.refuse("is empty (a language model needs text to learn from)");
  std::size_t line = 1;
  for (std::size_t at = 0; at < text.size();) {
    detail::CodePoint c = detail::next_code_point(text, at);
    if (c.length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[at])));
      file.refuse(std::string("is not UTF-8 text: byte ") + byte + " at offset " + std::to_string(at) +
                  " (line " + std::to_string(line) + ") starts no UTF-8 character");
    }
    line += c.value == '\n';
    at += c.length;
  }
  return text;
}

TextSplit split_text(const std::vector<int>& ids, double train_fraction) {
  if (!(train_fraction >= 0 && train_fraction <= 1))
    throw std::invalid_argument("split_text: train_fraction must be in [0, 1], got " +
                                std::to_string(train_fraction));
  const auto n = static_cast<std::size_t>(train_fraction * static_cast<double>(ids.size()));
  return {std::vector<int>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n)),
          std::vector<int>(ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end())};
}

TextBatch get_batch(const std::vector<int>& data, std::int64_t block_size, std::int64_t batch_size) {
  if (block_size < 1)
    throw std::invalid_argument("get_batch: block_size must be at least 1, got " + std::to_string(block_size));
  if (batch_size < 1)
    throw std::invalid_argument("get_batch: batch_size must be at least 1, got " + std::to_string(batch_size));
  const auto n = static_cast<std::int64_t>(data.size());
  if (n <= block_size)
    throw std::invalid_argument("get_batch: data has " + std::to_string(n) + " ids, but a window of block_size " +
                                std::to_string(block_size) + " and its next id need at least " +
                                std::to_string(block_size + 1));
  if (batch_size > (std::int64_t{1} << 36) / block_size)
    throw std::invalid_argument("get_batch: batch_size " + std::to_string(batch_size) + " x block_size " +
                                std::to_string(block_size) + " ids is more than one batch can hold");
  const auto T = static_cast<std::size_t>(block_size);
  std::vector<double> x(static_cast<std::size_t>(batch_size) * T), y(x.size());
  for (std::size_t b = 0; b < static_cast<std::size_t>(batch_size); ++b) {
    // i in [0, n - block_size), as torch.randint(len(data) - block_size)
    const auto i = static_cast<std::size_t>(uniform() * static_cast<double>(n - block_size));
    for (std::size_t t = 0; t < T; ++t) {
      x[b * T + t] = data[i + t];
      y[b * T + t] = data[i + t + 1];
    }
  }
  return {tensor(std::move(x), {batch_size, block_size}), tensor(std::move(y), {batch_size, block_size})};
}

}  // namespace gradlab
