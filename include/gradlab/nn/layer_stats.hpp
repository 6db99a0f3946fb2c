// SPDX-License-Identifier: MIT
// Is my net healthy? The numbers to watch while a net trains, per layer:
// activations (mean, std, how many tanh units are saturated, a histogram),
// their gradients, each weight's gradient-to-data ratio, and the
// update-to-data ratio of every step. viz/layer_stats.hpp draws them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/nn/container.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::nn {

// The statistics of one tensor.
struct TensorStats {
  std::string name;
  double mean = 0, std = 0;  // std: biased, over every element
  double saturated = 0;      // the fraction with |x| > the saturation threshold
  double grad_to_data = 0;   // for weights: std(grad) / std(data)
  Histogram histogram;
};

// The statistics of t's numbers (it needs at least one element).
TensorStats tensor_stats(const std::string& name, const Tensor& t, double saturation = 0.97,
                         std::int64_t bins = 50);

class LayerStats {
 public:
  using Named = std::vector<std::pair<std::string, Tensor>>;
  explicit LayerStats(double saturation = 0.97, std::int64_t bins = 50);

  // Runs net's layers in turn on x and watches the output of every layer
  // whose name is in `kinds` ("Tanh", "ReLU", ...), named "layer 3 (Tanh)".
  // Returns net's output, as net(x) would. Forgets what it watched before.
  Tensor forward(const Sequential& net, const Tensor& x, const std::vector<std::string>& kinds = {"Tanh"});
  // For any other model: watch the tensors yourself after each forward.
  void clear() { watched_.clear(); }
  void watch(const std::string& name, const Tensor& t) { watched_.emplace_back(name, t); }
  const Named& watched() const { return watched_; }

  // The watched activations, and (after backward) their gradients.
  std::vector<TensorStats> activations() const;
  std::vector<TensorStats> gradients() const;
  // After backward: the gradient of each weight matrix (parameters with 2
  // dims), with its grad_to_data ratio.
  std::vector<TensorStats> weight_gradients(const Named& parameters) const;
  std::vector<TensorStats> weight_gradients(const Module& model) const {
    return weight_gradients(model.named_parameters());
  }
  // Once per step, before or after the update p -= lr * grad: appends
  // log10(std(lr * grad) / std(data)) for each weight matrix. About -3 is
  // healthy: each step changes a weight by a thousandth of its size.
  void record_updates(const Named& parameters, double lr);
  void record_updates(const Module& model, double lr) { record_updates(model.named_parameters(), lr); }
  const Named& update_ratios_names() const { return weights_; }
  const std::vector<std::vector<double>>& update_ratios() const { return ratios_; }

 private:
  double saturation_;
  std::int64_t bins_;
  Named watched_;
  Named weights_;                           // the weights record_updates has seen, in order
  std::vector<std::vector<double>> ratios_;  // ratios_[k][step] for weights_[k]
};

}  // namespace gradlab::nn
