// SPDX-License-Identifier: MIT
// Making an op's result node, for Values and for Tensors (op.hpp): the
// library's own ops and a learner's new ones go through here alike.

#include <gradlab/op.hpp>

#include <gradlab/grad_mode.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "scalar/scalar_node.hpp"
#include <gradlab/tensor.hpp>

namespace gradlab {

namespace {

// Whether a result of this operand must be sorted for backward rather than
// swept in creation order: the operand is, or is an inner node made
// elsewhere (another thread). A leaf never is.
bool unordered(const Node& operand) {
  return operand.nparents && ((operand.flags & kUnordered) || !detail::made_here(operand));
}

// With grad mode off, or when no operand takes a gradient, the result is a
// plain leaf and no graph is recorded.
Value make_scalar(double data, const Op& op, Node* a, Node* b) {
  std::uint16_t any = a->flags | (b ? b->flags : 0);
  if (!(any & kRequiresGrad) || !is_grad_enabled()) {
    auto* leaf = detail::new_scalar_node(data, &kScalarLeaf);
    leaf->refs = 1;
    return Value::adopt(leaf);
  }
  auto* out = detail::new_scalar_node(data, &op);
  out->refs = 1;
  out->inline_parents[0] = a;
  out->inline_parents[1] = b;
  out->nparents = b ? 2 : 1;
  retain(a);
  if (b) retain(b);
  bool sort = unordered(*a) || (b && unordered(*b));
  out->flags |= sort ? kRequiresGrad | kUnordered : kRequiresGrad;
  return Value::adopt(out);
}

}  // namespace

Value make_result(double data, const Op& op, const Value& a) {
  return make_scalar(data, op, a.node(), nullptr);
}

Value make_result(double data, const Op& op, const Value& a, const Value& b) {
  return make_scalar(data, op, a.node(), b.node());
}

Value make_result(double data, const Op& op, std::span<const Value> a, std::span<const Value> b) {
  const std::size_t n = a.size() + b.size();
  if (n == 0 || n > UINT16_MAX)
    throw std::invalid_argument(std::string(op.name) + ": " + std::to_string(n) +
                                " operands; an op takes 1 to 65535");
  auto operand = [&](std::size_t i) { return i < a.size() ? a[i].node() : b[i - a.size()].node(); };
  std::uint16_t any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= operand(i)->flags;
  if (!(any & kRequiresGrad) || !is_grad_enabled()) {
    auto* leaf = detail::new_scalar_node(data, &kScalarLeaf);
    leaf->refs = 1;
    return Value::adopt(leaf);
  }
  auto* out = detail::new_scalar_node(data, &op);
  out->refs = 1;
  Node** slots = n > 2 ? (out->parent_array = new Node*[n]) : out->inline_parents;
  bool sort = false;
  for (std::size_t i = 0; i < n; ++i) {
    Node* p = operand(i);
    slots[i] = p;
    retain(p);
    sort = sort || unordered(*p);
  }
  out->nparents = static_cast<std::uint16_t>(n);
  out->flags |= sort ? kRequiresGrad | kUnordered : kRequiresGrad;
  return Value::adopt(out);
}

}  // namespace gradlab
