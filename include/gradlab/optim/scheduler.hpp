// SPDX-License-Identifier: MIT
// Learning-rate schedulers: each sets the optimizer's lr from a closed form
// in the epoch count t, as in PyTorch's docs. Call step() once per epoch,
// after the optimizer's steps. A scheduler holds a reference to its
// optimizer, which must outlive it. Its state (the base lr and the epochs
// stepped) goes into a checkpoint with the optimizer's (checkpoint.hpp).
#pragma once

#include <cstdint>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  void step();  // t += 1, then lr = lr_at(t)
  double get_last_lr() const { return last_lr_; }
  std::int64_t last_epoch() const { return epoch_; }  // t: epochs stepped so far

  // "base_lr" and "last_epoch", as one-element tensors, for saving; loading
  // checks both (a whole number of epochs >= 0) before it changes either,
  // std::invalid_argument otherwise. The optimizer's lr is its own state.
  NamedTensors named_state() const;
  void load_named_state(const NamedTensors& state);

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  virtual double lr_at(std::int64_t t) const = 0;
  double base_lr() const { return base_lr_; }  // the optimizer's lr at construction

 private:
  Optimizer& optimizer_;
  double base_lr_;
  double last_lr_;
  std::int64_t epoch_ = 0;
};

// lr = base * gamma^floor(t / step_size): divide by 1/gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);

 private:
  double lr_at(std::int64_t t) const override;
  std::int64_t step_size_;
  double gamma_;
};

// lr = base * gamma^t.
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);

 private:
  double lr_at(std::int64_t t) const override;
  double gamma_;
};

// lr = eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2: half a
// cosine from base down to eta_min at t = T_max (and back up after it).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min = 0);

 private:
  double lr_at(std::int64_t t) const override;
  std::int64_t T_max_;
  double eta_min_;
};

}  // namespace gradlab::optim
