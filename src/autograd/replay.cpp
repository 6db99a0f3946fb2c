// SPDX-License-Identifier: MIT
// The three shapes most replays take (replay.hpp): one operand element by
// element, two operands broadcast as the forward did, and picking elements.

#include <gradlab/replay.hpp>

#include "tensor/tensor_broadcast.hpp"

namespace gradlab {

void Replay::each(const std::function<Value(const Value&)>& f) {
  out.reserve(node.data.size());
  for (const Value& x : operand(0)) out.push_back(f(x));
}

void Replay::each_pair(const std::function<Value(const Value&, const Value&)>& f) {
  const std::vector<Value>& a = operand(0);
  const std::vector<Value>& b = operand(1);
  out.resize(node.data.size());
  detail::for_each_broadcast(node.shape, operand_node(0).shape, operand_node(1).shape,
                             [&](std::int64_t i, std::int64_t ia, std::int64_t ib) {
                               out[static_cast<std::size_t>(i)] =
                                   f(a[static_cast<std::size_t>(ia)], b[static_cast<std::size_t>(ib)]);
                             });
}

void Replay::pick(std::span<const std::int64_t> from) {
  const std::vector<Value>& a = operand(0);
  out.reserve(from.size());
  for (std::int64_t src : from) out.push_back(a[static_cast<std::size_t>(src)]);
}

}  // namespace gradlab
