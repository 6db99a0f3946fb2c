// SPDX-License-Identifier: MIT
// RegexTokenizer (minbpe's regex.py): the text cut by the split pattern
// before BPE, and special tokens (<|endoftext|>) found in the text and
// encoded as their own ids, as allowed_special says.

#include <gradlab/tokenizer.hpp>

#include <array>
#include <cctype>
#include <stdexcept>

namespace gradlab::text {

namespace {

std::string checked_pattern(std::string_view pattern) {
  if (pattern.empty())
    throw std::invalid_argument(
        "RegexTokenizer: the pattern is empty (BasicTokenizer is BPE without a split)");
  if (pattern.find_first_of("\r\n") != std::string_view::npos)
    throw std::invalid_argument(
        "RegexTokenizer: the pattern holds a line break, which a .model file cannot hold (write "
        "\\n or \\r "
        "for one)");
  return std::string(pattern);
}

}  // namespace

AllowedSpecial::AllowedSpecial(std::string_view mode) {
  if (mode == "all") {
    mode_ = Mode::kAll;
  } else if (mode == "none") {
    mode_ = Mode::kNone;
  } else if (mode == "none_raise") {
    mode_ = Mode::kNoneRaise;
  } else {
    throw std::invalid_argument(
        "encode: allowed_special \"" + std::string(mode) +
        "\" not understood (\"all\", \"none\", \"none_raise\" or a set of special tokens)");
  }
}

bool AllowedSpecial::allows(const std::string& token) const {
  return mode_ == Mode::kAll || (mode_ == Mode::kSet && tokens_.count(token) > 0);
}

RegexTokenizer::RegexTokenizer(std::string_view pattern) : Tokenizer(checked_pattern(pattern)) {}

void RegexTokenizer::train(std::string_view text, int vocab_size, bool verbose) {
  if (text.size() > kMaxTextBytes)
    throw std::length_error("train: text is " + std::to_string(text.size()) +
                            " bytes, more than the " + std::to_string(kMaxTextBytes) +
                            " a tokenizer trains on");
  train_on_chunks(split(text), vocab_size, verbose);
}

void RegexTokenizer::register_special_tokens(const SpecialTokens& tokens) {
  auto refuse = [](const std::string& token, const std::string& problem) {
    throw std::invalid_argument("register_special_tokens: \"" + token + "\" " + problem);
  };
  std::unordered_map<std::string, int> names;
  std::unordered_map<int, std::string> ids = special_bytes_;
  for (const auto& [token, id] : special_tokens_) names.emplace(token, id);
  for (const auto& [token, id] : tokens) {
    if (token.empty())
      throw std::invalid_argument("register_special_tokens: a special token is empty");
    for (char c : token)
      if (std::isspace(static_cast<unsigned char>(c)))
        refuse(token,
               "holds whitespace, which the .model file uses to separate a token from its id");
    if (id < static_cast<int>(vocab_.size()))
      refuse(token, "has id " + std::to_string(id) + ", inside the vocabulary (ids 0.." +
                        std::to_string(vocab_.size() - 1) +
                        "); a special token's id comes after it");
    if (!names.emplace(token, id).second) refuse(token, "is registered already");
    if (auto [it, fresh] = ids.emplace(id, token); !fresh)
      refuse(token, "has id " + std::to_string(id) + ", which \"" + it->second + "\" has already");
  }
  special_tokens_.insert(special_tokens_.end(), tokens.begin(), tokens.end());
  special_bytes_ = std::move(ids);
}

std::vector<int> RegexTokenizer::encode_ordinary(std::string_view text) const {
  return encode_text(text, "encode_ordinary");
}

std::vector<int> RegexTokenizer::encode(std::string_view text,
                                        const AllowedSpecial& allowed_special) const {
  using Mode = AllowedSpecial::Mode;
  if (allowed_special.mode() == Mode::kNoneRaise) {
    for (const auto& [token, id] : special_tokens_)
      if (auto at = text.find(token); at != std::string_view::npos)
        throw std::invalid_argument(
            "encode: the text holds the special token \"" + token + "\" (at byte " +
            std::to_string(at) +
            "); pass allowed_special \"all\" (or a set naming it) to encode it as "
            "its id, or \"none\" to encode it as ordinary text");
  }
  std::vector<const std::pair<std::string, int>*> special;  // those that become their ids, in order
  std::array<bool, 256> starts{};                           // the first bytes they start with
  for (const auto& entry : special_tokens_)
    if (allowed_special.allows(entry.first)) {
      special.push_back(&entry);
      starts[static_cast<unsigned char>(entry.first[0])] = true;
    }
  if (special.empty()) return encode_ordinary(text);
  // Python's re.split on "(tok1|tok2|...)": the leftmost special token, and
  // at one place the first registered; the text between is ordinary.
  std::vector<int> ids;
  std::size_t from = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::pair<std::string, int>* found = nullptr;
    if (starts[static_cast<unsigned char>(text[at])])
      for (const auto* entry : special)
        if (text.substr(at).starts_with(entry->first)) {
          found = entry;
          break;
        }
    if (!found) {
      ++at;
      continue;
    }
    std::vector<int> part = encode_text(text.substr(from, at - from), "encode");
    ids.insert(ids.end(), part.begin(), part.end());
    ids.push_back(found->second);
    at += found->first.size();
    from = at;
  }
  std::vector<int> rest = encode_text(text.substr(from), "encode");
  ids.insert(ids.end(), rest.begin(), rest.end());
  return ids;
}

}  // namespace gradlab::text
