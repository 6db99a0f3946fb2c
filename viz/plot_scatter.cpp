// SPDX-License-Identifier: MIT
// A scatter of labelled points: the 2-d embedding of letters, each drawn as
// a disc with its letter on it. The axes come from plot_axes.cpp.

#include "gradlab/viz/plot.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "canvas.hpp"
#include "plot_axes.hpp"

namespace gradlab::viz {

void plot_scatter(const std::string& path, const std::vector<double>& x, const std::vector<double>& y,
                  const std::vector<std::string>& labels, const ScatterPlotOptions& options) {
  const std::string what = "plot_scatter";
  if (x.empty()) throw std::invalid_argument(what + ": no points to plot");
  if (x.size() != y.size() || (!labels.empty() && labels.size() != x.size()))
    throw std::invalid_argument(what + ": " + std::to_string(x.size()) + " x, " + std::to_string(y.size()) +
                                " y and " + std::to_string(labels.size()) + " labels; expected as many of each");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw std::invalid_argument(what + ": point " + std::to_string(i) + " has a non-finite coordinate");
  for (int side : {options.width, options.height})
    if (side < 100 || side > 10000)
      throw std::invalid_argument(what + ": size " + std::to_string(side) + " is outside [100, 10000] pixels");
  auto [xlo, xhi] = std::minmax_element(x.begin(), x.end());
  auto [ylo, yhi] = std::minmax_element(y.begin(), y.end());
  if (!std::isfinite(2 * (*xhi - *xlo)) || !std::isfinite(2 * (*yhi - *ylo)))
    throw std::invalid_argument(what + ": the points span too wide a range");
  detail::AxisSpec ax{*xlo, *xhi, false, 0.08, options.x_label};
  detail::AxisSpec ay{*ylo, *yhi, false, 0.08, options.y_label};

  auto [surface, context] = detail::make_canvas(options.width, options.height);
  cairo_t* cr = context.get();
  detail::Chart c = detail::layout_chart(cr, options.width, options.height, options.title, ax, ay);
  detail::draw_background(cr, options.width, options.height, c, true);
  cairo_save(cr);
  cairo_rectangle(cr, c.left, c.top, c.width, c.height);
  cairo_clip(cr);
  const double radius = labels.empty() ? c.font / 3 : c.font * 0.95;
  cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  for (std::size_t i = 0; i < x.size(); ++i) {
    double px = detail::px_x(c, x[i]), py = detail::px_y(c, y[i]);
    cairo_set_source_rgba(cr, 0.122, 0.467, 0.706, 0.85);  // the line charts' first colour
    cairo_arc(cr, px, py, radius, 0, 2 * std::numbers::pi);
    cairo_fill(cr);
    if (labels.empty() || labels[i].empty()) continue;
    // The label in white, shrunk to fit the disc, centred on the point.
    cairo_set_font_size(cr, c.font * 1.05);
    cairo_text_extents_t e;
    detail::text_extents(cr, labels[i], &e);
    if (e.width > 1.6 * radius) cairo_set_font_size(cr, c.font * 1.05 * 1.6 * radius / e.width);
    detail::text_extents(cr, labels[i], &e);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, px - e.width / 2 - e.x_bearing, py - e.height / 2 - e.y_bearing);
    detail::show_text(cr, labels[i]);
  }
  cairo_restore(cr);
  detail::draw_axes(cr, c, options.title, ax, ay);
  detail::save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
