// SPDX-License-Identifier: MIT
// gradlab::grad for Values: the graph-building backward (grad.cpp) seeded
// with 1, and each x's gradient handed back as a Value.

#include <gradlab/grad.hpp>

namespace gradlab {

std::vector<Value> grad(const Value& y, const std::vector<Value>& xs, bool create_graph) {
  std::vector<Value> out;
  out.reserve(xs.size());
  if (!y.requires_grad()) {  // made of constants: every derivative is 0
    for (std::size_t i = 0; i < xs.size(); ++i) out.push_back(Value::constant(0.0));
    return out;
  }
  GradientGraph g;
  std::vector<const Node*> wanted;
  for (const Value& x : xs) wanted.push_back(x.node());
  g.prune_to(*y.node(), wanted);
  Value one = Value::constant(1.0);
  engine::backward_graph(*y.node(), *one.node(), create_graph, g);
  for (const Value& x : xs) {
    Node* d = g.gradient(*x.node());
    if (!d) {
      out.push_back(Value::constant(0.0));
      continue;
    }
    retain(d);
    out.push_back(Value::adopt(static_cast<ScalarNode*>(d)));
  }
  return out;
}

}  // namespace gradlab
