// SPDX-License-Identifier: MIT
// What render_dot refuses before Graphviz works on DOT text it did not
// write: attributes whose values make layout or drawing explode (an edge
// with minlen=100000 lays out 100,000 ranks; dpi=100000 asks for a
// gigapixel PNG). Internal to the renderer; a newcomer may skip it.
#pragma once

#include <cstdint>
#include <string>

#include <graphviz/cgraph.h>

namespace gradlab::viz::detail {

// Throws std::invalid_argument naming the attribute, where it is set and
// the range allowed, when a numeric attribute of the graph, a node or an
// edge is outside the range Graphviz handles in reasonable time.
void check_attributes(Agraph_t* g);

// The pixels (width x height) of the PNG Graphviz will draw for the laid-out
// graph g: its bounding box, scaled by size (and "!"), plus pad and margin,
// at the graph's dpi (96 by default), shrunk as Graphviz shrinks pictures
// wider or taller than cairo's 32,767 pixels.
std::uint64_t png_pixels(Agraph_t* g);

}  // namespace gradlab::viz::detail
