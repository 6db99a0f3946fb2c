// SPDX-License-Identifier: MIT
// The backward engine, one for every node kind: it orders a graph, seeds the
// output's gradient and runs each node's backward step after all of the
// node's users have run theirs. It never looks inside a node.
#pragma once

#include <functional>
#include <vector>

#include <gradlab/handle.hpp>
#include <gradlab/node.hpp>

namespace gradlab::engine {

// Called after each node's backward step, in sweep order (tutorials use it
// to show backpropagation one node at a time).
using BackwardObserver = std::function<void(const Node& node)>;

// Backpropagates from `root`: checks the graph (root must require grad, no
// part of it may have been freed), calls seed(root) to add the output's
// gradient, then runs every backward step in reverse topological order.
// Leaves accumulate: their gradients add up across calls until zero_grad.
// Inner nodes keep the gradient of the latest call (for pictures): each is
// cleared when the sweep first reaches it. With retain_graph = false the
// graph's parent links are dropped afterwards (free_graph). Throws
// std::logic_error, with nothing changed, when the checks fail.
void backward(Node& root, const std::function<void(Node&)>& seed, bool retain_graph = true,
              const BackwardObserver& observer = {});

// Every node reachable from root, parents before children (so root is last),
// numbered the same way on every run. For pictures and tutorials.
std::vector<const Node*> topological_order(const Node& root);
// The same for the graph behind a Value or a Tensor.
template <class N>
std::vector<const Node*> topological_order(const Handle<N>& root) {
  return topological_order(*root.node());
}

// Drops the parent links of every non-leaf node reachable from root and marks
// them freed, so memory goes back at once; backward() through them is then an
// error. Leaves (parameters, inputs) are untouched.
void free_graph(Node& root);

}  // namespace gradlab::engine
