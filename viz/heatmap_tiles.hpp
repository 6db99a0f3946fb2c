// SPDX-License-Identifier: MIT
// The small heat maps drawn inside the tensor boxes of graph pictures: one
// PNG tile per big tensor's data and gradient, written to a folder that the
// DOT text names (DotOptions::heatmap_dir), and SVG made self-contained by
// inlining the tiles. Internal to gradlab::viz.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::viz::detail {

// The tile of one tensor's numbers (v of shape `shape`): the first 2-d slice
// (rows of the last dim), a vector as a one-row strip; blocks of elements
// averaged down to at most 160 x 120 pixels, small ones enlarged. Colours
// on ±max|v| (colormap.hpp's diverging map, 0 white). Returns that max.
double write_tile(const std::string& path, const std::vector<double>& v, const Shape& shape);

// Writes the tiles of every tensor node of root's graph that to_dot draws as
// heat maps, as to_dot names them (<dir>/v<N>_data.png, v<N>_grad.png).
void write_heatmap_tiles(const Node& root, const std::string& dir);

// True when root's graph has a tensor that to_dot draws as a heat map.
bool has_heatmaps(const Node& root);

// The bytes as base64, for data URIs.
std::string base64(const std::string& bytes);

// The largest picture file viz reads back to put in a page or an SVG
// (render's PNGs stop at kMaxPngPixels, far below it).
inline constexpr std::uint64_t kMaxPictureBytes = std::uint64_t{256} << 20;

// svg with every <image xlink:href="FILE.png"> turned into a data URI of
// FILE, read through the library's checked opener (input_file.hpp); a FILE
// that is not there stays a link.
std::string embed_images(const std::string& svg);

// A fresh folder under the system's temporary one, removed with everything
// in it when this goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gradlab::viz::detail
