// SPDX-License-Identifier: MIT
// CharVocab: the characters of a text numbered in code point order, and
// encode/decode between text and ids (one id per Unicode code point).

#include <gradlab/number_text.hpp>
#include <gradlab/text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "io/text_utf8.hpp"

namespace gradlab {

namespace {

// Calls f(code point, its UTF-8 bytes, its index among the characters) for
// every character of s; bytes that are not UTF-8 are std::invalid_argument.
template <class F>
void each_character(std::string_view s, const char* what, F f) {
  std::size_t index = 0;
  for (std::size_t at = 0; at < s.size(); ++index) {
    detail::CodePoint c = detail::next_code_point(s, at);
    if (c.length == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(s[at])));
      throw std::invalid_argument(std::string(what) + ": the text is not UTF-8: byte " + byte + " at offset " +
                                  std::to_string(at) + " starts no UTF-8 character");
    }
    f(c.value, s.substr(at, c.length), index);
    at += c.length;
  }
}

}  // namespace

CharVocab::CharVocab(std::string_view text) {
  if (text.empty()) throw std::invalid_argument("CharVocab: the text is empty; a vocabulary needs characters");
  std::vector<std::pair<std::uint32_t, std::string>> seen;
  std::vector<bool> ascii(128, false);
  each_character(text, "CharVocab", [&](std::uint32_t cp, std::string_view utf8, std::size_t) {
    if (cp < 128) {
      if (ascii[cp]) return;
      ascii[cp] = true;
    }
    seen.emplace_back(cp, std::string(utf8));
  });
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (auto& [cp, utf8] : seen) {
    code_points_.push_back(cp);
    chars_.push_back(std::move(utf8));
  }
}

int CharVocab::find(std::string_view character) const {
  if (character.empty()) return -1;
  detail::CodePoint c = detail::next_code_point(character, 0);
  if (c.length != character.size()) return -1;
  auto it = std::lower_bound(code_points_.begin(), code_points_.end(), c.value);
  return it != code_points_.end() && *it == c.value ? static_cast<int>(it - code_points_.begin()) : -1;
}

std::vector<int> CharVocab::encode(std::string_view s) const {
  std::vector<int> ids;
  ids.reserve(s.size());
  each_character(s, "CharVocab::encode", [&](std::uint32_t cp, std::string_view utf8, std::size_t index) {
    auto it = std::lower_bound(code_points_.begin(), code_points_.end(), cp);
    if (it == code_points_.end() || *it != cp)
      throw std::invalid_argument("CharVocab::encode: " + detail::shown_character(utf8, cp) + " at character " +
                                  std::to_string(index) + " is not in the vocabulary (" +
                                  std::to_string(size()) + " characters)");
    ids.push_back(static_cast<int>(it - code_points_.begin()));
  });
  return ids;
}

const std::string& CharVocab::at(int id) const {
  if (id < 0 || id >= size())
    throw std::out_of_range("CharVocab: id " + std::to_string(id) + " is outside the vocabulary (ids 0 to " +
                            std::to_string(size() - 1) + ")");
  return chars_[static_cast<std::size_t>(id)];
}

std::string CharVocab::decode(const std::vector<int>& ids) const {
  std::string out;
  for (int id : ids) out += at(id);
  return out;
}

std::string CharVocab::decode(const Tensor& ids) const {
  std::string out;
  for (double v : ids.to_vector()) {
    if (!(v >= 0 && v < size() && v == std::floor(v)))
      throw std::out_of_range("CharVocab::decode: id " + number_text(v) + " is not a whole number from 0 to " +
                              std::to_string(size() - 1));
    out += chars_[static_cast<std::size_t>(v)];
  }
  return out;
}

}  // namespace gradlab
