// SPDX-License-Identifier: MIT
// Defining an op: what every scalar op in value_ops.cpp is made of, public,
// so that a new op is written outside the library the same way. An op is a
// function that computes the forward, a static `Op` (node.hpp: its name, its
// backward step, its node kind) and the result node made of the two. The
// derivative is written once, as a generic lambda over the result's slot
// and the operands' slots: it adds out.grad times the local derivative into
// each operand's grad.
//
//   Value softplus(const Value& a) {  // log(1 + e^a)
//     double data = std::log1p(std::exp(a.data()));  // forward
//     static constexpr Op op = scalar_op("softplus", [](auto& out, auto& a) {  // backward
//       a.grad += out.grad / (1 + math::exp(-a.data));  // d softplus(a)/da = sigmoid(a)
//     });
//     return make_result(data, op, a);
//   }
//
// scalar_op runs that lambda two ways: on numbers, for backward(); and on
// Values, for gradients of gradients (create_graph, grad.hpp), where every
// + and * in the line becomes a node, so the gradient can be differentiated
// again. Hence `auto`, math::exp (std::exp for numbers, gradlab's for
// Values) and number(x) where the derivative compares.
//
// A Tensor op is the same with whole arrays (tensor_slot); the course's
// 13_your_own_op writes both, and gradlab's own tensor ops (src/tensor/,
// src/nn/) are written with this kit too. What a tensor op's backward needs beyond its
// operands is a struct named beside the op, kept in the node (keep, state
// in tensor.hpp), and its replay (Op::replay, explode.hpp) shows it as scalars. An
// op declares itself: no registry, no macros.
#pragma once

#include <cmath>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include <gradlab/grad.hpp>
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

// --- one derivative, two backward passes ------------------------------------

// The functions a derivative may call, for numbers and for Values alike:
// math::exp(x) is std::exp for a double and gradlab::exp for a Value.
namespace math {
using std::cos, std::exp, std::log, std::pow, std::sin, std::sqrt, std::tanh;
using gradlab::cos, gradlab::exp, gradlab::log, gradlab::pow, gradlab::sin, gradlab::sqrt, gradlab::tanh;
}  // namespace math

// The number inside, for a derivative that compares (relu: out > 0).
inline double number(double x) { return x; }
inline double number(const Value& x) { return x.data(); }

// What the derivative sees under create_graph: the nodes themselves as
// Values, out's gradient as a Value, and each operand's share, which
// += and -= build as nodes (the first share is kept as it is).
struct ValueShare {
  std::optional<Value> sum;
  ValueShare& operator+=(const Value& v) {
    sum = sum ? *sum + v : v;
    return *this;
  }
  ValueShare& operator-=(const Value& v) {
    sum = sum ? *sum - v : -v;
    return *this;
  }
};
struct ValueResultSlot {
  Value data;  // the result node
  Value grad;  // its gradient, a node
};
struct ValueOperandSlot {
  Value data;  // the operand node
  ValueShare grad;
  bool requires_grad;
};

namespace detail {
inline Value value_of(Node& n) {
  retain(&n);
  return Value::adopt(static_cast<ScalarNode*>(&n));
}
template <class D>
void scalar_backward(Node& n) {  // on numbers: backward()
  if constexpr (std::is_invocable_v<D, ScalarSlot&, ScalarSlot&>) {
    auto [out, a] = unary_slots(n);
    D{}(out, a);
  } else {
    auto [out, a, b] = binary_slots(n);
    D{}(out, a, b);
  }
}
template <class D>
void scalar_backward_graph(Node& n, GradientGraph& g) {  // on Values: create_graph
  ValueResultSlot out{value_of(n), value_of(*g.gradient(n))};
  auto operand = [&](std::size_t i) {
    return ValueOperandSlot{value_of(n.parent(i)), {}, n.parent(i).requires_grad()};
  };
  auto pass = [&](std::size_t i, ValueOperandSlot& s) {
    if (s.requires_grad && s.grad.sum) g.add(n, i, *s.grad.sum->node());
  };
  if constexpr (std::is_invocable_v<D, ValueResultSlot&, ValueOperandSlot&>) {
    ValueOperandSlot a = operand(0);
    D{}(out, a);
    pass(0, a);
  } else {
    ValueOperandSlot a = operand(0), b = operand(1);
    D{}(out, a, b);
    pass(0, a);
    pass(1, b);
  }
}
}  // namespace detail

// The Op of a scalar op whose derivative is `derivative`, a lambda
// `[](auto& out, auto& a)` (or `auto& a, auto& b`) as above: it gives both
// the numeric backward and the graph-building one.
template <class D>
constexpr Op scalar_op(const char* name, D /*derivative*/) {
  return Op{name, &detail::scalar_backward<D>, &kScalarKind, nullptr, &detail::scalar_backward_graph<D>};
}

// The result of `op` on a (and b): a node holding `data`. With grad mode
// off, or when no operand takes a gradient, it is a plain leaf and no graph
// is recorded (so the backward never runs for it).
Value make_result(double data, const Op& op, const Value& a);
Value make_result(double data, const Op& op, const Value& a, const Value& b);

// --- scalar ops of many operands ---------------------------------------------

