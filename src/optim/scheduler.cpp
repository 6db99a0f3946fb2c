// SPDX-License-Identifier: MIT
// StepLR, ExponentialLR and CosineAnnealingLR: their closed forms.

#include <gradlab/optim/scheduler.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace gradlab::optim {

namespace {
void check(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
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
  check(step_size > 0, "StepLR: step_size must be > 0, got " + std::to_string(step_size));
  check(gamma >= 0, "StepLR: gamma must be >= 0, got " + std::to_string(gamma));
}

double StepLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t / step_size_));  // t / step_size floors
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  check(gamma >= 0, "ExponentialLR: gamma must be >= 0, got " + std::to_string(gamma));
}

double ExponentialLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  check(T_max > 0, "CosineAnnealingLR: T_max must be > 0, got " + std::to_string(T_max));
  check(eta_min >= 0, "CosineAnnealingLR: eta_min must be >= 0, got " + std::to_string(eta_min));
}

double CosineAnnealingLR::lr_at(std::int64_t t) const {
  double phase = std::numbers::pi * static_cast<double>(t) / static_cast<double>(T_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1 + std::cos(phase)) / 2;
}

}  // namespace gradlab::optim
