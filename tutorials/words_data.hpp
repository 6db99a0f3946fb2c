// SPDX-License-Identifier: MIT
// What the two word chapters (10_language_model, 11_healthy_net) share: the
// 27 characters, examples of (context -> next character) made from words, a
// random minibatch, the mean loss over a whole split, and sampling a word.
// Only gradlab's public API is used.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace words_data {

namespace gl = gradlab;

// '.' marks both the start and the end of a word; a..z are 1..26.
constexpr std::int64_t kVocab = 27;
inline std::int64_t index_of(char c) { return c == '.' ? 0 : c - 'a' + 1; }
inline char letter(std::int64_t i) { return i == 0 ? '.' : static_cast<char>('a' + i - 1); }

// Every (context, next) pair of the words: X (N, block) holds the `block`
// characters before each position ('.' before the word starts), Y (N) the
// character there. "emma" with block 3 gives ... -> e, ..e -> m, .em -> m,
// emm -> a, mma -> '.'.
struct Examples {
  gl::Tensor X, Y;
};
inline Examples examples(const std::vector<std::string>& words, std::int64_t block) {
  std::vector<double> xs, ys;
  for (const std::string& w : words) {
    std::vector<std::int64_t> context(static_cast<std::size_t>(block), 0);
    for (char ch : w + ".") {
      for (std::int64_t c : context) xs.push_back(static_cast<double>(c));
      ys.push_back(static_cast<double>(index_of(ch)));
      context.erase(context.begin());
      context.push_back(index_of(ch));
    }
  }
  auto n = static_cast<std::int64_t>(ys.size());
  return {gl::tensor(std::move(xs), {n, block}), gl::tensor(std::move(ys), {n})};
}

// `size` rows of X and Y picked at random (gradlab's generator, seeded).
inline Examples minibatch(const Examples& e, std::int64_t size) {
  const std::int64_t n = e.Y.numel();
  std::vector<double> pick(static_cast<std::size_t>(size));
  for (double& p : pick) p = static_cast<double>(static_cast<std::int64_t>(gl::uniform() * static_cast<double>(n)));
  gl::Tensor index = gl::tensor(std::move(pick), {size});
  return {e.X.index_select(0, index), e.Y.index_select(0, index)};
}

// The mean cross-entropy of `logits_of` over all of e, without a graph, in
// chunks of 8,192 rows (or `chunk`): a whole split at once (500,000 rows
// through 200 hidden units) would hold gigabytes; a chunk's tensors are
// freed before the next is made.
inline double mean_loss(const Examples& e, const std::function<gl::Tensor(const gl::Tensor&)>& logits_of,
                        std::int64_t chunk = 8192) {
  gl::NoGradGuard no_grad;
  const std::int64_t n = e.Y.numel();
  double sum = 0;
  for (std::int64_t from = 0; from < n; from += chunk) {
    const std::int64_t rows = std::min(chunk, n - from);
    gl::Tensor loss = gl::nn::functional::cross_entropy(logits_of(e.X.slice(0, from, from + rows)),
                                                        e.Y.slice(0, from, from + rows));
    sum += loss.item() * static_cast<double>(rows);  // the chunk's mean, weighed by its rows
  }
  return sum / static_cast<double>(n);
}

// A word drawn one character at a time from probs_of(context) (27
// probabilities), until '.' comes (or 30 characters).
inline std::string sample_word(std::int64_t block, const std::function<gl::Tensor(const gl::Tensor&)>& probs_of) {
  gl::NoGradGuard no_grad;
  std::vector<double> context(static_cast<std::size_t>(block), 0.0);
  std::string word;
  while (word.size() < 30) {
    gl::Tensor p = probs_of(gl::tensor(context, {1, block}));
    std::int64_t next = static_cast<std::int64_t>(gl::multinomial(p.reshape({kVocab}), 1, true).item());
    if (next == 0) break;
    word += letter(next);
    context.erase(context.begin());
    context.push_back(static_cast<double>(next));
  }
  return word;
}

// Sampled words for the screen: separated by spaces, indented two columns,
// a new line before 90.
inline std::string wrap(const std::vector<std::string>& words) {
  std::string out = "  ", line;
  for (const std::string& w : words) {
    if (line.size() + w.size() > 86) {
      out += line + "\n  ";
      line.clear();
    }
    line += w + " ";
  }
  return out + line;
}

}  // namespace words_data
