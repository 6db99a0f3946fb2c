// SPDX-License-Identifier: MIT
// The tokenizer chapter's by-hand pieces, the lecture's own functions in
// plain C++: a string's code points, get_stats (the count of every adjacent
// pair, in the order the pairs first appear) and merge (one pair replaced
// by a new id, left to right). The library's BasicTokenizer does the same
// with counts it keeps up to date; the chapter checks the two agree.
// Only the standard library.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bpe {

// One character of a UTF-8 string: its code point (Python's ord) and bytes.
struct CodePoint {
  char32_t code;
  std::string bytes;
};

// The characters of valid UTF-8 text (the chapter's own strings).
inline std::vector<CodePoint> code_points(std::string_view s) {
  std::vector<CodePoint> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t code = n == 1 ? b : n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
    for (std::size_t k = 1; k < n; ++k) code = code << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back({code, std::string(s.substr(i, n))});
    i += n;
  }
  return out;
}

// "U+D55C".
inline std::string code_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

using Pair = std::pair<int, int>;

// Every adjacent pair of ids and how often it occurs (overlaps counted:
// "aaa" holds (a, a) twice), in the order each pair first occurs, the
// order of the dict the lecture's get_stats fills.
struct PairCount {
  Pair pair;
  int count;
};
inline std::vector<PairCount> get_stats(const std::vector<int>& ids) {
  std::vector<PairCount> out;
  std::map<Pair, std::size_t> where;
  for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
    const Pair p{ids[i], ids[i + 1]};
    auto [it, added] = where.try_emplace(p, out.size());
    if (added) out.push_back({p, 0});
    ++out[it->second].count;
  }
  return out;
}

// The most frequent pair; among equals the one that occurs first (Python's
// max over the dict). ids must hold two ids at least.
inline PairCount top_pair(const std::vector<PairCount>& stats) {
  PairCount best = stats.front();
  for (const PairCount& s : stats)
    if (s.count > best.count) best = s;
  return best;
}

// ids with every occurrence of `pair`, left to right, replaced by `id`.
inline std::vector<int> merge(const std::vector<int>& ids, Pair pair, int id) {
  std::vector<int> out;
  for (std::size_t i = 0; i < ids.size();) {
    if (i + 1 < ids.size() && ids[i] == pair.first && ids[i + 1] == pair.second) {
      out.push_back(id);
      i += 2;
    } else {
      out.push_back(ids[i++]);
    }
  }
  return out;
}

// The bytes of a string as ids 0 .. 255.
inline std::vector<int> bytes_of(std::string_view s) {
  std::vector<int> out;
  for (char c : s) out.push_back(static_cast<unsigned char>(c));
  return out;
}

}  // namespace bpe
