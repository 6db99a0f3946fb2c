// SPDX-License-Identifier: MIT
// microgpt (Karpathy, 2026): a one-layer GPT small enough to write on scalar
// Values, and the same model on Tensors, from the same starting numbers.
// 1 layer, 16-number embeddings, 4 heads of 4, a context of 16 characters,
// RMSNorm, no biases, ReLU, Adam with a linearly decaying rate, one word a
// step. Shared by tutorials/21_microgpt.cpp and bench/microgpt_step.cpp;
// only gradlab's public API is used.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace microgpt {

namespace gl = gradlab;

// The 27 characters of the word chapters: '.' (0) starts and ends a word.
constexpr int kVocab = 27, kEmbd = 16, kHeads = 4, kHeadDim = kEmbd / kHeads, kBlock = 16,
              kHidden = 4 * kEmbd;
constexpr double kInitStd = 0.08;

// A word as tokens: '.', its letters, '.'. std::invalid_argument for an empty
// word or a character outside a..z.
inline std::vector<int> tokens_of(const std::string& word) {
  if (word.empty()) throw std::invalid_argument("microgpt::tokens_of: word is empty");
  std::vector<int> t{0};
  for (char c : word) {
    if (c < 'a' || c > 'z')
      throw std::invalid_argument("microgpt::tokens_of: word \"" + word + "\" holds a character outside a..z");
    t.push_back(c - 'a' + 1);
  }
  t.push_back(0);
  return t;
}
// How many positions a word trains: its letters and the end, at most kBlock.
inline int positions(const std::vector<int>& tokens) {
  if (tokens.size() < 2)
    throw std::invalid_argument("microgpt: tokens holds " + std::to_string(tokens.size()) +
                                " tokens; a word needs at least 2 (see tokens_of)");
  for (int t : tokens)
    if (t < 0 || t >= kVocab)
      throw std::invalid_argument("microgpt: tokens holds " + std::to_string(t) + ", not in 0..26");
  return std::min(kBlock, static_cast<int>(tokens.size()) - 1);
}

// --- the starting numbers, shared by both models ----------------------------------------

// One weight matrix, (rows, cols) row-major, as microgpt keeps them: a
// linear layer's matrix is (out, in), so row i makes output i.
struct Matrix {
  const char* name;
  int rows, cols;
  std::vector<double> data;
};
// wte (27, 16), wpe (16, 16), lm_head (27, 16), wq, wk, wv, wo (16, 16),
// fc1 (64, 16), fc2 (16, 64): 4,192 numbers, each drawn from N(0, 0.08²)
// with gradlab's generator, seeded.
inline std::vector<Matrix> initial_weights(std::uint64_t seed) {
  gl::manual_seed(seed);
  std::vector<Matrix> w{{"wte", kVocab, kEmbd, {}}, {"wpe", kBlock, kEmbd, {}},  {"lm_head", kVocab, kEmbd, {}},
                        {"wq", kEmbd, kEmbd, {}},   {"wk", kEmbd, kEmbd, {}},    {"wv", kEmbd, kEmbd, {}},
                        {"wo", kEmbd, kEmbd, {}},   {"fc1", kHidden, kEmbd, {}}, {"fc2", kEmbd, kHidden, {}}};
  for (Matrix& m : w) m.data = (gl::randn({m.rows * m.cols}) * kInitStd).to_vector();
  return w;
}
enum { kWte, kWpe, kLmHead, kWq, kWk, kWv, kWo, kFc1, kFc2 };

// --- Adam with a linearly decaying rate, written once for both models ----------------------

struct Adam {
  double lr = 0.01, beta1 = 0.85, beta2 = 0.99, eps = 1e-8;
  int steps;                 // the rate falls linearly to 0 over this many steps
  std::vector<double> m, v;  // the moving averages of each parameter's gradient and its square

  Adam(std::size_t n_params, int total_steps) : steps(total_steps), m(n_params, 0.0), v(n_params, 0.0) {}
  double lr_at(int step) const { return lr * (1.0 - static_cast<double>(step) / steps); }
  // Before the updates of step `step` (0 is the first): its rate, and the
  // corrections of the averages' bias towards 0 in the first steps.
  void begin(int step) {
    lr_t_ = lr_at(step);
    m_scale_ = 1 / (1 - std::pow(beta1, step + 1));
    v_scale_ = 1 / (1 - std::pow(beta2, step + 1));
  }
  // Parameter i with gradient g.
  void update(std::size_t i, double& p, double g) {
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    p -= lr_t_ * (m[i] * m_scale_) / (std::sqrt(v[i] * v_scale_) + eps);
  }

 private:
  double lr_t_ = 0, m_scale_ = 0, v_scale_ = 0;
};

// --- the model on scalar Values ---------------------------------------------------------

using Vec = std::vector<gl::Value>;

