// SPDX-License-Identifier: MIT
// RMSprop: divide each gradient by a running root mean square of its recent
// values, PyTorch's rule (eps outside the square root), with optional
// momentum, centering and L2 weight decay.
#pragma once

#include <vector>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

struct RMSpropOptions {
  explicit RMSpropOptions(double lr = 0.01) : lr_(lr) {}
  RMSpropOptions& lr(double v) { lr_ = v; return *this; }
  RMSpropOptions& alpha(double v) { alpha_ = v; return *this; }
  RMSpropOptions& eps(double v) { eps_ = v; return *this; }
  RMSpropOptions& momentum(double v) { momentum_ = v; return *this; }
  RMSpropOptions& centered(bool v) { centered_ = v; return *this; }
  RMSpropOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  double lr() const { return lr_; }
  double alpha() const { return alpha_; }
  double eps() const { return eps_; }
  double momentum() const { return momentum_; }
  bool centered() const { return centered_; }
  double weight_decay() const { return weight_decay_; }

 private:
  double lr_;
  double alpha_ = 0.99;
  double eps_ = 1e-8;
  double momentum_ = 0;
  bool centered_ = false;
  double weight_decay_ = 0;
};

// For each parameter (v, g_avg and b start at 0):
//   g = g + weight_decay * p
//   v = alpha * v + (1 - alpha) * g^2           running mean of g^2
//   if centered: g_avg = alpha * g_avg + (1 - alpha) * g, v~ = v - g_avg^2
//                (a running variance), else v~ = v
//   if momentum > 0: b = momentum * b + g / (sqrt(v~) + eps), p = p - lr * b
//   else:            p = p - lr * g / (sqrt(v~) + eps)
// State: "square_avg" (v), "momentum_buffer" (momentum > 0), "grad_avg" (centered).
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = RMSpropOptions());
  const RMSpropOptions& options() const { return options_; }  // lr is Optimizer::lr()

 private:
  void update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) override;
  RMSpropOptions options_;
};

}  // namespace gradlab::optim
