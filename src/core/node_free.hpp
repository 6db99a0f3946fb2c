// SPDX-License-Identifier: MIT
// A newcomer may skip this file: what the engine asks of the freeing of
// graphs (node_free.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include <gradlab/node.hpp>

namespace gradlab::detail {

// Drops the parent links of an inner node not yet freed and marks it
// kGraphFreed; each link's reference moves onto `released`, for the caller
// to release. Leaves are left as they are.
void detach_parents(Node& n, std::vector<Node*>& released);

// Nodes marked kGraphFreed and not yet destroyed, on any thread: while there
// are some, backward checks every graph before it sweeps (engine.cpp).
std::int64_t freed_nodes_alive();

}  // namespace gradlab::detail