// The attention of one head at one position. q holds the query, keys[t] and
// values[t] the key and value of position t (every position so far); the head
// reads their kHeadDim numbers from index `at` on. Returns the head's output,
// the weighted sum of the values. `scores` and `weights`, when given, receive
// the scaled query·key scores and their softmax (the chapter draws them).
inline Vec attend(const Vec& q, const std::vector<Vec>& keys, const std::vector<Vec>& values, int at = 0,
                  Vec* scores = nullptr, Vec* weights = nullptr) {
  const std::size_t T = keys.size();
  Vec s, w, out;
  s.reserve(T);
  const gl::Value scale = gl::Value::constant(1.0 / std::sqrt(double(kHeadDim)));
  for (const Vec& k : keys) {  // q·k / sqrt(head_dim)
    gl::Value dot = q[at] * k[at];
    for (int j = at + 1; j < at + kHeadDim; ++j) dot = dot + q[j] * k[j];
    s.push_back(dot * scale);
  }
  // softmax, shifted by the largest score (a constant) so that exp cannot overflow
  double largest = s[0].data();
  for (const gl::Value& x : s) largest = std::max(largest, x.data());
  const gl::Value max = gl::Value::constant(largest);
  w.reserve(T);
  for (const gl::Value& x : s) w.push_back((x - max).exp());
  gl::Value total = w[0];
  for (std::size_t t = 1; t < T; ++t) total = total + w[t];
  for (gl::Value& x : w) x = x / total;
  out.reserve(kHeadDim);
  for (int j = at; j < at + kHeadDim; ++j) {  // sum over t of weight_t * value_t
    gl::Value acc = w[0] * values[0][j];
    for (std::size_t t = 1; t < T; ++t) acc = acc + w[t] * values[t][j];
    out.push_back(std::move(acc));
  }
  if (scores) *scores = std::move(s);
  if (weights) *weights = std::move(w);
  return out;
}

class ScalarGpt {
 public:
  explicit ScalarGpt(const std::vector<Matrix>& init) {
    for (const Matrix& m : init) {
      std::vector<Vec> rows(static_cast<std::size_t>(m.rows));
      for (int i = 0; i < m.rows; ++i)
        for (int j = 0; j < m.cols; ++j) rows[i].emplace_back(m.data[static_cast<std::size_t>(i * m.cols + j)]);
      w_.push_back(std::move(rows));
    }
    for (auto& rows : w_)
      for (Vec& row : rows)
        for (gl::Value& p : row) params_.push_back(p);
  }
  // Every weight, in the order of initial_weights, each matrix row-major.
  std::vector<gl::Value>& parameters() { return params_; }

  // The mean of -log p(next character) over the word's positions: one graph,
  // from every weight to one Value.
  gl::Value loss(const std::vector<int>& tokens) {
    const int n = positions(tokens);
    reset();
    gl::Value sum;
    for (int pos = 0; pos < n; ++pos) {
      Vec logits = forward(tokens[pos], pos);
      // -log softmax(logits)[target] = log(sum_i e^(l_i - max)) - (l_target - max)
      double largest = logits[0].data();
      for (const gl::Value& l : logits) largest = std::max(largest, l.data());
      const gl::Value max = gl::Value::constant(largest);
      Vec shifted, exps;
      shifted.reserve(kVocab);
      exps.reserve(kVocab);
      for (const gl::Value& l : logits) {
        shifted.push_back(l - max);
        exps.push_back(shifted.back().exp());
      }
      gl::Value nll = gl::sum(exps).log() - shifted[tokens[pos + 1]];
      sum = pos == 0 ? nll : sum + nll;
    }
    reset();  // the graph lives on in the loss alone
    return sum * (1.0 / n);
  }
  // Forgets the positions seen so far: the next forward() is position 0.
  void reset() {
    query_.clear();
    keys_.clear();
    values_.clear();
  }

  // The logits of the character after `token` at position `pos`; the keys and
  // values of positions 0 .. pos-1 are kept from the earlier calls (since
  // reset()). std::invalid_argument for a token or position out of range.
  Vec forward(int token, int pos) {
    if (token < 0 || token >= kVocab)
      throw std::invalid_argument("ScalarGpt::forward: token " + std::to_string(token) + " is not in 0..26");
    if (pos != static_cast<int>(keys_.size()) || pos >= kBlock)
      throw std::invalid_argument("ScalarGpt::forward: pos " + std::to_string(pos) + " is not the next position (" +
                                  std::to_string(keys_.size()) + ", at most 15): call reset() to start again");
    Vec x;
    x.reserve(kEmbd);
    for (int j = 0; j < kEmbd; ++j) x.push_back(w_[kWte][token][j] + w_[kWpe][pos][j]);
    x = rmsnorm(x);
    Vec residual = x;
    x = rmsnorm(x);
    query_ = linear(x, w_[kWq]);
    keys_.push_back(linear(x, w_[kWk]));
    values_.push_back(linear(x, w_[kWv]));
    Vec heads;
    heads.reserve(kEmbd);
    for (int h = 0; h < kHeads; ++h)
      for (gl::Value& o : attend(query_, keys_, values_, h * kHeadDim)) heads.push_back(std::move(o));
    x = linear(heads, w_[kWo]);
    for (int j = 0; j < kEmbd; ++j) x[j] = x[j] + residual[j];
    residual = x;
    x = rmsnorm(x);
    Vec hidden = linear(x, w_[kFc1]);
    for (gl::Value& u : hidden) u = u.relu();
    x = linear(hidden, w_[kFc2]);
    for (int j = 0; j < kEmbd; ++j) x[j] = x[j] + residual[j];
    return linear(x, w_[kLmHead]);
  }

