// SPDX-License-Identifier: MIT
// Chart furniture for plot.cpp: tick choice (1, 2, 5 x 10^k; decades on a log
// axis), margins sized from the real text extents, axes, grid and legend.

#include "plot_axes.hpp"
#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>

namespace gradlab::viz::detail {

namespace {

void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  detail::text_extents(cr, s, &e);
  return e.x_advance;
}

double line_height(cairo_t* cr) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  return fe.ascent + fe.descent;
}

// Shrinks the current font until `s` fits in max_width (long titles).
void fit_font(cairo_t* cr, const std::string& s, double size, double max_width, bool bold) {
  set_font(cr, size, bold);
  double w = text_width(cr, s);
  if (w > max_width && max_width > 0) set_font(cr, size * max_width / w, bold);
}

// Draws `s` so that its box is anchored at (x, y): ha 0/0.5/1 = left/centre/
// right, va 0/0.5/1 = top/middle/bottom; `angle` rotates around the anchor.
void draw_text(cairo_t* cr, const std::string& s, double x, double y, double ha, double va,
               double angle = 0) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -ha * text_width(cr, s), fe.ascent - va * (fe.ascent + fe.descent));
  detail::show_text(cr, s);
  cairo_restore(cr);
}

// The smallest 1, 2 or 5 x 10^k step that needs at most max_ticks intervals.
double nice_step(double span, int max_ticks) {
  double raw = span / max_ticks;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  }
  return 10 * mag;
}

Axis linear_axis(double lo, double hi, double pad, int max_ticks) {
  double big = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= 1e-9 * big || hi - lo < 1e-300) {  // one value: widen around it
    double d = big > 1e-300 ? 0.1 * big : 1.0;
    lo -= d;
    hi += d;
  }
  double span = hi - lo;
  Axis a;
  a.lo = lo - pad * span;
  a.hi = hi + pad * span;
  double step = nice_step(a.hi - a.lo, max_ticks);
  a.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  for (double k = std::ceil(a.lo / step - 1e-9); k * step <= a.hi + 1e-9 * step; k += 1) {
    double t = k * step;
    a.ticks.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);  // no "-0"
  }
  return a;
}

// Labels at whole decades; short ranges also label 2 and 5 x 10^k, long ones
// every n-th decade. A range too short to hold two labels is widened to the
// decades around it.
Axis log_axis(double lo, double hi, int max_ticks) {
  Axis a;
  a.log = true;
  double l = std::log10(lo), h = std::log10(hi), pad = std::max(0.05 * (h - l), 0.02);
  for (bool snap : {false, true}) {
    a.lo = snap ? std::floor(l) : l - pad;
    a.hi = snap ? std::ceil(h) : h + pad;
    if (a.hi == a.lo) a.lo -= 1, a.hi += 1;  // one value, a power of ten
    a.ticks.clear();
    a.minor.clear();
    int first = static_cast<int>(std::floor(a.lo)), last = static_cast<int>(std::ceil(a.hi));
    int every = std::max(1, static_cast<int>(std::ceil((a.hi - a.lo) / max_ticks)));
    bool label_25 = (a.hi - a.lo) * 3 <= max_ticks;
    for (int k = first; k <= last; ++k) {
      for (int m = 1; m <= 9; ++m) {
        double t = k + std::log10(m);
        if (t < a.lo - 1e-9 || t > a.hi + 1e-9) continue;
        bool labelled =
            m == 1 ? ((k % every) + every) % every == 0 : (m == 2 || m == 5) && label_25;
        if (labelled) {
          a.ticks.push_back(t);
        } else if (a.hi - a.lo <= 6) {
          a.minor.push_back(t);
        }
      }
    }
    if (a.ticks.size() >= 2) break;
  }
  return a;
}

Axis make_axis(const AxisSpec& s, int max_ticks) {
  return s.log ? log_axis(s.lo, s.hi, max_ticks) : linear_axis(s.lo, s.hi, s.pad, max_ticks);
}

