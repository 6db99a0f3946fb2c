// SPDX-License-Identifier: MIT
// Modules made of modules: Sequential runs its children in order; ModuleList
// only holds them; MLP is a Sequential of Linear layers with ReLU between them.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include <gradlab/nn/module.hpp>

namespace gradlab::nn {

class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  // Sequential(Linear(2, 3), ReLU(), Linear(3, 1)): each module is copied in
  // (a copy shares its parameters with the original).
  // (One Sequential alone is a copy, by the copy constructor.)
  template <class... Ms>
    requires(sizeof...(Ms) > 0 && (std::derived_from<std::remove_cvref_t<Ms>, Module> && ...) &&
             !(sizeof...(Ms) == 1 && (std::derived_from<std::remove_cvref_t<Ms>, Sequential> && ...)))
  explicit Sequential(Ms&&... modules) : Module("Sequential") {
    (push_back(std::make_shared<std::remove_cvref_t<Ms>>(std::forward<Ms>(modules))), ...);
  }

  void push_back(std::shared_ptr<Module> module);  // named "0", "1", ... by position
  Tensor forward(Tensor x) override;
  std::size_t size() const { return named_children().size(); }
  Module& operator[](std::size_t i) const { return *named_children().at(i).second; }

 protected:
  explicit Sequential(std::string name) : Module(std::move(name)) {}
};

// Modules kept in order and named "0", "1", ..., that the owner runs itself
// (a transformer's layers, which take a mask too): no forward of its own.
class ModuleList : public Sequential {
 public:
  ModuleList() : Sequential("ModuleList") {}
  Tensor forward(Tensor x) override { return Module::forward(x); }
};

// MLP({784, 128, 64, 10}): Linear(784, 128), ReLU, Linear(128, 64), ReLU,
// Linear(64, 10). The last layer has no activation (its outputs are logits).
class MLP : public Sequential {
 public:
  explicit MLP(const std::vector<std::int64_t>& sizes);
};

}  // namespace gradlab::nn
