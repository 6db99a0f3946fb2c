// SPDX-License-Identifier: MIT
// A heat map with a text in each cell: the bigram counts of a word list
// ("ab" over 1234), a confusion matrix, a matrix of weights. Cells are
// coloured white to blue (blue-white-red when the numbers have both signs;
// colormap.hpp), with a colour bar beside them.

#include "gradlab/viz/plot.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

#include "canvas.hpp"
#include "colormap.hpp"

namespace gradlab::viz {

namespace {

using detail::colour;
using detail::Rgb;

std::string format_number(double v, const std::string& format, bool whole) {
  char buf[64];
  if (!format.empty()) std::snprintf(buf, sizeof buf, format.c_str(), v);
  else if (whole) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out(1);
  for (char ch : s) {
    if (ch == '\n') out.emplace_back();
    else out.back() += ch;
  }
  return out;
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  detail::text_extents(cr, s, &e);
  return e.x_advance;
}

// s centred on (x, y), rotated by `angle` around that point.
void centred_text(cairo_t* cr, const std::string& s, double x, double y, double angle = 0) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -text_width(cr, s) / 2, (fe.ascent - fe.descent) / 2);
  detail::show_text(cr, s);
  cairo_restore(cr);
}

}  // namespace

void plot_heatmap(const std::string& path, const Tensor& values, const HeatmapOptions& o) {
  const std::string what = "plot_heatmap";
  if (values.dim() != 2 || values.numel() == 0)
    throw std::invalid_argument(what + ": values must be a non-empty (rows, columns) matrix, got shape " +
                                to_string(values.shape()));
  const std::int64_t R = values.shape()[0], C = values.shape()[1];
  auto count_check = [&](const char* name, std::size_t got, std::int64_t want) {
    if (got != 0 && static_cast<std::int64_t>(got) != want)
      throw std::invalid_argument(what + ": " + std::to_string(got) + " " + name + " for a " + std::to_string(R) +
                                  "x" + std::to_string(C) + " map (expected " + std::to_string(want) + " or none)");
  };
  count_check("row labels", o.row_labels.size(), R);
  count_check("column labels", o.col_labels.size(), C);
  count_check("cell labels", o.cell_labels.size(), R * C);
  const std::vector<double>& v = values.data();
  bool whole = true;
  for (double x : v) {
    if (!std::isfinite(x)) throw std::invalid_argument(what + ": values must be finite, got " + std::to_string(x));
    whole = whole && x == std::round(x) && std::abs(x) < 1e15;
  }
  auto [lo_it, hi_it] = std::minmax_element(v.begin(), v.end());
  const double lo = *lo_it, hi = *hi_it;
  const double cell = o.cell_size > 0 ? o.cell_size : std::clamp(900.0 / static_cast<double>(std::max(R, C)), 4.0, 60.0);
  if (cell > 1000) throw std::invalid_argument(what + ": cell_size must be at most 1000 pixels");

  // Margins from the labels' sizes: a probe surface measures the text.
  auto [probe_surface, probe] = detail::make_canvas(10, 10);
  cairo_t* p = probe.get();
  cairo_select_font_face(p, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  const double label_font = std::clamp(cell * 0.5, 9.0, 14.0);
  cairo_set_font_size(p, label_font);
  double row_w = 0, col_w = 0;
  for (const std::string& s : o.row_labels) row_w = std::max(row_w, text_width(p, s));
  for (const std::string& s : o.col_labels) col_w = std::max(col_w, text_width(p, s));
  const bool rotate_cols = col_w > cell * 0.95;
  const double title_h = o.title.empty() ? 10 : 36;
  const double top = title_h + (o.col_labels.empty() ? 0 : (rotate_cols ? col_w : label_font) + 8);
  const double left = 10 + (o.row_labels.empty() ? 0 : row_w + 8);
  const double map_w = cell * static_cast<double>(C), map_h = cell * static_cast<double>(R);
  const double bar_x = left + map_w + 18, bar_w = 16;
  std::vector<double> ticks;
  for (int k = 0; k <= 4; ++k) ticks.push_back(lo + (hi - lo) * k / 4.0);
  double tick_w = 0;
  // Whole numbers on the bar when the map holds whole numbers and the ticks fall on them.
  bool whole_ticks = whole && hi - lo >= 4 && std::abs(hi) < 1e7 && std::abs(lo) < 1e7;
  for (double t : ticks) tick_w = std::max(tick_w, text_width(p, format_number(t, "", whole_ticks)));
  const double width = bar_x + bar_w + 8 + tick_w + (o.colorbar_label.empty() ? 10 : 30);
  const double height = top + std::max(map_h, 120.0) + 12;
  if (width > 10000 || height > 10000)
    throw std::invalid_argument(what + ": the map would be " + std::to_string(static_cast<int>(width)) + "x" +
                                std::to_string(static_cast<int>(height)) + " pixels; use a smaller cell_size");

  auto [surface, context] = detail::make_canvas(static_cast<int>(std::ceil(width)), static_cast<int>(std::ceil(height)));
  cairo_t* cr = context.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (!o.title.empty()) {
    cairo_set_font_size(cr, 16);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    centred_text(cr, o.title, width / 2, 18);
  }
  for (std::int64_t r = 0; r < R; ++r)
    for (std::int64_t c = 0; c < C; ++c) {
      const std::size_t i = static_cast<std::size_t>(r * C + c);
      Rgb rgb = colour(v[i], lo, hi);
      const double x0 = left + cell * static_cast<double>(c), y0 = top + cell * static_cast<double>(r);
      cairo_set_source_rgb(cr, rgb.r, rgb.g, rgb.b);
      cairo_rectangle(cr, x0, y0, cell, cell);
      cairo_fill(cr);
      std::vector<std::string> lines;
      if (!o.cell_labels.empty()) lines = lines_of(o.cell_labels[i]);
      if (o.show_values) lines.push_back(format_number(v[i], o.value_format, whole));
      if (lines.empty() || cell < 12) continue;
      // As large as fits: every line within the cell's width, all within its height.
      double font = cell * 0.9 / (1.25 * static_cast<double>(lines.size()));
      cairo_set_font_size(cr, 10);
      for (const std::string& s : lines)
        if (double w = text_width(cr, s); w > 0) font = std::min(font, 10 * cell * 0.88 / w);
      font = std::min(font, cell * 0.42);
      if (font < 5) continue;
      cairo_set_font_size(cr, font);
      const double light = 0.3 * rgb.r + 0.59 * rgb.g + 0.11 * rgb.b;
      cairo_set_source_rgb(cr, light < 0.55 ? 1 : 0.12, light < 0.55 ? 1 : 0.12, light < 0.55 ? 1 : 0.12);
      const double step = font * 1.2, first = y0 + cell / 2 - step * (static_cast<double>(lines.size()) - 1) / 2;
      for (std::size_t k = 0; k < lines.size(); ++k)
        centred_text(cr, lines[k], x0 + cell / 2, first + step * static_cast<double>(k));
    }
  cairo_set_font_size(cr, label_font);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  for (std::size_t r = 0; r < o.row_labels.size(); ++r) {
    double w = text_width(cr, o.row_labels[r]);
    centred_text(cr, o.row_labels[r], left - 6 - w / 2, top + cell * (static_cast<double>(r) + 0.5));
  }
  for (std::size_t c = 0; c < o.col_labels.size(); ++c) {
    double x = left + cell * (static_cast<double>(c) + 0.5);
    if (rotate_cols) {
      double w = text_width(cr, o.col_labels[c]);
      centred_text(cr, o.col_labels[c], x, top - 6 - w / 2, -std::numbers::pi / 2);
    } else {
      centred_text(cr, o.col_labels[c], x, top - 4 - label_font / 2);
    }
  }
  // The colour bar: the map's colours from hi (top) to lo, with five ticks.
  const double bar_h = std::max(map_h, 120.0);
  for (int k = 0; k < 200; ++k) {
    double t = 1 - (k + 0.5) / 200.0;
    Rgb rgb = colour(lo + (hi - lo) * t, lo, hi);
    cairo_set_source_rgb(cr, rgb.r, rgb.g, rgb.b);
    cairo_rectangle(cr, bar_x, top + bar_h * k / 200.0, bar_w, bar_h / 200.0 + 0.5);
    cairo_fill(cr);
  }
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, bar_x + 0.5, top + 0.5, bar_w, bar_h);
  cairo_stroke(cr);
  for (double t : ticks) {
    double y = top + bar_h * (hi > lo ? (hi - t) / (hi - lo) : 0.5);
    cairo_move_to(cr, bar_x + bar_w, y);
    cairo_line_to(cr, bar_x + bar_w + 4, y);
    cairo_stroke(cr);
    std::string s = format_number(t, "", whole_ticks);
    centred_text(cr, s, bar_x + bar_w + 7 + text_width(cr, s) / 2, y);
  }
  if (!o.colorbar_label.empty())
    centred_text(cr, o.colorbar_label, width - 12, top + bar_h / 2, -std::numbers::pi / 2);
  detail::save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
