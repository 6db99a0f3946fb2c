// SPDX-License-Identifier: MIT
// Checkpoints: parameters and optimizer state under two name prefixes in one
// gradlab file; loading checks both sides before changing either.

#include <gradlab/optim/checkpoint.hpp>

#include <stdexcept>

namespace gradlab::optim {

namespace {
const std::string kModel = "model.", kOptim = "optim.", kSched = "sched.";
}

void save(const std::string& path, const NamedTensors& params, const Optimizer& optimizer,
          const LRScheduler* scheduler) {
  NamedTensors all;
  for (const auto& [name, t] : params) all.emplace_back(kModel + name, t);
  for (const auto& [name, t] : optimizer.named_state()) all.emplace_back(kOptim + name, t);
  if (scheduler)
    for (const auto& [name, t] : scheduler->named_state()) all.emplace_back(kSched + name, t);
  gradlab::save(path, all);
}

void load(const std::string& path, const NamedTensors& params, Optimizer& optimizer,
          LRScheduler* scheduler) {
  NamedTensors model, state, sched;
  for (auto& [name, t] : gradlab::read(path)) {
    if (name.starts_with(kModel)) model.emplace_back(name.substr(kModel.size()), t);
    else if (name.starts_with(kOptim)) state.emplace_back(name.substr(kOptim.size()), t);
    else if (name.starts_with(kSched)) sched.emplace_back(name.substr(kSched.size()), t);
    else
      throw std::runtime_error("load: " + path + ": entry '" + name +
                               "' is neither 'model.*', 'optim.*' nor 'sched.*' (not a checkpoint?)");
  }
  detail::check_same_layout(path, model, params, "model");
  if (scheduler && sched.empty())
    throw std::runtime_error("load: " + path + ": the checkpoint holds no scheduler state");
  // The scheduler takes its state first (it checks before it changes) and
  // gets its old state back if the optimizer then refuses: so nothing
  // changes unless everything fits.
  try {
    if (scheduler) {
      NamedTensors kept = scheduler->named_state();
      scheduler->load_named_state(sched);
      try {
        optimizer.load_named_state(state);
      } catch (...) {
        scheduler->load_named_state(kept);
        throw;
      }
    } else {
      optimizer.load_named_state(state);
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("load: " + path + ": " + e.what());
  }
  detail::copy_numbers(model, params);  // cannot fail: the shapes were checked
}

}  // namespace gradlab::optim
