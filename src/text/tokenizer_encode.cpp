// SPDX-License-Identifier: MIT
// Encoding: a chunk's bytes merged in the order the merges were learned.
// minbpe rescans the chunk for its lowest-id pair and merges it everywhere,
// again and again; here every place goes on a heap ordered by (merge id,
// place) once and merged when its turn comes: the same ids, in n log n.

#include <gradlab/tokenizer.hpp>

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace gradlab::text {

void Tokenizer::encode_chunk(std::string_view chunk, std::vector<int>& ids) const {
  const int n = static_cast<int>(chunk.size());
  if (n == 0) return;
  if (n == 1) {
    ids.push_back(static_cast<unsigned char>(chunk[0]));
    return;
  }
  // The chunk as a linked list of tokens, as in training: merging i with
  // next[i] keeps i and kills next[i] (sym -1).
  std::vector<int> sym(n), next(n), prev(n);
  for (int i = 0; i < n; ++i) {
    sym[i] = static_cast<unsigned char>(chunk[i]);
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  auto id_of = [&](int i) {  // the merge id of the pair at i, or -1
    if (next[i] < 0) return -1;
    auto it = merge_ids_.find((std::uint64_t{static_cast<std::uint32_t>(sym[i])} << 32) |
                              static_cast<std::uint32_t>(sym[next[i]]));
    return it == merge_ids_.end() ? -1 : it->second;
  };
  // (merge id << 32 | place), smallest first: the earliest-learned merge, and
  // its places left to right. A merge only makes pairs with a later id (the
  // token it makes is newer than the pair), so every place of one merge is
  // done before the next merge starts, exactly as in minbpe.
  std::vector<std::uint64_t> heap;
  auto push = [&](int i) {
    if (int id = id_of(i); id >= 0)
      heap.push_back((std::uint64_t{static_cast<std::uint32_t>(id)} << 32) |
                     static_cast<std::uint32_t>(i)),
          std::push_heap(heap.begin(), heap.end(), std::greater<>());
  };
  for (int i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    std::uint64_t top = heap.back();
    heap.pop_back();
    int id = static_cast<int>(top >> 32), i = static_cast<int>(top & 0xffffffffu);
    if (sym[i] < 0 || id_of(i) != id) continue;  // merged away, or its pair changed since
    int j = next[i];
    sym[i] = id;
    sym[j] = -1;
    next[i] = next[j];
    if (next[i] >= 0) prev[next[i]] = i;
    if (prev[i] >= 0) push(prev[i]);
    push(i);
  }
  for (int i = 0; i >= 0; i = next[i]) ids.push_back(sym[i]);
}

std::vector<int> Tokenizer::encode_text(std::string_view text, const char* what) const {
  if (text.size() > kMaxTextBytes)
    throw std::length_error(std::string(what) + ": text is " + std::to_string(text.size()) +
                            " bytes, more than the " + std::to_string(kMaxTextBytes) +
                            " encode takes at once");
  std::vector<int> ids;
  // Text repeats its chunks (" the", " of", ...): each distinct chunk is
  // encoded once and its ids copied after that.
  std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>>
      done;  // chunk -> ids[a, b)
  std::vector<int> encoded;
  for (std::string_view chunk : split(text)) {
    auto [it, fresh] = done.try_emplace(chunk);
    if (fresh) {
      std::size_t from = encoded.size();
      encode_chunk(chunk, encoded);
      it->second = {from, encoded.size()};
    }
    ids.insert(ids.end(), encoded.begin() + static_cast<std::ptrdiff_t>(it->second.first),
               encoded.begin() + static_cast<std::ptrdiff_t>(it->second.second));
  }
  return ids;
}

}  // namespace gradlab::text
