// SPDX-License-Identifier: MIT
// The two training pictures: loss/accuracy curves and a 2-d decision boundary,
// drawn with cairo into an image surface and saved as PNG. Axes, ticks and
// legend live in plot_axes.cpp; this file checks the input and draws the data.

#include "gradlab/viz/plot.hpp"

#include "canvas.hpp"
#include "plot_axes.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numbers>
#include <stdexcept>

#include <gradlab/number_text.hpp>

namespace gradlab::viz {

namespace {

using detail::AxisSpec;
using detail::Chart;
using detail::make_canvas;
using detail::save_png;
using detail::Surface;


// Tableau's ten colours: distinct, and readable on white.
constexpr double kPalette[10][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
    {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812}};

// The two classes of the decision-boundary picture: score > 0 and <= 0.
constexpr double kPositive[3] = {0.18, 0.42, 0.80};
constexpr double kNegative[3] = {0.90, 0.33, 0.13};

[[noreturn]] void invalid(const std::string& what, const std::string& problem) {
  throw std::invalid_argument(what + ": " + problem);
}


void check_size(const std::string& what, int width, int height) {
  auto check = [&](const char* name, int v) {
    if (v < 100 || v > 10000) {
      invalid(what, std::string(name) + " " + std::to_string(v) + " is outside [100, 10000] pixels");
    }
  };
  check("width", width);
  check("height", height);
}

// The range must have a finite length, or no tick can be placed in it.
void check_span(const std::string& what, const char* name, double lo, double hi) {
  if (!std::isfinite(2 * (hi - lo)))
    invalid(what, std::string(name) + " values span too wide a range");
}

std::string series_label(const Series& s, size_t i) {
  return s.name.empty() ? "series " + std::to_string(i) : "series '" + s.name + "'";
}

// x of point j: the given x, or the index when the series has none.
double x_at(const Series& s, size_t j) { return s.x.empty() ? double(j) : s.x[j]; }

void check_series(const std::vector<Series>& series, const LinePlotOptions& options) {
  const std::string what = "plot_lines";
  if (series.empty()) invalid(what, "no series to plot");
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string label = series_label(s, i);
    if (s.y.empty()) invalid(what, label + " has no y values");
    if (!s.x.empty() && s.x.size() != s.y.size()) {
      invalid(what, label + " has " + std::to_string(s.x.size()) + " x values and " +
                        std::to_string(s.y.size()) + " y values");
    }
    for (size_t j = 0; j < s.y.size(); ++j) {
      if (!std::isfinite(x_at(s, j)))
        invalid(what, label + " has a non-finite x at index " + std::to_string(j));
      if (!std::isfinite(s.y[j]))
        invalid(what, label + " has a non-finite y at index " + std::to_string(j));
      if (options.log_y && s.y[j] <= 0) {
        invalid(what, "log_y needs y > 0, but " + label + " has y = " + number_text(s.y[j]) +
                          " at index " + std::to_string(j));
      }
    }
  }
  check_size(what, options.width, options.height);
}

void clip_to_plot(cairo_t* cr, const Chart& c) {
  cairo_rectangle(cr, c.left, c.top, c.width, c.height);
  cairo_clip(cr);
}

// Samples along each segment too, so the legend avoids the lines between
// far-apart points and not only the points themselves.
void add_legend_obstacles(std::vector<double>& px, double x0, double y0, double x1, double y1) {
  int steps = std::min(20, static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 10));
  for (int k = 1; k <= steps; ++k) {
    double f = double(k) / (steps + 1);
    px.push_back(x0 + f * (x1 - x0));
    px.push_back(y0 + f * (y1 - y0));
  }
  px.push_back(x1);
  px.push_back(y1);
}

}  // namespace

