// SPDX-License-Identifier: MIT
// Byte-level BPE tokenizers, karpathy/minbpe's in C++ (the lecture "Let's
// build the GPT Tokenizer"): BasicTokenizer merges the raw UTF-8 bytes,
// RegexTokenizer splits the text with GPT-4's pattern first and knows special
// tokens; training, encoding, decoding, and minbpe's .model / .vocab files.
// No pretrained vocabulary (GPT-4's cl100k) is shipped or loaded.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gradlab::text {

// The split patterns of GPT-2 and GPT-4 (cl100k), as minbpe spells them (its
// names are kept, so the lecture's code reads the same). Matched with PCRE2
// in UTF and Unicode-property mode: \p{L} letters, \p{N} numbers, ?+ and ++
// possessive.
inline constexpr std::string_view GPT2_SPLIT_PATTERN =
    R"('(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view GPT4_SPLIT_PATTERN =
    R"('(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+)";

// The largest vocab_size train() accepts, the largest text it trains on or
// encode() takes in one piece (token positions are ints), the largest .model
// file load() reads, and the most bytes its tokens may spell in all (a few
// merge lines that keep doubling one token would otherwise ask for
// gigabytes).
inline constexpr int kMaxVocabSize = 1 << 24;
inline constexpr std::size_t kMaxTextBytes = (std::size_t{1} << 31) - 2;
inline constexpr std::uint64_t kMaxModelFileBytes = std::uint64_t{64} << 20;
inline constexpr std::uint64_t kMaxVocabBytes = std::uint64_t{64} << 20;

// One learned merge: the adjacent pair (left, right) becomes token `id`.
// The i-th merge learned has id 256 + i; ids 0..255 are the bytes.
struct Merge {
  int left = 0, right = 0;
  int id = 0;
  friend bool operator==(const Merge&, const Merge&) = default;
};
// Prints "(101, 32) -> 256".
std::ostream& operator<<(std::ostream& os, const Merge& m);

// Special tokens and their ids, in the order they were registered: when two
// could match at the same place, the one registered first wins (minbpe's
// dict order), hence a list rather than a map.
using SpecialTokens = std::vector<std::pair<std::string, int>>;

namespace detail {
class Splitter;  // a compiled PCRE2 pattern (src/text/tokenizer_split.hpp)
}

// What BasicTokenizer and RegexTokenizer share (minbpe's base.py): the
// merges, the vocabulary they spell, decoding, saving and loading.
class Tokenizer {
 public:
  // The bytes of the tokens `ids` joined: for any text s,
  // decode(encode(s)) == s byte for byte, invalid UTF-8 included (minbpe
  // decodes to str with errors="replace"; a C++ string keeps the bytes; see
  // render_token for text to show people). An id that is neither in the
  // vocabulary nor a special token is a std::invalid_argument naming it.
  std::string decode(const std::vector<int>& ids) const;

  // The merges in the order they were learned (merges()[i].id == 256 + i).
  const std::vector<Merge>& merges() const { return merges_; }
  // Every token's bytes by id: the 256 bytes, the merges, the special tokens.
  std::map<int, std::string> vocab() const;
  // 256 + merges + special tokens.
  int vocab_size() const;
  const SpecialTokens& special_tokens() const { return special_tokens_; }
  // The split pattern; "" for a BasicTokenizer.
  const std::string& pattern() const { return pattern_; }
  // The chunks BPE runs in, in order, as views into `text`: the pattern's
  // matches (re.findall's) and whatever they leave between them; the whole
  // text as one chunk when there is no pattern.
  std::vector<std::string_view> split(std::string_view text) const;

  // Writes `file_prefix`.model (minbpe v1, what load() reads:
  //   minbpe v1
  //   <pattern>
  //   <number of special tokens>
  //   <special> <id>        one line each
  //   <left> <right>        one line per merge, in order: ids 256, 257, ...)
  // and `file_prefix`.vocab (for people: "[token] id" per line, a merge as
  // "[left][right] -> [token] id", tokens shown by render_token), each all
  // or nothing through a temporary file and a rename.
  void save(const std::string& file_prefix) const;

  // Reads a .model file that save() (or minbpe) wrote. Every line is checked
  // before anything changes: a file that is not a .model, is cut short, or
  // holds a line that does not parse, a merge of a token not yet made, a pair
  // merged twice, a special id among the merges' ids, or a pattern that does
  // not compile is refused with std::runtime_error naming the file and the
  // line ("load: m.model: line 7: ..."), and the tokenizer is unchanged.
  // A BasicTokenizer refuses a file with a pattern or special tokens, a
  // RegexTokenizer one without a pattern. A file cut exactly between two
  // merge lines cannot be told from a smaller model (the format has no count
  // of merges); a cut anywhere else is refused.
  void load(const std::string& model_file);

 protected:
  explicit Tokenizer(std::string pattern);  // "" for no split; compiles it
  ~Tokenizer() = default;
  Tokenizer(const Tokenizer&) = default;
  Tokenizer& operator=(const Tokenizer&) = default;

  // Learns vocab_size - 256 merges on the chunks (merges never cross a
  // chunk) and replaces merges_ with them; see BasicTokenizer::train.
  void train_on_chunks(const std::vector<std::string_view>& chunks, int vocab_size, bool verbose);
  // The ids of `text`: cut by the pattern (one chunk when there is none),
  // each distinct chunk's bytes merged in learned order once.
  std::vector<int> encode_text(std::string_view text, const char* what) const;
  // Appends the ids of one chunk's bytes, merged in learned order.
  void encode_chunk(std::string_view chunk, std::vector<int>& ids) const;
  // Replaces the merges and rebuilds vocab_ and merge_ids_ from them.
  void set_merges(std::vector<Merge> merges);

