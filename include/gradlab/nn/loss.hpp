// SPDX-License-Identifier: MIT
// The losses as modules, LibTorch's names: loss(input, target). Each is the
// functional loss of nn/functional.hpp with its reduction kept.
#pragma once

#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/module.hpp>

namespace gradlab::nn {

using functional::Reduction;

// What every loss shares: a reduction and a call with two tensors.
class Loss : public Module {
 public:
  Tensor operator()(const Tensor& input, const Tensor& target) const { return compute(input, target); }
  Reduction reduction() const { return reduction_; }

 protected:
  Loss(const char* name, Reduction reduction) : Module(name), reduction_(reduction) {}
  virtual Tensor compute(const Tensor& input, const Tensor& target) const = 0;
  Reduction reduction_;
};

// Logits (N, C) against class indices (N); rows whose target is
// ignore_index count for nothing (a sequence model's prompt tokens).
class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(Reduction r = Reduction::Mean, std::int64_t ignore_index = -100)
      : Loss("CrossEntropyLoss", r), ignore_index_(ignore_index) {}
  Tensor compute(const Tensor& x, const Tensor& t) const override {
    return functional::cross_entropy(x, t, reduction_, ignore_index_);
  }
  std::int64_t ignore_index() const { return ignore_index_; }

 private:
  std::int64_t ignore_index_;
};

// Log-probabilities (N, C) against class indices (N).
class NLLLoss : public Loss {
 public:
  explicit NLLLoss(Reduction r = Reduction::Mean) : Loss("NLLLoss", r) {}
  Tensor compute(const Tensor& x, const Tensor& t) const override { return functional::nll_loss(x, t, reduction_); }
};

class MSELoss : public Loss {
 public:
  explicit MSELoss(Reduction r = Reduction::Mean) : Loss("MSELoss", r) {}
  Tensor compute(const Tensor& x, const Tensor& t) const override { return functional::mse_loss(x, t, reduction_); }
};

// Probabilities in [0, 1] against targets in [0, 1].
class BCELoss : public Loss {
 public:
  explicit BCELoss(Reduction r = Reduction::Mean) : Loss("BCELoss", r) {}
  Tensor compute(const Tensor& x, const Tensor& t) const override {
    return functional::binary_cross_entropy(x, t, reduction_);
  }
};

// Logits against targets in [0, 1]: BCELoss after a sigmoid, but stable.
class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(Reduction r = Reduction::Mean) : Loss("BCEWithLogitsLoss", r) {}
  Tensor compute(const Tensor& x, const Tensor& t) const override {
    return functional::binary_cross_entropy_with_logits(x, t, reduction_);
  }
};

}  // namespace gradlab::nn