void plot_lines(const std::string& path, const std::vector<Series>& series,
                const LinePlotOptions& options) {
  check_series(series, options);
  AxisSpec x{x_at(series[0], 0), x_at(series[0], 0), false, 0.0, options.x_label};
  AxisSpec y{series[0].y[0], series[0].y[0], options.log_y, 0.05, options.y_label};
  for (const Series& s : series) {
    for (size_t j = 0; j < s.y.size(); ++j) {
      x.lo = std::min(x.lo, x_at(s, j));
      x.hi = std::max(x.hi, x_at(s, j));
      y.lo = std::min(y.lo, s.y[j]);
      y.hi = std::max(y.hi, s.y[j]);
    }
  }
  check_span("plot_lines", "x", x.lo, x.hi);
  check_span("plot_lines", "y", y.lo, y.hi);

  auto [surface, context] = make_canvas(options.width, options.height);
  cairo_t* cr = context.get();
  Chart c = detail::layout_chart(cr, options.width, options.height, options.title, x, y);
  detail::draw_background(cr, options.width, options.height, c, true);

  std::vector<detail::LegendEntry> legend;
  std::vector<double> data_px;
  cairo_save(cr);
  clip_to_plot(cr, c);
  cairo_set_line_width(cr, std::max(1.5, c.font / 6));
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const double* rgb = kPalette[i % 10];
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    double px = detail::px_x(c, x_at(s, 0)), py = detail::px_y(c, s.y[0]);
    data_px.insert(data_px.end(), {px, py});
    cairo_move_to(cr, px, py);
    for (size_t j = 1; j < s.y.size(); ++j) {
      double qx = detail::px_x(c, x_at(s, j)), qy = detail::px_y(c, s.y[j]);
      cairo_line_to(cr, qx, qy);
      add_legend_obstacles(data_px, px, py, qx, qy);
      px = qx, py = qy;
    }
    cairo_stroke(cr);
    if (s.y.size() == 1) {  // a one-point line would be invisible: draw a dot
      cairo_arc(cr, px, py, c.font / 3, 0, 2 * std::numbers::pi);
      cairo_fill(cr);
    }
    legend.push_back(
        {s.name.empty() ? "series " + std::to_string(i) : s.name, rgb[0], rgb[1], rgb[2]});
  }
  cairo_restore(cr);

  detail::draw_axes(cr, c, options.title, x, y);
  if (series.size() > 1 || !series[0].name.empty()) detail::draw_legend(cr, c, legend, data_px);
  save_png(path, "plot_lines", cr, surface.get());
}

namespace {

void check_boundary_input(const std::vector<std::vector<double>>& points,
                          const std::vector<double>& labels,
                          const std::function<double(double, double)>& score,
                          const BoundaryPlotOptions& options) {
  const std::string what = "plot_decision_boundary";
  if (points.empty()) invalid(what, "no points to plot");
  if (points.size() != labels.size()) {
    invalid(what, std::to_string(points.size()) + " points but " + std::to_string(labels.size()) +
                      " labels");
  }
  for (size_t i = 0; i < points.size(); ++i) {
    std::string at = "point " + std::to_string(i);
    if (points[i].size() != 2) {
      invalid(what, at + " has " + std::to_string(points[i].size()) + " values, not 2 (x, y)");
    }
    if (!std::isfinite(points[i][0]) || !std::isfinite(points[i][1])) {
      invalid(what, at + " has a non-finite coordinate");
    }
    if (!std::isfinite(labels[i])) invalid(what, "label " + std::to_string(i) + " is not finite");
  }
  if (!score) invalid(what, "no score function");
  check_size(what, options.width, options.height);
  if (options.resolution < 2 || options.resolution > 2000) {
    invalid(what, "resolution " + std::to_string(options.resolution) + " is outside [2, 2000]");
  }
  if (!std::isfinite(options.margin) || options.margin < 0) {
    invalid(what, "margin " + number_text(options.margin) + " must be finite and >= 0");
  }
}

// The shading: one pixel per grid sample, white mixed with the class colour,
// more strongly the larger |score| is. ARGB32 is premultiplied and opaque here.
Surface shade_grid(const std::vector<double>& s, int n) {
  double scale = 0;
  for (double v : s) scale = std::max(scale, std::abs(v));
  if (scale == 0) scale = 1;
  Surface img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n, n));
  cairo_surface_flush(img.get());
  unsigned char* data = cairo_image_surface_get_data(img.get());
  int stride = cairo_image_surface_get_stride(img.get());
  if (data == nullptr) throw std::runtime_error("plot_decision_boundary: out of memory");
  for (int j = 0; j < n; ++j) {
    auto* row = reinterpret_cast<uint32_t*>(data + (n - 1 - j) * stride);  // y grows upward
    for (int i = 0; i < n; ++i) {
      double v = s[j * n + i];
      const double* base = v > 0 ? kPositive : kNegative;
      double a = 0.10 + 0.40 * std::sqrt(std::abs(v) / scale);
      uint32_t px = 0xff000000u;
      for (int k = 0; k < 3; ++k) {
        px |= static_cast<uint32_t>(std::lround(255 * (1 - a + a * base[k]))) << (16 - 8 * k);
      }
      row[i] = px;
    }
  }
  cairo_surface_mark_dirty(img.get());
  return img;
}

