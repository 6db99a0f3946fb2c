// SPDX-License-Identifier: MIT
// What every tokenizer shares (minbpe's base.py): the vocabulary the merges
// spell, decoding, and BasicTokenizer, which is BPE on the whole text's
// bytes. Training is in tokenizer_train.cpp, encoding in tokenizer_encode.cpp.

#include <gradlab/tokenizer.hpp>

#include <ostream>
#include <stdexcept>

#include "text/tokenizer_split.hpp"

namespace gradlab::text {

std::ostream& operator<<(std::ostream& os, const Merge& m) {
  return os << "(" << m.left << ", " << m.right << ") -> " << m.id;
}

Tokenizer::Tokenizer(std::string pattern) : pattern_(std::move(pattern)) {
  if (!pattern_.empty())
    splitter_ = std::make_shared<const detail::Splitter>(pattern_, "RegexTokenizer: the pattern");
  set_merges({});
}

void Tokenizer::set_merges(std::vector<Merge> merges) {
  // A token's bytes are its two parts' bytes: vocab[id] = vocab[left] + vocab[right].
  std::vector<std::string> vocab(256 + merges.size());
  for (int b = 0; b < 256; ++b) vocab[b] = std::string(1, static_cast<char>(b));
  std::unordered_map<std::uint64_t, int> ids;
  ids.reserve(merges.size());
  for (const Merge& m : merges) {
    vocab[m.id] = vocab[m.left] + vocab[m.right];
    ids.emplace((std::uint64_t{static_cast<std::uint32_t>(m.left)} << 32) |
                    static_cast<std::uint32_t>(m.right),
                m.id);
  }
  merges_ = std::move(merges);
  vocab_ = std::move(vocab);
  merge_ids_ = std::move(ids);
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::string out;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    int id = ids[k];
    if (id >= 0 && static_cast<std::size_t>(id) < vocab_.size()) {
      out += vocab_[id];
    } else if (auto special = special_bytes_.find(id); special != special_bytes_.end()) {
      out += special->second;
    } else {
      throw std::invalid_argument(
          "decode: token id " + std::to_string(id) + " (ids[" + std::to_string(k) +
          "]) is not in the vocabulary (ids 0.." + std::to_string(vocab_.size() - 1) +
          (special_tokens_.empty() ? std::string(")") : " and the special tokens)"));
    }
  }
  return out;
}

std::map<int, std::string> Tokenizer::vocab() const {
  std::map<int, std::string> out;
  for (std::size_t id = 0; id < vocab_.size(); ++id)
    out.emplace_hint(out.end(), static_cast<int>(id), vocab_[id]);
  for (const auto& [token, id] : special_tokens_) out.emplace(id, token);
  return out;
}

int Tokenizer::vocab_size() const {
  return static_cast<int>(vocab_.size() + special_tokens_.size());
}

std::vector<std::string_view> Tokenizer::split(std::string_view text) const {
  if (!splitter_)
    return text.empty() ? std::vector<std::string_view>{} : std::vector<std::string_view>{text};
  return splitter_->split(text);
}

BasicTokenizer::BasicTokenizer() : Tokenizer("") {}

void BasicTokenizer::train(std::string_view text, int vocab_size, bool verbose) {
  if (text.size() > kMaxTextBytes)
    throw std::length_error("train: text is " + std::to_string(text.size()) +
                            " bytes, more than the " + std::to_string(kMaxTextBytes) +
                            " a tokenizer trains on");
  train_on_chunks(split(text), vocab_size, verbose);
}

std::vector<int> BasicTokenizer::encode(std::string_view text) const {
  return encode_text(text, "encode");
}

}  // namespace gradlab::text
