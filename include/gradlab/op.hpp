// SPDX-License-Identifier: MIT
// Defining an op: what every scalar op in value_ops.cpp is made of, public,
// so that a new op is written outside the library the same way. An op is a
// function that computes the forward, a static `Op` (node.hpp: its name, its
// backward step, its node kind) and the result node made of the two. The
// backward reads the numbers it needs from the node and its operands, and
// adds out.grad times the local derivative into each operand's grad:
//
//   Value softplus(const Value& a) {  // log(1 + e^a)
//     double data = std::log1p(std::exp(a.data()));  // forward
//     static constexpr Op op{"softplus", [](Node& n) {  // backward
//       auto [out, a] = unary_slots(n);
//       a.grad += out.grad / (1 + std::exp(-a.data));  // d softplus(a)/da = sigmoid(a)
//     }, &kScalarKind};
//     return make_result(data, op, a);
//   }
//
// A Tensor op is the same with whole arrays (tensor_slot); the course's
// 15_your_own_op writes both. What a tensor op's backward needs beyond its
// operands is a struct named beside the op, kept in the node (keep, state
// in tensor.hpp), and its replay (Op::replay, explode.hpp) shows it as scalars. An
// op declares itself: no registry, no macros.
#pragma once

#include <utility>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

// --- scalar ops ------------------------------------------------------------

// What a backward step sees of a scalar node: its number, and the gradient
// to add into. A node that takes no gradient (a constant operand) gets a
// sink that nobody reads, so a backward may add to every operand.
struct ScalarSlot {
  double data;
  double& grad;
  bool requires_grad;
};
inline thread_local double scalar_gradient_sink;
inline ScalarSlot scalar_slot(Node& n) {
  auto& s = static_cast<ScalarNode&>(n);
  return {s.data, n.requires_grad() ? s.grad_in_backward() : scalar_gradient_sink, n.requires_grad()};
}
// The result and the operands of a one- and a two-operand op, for
// `auto [out, a] = unary_slots(n);` in its backward.
struct UnarySlots {
  ScalarSlot out, a;
};
struct BinarySlots {
  ScalarSlot out, a, b;
};
inline UnarySlots unary_slots(Node& n) { return {scalar_slot(n), scalar_slot(n.parent(0))}; }
inline BinarySlots binary_slots(Node& n) {
  return {scalar_slot(n), scalar_slot(n.parent(0)), scalar_slot(n.parent(1))};
}

// The result of `op` on a (and b): a node holding `data`. With grad mode
// off, or when no operand takes a gradient, it is a plain leaf and no graph
// is recorded (so the backward never runs for it).
Value make_result(double data, const Op& op, const Value& a);
Value make_result(double data, const Op& op, const Value& a, const Value& b);

// --- tensor ops ------------------------------------------------------------

// What a tensor op's backward sees of a node: its shape, its numbers
// (row-major) and its gradient, of the same size, to add into; grad is
// nullptr for a node that takes none (a constant operand). The result's
// gradient is always there when its backward runs.
struct TensorSlot {
  const Shape& shape;
  const std::vector<double>& data;
  double* grad;
};
// The node itself (tensor_slot(n)) or an operand (tensor_slot(n.parent(0))).
TensorSlot tensor_slot(Node& n);

// The result of `op` on `operands`: a tensor of `shape` holding `data`,
// recorded in the graph as make_result for Values is. std::invalid_argument
// when data does not have shape's number of elements.
Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   const std::vector<Tensor>& operands);

}  // namespace gradlab