// Marching squares: in each grid cell, find where score crosses 0 along the
// edges (linear interpolation) and join the crossings. A cell with four
// crossings is a saddle; its centre value decides which pairs belong together.
void trace_zero_line(cairo_t* cr, const Chart& c, const std::vector<double>& s, int n) {
  double cw = c.width / (n - 1), ch = c.height / (n - 1);
  for (int j = 0; j + 1 < n; ++j) {
    for (int i = 0; i + 1 < n; ++i) {
      // Corners counter-clockwise from bottom-left; edge k joins corner k and k+1.
      const int ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
      double v[4], hit_x[4], hit_y[4];
      for (int k = 0; k < 4; ++k) v[k] = s[cj[k] * n + ci[k]];
      int hits[4], count = 0;
      for (int k = 0; k < 4; ++k) {
        int m = (k + 1) % 4;
        if ((v[k] > 0) == (v[m] > 0)) continue;
        double f = v[k] / (v[k] - v[m]);  // signs differ, so no division by 0
        hit_x[k] = c.left + (ci[k] + f * (ci[m] - ci[k])) * cw;
        hit_y[k] = c.top + c.height - (cj[k] + f * (cj[m] - cj[k])) * ch;
        hits[count++] = k;
      }
      auto segment = [&](int a, int b) {
        cairo_move_to(cr, hit_x[a], hit_y[a]);
        cairo_line_to(cr, hit_x[b], hit_y[b]);
      };
      if (count == 2) {
        segment(hits[0], hits[1]);
      } else if (count == 4) {
        bool centre = (v[0] + v[1] + v[2] + v[3]) / 4 > 0;
        if (centre == (v[0] > 0)) {
          segment(0, 1), segment(2, 3);  // corners 1 and 3 are cut off
        } else {
          segment(3, 0), segment(1, 2);  // corners 0 and 2 are cut off
        }
      }
    }
  }
}

}  // namespace

void plot_decision_boundary(const std::string& path, const std::vector<std::vector<double>>& points,
                            const std::vector<double>& labels,
                            const std::function<double(double, double)>& score,
                            const BoundaryPlotOptions& options) {
  const std::string what = "plot_decision_boundary";
  check_boundary_input(points, labels, score, options);
  AxisSpec x{points[0][0], points[0][0], false, 0.0, ""};
  AxisSpec y{points[0][1], points[0][1], false, 0.0, ""};
  for (const auto& p : points) {
    x.lo = std::min(x.lo, p[0]), x.hi = std::max(x.hi, p[0]);
    y.lo = std::min(y.lo, p[1]), y.hi = std::max(y.hi, p[1]);
  }
  x.lo -= options.margin, x.hi += options.margin;
  y.lo -= options.margin, y.hi += options.margin;
  check_span(what, "x", x.lo, x.hi);
  check_span(what, "y", y.lo, y.hi);

  auto [surface, context] = make_canvas(options.width, options.height);
  cairo_t* cr = context.get();
  Chart c = detail::layout_chart(cr, options.width, options.height, options.title, x, y);

  // Sample on the axes' final range (layout may have widened a flat one).
  const int n = options.resolution;
  std::vector<double> s(static_cast<size_t>(n) * n);
  for (int j = 0; j < n; ++j) {
    double gy = c.y.lo + (c.y.hi - c.y.lo) * j / (n - 1);
    for (int i = 0; i < n; ++i) {
      double gx = c.x.lo + (c.x.hi - c.x.lo) * i / (n - 1);
      double v = score(gx, gy);
      if (!std::isfinite(v)) {
        invalid(what,
                "score(" + number_text(gx) + ", " + number_text(gy) + ") = " + number_text(v) + " is not finite");
      }
      s[j * n + i] = v;
    }
  }

  detail::draw_background(cr, options.width, options.height, c, false);
  cairo_save(cr);
  clip_to_plot(cr, c);
  // Pixel i of the shading is centred on grid sample i; bilinear filtering
  // blends the samples smoothly across the plot area.
  Surface shading = shade_grid(s, n);
  double cw = c.width / (n - 1), ch = c.height / (n - 1);
  cairo_save(cr);
  cairo_translate(cr, c.left - 0.5 * cw, c.top - 0.5 * ch);
  cairo_scale(cr, cw, ch);
  cairo_set_source_surface(cr, shading.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_restore(cr);

  trace_zero_line(cr, c, s, n);
  cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
  cairo_set_line_width(cr, std::max(1.5, c.font / 6));
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke(cr);
  cairo_restore(cr);

  // Points unclipped: with margin 0 they sit on the frame.
  double r = std::max(2.5, c.font / 3);
  cairo_set_line_width(cr, std::max(1.0, r / 3.5));
  for (size_t i = 0; i < points.size(); ++i) {
    const double* rgb = labels[i] > 0 ? kPositive : kNegative;
    cairo_new_sub_path(cr);
    cairo_arc(cr, detail::px_x(c, points[i][0]), detail::px_y(c, points[i][1]), r, 0,
              2 * std::numbers::pi);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_stroke(cr);
  }

  detail::draw_axes(cr, c, options.title, x, y);
  save_png(path, what, cr, surface.get());
}

}  // namespace gradlab::viz
