// SPDX-License-Identifier: MIT
// libFuzzer target for the BPE tokenizers (tokenizer.hpp). Each input is
// (1) a .model file, loaded into a BasicTokenizer and a RegexTokenizer:
// loaded, or refused with the tokenizer as it was, and a loaded model gives
// the input back through encode and decode; (2) a text: decode(encode(s)) ==
// s for trained tokenizers (GPT-4's split, special tokens in every mode) and
// for tokenizers trained on the input itself. Never a crash, a leak or a hang.
// Seeds: tests/fuzz/tokenizer_corpus (written by make_seeds.cpp).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <gradlab/tokenizer.hpp>

#include "memory_file.hpp"

namespace gt = gradlab::text;

namespace {

const char* kText =
    "The quick brown fox jumps over the lazy dog. It's 2024: don't panic!\n"
    "Café, naïve, 日本語, русский, 🙂🚀 and    spaces\n\n<|endoftext|>";

struct Trained {
  gt::BasicTokenizer basic;
  gt::RegexTokenizer regex;
  Trained() {
    basic.train(kText, 256 + 40);
    regex.train(kText, 256 + 40);
    regex.register_special_tokens({{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}});
  }
};

void same_or_trap(const std::string& got, const std::string& want) {
  if (got != want) __builtin_trap();
}

// A refused load leaves the tokenizer as it was; a model that loads
// encodes and decodes the text back (a fuzzed pattern may make PCRE2 give up:
// a std::runtime_error, never a wrong answer).
template <class T>
void load_into(T t, const T& before, const std::string& path, const std::string& text) {
  try {
    t.load(path);
  } catch (const std::runtime_error&) {
    if (!(t.merges() == before.merges()) || t.special_tokens() != before.special_tokens() ||
        t.pattern() != before.pattern())
      __builtin_trap();
    return;
  }
  for (const gt::Merge& m : t.merges())
    if (m.left >= m.id || m.right >= m.id) __builtin_trap();
  try {
    if constexpr (std::is_same_v<T, gt::RegexTokenizer>)
      same_or_trap(t.decode(t.encode(text, "all")), text);
    else
      same_or_trap(t.decode(t.encode(text)), text);
  } catch (const std::runtime_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Trained trained;
  static gradlab::fuzz::MemoryFile file;
  const std::string s(reinterpret_cast<const char*>(data), size);

  // 1. The input as a .model file.
  file.fill(data, size);
  load_into(trained.basic, trained.basic, file.path(), s);
  load_into(trained.regex, trained.regex, file.path(), s);

  // 2. The input as text.
  const gt::BasicTokenizer& basic = trained.basic;
  const gt::RegexTokenizer& regex = trained.regex;
  same_or_trap(basic.decode(basic.encode(s)), s);
  same_or_trap(regex.decode(regex.encode(s, "all")), s);
  same_or_trap(regex.decode(regex.encode(s, "none")), s);
  same_or_trap(regex.decode(regex.encode(s, {"<|fim_prefix|>"})), s);
  bool has_special =
      s.find("<|endoftext|>") != std::string::npos || s.find("<|fim_prefix|>") != std::string::npos;
  try {
    same_or_trap(regex.decode(regex.encode(s)), s);
    if (has_special) __builtin_trap();  // "none_raise" must refuse it
  } catch (const std::invalid_argument&) {
    if (!has_special) __builtin_trap();
  }

  // 3. Tokenizers trained on the input.
  if (size <= 2048) {
    gt::BasicTokenizer b;
    b.train(s, 256 + 64);
    same_or_trap(b.decode(b.encode(s)), s);
    gt::RegexTokenizer r;
    r.train(s, 256 + 64);
    same_or_trap(r.decode(r.encode_ordinary(s)), s);
  }
  return 0;
}
