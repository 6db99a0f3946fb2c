// SPDX-License-Identifier: MIT
// Value: a scalar that remembers how it was computed, micrograd's Value in
// C++. A Value is a cheap handle on a node of the autograd graph; copies
// share the node. Ops are declared here and defined in value_ops.cpp.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/handle.hpp>
#include <gradlab/node.hpp>

namespace gradlab {

// A scalar node: the number and its gradient. 48 bytes with the Node header.
// The library makes them in creation order in a per-thread arena (see
// src/node_arena.hpp, which a newcomer may skip).
struct ScalarNode : Node {
  double data;

  ScalarNode(double d, const Op* made_by) : Node(made_by), data(d) {}

  // The gradient. Writing it goes through grad(), which also marks the node
  // kGradSet: the next backward must clear it before it adds (engine.cpp);
  // a node never written is 0 and needs no clearing.
  double grad() const { return grad_; }
  double& grad() {
    flags |= kGradSet;
    return grad_;
  }
  // For a backward step (op.hpp's slots): the sweep has marked the node
  // already, so the hot path skips the mark.
  double& grad_in_backward() { return grad_; }

 private:
  double grad_ = 0.0;
};

class Value : public Handle<ScalarNode> {
 public:
  // A leaf that takes a gradient, as every micrograd Value does:
  // `Value a = -4.0;`, `Value x(2.0, "x");`
  Value(double data = 0.0);  // NOLINT(google-explicit-constructor): a number is a Value
  Value(double data, const std::string& label);
  // A leaf that takes no gradient: how a plain number enters an op (`x + 1`).
  static Value constant(double data);

  // Copies share the node (handle.hpp). A moved-from Value holds no node: it
  // may be assigned to or destroyed, and copying it gives another empty
  // Value; any other use is an error.

  double data() const { return node_->data; }
  double& data() { return node_->data; }  // p.data() -= lr * p.grad();
  double grad() const { return std::as_const(*node_).grad(); }
  double& grad() { return node_->grad(); }  // written by hand too: see ScalarNode
  // Sets the gradient to 0, and drops the one kept as a node (grad_value).
  void zero_grad() {
    node_->grad() = 0.0;
    if (node_->flags & kHasGradNode) set_grad_node(*node_, nullptr);
  }
  // After backward(retain_graph, create_graph = true): the gradient as a
  // node of the graph, to differentiate again (grad.hpp); until then, a
  // constant holding grad().
  Value grad_value() const;

  std::string label() const { return node_label(*node_); }
  Value& set_label(const std::string& label);
  std::string op() const { return node_->op->name; }  // "" for a leaf
  std::vector<Value> parents() const;                 // the op's operands, in order
  bool requires_grad() const { return node_->requires_grad(); }
  bool is_leaf() const { return node_->is_leaf(); }

  // d(this)/d(every node it depends on), added into each node's grad.
  // Gradients accumulate across calls until zero_grad(). The graph stays, so
  // it can be drawn or backpropagated again; retain_graph = false frees it.
  // With create_graph the gradients are also recorded as graph nodes:
  // grad_value() gives them (gradients of gradients: grad.hpp). The order of
  // the two flags is retain_graph's first, as backward(false) always meant.
  void backward(bool retain_graph = true, bool create_graph = false);

  // The ops as members too: x.tanh() is tanh(x).
  Value pow(double exponent) const;
  Value pow(const Value& exponent) const;
  Value exp() const;
  Value log() const;
  Value tanh() const;
  Value relu() const;
  Value sigmoid() const;
  Value sqrt() const;
  Value sin() const;
  Value cos() const;

  // Python's rebinding: `c += x` makes c a new node c_old + x; the old node
  // stays in the graph, exactly as `c += c + 1` behaves in micrograd.
  Value& operator+=(const Value& other);
  Value& operator-=(const Value& other);
  Value& operator*=(const Value& other);
  Value& operator/=(const Value& other);
  Value& operator+=(double other);
  Value& operator-=(double other);
  Value& operator*=(double other);
  Value& operator/=(double other);

  // node() is the node behind the handle, for the engine, pictures and new ops.
  // Adopts a node that already carries the reference this handle will own.
  static Value adopt(ScalarNode* node) { return Value(node, Adopt{}); }

 private:
  struct Adopt {};
  Value(ScalarNode* node, Adopt) : Handle(node) {}
};

// Arithmetic, with a Value or a plain number on either side.
Value operator+(const Value& a, const Value& b);
Value operator-(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value operator/(const Value& a, const Value& b);  // std::domain_error when b is 0
Value operator-(const Value& a);
Value operator+(const Value& a, double b);
Value operator+(double a, const Value& b);
Value operator-(const Value& a, double b);
Value operator-(double a, const Value& b);
Value operator*(const Value& a, double b);
Value operator*(double a, const Value& b);
Value operator/(const Value& a, double b);
Value operator/(double a, const Value& b);

// One rule for Value and Tensor alike: numbers outside an op's domain are
// refused (std::domain_error), but NaN is no such number: it passes through
// as NaN (log, sqrt, pow of NaN are NaN), as in PyTorch.
// a^b. std::domain_error for a negative base with a non-integer exponent and
// for 0 to a negative power. The gradient to a Value exponent is a^b ln a
// (NaN for a negative base, where it does not exist).
Value pow(const Value& a, double b);
Value pow(const Value& a, const Value& b);
Value pow(double a, const Value& b);
Value exp(const Value& a);
Value log(const Value& a);   // std::domain_error for a <= 0
Value tanh(const Value& a);
Value relu(const Value& a);
Value sigmoid(const Value& a);
Value sqrt(const Value& a);  // std::domain_error for a < 0
Value sin(const Value& a);
Value cos(const Value& a);

// x0 + x1 + ... and a0 b0 + a1 b1 + ..., each one node with every operand as
// a parent (a linear layer's output: dot(row, x)). std::invalid_argument for
// an empty x, a and b of different lengths, or more than 65,535 operands.
Value sum(const std::vector<Value>& x);
Value dot(const std::vector<Value>& a, const std::vector<Value>& b);

// Value(data=2.0000, grad=0.0000), or Value(label=x, data=2.0000, grad=0.0000).
std::ostream& operator<<(std::ostream& os, const Value& v);

// The node kind of every Value, and the op of a Value leaf.
extern const NodeKind kScalarKind;
extern const Op kScalarLeaf;

}  // namespace gradlab
