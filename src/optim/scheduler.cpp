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
  // The new lr first: if the optimizer refuses it (gamma > 1 grown past any
  // double), the epoch and the last lr stay as they were.
  double lr = lr_at(epoch_ + 1);
  optimizer_.set_lr(lr);
  ++epoch_;
  last_lr_ = lr;
}

NamedTensors LRScheduler::named_state() const {
  return {{"base_lr", tensor({base_lr_}, {1})}, {"last_epoch", tensor({static_cast<double>(epoch_)}, {1})}};
}

void LRScheduler::load_named_state(const NamedTensors& state) {
  double base = -1, epoch = -1;
  for (const auto& [name, t] : state) {
    if (t.numel() != 1) throw std::invalid_argument("scheduler state '" + name + "' must hold one number");
    if (name == "base_lr") base = t.item();
    else if (name == "last_epoch") epoch = t.item();
    else throw std::invalid_argument("unknown scheduler state '" + name + "'");
  }
  if (!(base >= 0) || std::isinf(base) || !(epoch >= 0 && epoch <= 9007199254740992.0) || epoch != std::floor(epoch))
    throw std::invalid_argument("scheduler state needs a finite base_lr >= 0 and a whole last_epoch >= 0");
  base_lr_ = base;
  epoch_ = static_cast<std::int64_t>(epoch);
  last_lr_ = epoch_ == 0 ? base_lr_ : lr_at(epoch_);  // the lr itself comes with the optimizer's state
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  check(step_size > 0, "StepLR: step_size must be > 0", step_size);
  check(gamma >= 0 && std::isfinite(gamma), "StepLR: gamma must be finite and >= 0", gamma);
}

double StepLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t / step_size_));  // t / step_size floors
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
  check(gamma >= 0 && std::isfinite(gamma), "ExponentialLR: gamma must be finite and >= 0", gamma);
}

double ExponentialLR::lr_at(std::int64_t t) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(t));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  check(T_max > 0, "CosineAnnealingLR: T_max must be > 0", T_max);
  check(eta_min >= 0 && std::isfinite(eta_min), "CosineAnnealingLR: eta_min must be finite and >= 0", eta_min);
}

double CosineAnnealingLR::lr_at(std::int64_t t) const {
  double phase = std::numbers::pi * static_cast<double>(t) / static_cast<double>(T_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1 + std::cos(phase)) / 2;
}

}  // namespace gradlab::optim
