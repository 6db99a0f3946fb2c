// SPDX-License-Identifier: MIT
// Making an op's result node, for Values and for Tensors (op.hpp): the
// library's own ops and a learner's new ones go through here alike.

#include <gradlab/op.hpp>

#include <gradlab/grad_mode.hpp>

#include "node_arena.hpp"
#include "tensor_internal.hpp"

namespace gradlab {

namespace {

// Whether out must be sorted for backward rather than swept in creation
// order: an operand is, or is an inner node made elsewhere (another thread).
bool unordered(const Node& operand) {
  return (operand.flags & kUnordered) || (operand.nparents && !detail::made_here(operand));
}

// With grad mode off, or when no operand takes a gradient, the result is a
// plain leaf and no graph is recorded.
Value make_scalar(double data, const Op& op, const Value& a, const Value* b) {
  bool record = is_grad_enabled() && (a.requires_grad() || (b && b->requires_grad()));
  auto* out = detail::new_scalar_node(data, record ? &op : &kScalarLeaf);
  out->refs = 1;
  if (record) {
    out->flags |= kRequiresGrad;
    out->inline_parents[0] = a.node();
    retain(a.node());
    if (unordered(*a.node())) out->flags |= kUnordered;
    if (b) {
      out->inline_parents[1] = b->node();
      retain(b->node());
      if (unordered(*b->node())) out->flags |= kUnordered;
    }
    out->nparents = b ? 2 : 1;
  }
  return Value::adopt(out);
}

}  // namespace

Value make_result(double data, const Op& op, const Value& a) {
  return make_scalar(data, op, a, nullptr);
}

Value make_result(double data, const Op& op, const Value& a, const Value& b) {
  return make_scalar(data, op, a, &b);
}

TensorSlot tensor_slot(Node& n) {
  TensorNode& t = detail::tnode(n);
  return {t.shape, t.data, n.requires_grad() ? t.grad_buffer().data() : nullptr};
}

Tensor make_result(Shape shape, std::vector<double> data, const Op& op,
                   const std::vector<Tensor>& operands) {
  if (static_cast<std::int64_t>(data.size()) != detail::numel_of(shape))
    throw std::invalid_argument(std::string(op.name) + ": the result has " +
                                std::to_string(data.size()) + " numbers for shape " +
                                to_string(shape) + " (" +
                                std::to_string(detail::numel_of(shape)) + " elements)");
  if (op.kind != &kTensorKind)
    throw std::invalid_argument(std::string(op.name) + ": a tensor op's Op needs &kTensorKind");
  return detail::make_result(std::move(shape), std::move(data), op, operands);
}

}  // namespace gradlab
