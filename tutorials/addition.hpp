// SPDX-License-Identifier: MIT
// The addition task and its model, shared by chapter 18 (18_transformer_adds) and the benchmark
// (bench/transformer_step.cpp): two-digit sums as token sequences, the fixed
// split, a decoder-only transformer, one training step and greedy decoding.
// Only gradlab's public API.
//
// A sum a + b (0 <= a, b <= 99) is 10 tokens, the answer written units first
// (so each digit depends only on what came before it, carries included):
//   a1 a0 + b1 b0 = c0 c1 c2 <stop>        e.g. 4 7 + 8 5 = 2 3 1 <stop>  (47 + 85 = 132)
// Vocabulary 13: the digits 0-9, '+' (10), '=' (11), <stop> (12).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

namespace addition {

namespace gl = gradlab;
namespace nn = gradlab::nn;

constexpr std::int64_t kVocab = 13, kPlus = 10, kEquals = 11, kStop = 12;
constexpr std::int64_t kLength = 10;  // tokens in one sum
constexpr std::int64_t kPrompt = 6;   // a1 a0 + b1 b0 =
constexpr std::int64_t kIgnore = -100;  // CrossEntropyLoss's ignore_index

inline std::vector<double> tokens_of(int a, int b) {
  int c = a + b;
  return {double(a / 10), double(a % 10), double(kPlus), double(b / 10), double(b % 10), double(kEquals),
          double(c % 10), double(c / 10 % 10), double(c / 100), double(kStop)};
}

inline std::string text_of(const std::vector<double>& tokens) {
  std::string s;
  for (double t : tokens) s += t < 10 ? std::string(1, char('0' + int(t))) : t == kPlus ? "+" : t == kEquals ? "=" : "$";
  return s;
}

// All 10,000 sums, (10000, 10); row 100 a + b is a + b.
inline gl::Tensor all_sums() {
  std::vector<double> data;
  for (int a = 0; a < 100; ++a)
    for (int b = 0; b < 100; ++b) {
      std::vector<double> t = tokens_of(a, b);
      data.insert(data.end(), t.begin(), t.end());
    }
  return gl::tensor(std::move(data), {10000, kLength});
}

// The fixed split: the 10,000 row numbers shuffled by a seeded Fisher-Yates;
// the first 9,000 train, the last 1,000 are held out.
struct Split {
  std::vector<double> train, heldout;
};
inline Split split(std::uint64_t seed = 2024) {
  gl::manual_seed(seed);
  std::vector<double> order(10000);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = double(i);
  for (std::size_t i = order.size() - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<std::size_t>(gl::uniform(0, double(i + 1)))]);
  return {std::vector<double>(order.begin(), order.begin() + 9000), std::vector<double>(order.begin() + 9000, order.end())};
}

// Inputs are the first 9 tokens, targets the next token at each position;
// only the answer (c0 c1 c2 <stop>, predicted at positions 5..8) is scored.
inline gl::Tensor inputs_of(const gl::Tensor& sums) { return sums.slice(1, 0, kLength - 1); }
inline gl::Tensor targets_of(const gl::Tensor& sums) {
  gl::Tensor t = sums.slice(1, 1, kLength).detach();
  for (std::int64_t n = 0; n < t.shape()[0]; ++n)
    for (std::int64_t j = 0; j < kPrompt - 1; ++j) t.data()[static_cast<std::size_t>(n * (kLength - 1) + j)] = kIgnore;
  return t;
}

struct Config {
  std::int64_t d_model = 32, nhead = 4, num_layers = 2, dim_feedforward = 128;
};

// Decoder-only: token embedding + positions, encoder layers under the causal
// mask (pre-LN), a final LayerNorm and a linear head to the 13 tokens.
class Adder : public nn::Module {
 public:
  explicit Adder(const Config& c = {}) : Module("Adder") {
    embed = register_module("embed", std::make_shared<nn::Embedding>(kVocab, c.d_model));
    position = register_module("position", std::make_shared<nn::PositionalEncoding>(c.d_model, kLength));
    blocks = register_module("blocks", std::make_shared<nn::TransformerEncoder>(
        nn::TransformerEncoderLayerOptions(c.d_model, c.nhead).dim_feedforward(c.dim_feedforward).dropout(0.0)
            .norm_first(true), c.num_layers));
    norm = register_module("norm", std::make_shared<nn::LayerNorm>(gl::Shape{c.d_model}));
    head = register_module("head", std::make_shared<nn::Linear>(c.d_model, kVocab));
  }
  // tokens (N, L) -> logits (N, L, 13)
  gl::Tensor forward(gl::Tensor tokens) override {
    gl::Tensor mask = nn::Transformer::generate_square_subsequent_mask(tokens.shape()[1]);
    return head->forward(norm->forward(blocks->forward(position->forward(embed->forward(tokens)), mask)));
  }

  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::PositionalEncoding> position;
  std::shared_ptr<nn::TransformerEncoder> blocks;
  std::shared_ptr<nn::LayerNorm> norm;
  std::shared_ptr<nn::Linear> head;
};

// One step on the sums `batch` (B, 10): the loss on the answer tokens,
// backward, the gradients clipped to norm 1 (a bad batch cannot throw the
// model far), the optimizer's update. Returns the loss.
inline double train_step(Adder& model, gl::optim::Optimizer& optimizer, const gl::Tensor& batch) {
  static const nn::CrossEntropyLoss loss_fn;  // ignore_index -100: the prompt is not scored
  gl::Tensor logits = model(inputs_of(batch));
  gl::Tensor loss = loss_fn(logits.reshape({-1, kVocab}), targets_of(batch).reshape({-1}));
  optimizer.zero_grad();
  loss.backward(false);
  gl::optim::clip_grad_norm_(optimizer.parameters(), 1.0);
  optimizer.step();
  return loss.item();
}

// The learning rate at step t (0-based) of `steps`: a linear warm-up over
// the first `warmup` steps to `peak`, then half a cosine down to 0.
inline double lr_at(int t, int steps, double peak, int warmup) {
  if (t < warmup) return peak * (t + 1) / warmup;
  return peak * 0.5 * (1 + std::cos(3.141592653589793 * (t - warmup) / (steps - warmup)));
}

// Greedy decoding from the prompts (N, 6): the most likely token, appended,
// four times. Returns (N, 4): c0 c1 c2 and (if all goes well) <stop>.
inline gl::Tensor answer(Adder& model, const gl::Tensor& prompts) {
  gl::NoGradGuard no_grad;
  gl::Tensor seq = prompts;
  for (int k = 0; k < 4; ++k) {
    gl::Tensor logits = model(seq);
    gl::Tensor next = gl::argmax(logits.select(1, seq.shape()[1] - 1), 1, true);  // (N, 1)
    seq = gl::cat({seq, next}, 1);
  }
  return seq.slice(1, kPrompt, kPrompt + 4);
}

// The fraction of `sums` (N, 10) whose whole answer greedy decoding gets right.
inline double exact_match(Adder& model, const gl::Tensor& sums) {
  std::int64_t right = 0, n = sums.shape()[0];
  for (std::int64_t start = 0; start < n; start += 1000) {
    gl::Tensor part = sums.slice(0, start, std::min(start + 1000, n));
    gl::Tensor got = answer(model, part.slice(1, 0, kPrompt)), want = part.slice(1, kPrompt, kLength);
    for (std::int64_t i = 0; i < got.shape()[0]; ++i)
      right += std::equal(got.data().begin() + i * 4, got.data().begin() + i * 4 + 4, want.data().begin() + i * 4);
  }
  return double(right) / double(n);
}

}  // namespace addition
