// SPDX-License-Identifier: MIT
// Sequential and MLP.

#include <gradlab/nn/container.hpp>

#include <stdexcept>
#include <typeinfo>
#include <utility>
#include <vector>

#include <gradlab/nn/layers.hpp>

namespace gradlab::nn {

// The layers are the submodules themselves (no second list), so that a
// layer's last owner is the registry and deep nests are freed iteratively.
void Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), std::move(module));
}

Tensor Sequential::forward(Tensor x) {
  // A plain Sequential inside is run in place, layer by layer, rather than
  // through its forward(): Sequentials nested 30,000 deep then run without
  // 30,000 nested calls. (A subclass may have its own forward: it is called.)
  Tensor h = x;
  std::vector<std::pair<const Sequential*, std::size_t>> stack{{this, 0}};
  while (!stack.empty()) {
    auto& [seq, next] = stack.back();
    if (next == seq->size()) {
      stack.pop_back();
      continue;
    }
    Module& layer = (*seq)[next++];
    if (typeid(layer) == typeid(Sequential)) stack.emplace_back(static_cast<const Sequential*>(&layer), 0);
    else h = layer.forward(h);
  }
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