std::string tick_label(const Axis& a, double t) {
  char buf[64];
  if (a.log) {
    int k = static_cast<int>(std::floor(t + 1e-9));
    int m = static_cast<int>(std::lround(std::pow(10.0, t - k)));
    if (a.lo > -4.5 && a.hi < 5.5) {  // one style per axis: 0.001 ... 1000, or 1e-8 ... 1e8
      std::snprintf(buf, sizeof buf, "%.*f", std::max(0, -k), m * std::pow(10.0, k));
    } else {
      std::snprintf(buf, sizeof buf, "%de%d", m, k);
    }
  } else if (double big = std::max(std::abs(a.lo), std::abs(a.hi)); big >= 1e6 || a.decimals > 5) {
    // Exponent notation, with just enough digits to tell neighbouring ticks apart.
    double step = a.ticks.size() > 1 ? a.ticks[1] - a.ticks[0] : big;
    int digits = static_cast<int>(std::floor(std::log10(big)) - std::floor(std::log10(step))) + 1;
    std::snprintf(buf, sizeof buf, "%.*g", std::clamp(digits, 1, 15), t);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", a.decimals, t);
  }
  return buf;
}

double widest_label(cairo_t* cr, const Axis& a) {
  double w = 0;
  for (double t : a.ticks) w = std::max(w, text_width(cr, tick_label(a, t)));
  return w;
}

// Axis units (log10 of the data on a log axis) -> pixels.
double at_x(const Chart& c, double t) {
  return c.left + (t - c.x.lo) / (c.x.hi - c.x.lo) * c.width;
}
double at_y(const Chart& c, double t) {
  return c.top + (1 - (t - c.y.lo) / (c.y.hi - c.y.lo)) * c.height;
}

// Thin lines on whole pixels stay sharp instead of smearing over two.
double crisp(double p) { return std::floor(p) + 0.5; }

}  // namespace

Chart layout_chart(cairo_t* cr, int width, int height, const std::string& title, const AxisSpec& x,
                   const AxisSpec& y) {
  Chart c;
  c.page_width = width;
  c.font = std::clamp(std::sqrt(double(width) * height) / 52.0, 8.0, 120.0);
  double pad = 0.8 * c.font, tick = 0.4 * c.font;
  set_font(cr, c.font);
  double lh = line_height(cr);

  // Vertical margins hold one line each, so the plot height is known first.
  c.top = pad;
  if (!title.empty()) {
    set_font(cr, 1.25 * c.font, true);
    c.top += line_height(cr) + 0.6 * pad;
    set_font(cr, c.font);
  }
  double bottom = pad + tick + lh + (x.label.empty() ? 0 : 0.4 * pad + lh);
  c.height = std::max(1.0, height - c.top - bottom);
  c.y = make_axis(y, std::clamp(static_cast<int>(c.height / (2.5 * lh)), 2, 10));

  // The left margin follows from the widest y tick label.
  c.left =
      pad + (y.label.empty() ? 0 : lh + 0.4 * pad) + widest_label(cr, c.y) + tick + 0.3 * c.font;
  Axis guess = make_axis(x, std::clamp(static_cast<int>(width / (6 * c.font)), 2, 10));
  double right = std::max(1.5 * c.font, 0.5 * widest_label(cr, guess) + 0.5 * c.font);
  c.width = std::max(1.0, width - c.left - right);

  // Fewer x ticks until their labels have room to breathe.
  for (int n = std::clamp(static_cast<int>(c.width / (4 * c.font)), 2, 10);; --n) {
    c.x = make_axis(x, n);
    if (n == 2 || widest_label(cr, c.x) * 1.6 * c.x.ticks.size() <= c.width) break;
  }
  return c;
}

double px_x(const Chart& c, double v) { return at_x(c, c.x.log ? std::log10(v) : v); }

double px_y(const Chart& c, double v) { return at_y(c, c.y.log ? std::log10(v) : v); }

void draw_background(cairo_t* cr, int width, int height, const Chart& c, bool grid) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, width, height);
  cairo_fill(cr);
  if (!grid) return;
  cairo_set_line_width(cr, 1);
  auto horizontal = [&](const std::vector<double>& ts) {
    for (double t : ts) {
      cairo_move_to(cr, c.left, crisp(at_y(c, t)));
      cairo_line_to(cr, c.left + c.width, crisp(at_y(c, t)));
    }
  };
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);  // minor grid: barely there
  horizontal(c.y.minor);
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.87, 0.87, 0.87);
  horizontal(c.y.ticks);
  for (double t : c.x.ticks) {
    cairo_move_to(cr, crisp(at_x(c, t)), c.top);
    cairo_line_to(cr, crisp(at_x(c, t)), c.top + c.height);
  }
  cairo_stroke(cr);
}

