// SPDX-License-Identifier: MIT
// Checkpoints: parameters and optimizer state under two name prefixes in one
// gradlab file; loading checks both sides before changing either.

#include <gradlab/optim/checkpoint.hpp>

#include <stdexcept>

namespace gradlab::optim {

namespace {
const std::string kModel = "model.", kOptim = "optim.";
}

void save(const std::string& path, const NamedTensors& params, const Optimizer& optimizer) {
  NamedTensors all;
  for (const auto& [name, t] : params) all.emplace_back(kModel + name, t);
  for (const auto& [name, t] : optimizer.named_state()) all.emplace_back(kOptim + name, t);
  gradlab::save(path, all);
}

void load(const std::string& path, const NamedTensors& params, Optimizer& optimizer) {
  NamedTensors model, state;
  for (auto& [name, t] : gradlab::read(path)) {
    if (name.starts_with(kModel)) model.emplace_back(name.substr(kModel.size()), t);
    else if (name.starts_with(kOptim)) state.emplace_back(name.substr(kOptim.size()), t);
    else
      throw std::runtime_error("load: " + path + ": entry '" + name +
                               "' is neither 'model.*' nor 'optim.*' (not a checkpoint?)");
  }
  detail::check_same_layout(path, model, params, "model");
  try {
    optimizer.load_named_state(state);  // checks everything before it changes anything
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("load: " + path + ": " + e.what());
  }
  detail::copy_numbers(model, params);  // cannot fail: the shapes were checked
}

}  // namespace gradlab::optim
