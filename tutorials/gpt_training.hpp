// SPDX-License-Identifier: MIT
// Training the GPT of gpt_model.hpp as nanoGPT's train.py does with its CPU
// settings: the learning-rate schedule (warm-up, then a cosine), AdamW with
// weight decay on the matrices only, gradients clipped; the mean loss over a
// whole text, and the summed loss of its every token; a progress bar with
// the running loss and steps per second.
// Only gradlab's public API is used.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "gpt_model.hpp"

namespace gpt {

// nanoGPT's get_lr: linear warm-up to lr over `warmup` steps, then a cosine
// down to min_lr at step decay_steps, min_lr after. `step` counts from 0.
inline double learning_rate(std::int64_t step, double lr, double min_lr, std::int64_t warmup,
                            std::int64_t decay_steps) {
  if (step < warmup) return lr * static_cast<double>(step + 1) / static_cast<double>(warmup + 1);
  if (step > decay_steps) return min_lr;
  const double ratio = static_cast<double>(step - warmup) / static_cast<double>(std::max<std::int64_t>(1, decay_steps - warmup));
  return min_lr + 0.5 * (1.0 + std::cos(std::numbers::pi * ratio)) * (lr - min_lr);
}

// The mean cross-entropy over the whole of `data` (no graph): windows of
// block_size side by side, data[w T .. (w + 1) T) predicting the ids one
// further, for w = 0 .. (n - 1) / T - 1, chunk windows at a time.
template <class Logits>
double text_loss(const std::vector<int>& data, std::int64_t block_size, Logits logits_of, std::int64_t chunk = 64) {
  gl::NoGradGuard no_grad;
  const std::int64_t T = block_size, windows = (static_cast<std::int64_t>(data.size()) - 1) / T;
  if (windows < 1)
    throw std::invalid_argument("text_loss: " + std::to_string(data.size()) + " ids are too few for one window of " +
                                std::to_string(T));
  double total = 0;
  for (std::int64_t w0 = 0; w0 < windows; w0 += chunk) {
    const std::int64_t n = std::min(chunk, windows - w0);
    std::vector<double> x(static_cast<std::size_t>(n * T)), y(x.size());
    for (std::int64_t i = 0; i < n * T; ++i) {
      x[static_cast<std::size_t>(i)] = data[static_cast<std::size_t>(w0 * T + i)];
      y[static_cast<std::size_t>(i)] = data[static_cast<std::size_t>(w0 * T + i + 1)];
    }
    gl::Tensor out = logits_of(gl::tensor(std::move(x), {n, T}));
    total += F::cross_entropy(out.reshape({n * T, -1}), gl::tensor(std::move(y), {n * T})).item() *
             static_cast<double>(n * T);
  }
  return total / static_cast<double>(windows * T);
}

// The summed cross-entropy (in nats, no graph) of predicting every id of
// data after the first from the ids before it, at most block_size of them:
// windows of block_size side by side, then one last window ending at the
// text's end that counts only the ids not counted yet, so each of the
// data.size() - 1 predictions is counted exactly once (text_loss leaves
// the tail that fills no window out). Comparing two tokenizations of one
// text needs every token of it.
template <class Logits>
double total_nll(const std::vector<int>& data, std::int64_t block_size, Logits logits_of, std::int64_t chunk = 64) {
  gl::NoGradGuard no_grad;
  const auto n = static_cast<std::int64_t>(data.size());
  if (n < 2) throw std::invalid_argument("total_nll: needs 2 ids or more (one to read, one to predict), got " + std::to_string(n));
  const std::int64_t T = std::min(block_size, n - 1);
  std::vector<std::int64_t> starts;  // each window is data[s .. s + T) predicting data[s + 1 .. s + T]
  for (std::int64_t s = 0; s + T <= n - 1; s += T) starts.push_back(s);
  const std::int64_t counted = starts.back() + T;  // the last id predicted so far
  if (counted < n - 1) starts.push_back(n - 1 - T);
  double total = 0;
  for (std::size_t w0 = 0; w0 < starts.size(); w0 += static_cast<std::size_t>(chunk)) {
    const std::size_t w1 = std::min(starts.size(), w0 + static_cast<std::size_t>(chunk));
    const auto m = static_cast<std::int64_t>(w1 - w0);
    std::vector<double> x;
    for (std::size_t w = w0; w < w1; ++w)
      for (std::int64_t t = 0; t < T; ++t) x.push_back(data[static_cast<std::size_t>(starts[w] + t)]);
    gl::Tensor out = logits_of(gl::tensor(std::move(x), {m, T}));  // (m, T, V)
    const std::int64_t V = out.shape()[2];
    const std::vector<double> logp = out.log_softmax(2).to_vector();
    for (std::size_t w = w0; w < w1; ++w) {
      const std::int64_t s = starts[w];
      const bool last_window = counted < n - 1 && w + 1 == starts.size();  // the extra one
      for (std::int64_t t = 0; t < T; ++t) {
        const std::int64_t target = s + t + 1;
        if (last_window && target <= counted) continue;  // counted by an earlier window
        const auto row = static_cast<std::size_t>((static_cast<std::int64_t>(w - w0) * T + t) * V);
        total -= logp[row + static_cast<std::size_t>(data[static_cast<std::size_t>(target)])];
      }
    }
  }
  return total;
}

// One line that redraws itself in a terminal (a line every 10% in a log):
// the step, a bar, the running loss, steps per second and the time left.
class Progress {
 public:
  explicit Progress(std::int64_t steps, std::string what = "")
      : steps_(steps), what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}
  void update(std::int64_t step, double loss) {
    running_ = step == 1 ? loss : 0.95 * running_ + 0.05 * loss;
    static const bool tty = isatty(1);
    if (!tty && step % std::max<std::int64_t>(1, steps_ / 10) != 0 && step != steps_) return;
    const double s = seconds();
    const int filled = static_cast<int>(24 * step / steps_);
    std::printf("%s%s%5lld/%lld [%s%s] loss %.4f  %.1f steps/s  %3.0f s left%s", tty ? "\r" : "", what_.c_str(),
                static_cast<long long>(step), static_cast<long long>(steps_),
                std::string(static_cast<std::size_t>(filled), '#').c_str(),
                std::string(static_cast<std::size_t>(24 - filled), '.').c_str(), running_, step / s,
                s / static_cast<double>(step) * static_cast<double>(steps_ - step), tty ? "" : "\n");
    if (tty && step == steps_) std::printf("\n");
    std::fflush(stdout);
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
  double running_loss() const { return running_; }

 private:
  std::int64_t steps_;
  std::string what_;
  std::chrono::steady_clock::time_point start_;
  double running_ = 0;
};

// The recipe's training loop (nanoGPT's train.py with its CPU settings):
// AdamW (beta2 0.99, weight decay 0.1 on the matrices), warm-up and cosine
// schedule, gradients clipped to norm 1. Returns each step's loss.
struct Recipe {
  std::int64_t batch_size = 12, steps = 2000, warmup = 100;
  double lr = 1e-3, min_lr = 1e-4, weight_decay = 0.1, beta2 = 0.99, grad_clip = 1.0;
};

inline std::vector<double> train(GPT& model, const std::vector<int>& data, const Recipe& r, Progress* progress = nullptr) {
  gl::optim::AdamW decay(model.decayed(), gl::optim::AdamWOptions(r.lr).betas({0.9, r.beta2}).weight_decay(r.weight_decay));
  gl::optim::AdamW no_decay(model.not_decayed(), gl::optim::AdamWOptions(r.lr).betas({0.9, r.beta2}).weight_decay(0.0));
  std::vector<double> losses;
  model.train();
  for (std::int64_t step = 0; step < r.steps; ++step) {
    const double lr = learning_rate(step, r.lr, r.min_lr, r.warmup, r.steps);
    decay.set_lr(lr);
    no_decay.set_lr(lr);
    gl::TextBatch b = gl::get_batch(data, model.config.block_size, r.batch_size);
    gl::Tensor loss = model.loss(b.x, b.y);
    decay.zero_grad();
    no_decay.zero_grad();
    loss.backward();
    if (r.grad_clip > 0) gl::optim::clip_grad_norm_(model.parameters(), r.grad_clip);
    decay.step();
    no_decay.step();
    losses.push_back(loss.item());
    if (progress) progress->update(step + 1, losses.back());
  }
  model.eval();
  return losses;
}

}  // namespace gpt
