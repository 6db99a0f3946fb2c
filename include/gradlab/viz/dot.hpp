// SPDX-License-Identifier: MIT
// Graph -> DOT text, micrograd's draw_dot in C++: a record per node showing
// label | data | grad, a small node per op, colour by role. Pure text: no
// Graphviz needed (render.hpp turns the text into PNG or SVG).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab::viz {

enum class RankDir { LR, TB };  // left to right, top to bottom

struct DotOptions {
  RankDir rankdir = RankDir::LR;
  bool show_grad = true;
  bool color_by_role = true;  // leaf taking a gradient, constant, intermediate, output
  std::string title;          // drawn above the graph when not empty
  // For stepping through backward (lesson.hpp): the node whose backward step
  // is under way, drawn with a thick red border (its op node too), and extra
  // text drawn as a last field of any node for which `note` returns some.
  const Node* highlight = nullptr;
  // The operands that step updates: an orange border, and the edges their
  // gradient flows back along (into the highlighted op) drawn red and thick.
  std::vector<const Node*> updated = {};
  std::function<std::string(const Node&)> note = {};
  // Where the heat map tiles are (render() writes them there): when set, a
  // tensor of more than kGridMaxElements numbers is drawn with its data and
  // gradient as small heat maps, <heatmap_dir>/v<N>_data.png and
  // v<N>_grad.png, beside its shape and min / mean / max. Empty: as text.
  std::string heatmap_dir = {};
};

// Deterministic: nodes are numbered v0, v1, ... in topological order (inputs
// first), and op nodes are named after their result (v7_op). A node that
// feeds the same op k times gets one edge labelled "×k". A node that takes
// no gradient (a constant) is drawn with none. A tensor of 2 to
// kGridMaxElements numbers is drawn as a grid of them (rows of its last
// dimension); a bigger one as its shape and min / mean / max, and with
// heatmap_dir as heat maps too (a vector as a strip; of a tensor of more
// than two dims, the first 2-d slice), on a blue-white-red scale of ±the
// largest magnitude, which the box notes.
std::string to_dot(const Node& root, const DotOptions& options = {});
std::string to_dot(const Value& root, const DotOptions& options = {});
std::string to_dot(const Tensor& root, const DotOptions& options = {});

inline constexpr std::size_t kGridMaxElements = 16;

// The fill colours of the roles, as to_dot writes them.
inline constexpr const char* kColorLeaf = "#d5f0c8";          // input taking a gradient
inline constexpr const char* kColorParameter = "#fff1a8";     // a Parameter (nn modules)
inline constexpr const char* kColorConstant = "#eeeeee";      // takes no gradient
inline constexpr const char* kColorIntermediate = "#dbe8f7";
inline constexpr const char* kColorOutput = "#fcd9a8";
inline constexpr const char* kColorOp = "#ffffff";
// The borders of a backward step: the node swept, and the operands it updates.
inline constexpr const char* kColorHighlight = "#d01010";
inline constexpr const char* kColorUpdated = "#e07000";

}  // namespace gradlab::viz