  // The query of the newest position and the keys and values of every
  // position so far, after forward() (loss() lets go of them at its end).
  const Vec& query() const { return query_; }
  const std::vector<Vec>& keys() const { return keys_; }
  const std::vector<Vec>& values() const { return values_; }

  // w (out, in): out_i = sum_j w_ij x_j, the dot product of row i with x.
  // gl::dot makes each output one node (whose parents are the row and x)
  // where products and sums would make 2n - 1.
  static Vec linear(const Vec& x, const std::vector<Vec>& w) {
    Vec out;
    out.reserve(w.size());
    for (const Vec& row : w) out.push_back(gl::dot(row, x));
    return out;
  }
  static Vec rmsnorm(const Vec& x) {  // x / sqrt(mean(x²) + 1e-5)
    gl::Value ss = gl::dot(x, x);
    gl::Value scale = (ss * (1.0 / double(x.size())) + 1e-5).pow(-0.5);
    Vec out;
    out.reserve(x.size());
    for (const gl::Value& xi : x) out.push_back(xi * scale);
    return out;
  }

 private:
  std::vector<std::vector<Vec>> w_;  // the nine matrices, as rows of Values
  std::vector<gl::Value> params_;
  Vec query_;                        // (kEmbd), of the newest position
  std::vector<Vec> keys_, values_;   // one (kEmbd) per position so far
};

// --- the same model on Tensors ----------------------------------------------------------

class TensorGpt {
 public:
  explicit TensorGpt(const std::vector<Matrix>& init) {
    for (const Matrix& m : init)
      w_.push_back(gl::tensor(m.data, {m.rows, m.cols}).requires_grad_());
  }
  std::vector<gl::Tensor>& parameters() { return w_; }

  // All positions at once: x is (T, 16), T = positions(tokens).
  gl::Tensor loss(const std::vector<int>& tokens) const {
    namespace F = gl::nn::functional;
    const std::int64_t T = positions(tokens);
    std::vector<double> in(tokens.begin(), tokens.begin() + T), next(tokens.begin() + 1, tokens.begin() + T + 1);
    gl::Tensor x = F::embedding(gl::tensor(in, {T}), w_[kWte]) + w_[kWpe].slice(0, 0, T);
    x = rmsnorm(x);
    gl::Tensor residual = x;
    x = rmsnorm(x);
    gl::Tensor q = x.matmul(w_[kWq].t()), k = x.matmul(w_[kWk].t()), v = x.matmul(w_[kWv].t());
    gl::Tensor future = gl::ones({T, T}).triu(1);  // position t sees positions 0..t only
    std::vector<gl::Tensor> heads;
    for (std::int64_t h = 0; h < kHeads; ++h) {
      auto part = [&](const gl::Tensor& full) { return full.slice(1, h * kHeadDim, (h + 1) * kHeadDim); };
      gl::Tensor scores = part(q).matmul(part(k).t()) * (1.0 / std::sqrt(double(kHeadDim)));
      heads.push_back(scores.masked_fill(future, -INFINITY).softmax(1).matmul(part(v)));
    }
    x = gl::cat(heads, 1).matmul(w_[kWo].t()) + residual;
    residual = x;
    x = rmsnorm(x);
    x = x.matmul(w_[kFc1].t()).relu().matmul(w_[kFc2].t()) + residual;
    return F::cross_entropy(x.matmul(w_[kLmHead].t()), gl::tensor(next, {T}));
  }

  static gl::Tensor rmsnorm(const gl::Tensor& x) { return x * ((x * x).mean(1, true) + 1e-5).pow(-0.5); }

 private:
  std::vector<gl::Tensor> w_;
};

// --- one training step ----------------------------------------------------------------

// Forward, backward, Adam, and the gradients back to 0, on one word; the
// graph is freed when the loss goes out of scope. Returns the loss.
inline double train_step(ScalarGpt& model, Adam& adam, const std::vector<int>& tokens, int step) {
  double loss_value;
  {
    gl::Value loss = model.loss(tokens);
    loss.backward();
    loss_value = loss.data();
  }
  std::vector<gl::Value>& ps = model.parameters();
  adam.begin(step);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    adam.update(i, ps[i].data(), ps[i].grad());
    ps[i].zero_grad();
  }
  return loss_value;
}
inline double train_step(TensorGpt& model, Adam& adam, const std::vector<int>& tokens, int step) {
  gl::Tensor loss = model.loss(tokens);
  loss.backward();
  std::size_t i = 0;
  gl::NoGradGuard no_grad;
  adam.begin(step);
  for (gl::Tensor& p : model.parameters()) {
    gl::Tensor g = p.grad();
    for (std::size_t k = 0; k < p.data().size(); ++k) adam.update(i++, p.data()[k], g.data()[k]);
    p.zero_grad();
  }
  return loss.item();
}

}  // namespace microgpt
