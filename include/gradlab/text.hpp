// SPDX-License-Identifier: MIT
// Text for character-level language models, as in "Let's build GPT": read a
// UTF-8 text, number its characters (CharVocab), split it 90/10 and draw
// random (context, next character) batches from it. Tokenizers that merge
// characters into longer tokens are gradlab/tokenizer.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gradlab {

// The largest text load_text reads: 1 GiB (the fortune cookies are 1 MB).
inline constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t{1} << 30;

// The fortune cookies `make data` writes (scripts/fetch-fortunes.sh):
// $GRADLAB_TEXT when that variable is set, else .cache/text/fortunes.txt in
// the source tree this gradlab was built from.
std::string default_text_file();

// The whole of `path`, which must be non-empty UTF-8 text. Only a regular
// file of at most kMaxTextFileBytes is read (a FIFO, a device or a folder is
// refused before a byte is read). std::runtime_error names the file and the
// problem: missing (and then says to run `make data` for the default file),
// empty, or not UTF-8 (the byte, its offset and its line).
std::string load_text(const std::string& path = default_text_file());

// The characters of a text, numbered 0 .. size() - 1 in code point order
// (the lecture's sorted(set(text))). A character is one Unicode code point,
// written in UTF-8 (1 to 4 bytes).
class CharVocab {
 public:
  // Every distinct character of `text`, which must be non-empty UTF-8
  // (std::invalid_argument otherwise, naming the byte and its offset).
  explicit CharVocab(std::string_view text);

  // One id per character of s. A character the vocabulary does not hold is
  // std::invalid_argument naming it, its code point and its position:
  // "CharVocab::encode: 'é' (U+00E9) at character 3 is not in the vocabulary".
  std::vector<int> encode(std::string_view s) const;
  // The text of the ids; an id outside 0 .. size() - 1 is std::out_of_range.
  std::string decode(const std::vector<int>& ids) const;
  // The same for a tensor of ids (whole numbers, any shape, read in order).
  std::string decode(const Tensor& ids) const;

  int size() const { return static_cast<int>(chars_.size()); }
  // Character `id` in UTF-8 (std::out_of_range outside the vocabulary).
  const std::string& at(int id) const;
  // The id of one character given in UTF-8, or -1 when it is not held.
  int find(std::string_view character) const;
  // Every character, in id order.
  const std::vector<std::string>& chars() const { return chars_; }

 private:
  std::vector<std::string> chars_;
  std::vector<std::uint32_t> code_points_;  // sorted: id -> code point
};

// The first `train_fraction` of the ids to train on, the rest to validate
// (the lecture's 90/10: no shuffle, so the validation text is text the
// model has never seen a word of).
struct TextSplit {
  std::vector<int> train, val;
};
TextSplit split_text(const std::vector<int>& ids, double train_fraction = 0.9);

// batch_size random windows of `data`: x (batch_size, block_size) holds
// data[i .. i + block_size), y (the same shape) the ids one further,
// data[i + 1 .. i + block_size] (each position's next character). The
// starts i are floor(u * (data.size() - block_size)) for u = uniform(), in
// order, from gradlab's generator: manual_seed() repeats them. Ids are
// held as doubles, as every index tensor in gradlab. block_size and
// batch_size must be at least 1, and data longer than block_size
// (std::invalid_argument naming the argument otherwise).
struct TextBatch {
  Tensor x, y;
};
TextBatch get_batch(const std::vector<int>& data, std::int64_t block_size, std::int64_t batch_size);

}  // namespace gradlab
