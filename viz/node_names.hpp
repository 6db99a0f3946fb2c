// SPDX-License-Identifier: MIT
// Names for a graph's nodes that have none, as a learner would write them,
// made from their op and their operands' names: kᵀ for the transpose of k,
// q @ kᵀ for a matmul, softmax(masked), out * const. A lesson's backward
// steps (lesson_backward.cpp) use them in their text, their table and their
// pictures alike. Internal to viz.
#pragma once

#include <string>
#include <unordered_map>

#include <gradlab/node.hpp>

namespace gradlab::viz::detail {

// Every node of root's graph by name: its label when it has one, else a
// name from its op. A constant without a label is named by its value when
// it is one number ("0.5774"), else "const". A name longer than
// kMaxDerivedName characters, or one another node already has, gives way to
// the op's name and a count ("matmul 2").
inline constexpr std::size_t kMaxDerivedName = 24;
std::unordered_map<const Node*, std::string> node_names(const Node& root);

}  // namespace gradlab::viz::detail
