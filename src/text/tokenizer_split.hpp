// SPDX-License-Identifier: MIT
// The split pattern of a RegexTokenizer, compiled by PCRE2 (UTF, Unicode
// properties, JIT where the machine has it), and the one Unicode question
// render_token asks (is this a control character?). Internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace gradlab::text::detail {

class Splitter {
 public:
  // Throws std::invalid_argument "<what> does not compile: <PCRE2's
  // reason> at character <n>".
  Splitter(const std::string& pattern, const std::string& what);
  ~Splitter();
  Splitter(const Splitter&) = delete;
  Splitter& operator=(const Splitter&) = delete;

  // The text cut into chunks, in order, covering every byte: each match of
  // the pattern (findall's), and between them whatever no match covered
  // (invalid UTF-8 never matches) as chunks of its own. Empty matches give
  // no chunk. A match that PCRE2 gives up on (a resource limit) is a
  // std::runtime_error naming the byte.
  std::vector<std::string_view> split(std::string_view text) const;

 private:
  pcre2_real_code_8* code_ = nullptr;
};

// Whether the code point is in Unicode's general category C (Cc, Cf, Cs,
// Co, Cn), as PCRE2's Unicode tables say.
bool is_control(char32_t c);

}  // namespace gradlab::text::detail
