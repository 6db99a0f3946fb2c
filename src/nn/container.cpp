// SPDX-License-Identifier: MIT
// Sequential and MLP.

#include <gradlab/nn/container.hpp>

#include <stdexcept>

#include <gradlab/nn/layers.hpp>

namespace gradlab::nn {

void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(layers_.size()), module);
  layers_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (auto& layer : layers_) h = layer->forward(h);
  return h;
}

MLP::MLP(const std::vector<std::int64_t>& sizes) : Sequential("MLP") {
  if (sizes.size() < 2) throw std::invalid_argument("MLP: needs at least an input and an output size");
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    if (i > 0) push_back(std::make_shared<ReLU>());
    push_back(std::make_shared<Linear>(sizes[i], sizes[i + 1]));
  }
}

}  // namespace gradlab::nn
