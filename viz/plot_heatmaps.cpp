// SPDX-License-Identifier: MIT
// Heat maps of matrices side by side, rows and columns labelled: attention
// weights, token by token, one map per head.

#include "gradlab/viz/plot.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "canvas.hpp"
#include "colormap.hpp"

namespace gradlab::viz {

namespace {

void centered(cairo_t* cr, const std::string& text, double x, double y) {
  cairo_text_extents_t e;
  detail::text_extents(cr, text, &e);
  cairo_move_to(cr, x - e.width / 2 - e.x_bearing, y - e.height / 2 - e.y_bearing);
  detail::show_text(cr, text);
}

}  // namespace

void plot_heatmaps(const std::string& path, const Tensor& maps, const std::vector<std::string>& titles,
                   const std::vector<std::string>& row_labels, const std::vector<std::string>& col_labels,
                   const HeatmapGridOptions& options) {
  const std::string what = "plot_heatmaps";
  auto invalid = [&](const std::string& problem) { throw std::invalid_argument(what + ": " + problem); };
  if ((maps.dim() != 2 && maps.dim() != 3) || maps.numel() == 0)
    invalid("maps must have shape (R, C) or (K, R, C) with no empty dim, got " + to_string(maps.shape()));
  const std::int64_t K = maps.dim() == 3 ? maps.shape()[0] : 1;
  const std::int64_t R = maps.shape()[maps.dim() - 2], C = maps.shape()[maps.dim() - 1];
  if (!titles.empty() && static_cast<std::int64_t>(titles.size()) != K)
    invalid(std::to_string(titles.size()) + " titles for " + std::to_string(K) + " maps");
  if (!row_labels.empty() && static_cast<std::int64_t>(row_labels.size()) != R)
    invalid(std::to_string(row_labels.size()) + " row labels for " + std::to_string(R) + " rows");
  if (!col_labels.empty() && static_cast<std::int64_t>(col_labels.size()) != C)
    invalid(std::to_string(col_labels.size()) + " column labels for " + std::to_string(C) + " columns");
  if (options.cell < 4 || options.cell > 200 || options.columns < 1) invalid("cell must be in [4, 200] and columns >= 1");
  if (!(options.low < options.high)) invalid("low must be below high");
  for (double v : maps.data())
    if (std::isnan(v) || v == INFINITY) invalid("values must be finite or -inf, got " + std::to_string(v));

  const int cell = options.cell, cols = static_cast<int>(std::min<std::int64_t>(options.columns, K));
  const int rows = static_cast<int>((K + cols - 1) / cols);
  // The row labels' column is as wide as the widest label (measured on a scratch canvas).
  const double label_font = std::min(14.0, options.cell * 0.5);
  double widest = 0;
  {
    auto [scratch_surface, scratch] = detail::make_canvas(1, 1);
    cairo_select_font_face(scratch.get(), "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(scratch.get(), label_font);
    for (const std::string& l : row_labels) {
      cairo_text_extents_t e;
      detail::text_extents(scratch.get(), l, &e);
      widest = std::max(widest, e.x_advance);
    }
  }
  const int label = std::max(28, static_cast<int>(widest) + 12), caption = titles.empty() ? 6 : 24, top = options.title.empty() ? 8 : 34, pad = 14;
  const int map_w = static_cast<int>(C) * cell, map_h = static_cast<int>(R) * cell;
  const int band = 28;  // the column labels' row
  const int block_w = label + map_w + pad, block_h = caption + band + map_h + pad;
  const int width = cols * block_w + pad, height = top + rows * block_h;
  if (width > 10000 || height > 10000)
    invalid("the picture would be " + std::to_string(width) + "x" + std::to_string(height) + " pixels; use a smaller cell");
  auto [surface, context] = detail::make_canvas(width, height);
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (!options.title.empty()) {
    cairo_set_font_size(cr, 16);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    centered(cr, options.title, width / 2.0, 18);
  }
  const std::vector<double>& v = maps.data();
  for (std::int64_t k = 0; k < K; ++k) {
    const double bx = pad + static_cast<double>(k % cols) * block_w;
    const double by = top + static_cast<double>(k / cols) * block_h;
    const double mx = bx + label, my = by + caption + band;  // the map's top-left corner
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    if (!titles.empty()) {
      cairo_set_font_size(cr, 14);
      centered(cr, titles[static_cast<std::size_t>(k)], mx + map_w / 2.0, by + caption / 2.0);
    }
    cairo_set_font_size(cr, label_font);
    for (std::int64_t c = 0; c < C && !col_labels.empty(); ++c)  // keys along the top
      centered(cr, col_labels[static_cast<std::size_t>(c)], mx + (static_cast<double>(c) + 0.5) * cell, my - band / 2.0);
    for (std::int64_t r = 0; r < R && !row_labels.empty(); ++r)  // queries down the left
      centered(cr, row_labels[static_cast<std::size_t>(r)], mx - label / 2.0, my + (static_cast<double>(r) + 0.5) * cell);
    for (std::int64_t r = 0; r < R; ++r)
      for (std::int64_t c = 0; c < C; ++c) {
        double x = mx + static_cast<double>(c * cell), y = my + static_cast<double>(r * cell);
        double value = v[static_cast<std::size_t>((k * R + r) * C + c)];
        if (value == -INFINITY) {  // masked: left empty, hatched
          cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
          cairo_set_line_width(cr, 1);
          for (double d = 6; d < 2 * cell; d += 6) {
            cairo_move_to(cr, x + std::max(0.0, d - cell), y + std::min<double>(d, cell));
            cairo_line_to(cr, x + std::min<double>(d, cell), y + std::max(0.0, d - cell));
          }
          cairo_stroke(cr);
          continue;
        }
        // White to dark blue; blue-white-red centred on 0 when the scale spans 0.
        const double m = std::max(-options.low, options.high);
        const bool both_signs = options.low < 0 && options.high > 0;
        double t = both_signs ? std::min(1.0, std::abs(value) / m)
                              : std::clamp((value - options.low) / (options.high - options.low), 0.0, 1.0);
        detail::Rgb rgb = both_signs ? detail::diverging(value, m) : detail::sequential(t);
        cairo_set_source_rgb(cr, rgb.r, rgb.g, rgb.b);
        cairo_rectangle(cr, x, y, cell, cell);
        cairo_fill(cr);
        if (options.show_values && value != 0) {  // an exact 0 (a masked weight) stays empty
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.2f", value);
          double ink = t > 0.55 ? 1.0 : 0.15;
          cairo_set_source_rgb(cr, ink, ink, ink);
          cairo_set_font_size(cr, std::min(12.0, cell * 0.32));
          centered(cr, buf, x + cell / 2.0, y + cell / 2.0);
        }
      }
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);  // a frame around each map
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, mx - 0.5, my - 0.5, map_w + 1, map_h + 1);
    cairo_stroke(cr);
  }
  detail::save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
