// SPDX-License-Identifier: MIT
// The optimizer base: parameter checks, the one loop over parameters that
// every update rule shares, and the per-parameter state as named tensors.

#include <gradlab/optim/optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include <gradlab/number_text.hpp>
#include "tensor/tensor_internal.hpp"

namespace gradlab::optim {

namespace {


}  // namespace

Optimizer::Optimizer(std::string name, std::vector<Tensor> params, double lr,
                     std::vector<std::string> buffer_names)
    : name_(std::move(name)), params_(std::move(params)), lr_(lr),
      buffer_names_(std::move(buffer_names)), state_(params_.size()) {
  check_at_least_zero("lr", lr);
  if (params_.empty())
    throw std::invalid_argument(name_ + ": got an empty parameter list");
  std::set<const TensorNode*> seen;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    std::string which = name_ + ": parameter " + std::to_string(i) + " (shape " +
                        to_string(p.shape()) + ")";
    if (!p.is_leaf())
      throw std::invalid_argument(which + " is the result of an op, not a leaf; "
                                  "optimize the tensor you created (or detach() it)");
    if (!p.requires_grad())
      throw std::invalid_argument(which + " does not require grad; call requires_grad_() on it");
    if (!seen.insert(p.node()).second)
      throw std::invalid_argument(which + " appears twice in the parameter list");
  }
}

void Optimizer::check_at_least_zero(const char* arg, double value) const {
  if (!(value >= 0) || std::isinf(value))  // refuses NaN and infinity too
    throw std::invalid_argument(name_ + ": " + arg + " must be finite and >= 0, got " + number_text(value));
}

void Optimizer::check_below_one(const char* arg, double value) const {
  if (!(value >= 0 && value < 1))
    throw std::invalid_argument(name_ + ": " + arg + " must be in [0, 1), got " + number_text(value));
}

void Optimizer::set_lr(double lr) {
  check_at_least_zero("lr", lr);
  lr_ = lr;
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::step() {
  // The numbers are the user's to change (data() is writable), so each
  // step first checks that every parameter still has its shape's count, and
  // its gradient and state the same: a resized vector is refused before
  // anything is updated, instead of being read past its end.
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const TensorNode& n = *params_[i].node();
    const std::size_t want = static_cast<std::size_t>(detail::numel_of(n.shape));
    bool state_fits = std::all_of(state_[i].buffers.begin(), state_[i].buffers.end(),
                                  [&](const std::vector<double>& b) { return b.size() == want; });
    if (n.data.size() != want || (!n.grad.empty() && n.grad.size() != want) || !state_fits)
      throw std::logic_error(name_ + ": step: parameter " + std::to_string(i) + " has shape " +
                             to_string(n.shape) + " (" + std::to_string(want) + " numbers) but holds " +
                             std::to_string(n.data.size()) + " numbers and a gradient of " +
                             std::to_string(n.grad.size()) + "; its data was resized after it was "
                             "given to the optimizer (change a parameter's numbers, never their count)");
  }
  for (std::size_t i = 0; i < params_.size(); ++i) {
    TensorNode& n = *params_[i].node();
    if (n.grad.empty()) continue;  // backward never reached it
    ParamState& s = state_[i];
    if (s.step == 0) s.buffers.assign(buffer_names_.size(), std::vector<double>(n.data.size(), 0.0));
    ++s.step;
    update(n.data, n.grad, s);  // in place, outside the graph: no op is recorded
  }
}

NamedTensors Optimizer::named_state() const {
  NamedTensors out{{"lr", tensor({lr_}, {1})}};
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const ParamState& s = state_[i];
    if (s.step == 0) continue;
    std::string prefix = std::to_string(i) + ".";
    out.emplace_back(prefix + "step", tensor({static_cast<double>(s.step)}, {1}));
    for (std::size_t b = 0; b < buffer_names_.size(); ++b)
      out.emplace_back(prefix + buffer_names_[b], tensor(s.buffers[b], params_[i].shape()));
  }
  return out;
}

void Optimizer::load_named_state(const NamedTensors& state) {
  auto refuse = [&](const std::string& problem) {
    throw std::invalid_argument(name_ + ": load_named_state: " + problem);
  };
  std::string keeps = "step";
  for (const auto& b : buffer_names_) keeps += ", " + b;

  // First build the new state on the side; only a complete, checked state
  // replaces the old one.
  double lr = -1;  // -1: no entry yet
  std::vector<ParamState> loaded(params_.size());
  std::vector<std::map<std::string, const Tensor*>> found(params_.size());
  for (const auto& [name, t] : state) {
    if (name == "lr") {
      if (t.numel() != 1) refuse("'lr' must hold one number, it holds " + std::to_string(t.numel()));
      lr = t.data()[0];
      continue;
    }
    std::size_t dot = name.find('.');
    std::size_t i = 0;
    bool is_index = dot != std::string::npos && dot > 0 && dot < 10 &&
                    std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(dot),
                                [](char c) { return c >= '0' && c <= '9'; });
    if (is_index) i = std::stoul(name.substr(0, dot));
    if (!is_index || i >= params_.size())
      refuse("unknown entry '" + name + "' (expected 'lr' or '<i>.<state>' for parameters 0 to " +
             std::to_string(params_.size() - 1) + ")");
    std::string key = name.substr(dot + 1);
    bool known = key == "step" ||
                 std::find(buffer_names_.begin(), buffer_names_.end(), key) != buffer_names_.end();
    if (!known) refuse("unknown entry '" + name + "' (" + name_ + " keeps " + keeps + ")");
    if (!found[i].emplace(key, &t).second) refuse("entry '" + name + "' appears twice");
    const Shape& want = key == "step" ? Shape{1} : params_[i].shape();
    if (t.shape() != want)
      refuse("entry '" + name + "' has shape " + to_string(t.shape()) + " but " +
             (key == "step" ? std::string("a step count has shape [1]")
                            : "parameter " + std::to_string(i) + " has shape " + to_string(want)));
  }
  if (lr == -1) refuse("no valid 'lr' entry (a learning rate >= 0)");
  if (!(lr >= 0) || std::isinf(lr))
    refuse("'lr' must be a finite learning rate >= 0, got " + number_text(lr));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (found[i].empty()) continue;  // never stepped: no state, as before its first step
    auto missing = [&](const std::string& key) {
      if (!found[i].count(key))
        refuse("parameter " + std::to_string(i) + " has some state but no '" + std::to_string(i) +
               "." + key + "'");
      return found[i][key];
    };
    double step = missing("step")->data()[0];
    if (!(step >= 1 && step <= 9007199254740992.0) || step != std::floor(step))  // up to 2^53
      refuse("entry '" + std::to_string(i) + ".step' must be a whole number >= 1, got " +
             number_text(step));
    loaded[i].step = static_cast<std::int64_t>(step);
    for (const auto& b : buffer_names_) loaded[i].buffers.push_back(missing(b)->data());
  }
  state_ = std::move(loaded);
  lr_ = lr;
}

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm) {
  if (!(max_norm >= 0))
    throw std::invalid_argument("clip_grad_norm_: max_norm must be >= 0, got " + number_text(max_norm));
  double sum_sq = 0;
  for (const Tensor& p : params)
    for (double g : p.node()->grad) sum_sq += g * g;
  double total = std::sqrt(sum_sq);
  if (total > max_norm) {
    double scale = max_norm / (total + 1e-6);  // the 1e-6 keeps a zero norm from dividing by 0
    for (const Tensor& p : params)
      for (double& g : p.node()->grad) g *= scale;
  }
  return total;
}

}  // namespace gradlab::optim
