// SPDX-License-Identifier: MIT
// The losses. cross_entropy and the two binary cross-entropies are single
// ops with the derivative PyTorch uses (stable, and short to read); nll and
// mse are compositions. Each gives one loss per element or row, and
// `reduce` then takes their mean or sum.

#include <gradlab/nn/functional.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../tensor_internal.hpp"

namespace gradlab::nn::functional {

using detail::make_result;
using detail::operand;
using detail::tnode;

namespace {

Tensor reduce(const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::Mean: return mean(losses);
    case Reduction::Sum: return sum(losses);
    case Reduction::None: break;
  }
  return losses;
}

// Class indices (N) for scores (N, C), checked: whole numbers in [0, C).
std::vector<std::int64_t> classes(const char* op, const Tensor& scores, const Tensor& target) {
  if (scores.dim() != 2 || target.dim() != 1 || target.shape()[0] != scores.shape()[0])
    throw std::invalid_argument(std::string(op) + ": expected input (N, C) and target (N), got shapes " +
                                to_string(scores.shape()) + " and " + to_string(target.shape()));
  std::vector<std::int64_t> t;
  t.reserve(target.data().size());
  const std::int64_t C = scores.shape()[1];
  for (double c : target.data()) {
    auto i = static_cast<std::int64_t>(c);
    if (!(c >= 0 && c < static_cast<double>(C)) || static_cast<double>(i) != c)
      throw std::invalid_argument(std::string(op) + ": target class " + detail::number_text(c) +
                                  " is not one of the " + std::to_string(C) + " classes 0.." +
                                  std::to_string(C - 1));
    t.push_back(i);
  }
  return t;
}

// log(sum_j exp(row_j)), with the largest element taken out first.
double log_sum_exp(const double* row, std::int64_t C) {
  double m = *std::max_element(row, row + C);
  double s = 0;
  for (std::int64_t j = 0; j < C; ++j) s += std::exp(row[j] - m);
  return m + std::log(s);
}

void cross_entropy_backward(Node& n) {
  // d(loss_i)/d(x_ij) = softmax(x_i)_j - [j == target_i]
  TensorNode& out = tnode(n);
  TensorNode& x = operand(n, 0);
  const std::int64_t C = x.shape[1];
  const std::vector<double>& dout = out.grad_buffer();
  std::vector<double>& dx = x.grad_buffer();
  for (std::size_t i = 0; i < dout.size(); ++i) {
    const double* row = x.data.data() + i * C;
    double lse = log_sum_exp(row, C);
    for (std::int64_t j = 0; j < C; ++j) dx[i * C + j] += std::exp(row[j] - lse) * dout[i];
    dx[i * C + out.saved_ints[i]] -= dout[i];
  }
}
constexpr Op kCrossEntropy{"cross_entropy", cross_entropy_backward, &kTensorKind};

// Probabilities' logs are clamped at -100, as PyTorch's BCELoss clamps them.
double clamped_log(double p) { return std::max(std::log(p), -100.0); }

void bce_backward(Node& n) {
  // d/dp -(t log p + (1 - t) log(1 - p)) = (p - t) / (p (1 - p)), the
  // denominator kept from 0 by 1e-12 (PyTorch's EPSILON);
  // d/dt = log(1 - p) - log(p), each log clamped at -100 as in the forward
  TensorNode& out = tnode(n);
  TensorNode& p = operand(n, 0);
  TensorNode& t = operand(n, 1);
  const std::vector<double>& dout = out.grad_buffer();
  if (p.requires_grad()) {
    std::vector<double>& dp = p.grad_buffer();
    for (std::size_t i = 0; i < dout.size(); ++i)
      dp[i] += dout[i] * (p.data[i] - t.data[i]) / std::max(p.data[i] * (1 - p.data[i]), 1e-12);
  }
  if (t.requires_grad()) {
    std::vector<double>& dt = t.grad_buffer();
    for (std::size_t i = 0; i < dout.size(); ++i)
      dt[i] += dout[i] * (clamped_log(1 - p.data[i]) - clamped_log(p.data[i]));
  }
}
constexpr Op kBinaryCrossEntropy{"binary_cross_entropy", bce_backward, &kTensorKind};

void bce_logits_backward(Node& n) {
  // d/dx [max(x, 0) - x t + log(1 + exp(-|x|))] = sigmoid(x) - t;  d/dt = -x
  TensorNode& out = tnode(n);
  TensorNode& x = operand(n, 0);
  TensorNode& t = operand(n, 1);
  const std::vector<double>& dout = out.grad_buffer();
  if (x.requires_grad()) {
    std::vector<double>& dx = x.grad_buffer();
    for (std::size_t i = 0; i < dout.size(); ++i) dx[i] += dout[i] * (1 / (1 + std::exp(-x.data[i])) - t.data[i]);
  }
  if (t.requires_grad()) {
    std::vector<double>& dt = t.grad_buffer();
    for (std::size_t i = 0; i < dout.size(); ++i) dt[i] -= dout[i] * x.data[i];
  }
}
constexpr Op kBinaryCrossEntropyWithLogits{"binary_cross_entropy_with_logits", bce_logits_backward,
                                          &kTensorKind};

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
  if (input.shape() != target.shape())
    throw std::invalid_argument(std::string(op) + ": input of shape " + to_string(input.shape()) +
                                " and target of shape " + to_string(target.shape()) + " differ");
}

