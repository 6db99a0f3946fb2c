// SPDX-License-Identifier: MIT
// Replaying tensor ops with scalar Values (see explode.hpp): the forward of
// each op once more, written with Value arithmetic instead of loops over
// doubles, so the engine records every scalar step.

#include <gradlab/explode.hpp>

#include <set>
#include <stdexcept>
#include <string>

#include <gradlab/engine.hpp>

#include "tensor_internal.hpp"

namespace gradlab {

namespace {

using Elements = std::vector<Value>;

using detail::element_name;

// Value's version of op `name` on elements x (and y), for one element.
Value apply_unary(const std::string& name, const Value& x, const TensorNode& out) {
  if (name == "neg") return -x;
  if (name == "exp") return exp(x);
  if (name == "log") return log(x);
  if (name == "tanh") return tanh(x);
  if (name == "relu") return relu(x);
  if (name == "sigmoid") return sigmoid(x);
  if (name == "sqrt") return sqrt(x);
  if (name == "pow") return pow(x, out.saved_number);
  throw std::invalid_argument("explode: op '" + name + "' has no scalar replay");
}

Value apply_binary(const std::string& name, const Value& x, const Value& y) {
  if (name == "+") return x + y;
  if (name == "-") return x - y;
  if (name == "*") return x * y;
  if (name == "/") return x / y;
  throw std::invalid_argument("explode: op '" + name + "' has no scalar replay");
}

// The ops replay() knows (explode.hpp lists them); any other is refused
// before its operands are read (linear's two operands are no broadcast pair).
bool has_replay(const std::string& name) {
  static const std::set<std::string> known = {
      "+", "-", "*", "/", "neg", "exp", "log", "tanh", "relu", "sigmoid", "sqrt", "pow", "sum", "mean",
      "matmul", "reshape", "permute", "select", "slice", "index_select", "gather", "cat"};
  return known.count(name) > 0;
}

Elements replay(const TensorNode& n, const std::vector<const Elements*>& in) {
  const std::string name = n.op->name;
  if (!has_replay(name)) throw std::invalid_argument("explode: op '" + name + "' has no scalar replay");
  const std::size_t size = n.data.size();
  Elements out;
  out.reserve(size);
  auto& a = *in[0];
  const TensorNode& ta = static_cast<const TensorNode&>(n.parent(0));
  if (in.size() == 2 && name != "matmul" && name != "cat") {  // elementwise, broadcast
    const TensorNode& tb = static_cast<const TensorNode&>(n.parent(1));
    out.resize(size);
    detail::for_each_broadcast(n.shape, ta.shape, tb.shape, [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
      out[static_cast<std::size_t>(i)] = apply_binary(name, a[static_cast<std::size_t>(ia)], (*in[1])[static_cast<std::size_t>(ib)]);
    });
  } else if (name == "sum" || name == "mean") {
    const std::vector<std::int64_t>& r = n.saved_ints;  // the (outer, n, inner) view
    for (std::int64_t o = 0; o < r[0]; ++o)
      for (std::int64_t i = 0; i < r[2]; ++i) {
        // A sum of nothing is the constant 0 (mean refuses an empty dim).
        Value s = r[1] == 0 ? Value::constant(0) : a[static_cast<std::size_t>(o * r[1] * r[2] + i)];
        for (std::int64_t k = 1; k < r[1]; ++k) s = s + a[static_cast<std::size_t>((o * r[1] + k) * r[2] + i)];
        out.push_back(name == "mean" ? s * n.saved_number : s);
      }
  } else if (name == "matmul") {
    if (ta.shape.size() != 2 || n.shape.size() != 2)
      throw std::invalid_argument("explode: only 2-d matmul has a scalar replay");
    const Elements& b = *in[1];
    std::int64_t N = ta.shape[0], K = ta.shape[1], M = n.shape[1];
    for (std::int64_t i = 0; i < N; ++i)
      for (std::int64_t j = 0; j < M; ++j) {  // out[i][j] = sum_k a[i][k] * b[k][j]
        if (K == 0) {  // (N, 0) @ (0, M): every element is an empty sum, 0
          out.push_back(Value::constant(0));
          continue;
        }
        Value s = a[static_cast<std::size_t>(i * K)] * b[static_cast<std::size_t>(j)];
        for (std::int64_t k = 1; k < K; ++k)
          s = s + a[static_cast<std::size_t>(i * K + k)] * b[static_cast<std::size_t>(k * M + j)];
        out.push_back(s);
      }
  } else if (name == "reshape") {
    out = a;  // the same Values, in the same order
  } else if (name == "permute") {
    out.resize(size);
    detail::for_each_permuted(ta.shape, n.saved_ints, [&](std::int64_t i, std::int64_t src) {
      out[static_cast<std::size_t>(i)] = a[static_cast<std::size_t>(src)];
    });
  } else if (name == "slice" && n.saved_ints.size() != size) {
    // A slice of whole rows keeps just where its block starts (tensor_index.cpp):
    // the elements are a[offset], a[offset + 1], ... (one element reads the
    // same either way, so the sizes tell the two forms apart).
    const auto offset = static_cast<std::size_t>(n.saved_ints[0]);
    out.assign(a.begin() + static_cast<std::ptrdiff_t>(offset),
               a.begin() + static_cast<std::ptrdiff_t>(offset + size));
  } else if (name == "select" || name == "slice" || name == "index_select" || name == "gather") {
    if (n.saved_ints.size() != size)  // one block of whole rows: out[i] = a[offset + i]
      for (std::size_t i = 0; i < size; ++i) out.push_back(a[static_cast<std::size_t>(n.saved_ints[0]) + i]);
    else
      for (std::int64_t src : n.saved_ints) out.push_back(a[static_cast<std::size_t>(src)]);
  } else if (name == "cat") {
    detail::Around r = detail::around(n.shape, n.saved_ints[0]);
    for (std::int64_t o = 0; o < r.outer; ++o)
      for (std::size_t k = 0; k < in.size(); ++k) {
        const TensorNode& t = static_cast<const TensorNode&>(n.parent(k));
        std::int64_t block = t.shape[static_cast<std::size_t>(n.saved_ints[0])] * r.inner;
        for (std::int64_t j = 0; j < block; ++j) out.push_back((*in[k])[static_cast<std::size_t>(o * block + j)]);
      }
  } else {
    for (const Value& x : a) out.push_back(apply_unary(name, x, n));
  }
  return out;
}

}  // namespace

ExplodedGraph explode(const Tensor& root, std::size_t max_elements) {
  std::vector<const Node*> order = engine::topological_order(*root.node());
  std::size_t total = 0;
  for (const Node* n : order) total += static_cast<const TensorNode*>(n)->data.size();
  if (total > max_elements)
    throw std::length_error("explode: the graph has " + std::to_string(total) +
                            " scalar elements, more than max_elements = " + std::to_string(max_elements));
  ExplodedGraph g;
  std::size_t unnamed = 0;
  for (const Node* node : order) {
    if (node->op->kind != &kTensorKind)
      throw std::invalid_argument("explode: the graph mixes node kinds");
    const auto& n = static_cast<const TensorNode&>(*node);
    if (n.flags & kGraphFreed)  // its operands are gone: there is nothing to replay
      throw std::invalid_argument("explode: the graph was freed by backward(retain_graph=false) "
                                  "(op '" + std::string(n.op->name) + "' has no operands left)");
    Elements elements;
    if (n.is_leaf()) {
      std::string base = node_label(n);
      if (base.empty()) base = std::string("t").append(std::to_string(unnamed++));
      for (std::size_t i = 0; i < n.data.size(); ++i) {
        Value v = n.requires_grad() ? Value(n.data[i]) : Value::constant(n.data[i]);
        v.set_label(element_name(base, n.shape, static_cast<std::int64_t>(i)));
        v.node()->flags |= n.flags & kParameter;  // a parameter's elements are parameters
        elements.push_back(v);
      }
    } else {
      std::vector<const Elements*> in;
      for (const Node* p : n.parents()) in.push_back(&g.elements.at(p));
      elements = replay(n, in);
    }
    g.elements.emplace(node, std::move(elements));
  }
  g.output = g.elements.at(root.node());
  return g;
}

}  // namespace gradlab
