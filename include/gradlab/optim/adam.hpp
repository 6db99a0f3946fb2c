// SPDX-License-Identifier: MIT
// Adam (with optional AMSGrad) and AdamW, PyTorch's update rules. They differ
// only in weight decay: Adam adds wd * p to the gradient (L2), AdamW shrinks
// the parameter directly, p *= 1 - lr * wd (decoupled, Loshchilov & Hutter).
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

// Adam and AdamW take the same options. Unless set, weight decay is each
// one's PyTorch default: 0 for Adam (L2), 1e-2 for AdamW (decoupled).
struct AdamOptions {
  explicit AdamOptions(double lr = 1e-3) : lr_(lr) {}
  AdamOptions& lr(double v) { lr_ = v; return *this; }
  AdamOptions& betas(std::tuple<double, double> v) { betas_ = v; return *this; }
  AdamOptions& eps(double v) { eps_ = v; return *this; }
  AdamOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  AdamOptions& amsgrad(bool v) { amsgrad_ = v; return *this; }
  double lr() const { return lr_; }
  std::tuple<double, double> betas() const { return betas_; }
  double eps() const { return eps_; }
  std::optional<double> weight_decay() const { return weight_decay_; }  // empty: the default
  bool amsgrad() const { return amsgrad_; }

 private:
  double lr_;
  std::tuple<double, double> betas_{0.9, 0.999};
  double eps_ = 1e-8;
  std::optional<double> weight_decay_;
  bool amsgrad_ = false;
};
using AdamWOptions = AdamOptions;

// For each parameter, at step t = 1, 2, ... (m, v start at 0):
//   p = p * (1 - lr * wd)                       AdamW only
//   g = g + wd * p                              Adam only
//   m = beta1 * m + (1 - beta1) * g             running mean of g
//   v = beta2 * v + (1 - beta2) * g^2           running mean of g^2
//   v_max = max(v_max, v), v = v_max            AMSGrad only
//   m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)   bias corrections
//   p = p - lr * m_hat / (sqrt(v_hat) + eps)
// State: "exp_avg" (m), "exp_avg_sq" (v), and "max_exp_avg_sq" with AMSGrad.
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options = AdamOptions());

 protected:
  Adam(const char* name, std::vector<Tensor> params, const AdamOptions& options, bool decoupled);

 private:
  void update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) override;
  // The options resolved: weight decay's default filled in.
  struct Settings {
    double beta1, beta2, eps, weight_decay;
    bool amsgrad, decoupled;  // decoupled: AdamW's weight decay
  };
  Settings settings_;
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = AdamWOptions());
};

}  // namespace gradlab::optim
