// SPDX-License-Identifier: MIT
// make_moons, make_circles (scikit-learn's) and make_xor, each with a
// private generator.

#include <gradlab/datasets.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include "tensor/sizes.hpp"

namespace gradlab {

namespace {

// Each data set's own generator: uniform in [0, 1) and Box-Muller's normal.
struct PointGenerator {
  std::mt19937_64 gen;
  double unit() { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }
  double gaussian() {  // as gradlab::normal
    double u1 = 1.0 - unit(), u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
};

// The checks every maker makes first: the noise, and n points of 3 numbers.
void check_points(const char* who, std::size_t n, double noise) {
  if (!std::isfinite(noise) || noise < 0)
    throw std::invalid_argument(std::string(who) + ": noise is a standard deviation, a finite number >= 0; got " +
                                std::to_string(noise));
  detail::check_count(who, detail::checked_product(who, n, 3, "n points of 3 numbers"), "n points of 3 numbers");
}

}  // namespace

Dataset2d make_moons(std::size_t n, double noise, std::uint64_t seed) {
  check_points("make_moons", n, noise);  // n points of 2 coordinates and a label, counted before any is made
  PointGenerator g{std::mt19937_64(seed)};
  auto gaussian = [&] { return g.gaussian(); };
  Dataset2d d;
  std::size_t n_upper = n / 2, n_lower = n - n_upper;
  auto angle = [](std::size_t i, std::size_t count) {
    return count > 1 ? std::numbers::pi * static_cast<double>(i) / static_cast<double>(count - 1)
                     : 0.0;
  };
  for (std::size_t i = 0; i < n_upper; ++i) {
    double t = angle(i, n_upper);
    d.x.push_back({std::cos(t) + noise * gaussian(), std::sin(t) + noise * gaussian()});
    d.y.push_back(-1.0);
  }
  for (std::size_t i = 0; i < n_lower; ++i) {
    double t = angle(i, n_lower);
    d.x.push_back({1.0 - std::cos(t) + noise * gaussian(), 0.5 - std::sin(t) + noise * gaussian()});
    d.y.push_back(1.0);
  }
  return d;
}

Dataset2d make_circles(std::size_t n, double noise, double factor, std::uint64_t seed) {
  check_points("make_circles", n, noise);
  if (!(factor >= 0 && factor < 1))
    throw std::invalid_argument("make_circles: factor is the inner circle's radius, a number in [0, 1); got " +
                                std::to_string(factor));
  PointGenerator g{std::mt19937_64(seed)};
  Dataset2d d;
  const std::size_t n_outer = n / 2, n_inner = n - n_outer;
  auto ring = [&](std::size_t count, double radius, double label) {
    for (std::size_t i = 0; i < count; ++i) {
      double t = 2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(count);
      d.x.push_back({radius * std::cos(t) + noise * g.gaussian(), radius * std::sin(t) + noise * g.gaussian()});
      d.y.push_back(label);
    }
  };
  ring(n_outer, 1.0, -1.0);
  ring(n_inner, factor, 1.0);
  return d;
}

Dataset2d make_xor(std::size_t n, double noise, std::uint64_t seed) {
  check_points("make_xor", n, noise);
  PointGenerator g{std::mt19937_64(seed)};
  Dataset2d d;
  for (std::size_t i = 0; i < n; ++i) {
    double x0 = 2.0 * g.unit() - 1.0, x1 = 2.0 * g.unit() - 1.0;
    d.y.push_back((x0 >= 0) == (x1 >= 0) ? 1.0 : -1.0);
    d.x.push_back({x0 + noise * g.gaussian(), x1 + noise * g.gaussian()});
  }
  return d;
}

}  // namespace gradlab
