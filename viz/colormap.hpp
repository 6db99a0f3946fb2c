// SPDX-License-Identifier: MIT
// The one colour map of every heat map (plot_heatmap, plot_heatmaps and the
// tensor boxes of graph pictures): white to blue for numbers of one sign,
// blue-white-red centred on 0 for numbers of both. Internal to gradlab::viz.
#pragma once

namespace gradlab::viz::detail {

struct Rgb {
  double r, g, b;
};

// t in [0, 1]: white (0) to dark blue (1), through a light blue (matplotlib's
// "Blues", roughly).
Rgb sequential(double t);

// v on a scale of ±m: white at 0, blue below, red above, darkest at ±m
// (beyond it too). m <= 0 draws everything white.
Rgb diverging(double v, double m);

// The colour of v on a map of [lo, hi]: diverging when the range spans 0,
// else sequential (the most negative darkest when all are negative).
Rgb colour(double v, double lo, double hi);

}  // namespace gradlab::viz::detail
