// SPDX-License-Identifier: MIT
// The module tree: registration, the recursive walks over it, printing.

#include <gradlab/nn/module.hpp>

#include <ostream>
#include <stdexcept>
#include <unordered_set>

namespace gradlab::nn {

Tensor Module::forward(const Tensor&) {
  throw std::logic_error(name_ + ": this module has no forward(Tensor)");
}

Parameter Module::register_parameter(const std::string& name, const Tensor& value) {
  for (auto& [existing, p] : parameters_)
    if (existing == name) throw std::invalid_argument(name_ + ": parameter '" + name + "' registered twice");
  Parameter p(value);
  parameters_.emplace_back(name, p);
  return p;
}

Tensor Module::register_buffer(const std::string& name, const Tensor& value) {
  for (auto& [existing, b] : buffers_)
    if (existing == name) throw std::invalid_argument(name_ + ": buffer '" + name + "' registered twice");
  buffers_.emplace_back(name, value);
  return value;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  if (!module) throw std::invalid_argument(name_ + ": submodule '" + name + "' is null");
  for (auto& [existing, m] : children_)
    if (existing == name) throw std::invalid_argument(name_ + ": submodule '" + name + "' registered twice");
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out = parameters_;
  if (!recurse) return out;
  // A parameter shared by two submodules (the same layer used twice) is
  // listed once, under its first name, as PyTorch does.
  std::unordered_set<const Node*> seen;
  for (auto& [name, p] : out) seen.insert(p.node());
  for (auto& [prefix, child] : children_)
    for (auto& [name, p] : child->named_parameters(true))
      if (seen.insert(p.node()).second) out.emplace_back(prefix + "." + name, p);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out = buffers_;
  if (recurse)
    for (auto& [prefix, child] : children_)
      for (auto& [name, b] : child->named_buffers(true)) out.emplace_back(prefix + "." + name, b);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& p : parameters()) n += p.numel();
  return n;
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.zero_grad();
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

namespace {

void print(std::ostream& os, const Module& m, int indent) {
  os << m.name() << "(" << m.extra_repr();
  if (m.named_children().empty()) {
    os << ")";
    return;
  }
  os << "\n";
  for (auto& [name, child] : m.named_children()) {
    os << std::string(static_cast<std::size_t>(indent + 2), ' ') << "(" << name << "): ";
    print(os, *child, indent + 2);
    os << "\n";
  }
  os << std::string(static_cast<std::size_t>(indent), ' ') << ")";
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Module& module) {
  print(os, module, 0);
  return os;
}

}  // namespace gradlab::nn
