// SPDX-License-Identifier: MIT
// Drawing graphs to files with Graphviz's own libraries (cgraph + gvc),
// in-process. The format comes from the file's extension: .png, .svg, or
// .dot for the DOT text itself. Files are written whole or not at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/viz/dot.hpp>

namespace gradlab::viz {

// The limits of one picture. Past kMaxNodes nodes a picture stops being
// readable. Graphviz's layout slows to minutes when many edges skip many
// layers (a value used by ops far apart, as x in x+x+...+x: 1,560 skipped
// layers take 2 s, 2,970 take 35 s), so nothing past kMaxSkippedLayers is
// laid out. The frames of a page (render_frames_svg, Lesson::backward)
// share these limits: they are counted for all frames together.
inline constexpr std::size_t kMaxNodes = 5000;
inline constexpr std::size_t kMaxSkippedLayers = 2000;

struct RenderOptions {
  DotOptions dot;
  // render() refuses (std::length_error) a graph of more nodes than this,
  // or whose edges skip more layers in all, unless these are raised.
  std::size_t max_nodes = kMaxNodes;
  std::size_t max_skipped_layers = kMaxSkippedLayers;
};

// Renders the graph that ends in root. In a .png or .svg, a tensor of more
// than kGridMaxElements numbers shows its data and gradient as heat maps
// (DotOptions::heatmap_dir); an .svg holds them inline, so it stands alone. Throws std::invalid_argument for an
// unknown format, std::length_error for a graph over max_nodes or
// max_skipped_layers, and
// std::runtime_error naming the path and the reason when it cannot be written.
void render(const Node& root, const std::string& path, const RenderOptions& options = {});
void render(const Value& root, const std::string& path, const RenderOptions& options = {});
void render(const Tensor& root, const std::string& path, const RenderOptions& options = {});

// The largest PNG render_dot draws: 100 million pixels (400 MB in memory,
// about 10 s to draw); past it, write .svg. Without it, Graphviz would draw
// up to 32,767 x 32,767 pixels (4 GB) for any DOT text. For scale, 4,700
// records with op nodes, laid out left to right, are 72 million at 96 dpi.
inline constexpr std::uint64_t kMaxPngPixels = 100'000'000;

// Renders DOT text (from to_dot or elsewhere) to path. Errors as render();
// text Graphviz cannot read is std::invalid_argument with its message. So
// that no DOT text can make Graphviz take minutes or crash, these are
// refused with std::invalid_argument before it lays the graph out: a NUL
// byte; dpi or resolution above 2400; size above 1000 inches a side;
// mclimit above 100, nslimit or nslimit1 above 1000, searchsize above
// 10,000; a node's peripheries, sides or penwidth above 100; an edge's
// minlen, penwidth or arrowsize above 100 or weight above 10,000; a node
// whose picture (image, <IMG SRC>) exists but is not a regular file; edges
// that skip more than kMaxSkippedLayers layers in all (std::length_error);
// and, after layout, a PNG of more than kMaxPngPixels.
void render_dot(const std::string& dot, const std::string& path);

// DOT text -> SVG markup, in memory (the lesson pages inline it); the PNG
// files its nodes show are inlined as data URIs. Refuses as render_dot.
std::string render_svg(const std::string& dot);
// A graph -> SVG markup, big tensors as heat maps (as render() draws them);
// refused past kMaxNodes and kMaxSkippedLayers as render() refuses.
std::string render_svg(const Node& root, const DotOptions& options = {});
std::string render_svg(const Tensor& root, const DotOptions& options = {});

// Frames of one animation: DOT texts that draw the same graph (the same
// node and edge names; other text, colours and notes), as SVG markup laid
// out once, so that nothing moves from one frame to the next: each node is
// as big as its largest text in any frame and sits where the last frame's
// layout puts it. Throws std::invalid_argument for text Graphviz cannot read
// or a frame with a node the last one lacks; refuses attributes as
// render_dot does. The frames share one picture's limits: when their nodes
// (each box Graphviz places, values and ops alike) or the layers their
// edges skip, counted over all the frames, pass `limits`, it throws
// std::length_error at once, before any layout, saying what to do instead.
struct FrameLimits {
  std::size_t max_nodes = kMaxNodes;
  std::size_t max_skipped_layers = kMaxSkippedLayers;
};
std::vector<std::string> render_frames_svg(const std::vector<std::string>& dots, const FrameLimits& limits = {});

}  // namespace gradlab::viz