// An op may take any number of operands: a dot product of n pairs is one
// node with 2n parents instead of n products and n - 1 sums. Its derivative
// is a lambda `[](auto& out, auto& x)`, x the operands in order: x.size(),
// and x[i].data, x[i].grad as above.
//
//   Value sum(const std::vector<Value>& x) {
//     double data = 0;
//     for (const Value& xi : x) data += xi.data();  // forward
//     static constexpr Op op = scalar_op_n("sum", [](auto& out, auto& x) {  // backward
//       for (std::size_t i = 0; i < x.size(); ++i) x[i].grad += out.grad;  // d(sum)/dx_i = 1
//     });
//     return make_result(data, op, x);
//   }
//
// On numbers x[i] is made when asked for (nothing is allocated); on Values,
// for create_graph, x holds every operand's slot.
class ScalarSlots {
 public:
  explicit ScalarSlots(Node& n) : n_(n) {}
  std::size_t size() const { return n_.nparents; }
  ScalarSlot operator[](std::size_t i) const { return scalar_slot(n_.parent(i)); }

 private:
  Node& n_;
};

namespace detail {
template <class D>
void scalar_backward_n(Node& n) {
  ScalarSlot out = scalar_slot(n);
  ScalarSlots x(n);
  D{}(out, x);
}
template <class D>
void scalar_backward_graph_n(Node& n, GradientGraph& g) {
  ValueResultSlot out{value_of(n), value_of(*g.gradient(n))};
  std::vector<ValueOperandSlot> x;
  x.reserve(n.nparents);
  for (std::size_t i = 0; i < n.nparents; ++i)
    x.push_back(ValueOperandSlot{value_of(n.parent(i)), {}, n.parent(i).requires_grad()});
  D{}(out, x);
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i].requires_grad && x[i].grad.sum) g.add(n, i, *x[i].grad.sum->node());
}
}  // namespace detail

// The Op of a scalar op of many operands, from its one derivative.
template <class D>
constexpr Op scalar_op_n(const char* name, D /*derivative*/) {
  return Op{name, &detail::scalar_backward_n<D>, &kScalarKind, nullptr, &detail::scalar_backward_graph_n<D>};
}

// The result of `op` on the Values of `a`, then those of `b` (a dot
// product's two vectors), as make_result above. std::invalid_argument when
// there are none, or more than 65,535.
Value make_result(double data, const Op& op, std::span<const Value> a, std::span<const Value> b = {});

// --- tensor ops ------------------------------------------------------------

// What a tensor op's backward sees of a node: its shape, its numbers
// (row-major) and its gradient, of the same size, to add into; grad is
// nullptr for a node that takes none (a constant operand). The result's
// gradient is always there when its backward runs.
struct TensorSlot {
  const Shape& shape;
  const std::vector<double>& data;
  double* grad;
  bool fresh = false;  // only from tensor_slot_for_overwrite, below
};
// The node itself (tensor_slot(n)) or an operand (tensor_slot(n.parent(0))).
inline TensorSlot tensor_slot(Node& n) {
  auto& t = static_cast<TensorNode&>(n);
  return {t.shape, t.data, n.requires_grad() ? t.grad_buffer().data() : nullptr};
}
// An operand's slot for a backward that gives every element of its
// gradient at once (an elementwise op, a matrix product). When no gradient
// has reached the operand yet, `fresh` is true and grad holds no zeros,
// nor anything else: write (=) rather than add (+=), one pass over memory
// fewer, as BLAS's beta = 0 rather than 1. grad is nullptr, as above, for
// an operand that takes none.
inline TensorSlot tensor_slot_for_overwrite(Node& n) {
  auto& t = static_cast<TensorNode&>(n);
  if (!n.requires_grad()) return {t.shape, t.data, nullptr};
  if (t.has_grad()) return {t.shape, t.data, t.grad_buffer().data()};
  return {t.shape, t.data, t.grad_buffer_for_overwrite().data(), true};
}

// The result of `op` on `operands`, `{a, b}` (named in place, nothing
// copied): a tensor of `shape` holding `data`, recorded in the graph as
// make_result for Values is. The library's tensor ops make every result
// here. std::invalid_argument when shape has a negative dim or data does
// not have its number of elements, or when op's kind is not &kTensorKind.
Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   std::initializer_list<std::reference_wrapper<const Tensor>> operands);
Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   std::span<const Tensor> operands);  // any number (cat, stack)

// --- tensor ops: gradients of gradients --------------------------------------

// An op's second backward (Op::backward_graph) builds its operands'
// shares out of Tensor ops, so that they can be differentiated again:
// matmul's share for a is gradient_of(n, g) @ b^T, made of matmul. These
// are its handles.
//
// A node of the graph as a Tensor: the result (tensor_of(n)) or an operand
// (tensor_of(n.parent(0))).
inline Tensor tensor_of(Node& n) {
  retain(&n);
  return Tensor::adopt(static_cast<TensorNode*>(&n));
}
// The gradient gathered for the result n, a node of the graph too.
inline Tensor gradient_of(Node& n, GradientGraph& g) { return tensor_of(*g.gradient(n)); }
// Whether n's operand i wants a share, so that none is computed in vain.
inline bool wants(const GradientGraph& g, Node& n, std::size_t i) { return g.needs(n.parent(i)); }
// Passes `share` into the gradient of n's operand i, if it wants one.
inline void pass(GradientGraph& g, Node& n, std::size_t i, const Tensor& share) {
  if (wants(g, n, i)) g.add(n, i, *share.node());
}

}  // namespace gradlab
