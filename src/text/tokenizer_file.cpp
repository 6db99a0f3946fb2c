// SPDX-License-Identifier: MIT
// minbpe's files: the .model that load() reads back (text, one merge a
// line) and the .vocab written for people, with render_token. Written all
// or nothing (io/atomic_file), read through the checked opener and checked
// line by line before the tokenizer changes.

#include <gradlab/tokenizer.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"
#include "text/tokenizer_split.hpp"

namespace gradlab::text {

namespace {

constexpr std::string_view kVersionLine = "minbpe v1";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// s between two strings (appended, not "[" + s: GCC 12 warns on that, wrongly).
std::string around(std::string_view open, std::string_view s, std::string_view close) {
  std::string out;
  out.reserve(open.size() + s.size() + close.size());
  out.append(open).append(s).append(close);
  return out;
}

// A line as a message quotes it: at most 40 bytes, shown by render_token.
std::string quoted(std::string_view line) {
  if (line.size() > 40) return around("\"", render_token(line.substr(0, 40)), "...\"");
  return around("\"", render_token(line), "\"");
}

// A decimal number of at most `max`, nothing else: "0", "256", not "+1", " 2", "1e3".
bool parse_int(std::string_view s, int& out, long long max = std::numeric_limits<int>::max()) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size() || v > max)
    return false;
  out = static_cast<int>(v);
  return true;
}

// The file's lines in order; each must end in "\n" (minbpe writes every line
// so), a "\r" before it is dropped.
class Lines {
 public:
  Lines(std::string_view bytes, const std::string& path) : rest_(bytes), path_(path) {}
  [[noreturn]] void refuse(int line, const std::string& problem) const {
    throw std::runtime_error("load: " + path_ + ": line " + std::to_string(line) + ": " + problem);
  }
  // The next line, or false at the end of the file.
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    ++number_;
    std::size_t end = rest_.find('\n');
    if (end == std::string_view::npos)
      refuse(number_,
             "truncated: the file ends inside this line (" + quoted(rest_) + ", no line break)");
    line = rest_.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    rest_.remove_prefix(end + 1);
    return true;
  }
  int number() const { return number_; }

 private:
  std::string_view rest_;
  const std::string& path_;
  int number_ = 0;
};

// UTF-8's well-formed sequences (Unicode's table 3-7): for each range of
// lead bytes, how many continuation bytes follow and the first one's range
// (the others' is always 80..BF).
struct Lead {
  unsigned char from, to;
  std::size_t more;
  unsigned char lo, hi;
};
constexpr Lead kLeads[] = {{0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF},
                           {0xE1, 0xEC, 2, 0x80, 0xBF}, {0xED, 0xED, 2, 0x80, 0x9F},
                           {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF},
                           {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F}};

}  // namespace

std::string render_token(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    char32_t cp = c;
    std::size_t len = 1;
    if (c >= 0x80) {
      std::size_t need = 0;  // continuation bytes; 0: not a lead byte
      unsigned char lo = 0x80, hi = 0xBF;
      for (const Lead& lead : kLeads)
        if (c >= lead.from && c <= lead.to) need = lead.more, lo = lead.lo, hi = lead.hi;
      cp = c & (0x7F >> (need + 1));
      std::size_t k = 1;
      for (; k <= need && i + k < bytes.size(); ++k) {
        auto d = static_cast<unsigned char>(bytes[i + k]);
        if (d < lo || d > hi) break;
        cp = (cp << 6) | (d & 0x3F);
        lo = 0x80, hi = 0xBF;
      }
      if (need == 0 || k <= need) {
        // Invalid: one U+FFFD for the longest start of a valid sequence
        // (the lead byte and the continuation bytes that fit), as Python's
        // errors="replace" does; go on after it.
        out += kReplacement;
        i += k;
        continue;
      }
      len = need + 1;
    }
    if (detail::is_control(cp)) {
      static const char* hex = "0123456789abcdef";
      std::string digits;
      for (char32_t v = cp; v > 0 || digits.size() < 4; v >>= 4)
        digits.insert(digits.begin(), hex[v & 0xF]);
      out += "\\u" + digits;
    } else {
      out.append(bytes.substr(i, len));
    }
    i += len;
  }
  return out;
}

