// SPDX-License-Identifier: MIT
// The colour map of viz/colormap.hpp.

#include "colormap.hpp"

#include <algorithm>

namespace gradlab::viz::detail {

namespace {

Rgb mix(Rgb a, Rgb b, double t) { return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t}; }

// White -> light -> dark, for t in [0, 1].
Rgb ramp(Rgb light, Rgb dark, double t) {
  const Rgb white{0.97, 0.98, 1.0};
  t = std::clamp(t, 0.0, 1.0);
  return t < 0.5 ? mix(white, light, 2 * t) : mix(light, dark, 2 * t - 1);
}

constexpr Rgb kBlueLight{0.42, 0.68, 0.84}, kBlueDark{0.03, 0.19, 0.42};
constexpr Rgb kRedLight{0.98, 0.51, 0.42}, kRedDark{0.60, 0.0, 0.05};

}  // namespace

Rgb sequential(double t) { return ramp(kBlueLight, kBlueDark, t); }

Rgb diverging(double v, double m) {
  if (!(m > 0)) return ramp(kBlueLight, kBlueDark, 0);
  return v < 0 ? ramp(kBlueLight, kBlueDark, -v / m) : ramp(kRedLight, kRedDark, v / m);
}

Rgb colour(double v, double lo, double hi) {
  if (lo < 0 && hi > 0) return diverging(v, std::max(-lo, hi));
  double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  if (hi <= 0) t = 1 - t;  // all negative: the most negative is darkest
  return sequential(t);
}

}  // namespace gradlab::viz::detail
