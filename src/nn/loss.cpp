// SPDX-License-Identifier: MIT
// The losses. cross_entropy and the two binary cross-entropies are single
// ops with the derivative PyTorch uses (stable, and short to read), each
// backward beside its forward; nll and mse are compositions. Each gives one
// loss per element or row, and `reduce` then takes their mean or sum.

#include <gradlab/nn/functional.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "tensor/tensor_internal.hpp"

namespace gradlab::nn::functional {

namespace {

Tensor reduce(const char* op, const Tensor& losses, Reduction reduction) {
  switch (reduction) {
    case Reduction::Mean:
      if (losses.numel() == 0)  // PyTorch gives NaN; a mean of nothing is refused here
        throw std::invalid_argument(std::string(op) + ": an empty batch (shape " + to_string(losses.shape()) +
                                    ") has no mean loss; use Reduction::Sum or Reduction::None");
      return mean(losses);
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
    const bool in_range = c >= 0 && c < static_cast<double>(C);  // NaN and 1e300 have no int64
    const auto i = in_range ? static_cast<std::int64_t>(c) : 0;
    if (!in_range || static_cast<double>(i) != c)
      throw std::invalid_argument(std::string(op) + ": target class " + number_text(c) +
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

// Probabilities' logs are clamped at -100, as PyTorch's BCELoss clamps them.
double clamped_log(double p) { return std::max(std::log(p), -100.0); }

// An elementwise loss of input x and target t: out_i = f(x_i, t_i).
template <class F>
Tensor pointwise(const Tensor& x, const Tensor& t, const Op& op, F f) {
  std::vector<double> out(x.data().size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = f(x.data()[i], t.data()[i]);
  return make_result(x.shape(), std::move(out), op, {x, t});
}

// Its backward: dfdx(x, t) and dfdt(x, t) are the two partial derivatives.
template <class DX, class DT>
void pointwise_backward(Node& n, DX dfdx, DT dfdt) {
  TensorSlot out = tensor_slot(n), x = tensor_slot(n.parent(0)), t = tensor_slot(n.parent(1));
  if (x.grad)
    for (std::size_t i = 0; i < out.data.size(); ++i) x.grad[i] += out.grad[i] * dfdx(x.data[i], t.data[i]);
  if (t.grad)
    for (std::size_t i = 0; i < out.data.size(); ++i) t.grad[i] += out.grad[i] * dfdt(x.data[i], t.data[i]);
}

// The same two derivatives on Tensors, for create_graph: the lambdas are
// generic, so one pair serves both.
template <class DX, class DT>
void pointwise_graph(Node& n, GradientGraph& g) {
  Tensor x = tensor_of(n.parent(0)), t = tensor_of(n.parent(1));
  Tensor dout = gradient_of(n, g);
  if (wants(g, n, 0)) pass(g, n, 0, dout * DX{}(x, t));
  if (wants(g, n, 1)) pass(g, n, 1, dout * DT{}(x, t));
}
template <class DX, class DT>
constexpr Op pointwise_op(const char* name, DX, DT) {
  return Op{name, [](Node& n) { pointwise_backward(n, DX{}, DT{}); }, &kTensorKind, nullptr,
            &pointwise_graph<DX, DT>};
}

// max(x, low) for a number or, with clamp, a Tensor.
double at_least(double x, double low) { return std::max(x, low); }
Tensor at_least(const Tensor& x, double low) { return clamp(x, low, INFINITY); }
// log(x) clamped at -100, as the forward's clamped_log, for a Tensor.
Tensor clamped_log(const Tensor& x) { return log(clamp(x, std::exp(-100.0), INFINITY)); }

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
  if (input.shape() != target.shape())
    throw std::invalid_argument(std::string(op) + ": input of shape " + to_string(input.shape()) +
                                " and target of shape " + to_string(target.shape()) + " differ");
}

// The binary losses compare probabilities with targets in [0, 1].
void check_unit_interval(const char* op, const char* what, const Tensor& t) {
  for (double v : t.data())
    if (!(v >= 0 && v <= 1))
      throw std::domain_error(std::string(op) + ": " + what + " must be in [0, 1], got " + number_text(v));
}

// What cross_entropy keeps: each row's target class, -1 for an ignored row,
// and the row's log(sum_j exp(x_ij)) from the forward (the backward's softmax
// is then exp(x_ij - lse_i), without summing the row again).
struct CrossEntropyState {
  detail::KeptIndices target;
  detail::KeptNumbers lse;
};

}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction,
                     std::int64_t ignore_index) {
  // Rows aimed at ignore_index are left out before the classes are checked
  // (-100 is no class); they keep the marker -1.
  std::vector<double> kept_targets = target.data();
  std::int64_t counted = 0;
  for (double& c : kept_targets) {
    if (c == static_cast<double>(ignore_index)) c = 0;  // a valid class, for the check only
    else ++counted;
  }
  std::vector<std::int64_t> t = classes("cross_entropy", logits, tensor(kept_targets, target.shape()));
  for (std::size_t i = 0; i < t.size(); ++i)
    if (target.data()[i] == static_cast<double>(ignore_index)) t[i] = -1;
  const std::int64_t C = logits.shape()[1];
  if (C == 0) throw std::invalid_argument("cross_entropy: no classes (input shape " + to_string(logits.shape()) + ")");
  static constexpr Op op{"cross_entropy", [](Node& n) {
    // d(loss_i)/d(x_ij) = softmax(x_i)_j - [j == target_i]; 0 for an ignored row
    TensorSlot out = tensor_slot(n), x = tensor_slot(n.parent(0));
    const std::int64_t C = x.shape[1];
    const double* dout = out.grad;
    double* dx = x.grad;
    const auto& [target, lse] = state<CrossEntropyState>(n);
    for (std::size_t i = 0; i < out.data.size(); ++i) {
      if (target.v[i] < 0) continue;
      const double* row = x.data.data() + i * C;
      for (std::int64_t j = 0; j < C; ++j) dx[i * C + j] += std::exp(row[j] - lse.v[i]) * dout[i];
      dx[i * C + target.v[i]] -= dout[i];
    }
  }, &kTensorKind, [](Replay& r) {
    // loss_i = log sum_j e^(x_ij) - x_i,target, as Values; m, the row's
    // largest number, is a constant shift that changes neither.
    const std::vector<Value>& x = r.operand(0);
    const std::size_t C = static_cast<std::size_t>(r.operand_node(0).shape[1]);
    const std::vector<std::int64_t>& target = state<CrossEntropyState>(r.node).target.v;
    for (std::size_t i = 0; i < target.size(); ++i) {
      if (target[i] < 0) {  // an ignored row
        r.out.push_back(Value::constant(0));
        continue;
      }
      double m = -INFINITY;
      for (std::size_t j = 0; j < C; ++j) m = std::max(m, x[i * C + j].data());
      Value z = Value::constant(0);
      for (std::size_t j = 0; j < C; ++j) z = z + exp(x[i * C + j] - m);
      r.out.push_back(m + log(z) - x[i * C + static_cast<std::size_t>(target[i])]);
    }
  }, [](Node& n, GradientGraph& g) {  // the same on Tensors: (softmax(x_i) - one_hot_i) dout_i
    Tensor x = tensor_of(n.parent(0));
    const std::vector<std::int64_t>& target = state<CrossEntropyState>(n).target.v;
    const std::int64_t N = x.shape()[0], C = x.shape()[1];
    std::vector<double> one_hot(static_cast<std::size_t>(N * C), 0.0), counted(static_cast<std::size_t>(N), 0.0);
    for (std::size_t i = 0; i < target.size(); ++i)
      if (target[i] >= 0) {
        one_hot[i * static_cast<std::size_t>(C) + static_cast<std::size_t>(target[i])] = 1;
        counted[i] = 1;  // an ignored row passes nothing back
      }
    Tensor dout = reshape(gradient_of(n, g) * tensor(counted, {N}), {N, 1});
    pass(g, n, 0, (softmax(x, 1) - tensor(one_hot, {N, C})) * dout);
  }};
  std::vector<double> losses(t.size(), 0.0), lse(t.size(), 0.0);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] < 0) continue;
    const double* row = logits.data().data() + i * C;
    lse[i] = log_sum_exp(row, C);
    losses[i] = lse[i] - row[t[i]];  // -log softmax(row)[t]
  }
  Tensor rows = make_result({static_cast<std::int64_t>(t.size())}, std::move(losses), op, {logits});
  keep(rows, CrossEntropyState{detail::KeptIndices(std::move(t)), detail::KeptNumbers(std::move(lse))});
  if (reduction == Reduction::Mean && counted != static_cast<std::int64_t>(rows.numel()))
    return sum(rows) * (1.0 / static_cast<double>(counted));  // the mean over the counted rows
  return reduce("cross_entropy", rows, reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  classes("nll_loss", log_probs, target);
  return reduce("nll_loss", -squeeze(gather(log_probs, 1, unsqueeze(target, 1)), 1), reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  check_same_shape("mse_loss", input, target);
  Tensor diff = input - target;
  return reduce("mse_loss", diff * diff, reduction);
}

Tensor binary_cross_entropy(const Tensor& probs, const Tensor& target, Reduction reduction) {
  check_same_shape("binary_cross_entropy", probs, target);
  check_unit_interval("binary_cross_entropy", "input probabilities", probs);
  check_unit_interval("binary_cross_entropy", "targets", target);
  // d/dp = (p - t) / (p (1 - p)), the denominator kept from 0 by 1e-12 (PyTorch's EPSILON);
  // d/dt = log(1 - p) - log(p), each log clamped as in the forward
  static constexpr Op op = pointwise_op(
      "binary_cross_entropy",
      [](const auto& p, const auto& t) { return (p - t) / at_least(p * (1 - p), 1e-12); },
      [](const auto& p, const auto&) { return clamped_log(1 - p) - clamped_log(p); });
  return reduce("binary_cross_entropy", pointwise(probs, target, op, [](double p, double t) {
                  return -(t * clamped_log(p) + (1 - t) * clamped_log(1 - p));
                }), reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, Reduction reduction) {
  check_same_shape("binary_cross_entropy_with_logits", logits, target);
  check_unit_interval("binary_cross_entropy_with_logits", "targets", target);
  // d/dx = sigmoid(x) - t;  d/dt = -x
  static constexpr Op op = pointwise_op(
      "binary_cross_entropy_with_logits",
      [](const auto& x, const auto& t) { using std::exp; return 1 / (1 + exp(-x)) - t; },
      [](const auto& x, const auto&) { return -x; });
  // max(x, 0) - x t + log(1 + exp(-|x|)): log(1 + e^x) - x t, never overflowing
  return reduce("binary_cross_entropy_with_logits", pointwise(logits, target, op, [](double x, double t) {
                  return std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x)));
                }), reduction);
}

}  // namespace gradlab::nn::functional
