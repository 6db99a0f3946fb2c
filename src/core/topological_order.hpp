// SPDX-License-Identifier: MIT
// A newcomer may skip this file: the engine's sweep for graphs whose nodes
// were not all made in creation order on this thread (topological_order.cpp).
#pragma once

#include <gradlab/engine.hpp>

namespace gradlab::engine::detail {

// Backpropagates from root in an order found by sorting (Kahn's algorithm),
// with the same checks and rules as backward(); an observer sees every node.
void backward_sorted(Node& root, const std::function<void(Node&)>& seed,
                     const BackwardObserver& observer);

// Nodes marked kGraphFreed and not yet destroyed, on any thread: while there
// are some, backward checks every graph before it sweeps (node_free.cpp).
std::int64_t freed_nodes_alive();

}  // namespace gradlab::engine::detail
