// SPDX-License-Identifier: MIT
// The heat map tiles of viz/heatmap_tiles.hpp, drawn with cairo.

#include "heatmap_tiles.hpp"

#include <cairo.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <gradlab/engine.hpp>
#include <gradlab/viz/dot.hpp>

#include "canvas.hpp"
#include "colormap.hpp"
#include "io/input_file.hpp"

namespace gradlab::viz::detail {

namespace {
constexpr std::int64_t kMaxWidth = 160, kMaxHeight = 120;  // pixels
constexpr std::int64_t kStripHeight = 14;                  // a vector's strip
}  // namespace

double write_tile(const std::string& path, const std::vector<double>& v, const Shape& shape) {
  // The first 2-d slice: the last two dims, at index 0 of the others.
  const std::int64_t C = shape.empty() ? 1 : shape.back();
  const std::int64_t R = shape.size() >= 2 ? shape[shape.size() - 2] : 1;
  double m = 0;
  for (std::int64_t i = 0; i < R * C; ++i) m = std::max(m, std::abs(v[static_cast<std::size_t>(i)]));
  // Blocks of bw x bh elements averaged into one cell, s x sy pixels each.
  const std::int64_t bw = (C + kMaxWidth - 1) / kMaxWidth, bh = (R + kMaxHeight - 1) / kMaxHeight;
  const std::int64_t cols = (C + bw - 1) / bw, rows = (R + bh - 1) / bh;
  const std::int64_t s = std::max<std::int64_t>(1, std::min(kMaxWidth / cols, kMaxHeight / rows));
  const std::int64_t sy = R == 1 ? std::max(s, kStripHeight) : s;
  auto [surface, context] = make_canvas(static_cast<int>(cols * s), static_cast<int>(rows * sy));
  cairo_t* cr = context.get();
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) {
      double sum = 0;
      int n = 0;
      for (std::int64_t i = r * bh; i < std::min(R, (r + 1) * bh); ++i)
        for (std::int64_t j = c * bw; j < std::min(C, (c + 1) * bw); ++j, ++n) sum += v[static_cast<std::size_t>(i * C + j)];
      Rgb rgb = diverging(sum / n, m);
      cairo_set_source_rgb(cr, rgb.r, rgb.g, rgb.b);
      cairo_rectangle(cr, static_cast<double>(c * s), static_cast<double>(r * sy), static_cast<double>(s),
                      static_cast<double>(sy));
      cairo_fill(cr);
    }
  save_png(path, "heat map", cr, surface.get());
  return m;
}

namespace {
bool drawn_as_heatmap(const Node& n) {
  if (n.op->kind != &kTensorKind) return false;
  return static_cast<const TensorNode&>(n).data.size() > kGridMaxElements;
}
}  // namespace

bool has_heatmaps(const Node& root) {
  for (const Node* n : engine::topological_order(root))
    if (drawn_as_heatmap(*n)) return true;
  return false;
}

void write_heatmap_tiles(const Node& root, const std::string& dir) {
  std::vector<const Node*> order = engine::topological_order(root);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!drawn_as_heatmap(*order[i])) continue;
    const auto& t = static_cast<const TensorNode&>(*order[i]);
    std::string v = (std::filesystem::path(dir) / "v").string() + std::to_string(i);
    write_tile(v + "_data.png", t.data, t.shape);
    if (t.requires_grad())  // before backward reaches it, blank (to_dot keeps the box's shape)
      write_tile(v + "_grad.png", t.grad.empty() ? std::vector<double>(t.data.size(), 0.0) : t.grad, t.shape);
  }
}

std::string base64(const std::string& bytes) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kDigits[(v >> s) & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                 (rest == 2 ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0);
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += rest == 2 ? kDigits[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string embed_images(const std::string& svg) {
  const std::string key = "xlink:href=\"";
  std::string out;
  std::size_t at = 0;
  for (std::size_t found; (found = svg.find(key, at)) != std::string::npos;) {
    std::size_t start = found + key.size(), end = svg.find('"', start);
    if (end == std::string::npos) break;
    std::string file = svg.substr(start, end - start);
    out.append(svg, at, start - at);
    std::error_code missing;
    if (file.ends_with(".png") && std::filesystem::exists(file, missing)) {
      // Through the library's checked opener: a FIFO or a device is refused, never waited on.
      gradlab::detail::InputFile in(file, "render: the picture in the graph", kMaxPictureBytes);
      out += "data:image/png;base64," + base64(in.read_rest());
    } else {
      out += file;  // a link, not a picture of ours
    }
    at = end;
  }
  return out + svg.substr(at);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gradlab_heat_XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder for heat maps");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace gradlab::viz::detail
