// SPDX-License-Identifier: MIT
// What the renderer refuses before Graphviz works on DOT text: attributes
// whose values make layout or drawing explode (an edge with minlen=100000
// lays out 100,000 ranks; dpi=100000 asks for a gigapixel PNG), pictures
// named in it that are not files, and layouts too big to finish in
// reasonable time, one picture's or a page's frames' together. Internal to
// the renderer; a newcomer may skip it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <graphviz/cgraph.h>

namespace gradlab::viz::detail {

// Throws std::invalid_argument naming the attribute, where it is set and
// the range allowed, when a numeric attribute of the graph, a node or an
// edge is outside the range Graphviz handles in reasonable time.
// Also refuses a picture the graph names (a node's image, an <IMG SRC> in
// an HTML-like label) that exists but is not a regular file: Graphviz opens
// it to measure it, and a FIFO would block it.
void check_attributes(Agraph_t* g);

// What dot's layout of g costs, as render counts it: the nodes it places,
// and the layers its edges skip in all (dot threads an edge that skips
// layers through one hidden node per layer; with many of those, as x in
// x+x+...+x, its layout takes minutes). The layers are counted the way dot
// ranks a graph like to_dot's: each node one layer below its lowest
// predecessor (minlen layers for an edge that asks for more), a node with
// no predecessor just above its first successor.
struct LayoutWork {
  std::size_t nodes = 0;
  std::size_t skipped_layers = 0;
};
LayoutWork layout_work(Agraph_t* g);
// The same for DOT text, parsed under the renderer's lock (render.cpp);
// std::invalid_argument for text Graphviz cannot read.
LayoutWork layout_work(const std::string& dot);

// Throws std::length_error, from `who`, when `layouts` pictures of a graph
// that costs `each` are over max_nodes or max_skipped_layers together; the
// message ends with what to do instead.
void check_work(const LayoutWork& each, std::size_t layouts, std::size_t max_nodes,
                std::size_t max_skipped_layers, const std::string& who, const std::string& instead);

// The pixels (width x height) of the PNG Graphviz will draw for the laid-out
// graph g: its bounding box, scaled by size (and "!"), plus pad and margin,
// at the graph's dpi (96 by default), shrunk as Graphviz shrinks pictures
// wider or taller than cairo's 32,767 pixels.
std::uint64_t png_pixels(Agraph_t* g);

}  // namespace gradlab::viz::detail
