// SPDX-License-Identifier: MIT
// LibTorch's way to define an op with its own backward, on gradlab's engine:
//
//   struct MulConstant : autograd::Function<MulConstant> {
//     static Tensor forward(autograd::AutogradContext* ctx, Tensor x, double c) {
//       ctx->saved_data["c"] = c;
//       return x * c;
//     }
//     static autograd::variable_list backward(autograd::AutogradContext* ctx,
//                                             autograd::variable_list grad_outputs) {
//       return {grad_outputs[0] * ctx->saved_data["c"].toDouble(), Tensor()};  // d(x c)/dx = c
//     }
//   };
//   Tensor y = MulConstant::apply(x, 5.5);
//
// apply() runs forward with grad mode off and records ONE node, named after
// the class, whose backward calls T::backward with d(loss)/d(output) and adds
// the gradient it returns for each tensor argument (Tensor() for "none").
// It is built on op.hpp alone (make_result, tensor_slot): what the context
// holds travels with the node as its first operand, a constant tensor
// labelled "ctx" that pictures show, and the tensors it saved as further
// operands, so it lives and dies with the graph. With create_graph
// (grad.hpp) the same backward runs with its ops recorded and the saved
// tensors as the graph's own nodes, so a backward written with Tensor ops
// can be differentiated again. Left out: several outputs, mark_dirty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <typeinfo>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <gradlab/grad_mode.hpp>
#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::autograd {

using variable_list = std::vector<Tensor>;
using tensor_list = variable_list;

// A value kept in saved_data: a number, a whole number, a flag or a tensor.
class IValue {
 public:
  IValue() = default;
  IValue(double v) : v_(v) {}
  IValue(float v) : v_(static_cast<double>(v)) {}
  IValue(std::int64_t v) : v_(v) {}
  IValue(int v) : v_(static_cast<std::int64_t>(v)) {}
  IValue(bool v) : v_(v) {}
  IValue(const Tensor& t) : v_(t) {}
  bool isNone() const { return v_.index() == 0; }
  bool isDouble() const { return v_.index() == 1; }
  bool isInt() const { return v_.index() == 2; }
  bool isBool() const { return v_.index() == 3; }
  bool isTensor() const { return v_.index() == 4; }
  // std::invalid_argument when the value is of another kind (an int reads as a double too).
  double toDouble() const;
  std::int64_t toInt() const;
  bool toBool() const;
  Tensor toTensor() const;

 private:
  std::variant<std::monostate, double, std::int64_t, bool, Tensor> v_;
};

namespace detail {
struct FunctionRecord;
}

// What forward leaves for backward.
class AutogradContext {
 public:
  // Tensors backward needs (inputs, the output, anything made on the way);
  // Tensor() stands for "none" and comes back as Tensor().
  void save_for_backward(variable_list to_save) { saved_ = std::move(to_save); }
  // In backward: the saved tensors, in order, as constants (their numbers).
  variable_list get_saved_variables() const { return saved_; }
  // Whether argument `index` of forward is a tensor that takes a gradient.
  bool needs_input_grad(std::size_t index) const {
    return index < needs_input_grad_.size() && needs_input_grad_[index];
  }
  std::map<std::string, IValue> saved_data;

 private:
  friend struct detail::FunctionRecord;
  variable_list saved_;
  std::vector<bool> needs_input_grad_;
};

namespace detail {

using BackwardFunction = variable_list (*)(AutogradContext*, variable_list);

// The part of apply() and of the backward step that is not a template
// (src/autograd_function.cpp).
struct FunctionRecord {
  // Makes the result node: `out`'s numbers, recorded with `op` over a ctx
  // operand, the tensor arguments and the saved tensors.
  static Tensor record(const Op& op, const char* name, AutogradContext& ctx, const variable_list& inputs,
                       const std::vector<int>& argument_input, const Tensor& out);
  // The backward step of a node made by record(); with g, the graph-building
  // one (create_graph): the gradients go into g as nodes.
  static void backward(Node& n, const char* name, BackwardFunction backward, GradientGraph* g = nullptr);
  static void set_needs_input_grad(AutogradContext& ctx, std::vector<bool> needs) {
    ctx.needs_input_grad_ = std::move(needs);
  }
};

std::string function_name(const std::type_info& type);  // "MulConstant"

template <class A>
void collect(const A& arg, variable_list& inputs, std::vector<int>& argument_input) {
  if constexpr (std::is_convertible_v<const A&, const Tensor&>) {
    argument_input.push_back(static_cast<int>(inputs.size()));
    inputs.push_back(arg);
  } else {
    argument_input.push_back(-1);
  }
}

}  // namespace detail

template <class T>
struct Function {
  // forward(ctx, args...) with grad mode off, then the node that calls
  // backward. Returns forward's tensor, as a node of the graph.
  template <class... Args>
  static Tensor apply(Args&&... args) {
    static const Op op{name(), &backward_step, &kTensorKind, nullptr, &backward_graph_step};
    variable_list inputs;
    std::vector<int> argument_input;
    (detail::collect(args, inputs, argument_input), ...);
    std::vector<bool> needs;
    for (int i : argument_input) needs.push_back(i >= 0 && is_grad_enabled() && inputs[i].requires_grad());
    AutogradContext ctx;
    detail::FunctionRecord::set_needs_input_grad(ctx, needs);
    Tensor out;
    {
      NoGradGuard no_grad;
      out = T::forward(&ctx, std::forward<Args>(args)...);
    }
    return detail::FunctionRecord::record(op, name(), ctx, inputs, argument_input, out);
  }

 private:
  static const char* name() {
    static const std::string n = detail::function_name(typeid(T));
    return n.c_str();
  }
  static void backward_step(Node& n) { detail::FunctionRecord::backward(n, name(), &T::backward); }
  static void backward_graph_step(Node& n, GradientGraph& g) {
    detail::FunctionRecord::backward(n, name(), &T::backward, &g);
  }
};

}  // namespace gradlab::autograd
