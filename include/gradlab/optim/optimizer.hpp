// SPDX-License-Identifier: MIT
// What every optimizer shares: the parameters, the learning rate, zero_grad(),
// the loop of step() over the parameters that have a gradient, and the state
// each one keeps per parameter (named, so it can be saved). One parameter
// group only (no per-layer learning rates); no closures, no `maximize`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/serialize.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::optim {

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Sets every parameter's gradient to zero (the buffer stays allocated, so
  // the next step still sees the parameter: PyTorch's set_to_none=False).
  void zero_grad();
  // One update of every parameter that has a gradient. A parameter that
  // backward never reached (no gradient yet) is skipped and keeps no state,
  // as PyTorch skips `p.grad is None`. A parameter whose data() vector was
  // resized is refused (std::logic_error) before any parameter changes.
  void step();

  double lr() const { return lr_; }
  void set_lr(double lr);  // what the schedulers call
  const std::vector<Tensor>& parameters() const { return params_; }
  const std::string& name() const { return name_; }  // "SGD", "Adam", ...

  // The state as named tensors, for saving: "lr" ([1]) and, for each
  // parameter i that has been stepped, "i.step" ([1], updates so far) and
  // "i.<buffer>" (the parameter's shape), e.g. "0.exp_avg". State is made
  // lazily by step(), so an optimizer that never stepped has only "lr".
  NamedTensors named_state() const;
  // Replaces the whole state with `state` (as named_state() gave it),
  // creating the buffers that were never made. Everything is checked first:
  // on an unknown name, a wrong shape or a parameter with part of its state
  // missing, std::invalid_argument is thrown and nothing changes.
  void load_named_state(const NamedTensors& state);

 protected:
  // A parameter's state: updates taken, and one buffer per name in
  // buffer_names (same length as the parameter), all made on its first step.
  struct ParamState {
    std::int64_t step = 0;
    std::vector<std::vector<double>> buffers;
  };

  // Checks the parameters (non-empty, leaves that require grad, no repeats)
  // and lr; `name` starts every error message.
  Optimizer(std::string name, std::vector<Tensor> params, double lr,
            std::vector<std::string> buffer_names);

  // The rule itself, for one parameter: p and g are its numbers and its
  // gradient; s.step already counts this update (1 on the first).
  virtual void update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) = 0;

  // Argument checks shared by the options of every optimizer: "<name>: <arg>
  // must be finite and >= 0, got -1" as std::invalid_argument (NaN and
  // infinity are refused like negative numbers).
  void check_at_least_zero(const char* arg, double value) const;
  void check_below_one(const char* arg, double value) const;  // 0 <= value < 1

  // L2 weight decay folded into the gradient: d/dp (wd/2 p^2) = wd p.
  static double with_weight_decay(double g, double p, double weight_decay) {
    return weight_decay != 0 ? g + weight_decay * p : g;
  }

 private:
  std::string name_;
  std::vector<Tensor> params_;
  double lr_;
  std::vector<std::string> buffer_names_;
  std::vector<ParamState> state_;  // one per parameter
};

// Scales all gradients together so that their joint 2-norm is at most
// max_norm (by max_norm / (total + 1e-6), as PyTorch does) and returns the
// norm before clipping. Parameters without a gradient are left out.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm);

}  // namespace gradlab::optim
