// SPDX-License-Identifier: MIT
// libFuzzer target for the word-list reader (words.hpp): any bytes as the
// file must give exactly its lines made of the letters a-z only, in order,
// or (when it has none) a std::runtime_error naming the file; never a crash,
// an overread or a leak.
// Seeds: tests/fuzz/words_corpus.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/words.hpp>

#include "memory_file.hpp"

namespace gl = gradlab;

// The words the file holds, by the rule words.hpp states: its lines (the
// last may lack a newline), a trailing \r dropped, kept when made of a-z only.
std::vector<std::string> expected_words(const std::string& text) {
  std::vector<std::string> words;
  std::string line;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') {
      line += text[i];
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
      words.push_back(line);
    line.clear();
  }
  return words;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gl::fuzz::MemoryFile file;
  file.fill(data, size);
  const std::vector<std::string> expected = expected_words(std::string(reinterpret_cast<const char*>(data), size));
  try {
    if (gl::load_words(file.path()) != expected) __builtin_trap();
  } catch (const std::runtime_error& e) {
    if (!expected.empty()) __builtin_trap();  // refused, though it holds words
    if (std::string(e.what()).rfind("load_words: " + file.path() + ": ", 0) != 0) __builtin_trap();  // names the file
  }
  return 0;
}
