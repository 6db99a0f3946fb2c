// SPDX-License-Identifier: MIT
// Learning BPE merges with pair counts kept up to date: the text is counted
// once, then each merge changes only the counts of the pairs around the
// places it merges, and a heap finds the next most frequent pair. The
// result is minbpe's (recount every pair, merge the max) merge for merge;
// tests/tokenizer_test.cpp checks the two against each other.

#include <gradlab/tokenizer.hpp>

#include <iostream>
#include <queue>
#include <stdexcept>

namespace gradlab::text {

namespace {

std::uint64_t pair_key(int left, int right) {
  return (std::uint64_t{static_cast<std::uint32_t>(left)} << 32) |
         static_cast<std::uint32_t>(right);
}
int left_of(std::uint64_t key) {
  return static_cast<int>(key >> 32);
}
int right_of(std::uint64_t key) {
  return static_cast<int>(key & 0xffffffffu);
}

// The tokens of every distinct chunk, one chunk after another, as linked
// lists: token i is sym[i], its neighbours in its chunk are prev[i] and
// next[i] (-1 past the chunk's ends), and its chunk occurs weight[i] times
// in the text. Merging i with next[i] keeps i (the merged token) and kills
// next[i] (sym -1). Symbols are numbered in the order their chunks first
// occur in the text, so a smaller index is an earlier place in the text.
struct Symbols {
  std::vector<int> sym, prev, next, weight;
  // Whether the pair `key` is still at i (an occurrence once lost never comes back).
  bool holds(int i, std::uint64_t key) const {
    return sym[i] == left_of(key) && next[i] >= 0 && sym[next[i]] == right_of(key);
  }
};

// One adjacent pair of tokens: how often it occurs (chunk weights summed),
// and where (the index of its left token). Places are added in increasing
// order, and only in one merge step (every new pair holds the token just
// made), so `at` stays sorted; places that lost the pair are skipped lazily.
struct PairState {
  std::int64_t count = 0;
  std::vector<int> at;
  std::size_t head = 0;  // at[0, head) no longer hold the pair
  int touched = -1;      // the merge step that last changed the count
};

// A heap entry: a pair with the count and first place it had when pushed.
// The top is the most frequent pair; among equal counts, the one that occurs
// first in the text, which is the pair minbpe's max(stats, key=stats.get)
// picks: its dict is filled in the text's order and max keeps the first.
struct Candidate {
  std::int64_t count;
  int first;
  std::uint64_t key;
  bool operator<(const Candidate& o) const {
    return count != o.count ? count < o.count : first > o.first;
  }
};

class Trainer {
 public:
  explicit Trainer(const std::vector<std::string_view>& chunks) {
    // Equal chunks are trained on once, weighted by how often they occur.
    std::unordered_map<std::string_view, int> index;
    std::vector<std::string_view> distinct;
    std::vector<int> times;
    for (std::string_view c : chunks) {
      if (c.empty()) continue;
      auto [it, fresh] = index.try_emplace(c, static_cast<int>(distinct.size()));
      if (fresh) {
        distinct.push_back(c);
        times.push_back(1);
      } else {
        ++times[it->second];
      }
    }
    std::size_t n = 0;
    for (std::string_view c : distinct) n += c.size();
    s_.sym.resize(n), s_.prev.resize(n), s_.next.resize(n), s_.weight.resize(n);
    int i = 0;
    for (std::size_t c = 0; c < distinct.size(); ++c) {
      int start = i;
      for (char byte : distinct[c]) {
        s_.sym[i] = static_cast<unsigned char>(byte);
        s_.prev[i] = i == start ? -1 : i - 1;
        s_.next[i] = i + 1;
        s_.weight[i] = times[c];
        ++i;
      }
      s_.next[i - 1] = -1;
    }
    for (int j = 0; j < static_cast<int>(n); ++j)
      if (s_.next[j] >= 0) add(j);
    push_touched();
  }

  // The most frequent pair now (ties: the first in the text), or false when
  // no pair is left.
  bool best(std::uint64_t& key, std::int64_t& count) {
    while (!heap_.empty()) {
      Candidate c = heap_.top();
      heap_.pop();
      auto it = pairs_.find(c.key);
      if (it == pairs_.end() || it->second.count != c.count) continue;  // stale count
      int first = first_place(c.key, it->second);
      if (first != c.first) {  // its first place has moved on: back in line with the new one
        heap_.push({c.count, first, c.key});
        continue;
      }
      key = c.key, count = c.count;
      return true;
    }
    return false;
  }