void draw_axes(cairo_t* cr, const Chart& c, const std::string& title, const AxisSpec& x,
               const AxisSpec& y) {
  double pad = 0.8 * c.font, tick = 0.4 * c.font;
  double lw = std::max(1.0, c.font / 12);
  cairo_set_line_width(cr, lw);
  cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
  cairo_rectangle(cr, crisp(c.left), crisp(c.top), std::round(c.width), std::round(c.height));
  cairo_stroke(cr);

  set_font(cr, c.font);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  double bottom = c.top + c.height;
  for (double t : c.x.ticks) {
    double p = crisp(at_x(c, t));
    cairo_move_to(cr, p, bottom);
    cairo_line_to(cr, p, bottom + tick);
    draw_text(cr, tick_label(c.x, t), p, bottom + tick + 0.15 * c.font, 0.5, 0);
  }
  for (double t : c.y.ticks) {
    double p = crisp(at_y(c, t));
    cairo_move_to(cr, c.left, p);
    cairo_line_to(cr, c.left - tick, p);
    draw_text(cr, tick_label(c.y, t), c.left - tick - 0.3 * c.font, p, 1, 0.5);
  }
  for (double t : c.y.minor) {  // short unlabelled marks between decades
    double p = crisp(at_y(c, t));
    cairo_move_to(cr, c.left, p);
    cairo_line_to(cr, c.left - 0.5 * tick, p);
  }
  cairo_stroke(cr);

  double lh = line_height(cr);
  if (!x.label.empty()) {
    fit_font(cr, x.label, c.font, c.width, false);
    draw_text(cr, x.label, c.left + c.width / 2, bottom + tick + lh + 0.4 * pad, 0.5, 0);
  }
  if (!y.label.empty()) {
    fit_font(cr, y.label, c.font, c.height, false);
    draw_text(cr, y.label, pad, c.top + c.height / 2, 0.5, 0, -std::numbers::pi / 2);
  }
  if (!title.empty()) {
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    fit_font(cr, title, 1.25 * c.font, c.page_width - 2 * pad, true);
    draw_text(cr, title, c.page_width / 2, pad, 0.5, 0);
  }
}

void draw_legend(cairo_t* cr, const Chart& c, const std::vector<LegendEntry>& entries,
                 const std::vector<double>& data_px) {
  if (entries.empty()) return;
  set_font(cr, 0.95 * c.font);
  double lh = line_height(cr), pad = 0.6 * c.font, swatch = 1.8 * c.font;
  double names = 0;
  for (const auto& e : entries) names = std::max(names, text_width(cr, e.name));
  double w = pad + swatch + 0.5 * c.font + names + pad;
  double h = pad + entries.size() * 1.15 * lh + pad - 0.15 * lh;

  // Corners first, then edge middles; the place hiding the fewest points wins.
  double inset = 0.6 * c.font;
  double xs[3] = {c.left + c.width - inset - w, c.left + inset, c.left + (c.width - w) / 2};
  double ys[3] = {c.top + inset, c.top + c.height - inset - h, c.top + (c.height - h) / 2};
  const int places[8][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 0}, {2, 1}, {0, 2}, {1, 2}};
  double bx = xs[0], by = ys[0];
  size_t best = SIZE_MAX;
  for (const auto& place : places) {
    double cx = xs[place[0]], cy = ys[place[1]];
    size_t hidden = 0;
    for (size_t i = 0; i + 1 < data_px.size(); i += 2) {
      hidden += data_px[i] >= cx && data_px[i] <= cx + w && data_px[i + 1] >= cy &&
                data_px[i + 1] <= cy + h;
    }
    if (hidden < best) best = hidden, bx = cx, by = cy;
  }

  cairo_rectangle(cr, crisp(bx), crisp(by), std::round(w), std::round(h));
  cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  cairo_set_line_width(cr, std::max(1.5, c.font / 5));
  for (size_t i = 0; i < entries.size(); ++i) {
    double mid = by + pad + (i * 1.15 + 0.5) * lh;
    cairo_set_source_rgb(cr, entries[i].r, entries[i].g, entries[i].b);
    cairo_move_to(cr, bx + pad, mid);
    cairo_line_to(cr, bx + pad + swatch, mid);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    draw_text(cr, entries[i].name, bx + pad + swatch + 0.5 * c.font, mid, 0, 0.5);
  }
}

}  // namespace gradlab::viz::detail
