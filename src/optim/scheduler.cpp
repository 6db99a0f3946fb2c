// SPDX-License-Identifier: MIT
// StepLR, ExponentialLR and CosineAnnealingLR: their closed forms.

#include <gradlab/optim/scheduler.hpp>

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gradlab::optim {

namespace {
// "StepLR: gamma must be >= 0, got -0.5"
template <class T>
void check(bool ok, const std::string& what, T got) {
  if (ok) return;
  std::ostringstream os;
  os << what << ", got " << got;
  throw std::invalid_argument(os.str());
}
}  // namespace

LRScheduler::LRScheduler(Optimizer& optimizer)
    : optimizer_(optimizer), base_lr_(optimizer.lr()), last_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  ++epoch_;
  last_lr_ = lr_at(epoch_);
  optimizer_.set_lr(last_lr_);
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  check(step_size > 0, "StepLR: step_size must be > 0", step_size);
  check(gamma >= 0, "StepLR: gamma must be >= 0", gamma);
}

double StepLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t / step_size_));  // t / step_size floors
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  check(gamma >= 0, "ExponentialLR: gamma must be >= 0", gamma);
}

double ExponentialLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  check(T_max > 0, "CosineAnnealingLR: T_max must be > 0", T_max);
  check(eta_min >= 0, "CosineAnnealingLR: eta_min must be >= 0", eta_min);
}

double CosineAnnealingLR::lr_at(std::int64_t t) const {
  double phase = std::numbers::pi * static_cast<double>(t) / static_cast<double>(T_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1 + std::cos(phase)) / 2;
}

}  // namespace gradlab::optim