// The binary losses compare probabilities with targets in [0, 1].
void check_unit_interval(const char* op, const char* what, const Tensor& t) {
  for (double v : t.data())
    if (!(v >= 0 && v <= 1))
      throw std::domain_error(std::string(op) + ": " + what + " must be in [0, 1], got " + detail::number_text(v));
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
  std::vector<std::int64_t> t = classes("cross_entropy", logits, target);
  const std::int64_t C = logits.shape()[1];
  if (C == 0) throw std::invalid_argument("cross_entropy: no classes (input shape " + to_string(logits.shape()) + ")");
  std::vector<double> losses(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double* row = logits.data().data() + i * C;
    losses[i] = log_sum_exp(row, C) - row[t[i]];  // -log softmax(row)[t]
  }
  Tensor rows = make_result({static_cast<std::int64_t>(t.size())}, std::move(losses), kCrossEntropy, {&logits});
  rows.node()->saved_ints = std::move(t);  // kept for backward
  return reduce(rows, reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  classes("nll_loss", log_probs, target);
  return reduce(-squeeze(gather(log_probs, 1, unsqueeze(target, 1)), 1), reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape("mse_loss", input, target);
  Tensor diff = input - target;
  return reduce(diff * diff, reduction);
}

Tensor binary_cross_entropy(const Tensor& probs, const Tensor& target, Reduction reduction) {
  check_same_shape("binary_cross_entropy", probs, target);
  check_unit_interval("binary_cross_entropy", "input probabilities", probs);
  check_unit_interval("binary_cross_entropy", "targets", target);
  const std::vector<double>& p = probs.data();
  const std::vector<double>& t = target.data();
  std::vector<double> losses(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    losses[i] = -(t[i] * clamped_log(p[i]) + (1 - t[i]) * clamped_log(1 - p[i]));
  return reduce(make_result(probs.shape(), std::move(losses), kBinaryCrossEntropy, {&probs, &target}), reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, Reduction reduction) {
  check_same_shape("binary_cross_entropy_with_logits", logits, target);
  check_unit_interval("binary_cross_entropy_with_logits", "targets", target);
  const std::vector<double>& x = logits.data();
  const std::vector<double>& t = target.data();
  std::vector<double> losses(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    losses[i] = std::max(x[i], 0.0) - x[i] * t[i] + std::log1p(std::exp(-std::abs(x[i])));
  return reduce(make_result(logits.shape(), std::move(losses), kBinaryCrossEntropyWithLogits, {&logits, &target}),
                reduction);
}

}  // namespace gradlab::nn::functional
