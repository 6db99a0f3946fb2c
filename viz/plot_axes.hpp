// SPDX-License-Identifier: MIT
// The chart furniture shared by plot.cpp's two pictures: text, "nice" ticks,
// the margins around the plot area, axes, grid and legend. Internal to
// gradlab::viz; it draws no data.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

namespace gradlab::viz::detail {

// One axis. For a log axis lo, hi and the ticks are log10 of the data.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;  // labelled, with a grid line each
  std::vector<double> minor;  // grid line only (2..9 x 10^k on log axes)
  int decimals = 0;           // for the labels of a linear axis
};

// What the caller knows about an axis before layout: the data range.
struct AxisSpec {
  double lo = 0, hi = 1;
  bool log = false;   // lo and hi must then be > 0
  double pad = 0.0;   // fraction of the range added at each end (linear only)
  std::string label;  // "" for none
};

// Where everything goes: the plot area in pixels and the two axes.
struct Chart {
  double left = 0, top = 0, width = 0, height = 0;
  double font = 12;  // base font size in pixels, scaled with the image
  double page_width = 0;
  Axis x, y;
};

// Sizes the margins for title, axis labels and tick labels (which need the
// ticks, which need the plot area's size) and returns the finished layout.
Chart layout_chart(cairo_t* cr, int width, int height, const std::string& title, const AxisSpec& x,
                   const AxisSpec& y);

// Data value -> pixel coordinate inside the plot area.
double px_x(const Chart& c, double v);
double px_y(const Chart& c, double v);

// White page, and a light grid at the ticks when `grid` is set.
void draw_background(cairo_t* cr, int width, int height, const Chart& c, bool grid);

// Frame, tick marks, tick labels, axis labels and title: drawn after the data
// so that nothing covers them.
void draw_axes(cairo_t* cr, const Chart& c, const std::string& title, const AxisSpec& x,
               const AxisSpec& y);

struct LegendEntry {
  std::string name;
  double r, g, b;
};

// A boxed legend in whichever corner of the plot area covers the fewest of
// `data_px` (the data points in pixels, x0, y0, x1, y1, ...).
void draw_legend(cairo_t* cr, const Chart& c, const std::vector<LegendEntry>& entries,
                 const std::vector<double>& data_px);

}  // namespace gradlab::viz::detail