  // Replaces every occurrence of the pair `key`, left to right, by `id`
  // (minbpe's merge(): in "aaa" only the first (a, a) is merged).
  void merge(std::uint64_t key, int id) {
    ++step_;
    PairState& p = pairs_.at(key);
    std::vector<int> at = std::move(p.at);
    for (std::size_t k = p.head; k < at.size(); ++k) {
      int i = at[k];
      if (!s_.holds(i, key)) continue;  // lost to an earlier merge (overlap) or before
      int j = s_.next[i], h = s_.prev[i], after = s_.next[j];
      // The pairs around the place lose this occurrence ...
      if (h >= 0) remove(h);
      if (after >= 0) remove(j);
      p.count -= s_.weight[i];
      s_.sym[i] = id;  // i is now the merged token, j is gone
      s_.sym[j] = -1;
      s_.next[i] = after;
      if (after >= 0) s_.prev[after] = i;
      // ... and the new pairs with the merged token gain one.
      if (h >= 0) add(h);
      if (after >= 0) add(i);
    }
    pairs_.erase(key);
    push_touched();
  }

 private:
  PairState& touch(std::uint64_t key, PairState& p) {
    if (p.touched != step_) {
      p.touched = step_;
      touched_.push_back(key);
    }
    return p;
  }
  // The pair that starts at i gains (add) or loses (remove) one occurrence.
  void add(int i) {
    std::uint64_t key = pair_key(s_.sym[i], s_.sym[s_.next[i]]);
    PairState& p = touch(key, pairs_[key]);
    p.count += s_.weight[i];
    p.at.push_back(i);
  }
  void remove(int i) {
    std::uint64_t key = pair_key(s_.sym[i], s_.sym[s_.next[i]]);
    touch(key, pairs_.at(key)).count -= s_.weight[i];
  }
  int first_place(std::uint64_t key, PairState& p) {
    while (!s_.holds(p.at[p.head], key)) ++p.head;  // count > 0: one place still holds it
    return p.at[p.head];
  }
  // Every pair whose count changed goes on the heap with its new count;
  // those that no longer occur are forgotten.
  void push_touched() {
    for (std::uint64_t key : touched_) {
      auto it = pairs_.find(key);
      if (it == pairs_.end()) continue;
      if (it->second.count == 0) {
        pairs_.erase(it);
        continue;
      }
      heap_.push({it->second.count, first_place(key, it->second), key});
    }
    touched_.clear();
  }

  Symbols s_;
  std::unordered_map<std::uint64_t, PairState> pairs_;
  std::priority_queue<Candidate> heap_;
  std::vector<std::uint64_t> touched_;
  int step_ = 0;
};

}  // namespace

void Tokenizer::train_on_chunks(const std::vector<std::string_view>& chunks, int vocab_size,
                                bool verbose) {
  if (vocab_size < 256)
    throw std::invalid_argument("train: vocab_size " + std::to_string(vocab_size) +
                                " is less than 256 (the 256 byte values are the first tokens)");
  if (vocab_size > kMaxVocabSize)
    throw std::length_error("train: vocab_size " + std::to_string(vocab_size) + " is more than " +
                            std::to_string(kMaxVocabSize));
  for (const auto& [token, id] : special_tokens_)
    if (id < vocab_size)
      throw std::invalid_argument("train: vocab_size " + std::to_string(vocab_size) +
                                  " would make ids up to " + std::to_string(vocab_size - 1) +
                                  ", but special token \"" + token + "\" has id " +
                                  std::to_string(id));
  const int num_merges = vocab_size - 256;
  Trainer trainer(chunks);
  std::vector<Merge> merges;
  std::vector<std::string> spelled;  // each token's bytes, for the verbose lines
  if (verbose) {
    for (int b = 0; b < 256; ++b) spelled.emplace_back(1, static_cast<char>(b));
  }
  for (int i = 0; i < num_merges; ++i) {
    std::uint64_t key;
    std::int64_t count;
    if (!trainer.best(key, count)) {
      if (verbose) std::cout << "stopped after " << i << " merges: no pair of tokens is left\n";
      break;
    }
    Merge m{left_of(key), right_of(key), 256 + i};
    trainer.merge(key, m.id);
    merges.push_back(m);
    if (verbose) {
      spelled.push_back(spelled[m.left] + spelled[m.right]);
      std::cout << "merge " << i + 1 << "/" << num_merges << ": (" << m.left << ", " << m.right
                << ") -> " << m.id << " (" << render_token(spelled.back()) << ") had " << count
                << " occurrences\n";
    }
  }
  set_merges(std::move(merges));
}

}  // namespace gradlab::text