  std::string pattern_;
  std::shared_ptr<const detail::Splitter> splitter_;  // null when pattern_ is ""
  std::vector<Merge> merges_;
  std::vector<std::string> vocab_;                    // id -> bytes, ids 0 .. 255 + merges
  std::unordered_map<std::uint64_t, int> merge_ids_;  // (left << 32 | right) -> id
  SpecialTokens special_tokens_;
  std::unordered_map<int, std::string> special_bytes_;  // id -> special token
};

// minbpe's BasicTokenizer: byte-level BPE on the UTF-8 bytes of the whole
// text, no split, no special tokens.
class BasicTokenizer : public Tokenizer {
 public:
  BasicTokenizer();

  // Learns vocab_size - 256 merges from `text`: each step merges the most
  // frequent adjacent pair of tokens, counting overlapping pairs as minbpe
  // does ("aaa" holds (a, a) twice) and replacing them left to right; among
  // equally frequent pairs the one that occurs first in the text wins
  // (minbpe's max over a dict filled in the text's order). Pair counts are
  // kept and updated only around each merge, not recounted (~1 s for 512
  // tokens on 1 MB). Stops early when no pair is left (minbpe would fail).
  // verbose prints each merge. vocab_size < 256 is a std::invalid_argument,
  // more than kMaxVocabSize a std::length_error; a text of more than
  // kMaxTextBytes a std::length_error. Old merges are replaced.
  void train(std::string_view text, int vocab_size, bool verbose = false);

  // The token ids of `text`: its bytes, with the merges applied in the order
  // they were learned (lowest id first, every occurrence left to right, as
  // minbpe's encode does).
  std::vector<int> encode(std::string_view text) const;
};

// minbpe's allowed_special argument: what encode() does with special tokens
// found in the text.
//   "all"         each becomes its id
//   "none"        they are encoded as ordinary text
//   "none_raise"  finding one is an error (the default, as in minbpe)
//   {"<|endoftext|>", ...}  those named become their ids, the others ordinary
//                 text (names not registered are ignored, as in minbpe)
// Any other string is a std::invalid_argument.
class AllowedSpecial {
 public:
  enum class Mode { kAll, kNone, kNoneRaise, kSet };
  AllowedSpecial(const char* mode) : AllowedSpecial(std::string_view(mode)) {}
  AllowedSpecial(std::string_view mode);
  AllowedSpecial(const std::string& mode) : AllowedSpecial(std::string_view(mode)) {}
  AllowedSpecial(std::set<std::string> tokens) : mode_(Mode::kSet), tokens_(std::move(tokens)) {}
  AllowedSpecial(std::initializer_list<std::string> tokens) : mode_(Mode::kSet), tokens_(tokens) {}

  Mode mode() const { return mode_; }
  // Whether the special token `token` becomes its id.
  bool allows(const std::string& token) const;

 private:
  Mode mode_;
  std::set<std::string> tokens_;  // for Mode::kSet
};

// minbpe's RegexTokenizer: the text is cut into chunks by `pattern` (GPT-4's
// by default) and BPE runs inside each chunk, so merges never cross chunks
// (no token spans "dog." or "the cat"). Text the pattern does not match
// (invalid UTF-8, or what a custom pattern leaves out) is kept as chunks of
// its own, so decode(encode(s)) == s always (minbpe's findall would drop it).
// A pattern on which PCRE2 gives up (its match limit, reachable only with a
// pattern that backtracks badly) makes train and encode throw
// std::runtime_error naming the byte.
class RegexTokenizer : public Tokenizer {
 public:
  // A pattern that is empty, holds a line break (it could not be saved) or
  // does not compile is a std::invalid_argument with PCRE2's reason and where.
  explicit RegexTokenizer(std::string_view pattern = GPT4_SPLIT_PATTERN);

  // As BasicTokenizer::train, on the chunks of `text` (special tokens are not
  // looked for: they are ordinary text to training, as in minbpe). Equal
  // chunks are counted once with their number of occurrences. A vocab_size
  // whose merge ids would reach a registered special token's id is a
  // std::invalid_argument.
  void train(std::string_view text, int vocab_size, bool verbose = false);

  // Adds special tokens, kept in this order (the strings as they appear in
  // text, the ids they encode to). Each must be non-empty, hold no
  // whitespace (the .model format separates with spaces), be new, and have a
  // new id at or past the vocabulary's end (>= 256 + merges); otherwise
  // std::invalid_argument and nothing is added.
  void register_special_tokens(const SpecialTokens& tokens);

  // The ids of `text`, special tokens handled as `allowed_special` says;
  // with "none_raise" a special token in the text is a std::invalid_argument
  // naming it and where it is.
  std::vector<int> encode(std::string_view text,
                          const AllowedSpecial& allowed_special = "none_raise") const;
  // The ids of `text` with no regard for special tokens.
  std::vector<int> encode_ordinary(std::string_view text) const;
};

// minbpe's render_token: the bytes decoded as UTF-8 with each invalid
// sequence shown as U+FFFD (as Python's errors="replace"), and control
// characters (Unicode category C) escaped as \u000a.
std::string render_token(std::string_view bytes);

// The bytes of a text file to train on (at most `max_bytes`), read through
// gradlab's checked opener: only a regular file, refused with a
// std::runtime_error naming it otherwise.
std::string read_text_file(const std::string& path,
                           std::uint64_t max_bytes = std::uint64_t{1} << 30);

}  // namespace gradlab::text
