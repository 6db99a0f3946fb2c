// SPDX-License-Identifier: MIT
// Gradient descent, p -= lr * g, and SGD with momentum (heavy ball or
// Nesterov), dampening and L2 weight decay, with PyTorch's update rule.
// Options are set LibTorch-style: SGDOptions(0.1).momentum(0.9).nesterov(true).
#pragma once

#include <vector>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

struct GDOptions {
  explicit GDOptions(double lr) : lr_(lr) {}
  GDOptions& lr(double v) { lr_ = v; return *this; }
  double lr() const { return lr_; }

 private:
  double lr_;
};

// Plain gradient descent: p -= lr * g. No state beyond the step count.
class GD : public Optimizer {
 public:
  GD(std::vector<Tensor> params, const GDOptions& options);

 private:
  void update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) override;
};

struct SGDOptions {
  explicit SGDOptions(double lr) : lr_(lr) {}
  SGDOptions& lr(double v) { lr_ = v; return *this; }
  SGDOptions& momentum(double v) { momentum_ = v; return *this; }
  SGDOptions& dampening(double v) { dampening_ = v; return *this; }
  SGDOptions& nesterov(bool v) { nesterov_ = v; return *this; }
  SGDOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  double lr() const { return lr_; }
  double momentum() const { return momentum_; }
  double dampening() const { return dampening_; }
  bool nesterov() const { return nesterov_; }
  double weight_decay() const { return weight_decay_; }

 private:
  double lr_;
  double momentum_ = 0;
  double dampening_ = 0;
  bool nesterov_ = false;
  double weight_decay_ = 0;
};

// For each parameter, with g its gradient and t the step (PyTorch's SGD):
//   g = g + weight_decay * p
//   if momentum != 0:
//     b = g on the first step, else momentum * b + (1 - dampening) * g
//     g = g + momentum * b if nesterov, else b
//   p = p - lr * g
// State: "momentum_buffer" (only when momentum != 0).
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  const SGDOptions& options() const { return options_; }  // lr is Optimizer::lr()

 private:
  void update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) override;
  SGDOptions options_;
};

}  // namespace gradlab::optim
