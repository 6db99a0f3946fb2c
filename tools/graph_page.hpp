// SPDX-License-Identifier: MIT
// `gradlab graph ... -o page.html`: the forward graph of an expression, then
// backward one node at a time with the tape, as one lesson page.
#pragma once

#include <string>

#include <gradlab/value.hpp>
#include <gradlab/viz/dot.hpp>

namespace gradlab::cli {

// Runs root.backward() (root has not been backpropagated yet), recording a
// frame before it and after every node, and writes the page to path.
// Throws std::length_error for a graph of more than kMaxPageOps ops.
void write_graph_page(const Value& root, const std::string& expression, const std::string& path,
                      viz::RankDir rankdir = viz::RankDir::LR);

inline constexpr std::size_t kMaxPageOps = 200;

}  // namespace gradlab::cli