void Tokenizer::save(const std::string& file_prefix) const {
  if (file_prefix.empty()) throw std::invalid_argument("save: file_prefix is empty");
  std::string model = std::string(kVersionLine) + "\n" + pattern_ + "\n" +
                      std::to_string(special_tokens_.size()) + "\n";
  for (const auto& [token, id] : special_tokens_) model += token + " " + std::to_string(id) + "\n";
  for (const Merge& m : merges_)
    model += std::to_string(m.left) + " " + std::to_string(m.right) + "\n";

  std::string vocab;
  for (std::size_t id = 0; id < vocab_.size(); ++id) {
    if (id >= 256) {  // a merge: its two parts first
      const Merge& m = merges_[id - 256];
      vocab += around("[", render_token(vocab_[m.left]), "]");
      vocab += around("[", render_token(vocab_[m.right]), "] -> ");
    }
    vocab += around("[", render_token(vocab_[id]), "] ");
    vocab += std::to_string(id) + "\n";
  }
  for (const auto& [token, id] : special_tokens_) {
    vocab += around("[", render_token(token), "] ");
    vocab += std::to_string(id) + "\n";
  }

  gradlab::detail::write_file_atomically(file_prefix + ".model", "save", model);
  gradlab::detail::write_file_atomically(file_prefix + ".vocab", "save", vocab);
}

