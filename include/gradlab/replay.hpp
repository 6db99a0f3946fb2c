// SPDX-License-Identifier: MIT
// An op's scalar replay: its forward once more with Value ops, element by
// element, written beside the op (Op::replay, node.hpp). explode() (explode.hpp)
// runs the replays to show a tensor graph as the scalar graph it stands for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

// What an op's replay sees: the node it stands for (its shape, its op's
// state) and its operands' elements, replayed already. It puts into `out`
// one Value per element of the node, row-major, computed with Value ops so
// that the engine records every scalar step. Each op writes its replay
// beside its forward and backward, mostly with one of the three shapes
// below; a new op (op.hpp) may give one too.
class Replay {
 public:
  Replay(const TensorNode& node, std::vector<const std::vector<Value>*> operands)
      : node(node), operands_(std::move(operands)) {}

  const TensorNode& node;
  std::vector<Value> out;

  std::size_t operand_count() const { return operands_.size(); }
  const std::vector<Value>& operand(std::size_t i) const { return *operands_.at(i); }
  const TensorNode& operand_node(std::size_t i) const {
    return static_cast<const TensorNode&>(node.parent(i));
  }

  // out[i] = f(a[i]), a being the one operand.
  void each(const std::function<Value(const Value&)>& f);
  // out[i] = f(a[ia], b[ib]), the two operands broadcast as the forward did.
  void each_pair(const std::function<Value(const Value&, const Value&)>& f);
  // out[i] = a[from[i]]: the ops that pick elements.
  void pick(std::span<const std::int64_t> from);

 private:
  std::vector<const std::vector<Value>*> operands_;
};

}  // namespace gradlab
