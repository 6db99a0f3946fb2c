// SPDX-License-Identifier: MIT
// The per-layer statistics of nn/layer_stats.hpp: read from the tensors'
// numbers and gradients, outside the graph.

#include <gradlab/nn/layer_stats.hpp>

#include <cmath>
#include <stdexcept>

#include "tensor/sizes.hpp"

namespace gradlab::nn {

namespace {

// Mean and biased standard deviation of a list of numbers.
std::pair<double, double> moments(const std::vector<double>& x) {
  double mean = 0, sq = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (double v : x) sq += (v - mean) * (v - mean);
  return {mean, std::sqrt(sq / static_cast<double>(x.size()))};
}

}  // namespace

TensorStats tensor_stats(const std::string& name, const Tensor& t, double saturation, std::int64_t bins) {
  if (t.numel() == 0) throw std::invalid_argument("tensor_stats: '" + name + "' has no elements");
  TensorStats s;
  s.name = name;
  std::tie(s.mean, s.std) = moments(t.data());
  double n = 0;
  for (double v : t.data()) n += std::abs(v) > saturation;
  s.saturated = n / static_cast<double>(t.numel());
  s.histogram = histogram(t.detach(), bins);
  return s;
}

LayerStats::LayerStats(double saturation, std::int64_t bins) : saturation_(saturation), bins_(bins) {
  if (!(saturation > 0) || bins < 1)
    throw std::invalid_argument("LayerStats: saturation must be > 0 and bins >= 1");
  detail::check_count("LayerStats", bins, "the histogram's bins");  // refused now, not at the first forward
}

Tensor LayerStats::forward(const Sequential& net, const Tensor& x, const std::vector<std::string>& kinds) {
  watched_.clear();
  Tensor h = x;
  int i = 0;
  for (auto& [name, layer] : net.named_children()) {
    h = layer->forward(h);
    ++i;
    for (const std::string& k : kinds)
      if (layer->name() == k) watched_.emplace_back("layer " + std::to_string(i) + " (" + k + ")", h);
  }
  return h;
}

std::vector<TensorStats> LayerStats::activations() const {
  std::vector<TensorStats> out;
  for (auto& [name, t] : watched_) out.push_back(tensor_stats(name, t, saturation_, bins_));
  return out;
}

std::vector<TensorStats> LayerStats::gradients() const {
  std::vector<TensorStats> out;
  for (auto& [name, t] : watched_) {
    TensorStats s = tensor_stats(name, t.grad(), saturation_, bins_);
    s.saturated = 0;  // has no meaning for a gradient
    out.push_back(s);
  }
  return out;
}

std::vector<TensorStats> LayerStats::weight_gradients(const Named& parameters) const {
  std::vector<TensorStats> out;
  for (auto& [name, p] : parameters) {
    if (p.dim() != 2) continue;
    TensorStats s = tensor_stats(name, p.grad(), saturation_, bins_);
    s.saturated = 0;
    double data_std = moments(p.data()).second;
    s.grad_to_data = data_std > 0 ? s.std / data_std : INFINITY;
    out.push_back(s);
  }
  return out;
}

void LayerStats::record_updates(const Named& parameters, double lr) {
  std::size_t k = 0;
  for (auto& [name, p] : parameters) {
    if (p.dim() != 2) continue;
    if (k == weights_.size()) {
      weights_.emplace_back(name, p);
      ratios_.emplace_back();
    } else if (weights_[k].first != name) {
      throw std::invalid_argument("LayerStats::record_updates: weight " + std::to_string(k) + " was '" +
                                  weights_[k].first + "', now '" + name + "' (record the same model each step)");
    }
    double g = moments(p.grad().data()).second * std::abs(lr), d = moments(p.data()).second;
    ratios_[k].push_back(g > 0 && d > 0 ? std::log10(g / d) : -10.0);  // -10: no update at all
    ++k;
  }
}

}  // namespace gradlab::nn
