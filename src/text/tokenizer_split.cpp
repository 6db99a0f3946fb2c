// SPDX-License-Identifier: MIT
// Cutting text into chunks with PCRE2 (tokenizer_split.hpp): Python's
// re.findall over the text, except that nothing is dropped. std::regex would
// not do: it has no \p{L} and no possessive quantifiers.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "text/tokenizer_split.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace gradlab::text::detail {

namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  int n = pcre2_get_error_message(code, buffer, sizeof buffer);
  return n < 0 ? "PCRE2 error " + std::to_string(code)
               : std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

// UTF (the subject is UTF-8, the pattern's classes are about code points),
// UCP (\s, \w, \d and [[:alpha:]] are Unicode's too, as in Python's regex),
// MATCH_INVALID_UTF (invalid bytes are not an error: no match covers them).
constexpr std::uint32_t kCompileOptions = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;

struct MatchData {
  pcre2_match_data* md;
  explicit MatchData(const pcre2_code* code)
      : md(pcre2_match_data_create_from_pattern(code, nullptr)) {
    if (!md) throw std::bad_alloc();
  }
  ~MatchData() { pcre2_match_data_free(md); }
};

}  // namespace

Splitter::Splitter(const std::string& pattern, const std::string& what) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                        kCompileOptions, &error, &offset, nullptr);
  if (!code_)
    throw std::invalid_argument(what + " does not compile: " + pcre2_message(error) +
                                " at character " + std::to_string(offset));
  // Machine code for the matcher where PCRE2 has a JIT for this CPU; the
  // interpreter otherwise (same matches, slower).
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
}

Splitter::~Splitter() {
  pcre2_code_free(code_);
}

std::vector<std::string_view> Splitter::split(std::string_view text) const {
  std::vector<std::string_view> chunks;
  MatchData data(code_);
  // A larger JIT stack, made only if a match runs out of the default 32 KiB.
  std::unique_ptr<pcre2_jit_stack, decltype(&pcre2_jit_stack_free)> stack(nullptr,
                                                                          pcre2_jit_stack_free);
  std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context(
      nullptr, pcre2_match_context_free);
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t covered = 0, at = 0;  // bytes [0, covered) are in chunks; search from `at`
  std::uint32_t options = 0;
  while (at <= text.size()) {
    int rc = pcre2_match(code_, subject, text.size(), at, options, data.md, context.get());
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !stack) {
      stack.reset(pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr));
      context.reset(pcre2_match_context_create(nullptr));
      if (!stack || !context) throw std::bad_alloc();
      pcre2_jit_stack_assign(context.get(), nullptr, stack.get());
      continue;
    }
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0)
      throw std::runtime_error("split: the pattern failed on the text at byte " +
                               std::to_string(at) + ": " + pcre2_message(rc));
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.md);
    std::size_t start = ov[0], end = ov[1];
    if (start > covered) chunks.push_back(text.substr(covered, start - covered));  // not matched
    if (end > start) chunks.push_back(text.substr(start, end - start));
    covered = std::max(covered, end);
    // After an empty match, look again from the same place for a non-empty
    // one (Python's rule, and PCRE2's documented way to do findall).
    options = end == start ? PCRE2_NOTEMPTY_ATSTART : 0;
    at = end;
    if (end == start && end == text.size()) break;
  }
  if (covered < text.size()) chunks.push_back(text.substr(covered));
  return chunks;
}

bool is_control(char32_t c) {
  if (c >= 0xD800 && c <= 0xDFFF) return true;  // Cs: surrogates have no UTF-8
  if (c > 0x10FFFF) return true;
  static const pcre2_code* code = [] {
    int error = 0;
    PCRE2_SIZE offset = 0;
    auto pattern = reinterpret_cast<PCRE2_SPTR>(R"(\p{C})");
    pcre2_code* compiled = pcre2_compile(
        pattern, PCRE2_ZERO_TERMINATED, kCompileOptions | PCRE2_ANCHORED, &error, &offset, nullptr);
    if (!compiled) throw std::logic_error("is_control: " + pcre2_message(error));
    return compiled;
  }();
  unsigned char utf8[4];
  std::size_t n;
  if (c < 0x80) {
    utf8[0] = static_cast<unsigned char>(c), n = 1;
  } else if (c < 0x800) {
    utf8[0] = static_cast<unsigned char>(0xC0 | (c >> 6));
    utf8[1] = static_cast<unsigned char>(0x80 | (c & 0x3F)), n = 2;
  } else if (c < 0x10000) {
    utf8[0] = static_cast<unsigned char>(0xE0 | (c >> 12));
    utf8[1] = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
    utf8[2] = static_cast<unsigned char>(0x80 | (c & 0x3F)), n = 3;
  } else {
    utf8[0] = static_cast<unsigned char>(0xF0 | (c >> 18));
    utf8[1] = static_cast<unsigned char>(0x80 | ((c >> 12) & 0x3F));
    utf8[2] = static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3F));
    utf8[3] = static_cast<unsigned char>(0x80 | (c & 0x3F)), n = 4;
  }
  MatchData data(code);
  return pcre2_match(code, utf8, n, 0, 0, data.md, nullptr) >= 0;
}

}  // namespace gradlab::text::detail