void Tokenizer::load(const std::string& model_file) {
  std::string bytes =
      gradlab::detail::InputFile(model_file, "load", kMaxModelFileBytes).read_rest();
  Lines lines(bytes, model_file);
  std::string_view line;

  // 1. What it is.
  if (!lines.next(line))
    lines.refuse(1, "the file is empty (a .model file starts with \"minbpe v1\")");
  if (line != kVersionLine)
    lines.refuse(1, "not a minbpe model: expected \"minbpe v1\", found " + quoted(line));

  // 2. The split pattern: what kind of tokenizer saved it.
  if (!lines.next(line)) lines.refuse(2, "truncated: the file ends before the pattern line");
  std::string pattern(line);
  std::shared_ptr<const detail::Splitter> splitter;
  if (pattern_.empty() && !pattern.empty())
    lines.refuse(
        2,
        "the model has a split pattern (a RegexTokenizer saved it): load it with a RegexTokenizer");
  if (!pattern_.empty() && pattern.empty())
    lines.refuse(2,
                 "the model has no split pattern (a BasicTokenizer saved it): load it with a "
                 "BasicTokenizer");
  if (!pattern.empty()) {
    try {
      splitter = std::make_shared<const detail::Splitter>(pattern, "the split pattern");
    } catch (const std::invalid_argument& e) {
      lines.refuse(2, e.what());
    }
  }

  // 3. The special tokens: a count, then "<token> <id>" lines.
  if (!lines.next(line))
    lines.refuse(3, "truncated: the file ends before the count of special tokens");
  int count = 0;
  if (!parse_int(line, count))
    lines.refuse(3, "expected the number of special tokens, found " + quoted(line));
  if (count > 0 && pattern.empty())
    lines.refuse(
        3,
        "the model has special tokens, which a BasicTokenizer does not have: load it with a "
        "RegexTokenizer");
  SpecialTokens special;
  std::unordered_map<std::string, int> special_line;  // token -> its line
  std::unordered_map<int, std::string> special_bytes;
  std::vector<int> special_lines;
  for (int k = 0; k < count; ++k) {
    if (!lines.next(line))
      lines.refuse(lines.number() + 1, "truncated: the file ends after " + std::to_string(k) +
                                           " of the " + std::to_string(count) + " special tokens");
    std::size_t space = line.find(' ');
    int id = 0;
    if (space == 0 || space == std::string_view::npos ||
        line.find(' ', space + 1) != std::string_view::npos ||
        line.find('\t') != std::string_view::npos || !parse_int(line.substr(space + 1), id))
      lines.refuse(
          lines.number(),
          "expected a special token and its id (\"<|endoftext|> 100257\"), found " + quoted(line));
    std::string token(line.substr(0, space));
    if (auto [it, fresh] = special_line.emplace(token, lines.number()); !fresh)
      lines.refuse(lines.number(), "special token " + quoted(token) + " is on line " +
                                       std::to_string(it->second) + " already");
    if (auto [it, fresh] = special_bytes.emplace(id, token); !fresh)
      lines.refuse(lines.number(), "id " + std::to_string(id) + " is special token " +
                                       quoted(it->second) + "'s already");
    special.emplace_back(std::move(token), id);
    special_lines.push_back(lines.number());
  }

  // 4. The merges, "<left> <right>" a line: the n-th makes id 256 + n from
  //    two tokens made before it, and no pair is merged twice.
  std::vector<Merge> merges;
  std::unordered_map<std::uint64_t, int> merge_line;  // pair -> its line
  std::vector<std::uint64_t> length(256, 1);          // each token's bytes, to bound them
  std::uint64_t total = 256;
  while (lines.next(line)) {
    const int id = 256 + static_cast<int>(merges.size());
    if (id >= kMaxVocabSize)
      lines.refuse(lines.number(), "more than " + std::to_string(kMaxVocabSize - 256) + " merges");
    std::size_t space = line.find(' ');
    Merge m{0, 0, id};
    if (space == std::string_view::npos || !parse_int(line.substr(0, space), m.left) ||
        !parse_int(line.substr(space + 1), m.right))
      lines.refuse(lines.number(),
                   "expected a merge, two token ids (\"101 32\"), found " + quoted(line));
    if (m.left >= id || m.right >= id)
      lines.refuse(lines.number(), "merges token " + std::to_string(std::max(m.left, m.right)) +
                                       ", which is not made yet (this line makes token " +
                                       std::to_string(id) + " from tokens 0.." +
                                       std::to_string(id - 1) + ")");
    std::uint64_t key = (std::uint64_t{static_cast<std::uint32_t>(m.left)} << 32) |
                        static_cast<std::uint32_t>(m.right);
    if (auto [it, fresh] = merge_line.emplace(key, lines.number()); !fresh)
      lines.refuse(lines.number(), "the pair (" + std::to_string(m.left) + ", " +
                                       std::to_string(m.right) + ") is merged on line " +
                                       std::to_string(it->second) + " already");
    length.push_back(length[m.left] + length[m.right]);
    total += length.back();
    if (total > kMaxVocabBytes)
      lines.refuse(lines.number(),
                   "the tokens would spell more than " + std::to_string(kMaxVocabBytes) +
                       " bytes in all (tokens that keep doubling: not a trained model)");
    merges.push_back(m);
  }
  const int end = 256 + static_cast<int>(merges.size());
  for (std::size_t k = 0; k < special.size(); ++k)
    if (special[k].second < end)
      lines.refuse(special_lines[k], "special token " + quoted(special[k].first) + " has id " +
                                         std::to_string(special[k].second) +
                                         ", which a byte or a merge has (ids 0.." +
                                         std::to_string(end - 1) + ")");

  // 5. All checked: the tokenizer takes the model.
  set_merges(std::move(merges));
  pattern_ = std::move(pattern);
  splitter_ = std::move(splitter);
  special_tokens_ = std::move(special);
  special_bytes_ = std::move(special_bytes);
}

std::string read_text_file(const std::string& path, std::uint64_t max_bytes) {
  return gradlab::detail::InputFile(path, "read_text_file", max_bytes).read_rest();
}

}  // namespace gradlab::text
