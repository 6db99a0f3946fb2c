// SPDX-License-Identifier: MIT
// A small tensor graph, exploded into the scalar Value graph it stands for:
// every tensor op is replayed element by element through Value ops, so a
// 2x2 matmul becomes the 8 multiplies and 4 adds it is. The exploded graph
// computes the same numbers and, after backward(), the same gradients.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include <gradlab/replay.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

struct ExplodedGraph {
  std::vector<Value> output;                   // the root's elements, row-major
  std::map<const Node*, std::vector<Value>> elements;  // every tensor node's elements
  // The Values standing for a tensor of the original graph.
  const std::vector<Value>& of(const Tensor& t) const { return elements.at(t.node()); }
};

// Replays the graph that ends in `root`. Leaves become Value leaves labelled
// name[i, j] (their label, or t0, t1, ...), taking a gradient when the tensor
// does. Every op that has a replay (Op::replay) can be exploded: + - * / neg
// exp log tanh relu sigmoid sqrt abs pow clamp masked_fill, sum mean max
// softmax log_softmax, matmul (2-d), transpose/permute reshape (flatten,
// squeeze, unsqueeze) cat stack, select slice index_select gather triu tril,
// and from nn: linear silu gelu(tanh) leaky_relu cross_entropy max_pool2d.
// Any other (conv2d, layer_norm, gelu with erf, ...) throws
// std::invalid_argument naming it. Refuses graphs of more than
// `max_elements` scalars (default 2,000), since the point is to look at them.
ExplodedGraph explode(const Tensor& root, std::size_t max_elements = 2000);

}  // namespace gradlab
