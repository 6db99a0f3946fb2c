// SPDX-License-Identifier: MIT
// nn::Module, LibTorch's idea without its macros: a module registers its
// parameters and submodules by name, so the whole tree can be listed
// ("fc1.weight"), zeroed, switched between training and evaluation, counted
// and printed as PyTorch prints it. Layers derive from it (nn/layers.hpp).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gradlab::nn {

// A module tree may be deep (Sequentials nested 30,000 deep): every walk
// over it (parameters, train, printing, destruction) is iterative. It may
// share a module between two parents, but it may not contain a cycle: adding
// a module to itself, or to one of its own submodules, is refused.
class Module {
 public:
  virtual ~Module();

  // The computation. Layers override it; Module's own throws (a container
  // without one, or a loss, which takes two tensors). Taken by value, as
  // LibTorch writes it, so a module's `Tensor forward(Tensor x)` overrides
  // it (a Tensor is a handle: the copy shares the node).
  virtual Tensor forward(Tensor input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  // LibTorch holds modules through pointers (fc1->forward(x)); a gradlab
  // module is a value that answers `->` too, so that spelling ports. The
  // layers with parameters return themselves (fc1->weight).
  Module* operator->() { return this; }
  const Module* operator->() const { return this; }

  // Parameters of this module, then of its submodules in registration
  // order, named by their path: "0.weight", "fc1.bias".
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  std::int64_t num_parameters() const;  // numbers to learn, over the whole tree
  // State that is not learned but belongs to the model (BatchNorm's running
  // statistics), named like the parameters: save them beside those.
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;

  void zero_grad();                  // every parameter's gradient to 0
  void train(bool on = true);        // this module and every submodule
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // LibTorch's model.to(device) / to(dtype), documented no-ops
  // (<gradlab/torch_compat.hpp>): gradlab computes in float64 on the CPU.
  void to(const Device& device, bool non_blocking = false);
  void to(ScalarType dtype, bool non_blocking = false);
  void to(const Device& device, ScalarType dtype, bool non_blocking = false);

  // "Linear"; a module made with the default constructor is named after
  // its class, as LibTorch names it ("Net" for struct Net : nn::Module).
  const std::string& name() const;
  // What goes in the parentheses when printed: "in_features=2, out_features=3, bias=True".
  virtual std::string extra_repr() const { return ""; }

 protected:
  Module() = default;  // named after its class, on first use of name()
  explicit Module(std::string name) : name_(std::move(name)) {}
  Module(const Module& other);  // shares other's parameters and submodules
  Module& operator=(const Module& other);

  // Makes `value` a Parameter, keeps it under `name` and returns it (store
  // the returned handle: it is the same tensor the registry holds). A name
  // must be non-empty, without '.', and not taken by a parameter or a
  // submodule of this module (std::invalid_argument otherwise), so that
  // every path "fc1.weight" names one tensor. The same holds for
  // register_module, which also refuses a module that would contain itself.
  Parameter register_parameter(const std::string& name, const Tensor& value);
  // Keeps `value` (the same tensor, not a copy) under `name` as a buffer.
  Tensor register_buffer(const std::string& name, const Tensor& value);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module, false);
    return module;
  }
  // A module held by value as a data member of this module, registered in
  // place (not copied, not owned): train()/eval(), parameters() and printing
  // reach the member itself. `member` must be a data member of this module
  // (a copy of this module then registers its own copy of the member; so a
  // module is copied as the class it is, never sliced to a base class).
  template <class M>
    requires std::derived_from<M, Module>
  M& register_module(const std::string& name, M& member) {
    add_child(name, std::shared_ptr<Module>(std::shared_ptr<Module>(), &member), true);
    return member;
  }

 private:
  using NamedList = std::vector<std::pair<std::string, Tensor>>;
  void add_child(const std::string& name, std::shared_ptr<Module> module, bool in_place);
  // After a copy: the children registered in place point to this module's
  // own members, found at the offset they had in the original.
  void rebase_members();
  // named_parameters and named_buffers: one walk of the tree over either list.
  NamedList named_tensors(NamedList Module::*list, bool recurse) const;

  mutable std::string name_;  // empty until name() works it out from the class
  bool training_ = true;
  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  // One per child: where a member registered in place lies, as an offset
  // from this module, or kOwned for a child held by shared_ptr.
  static constexpr std::ptrdiff_t kOwned = PTRDIFF_MIN;
  std::vector<std::ptrdiff_t> member_offsets_;
  std::size_t parents_ = 0;  // times registered as a submodule: 0 means no module contains it
};

// The module tree as PyTorch prints it:
// Sequential(
//   (0): Linear(in_features=2, out_features=3, bias=True)
//   (1): ReLU()
// )
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace gradlab::nn
