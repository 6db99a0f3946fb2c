// SPDX-License-Identifier: MIT
// make_moons: scikit-learn's two half circles, with a private generator.

#include <gradlab/datasets.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include "tensor/sizes.hpp"

namespace gradlab {

Dataset2d make_moons(std::size_t n, double noise, std::uint64_t seed) {
  if (!std::isfinite(noise) || noise < 0)
    throw std::invalid_argument("make_moons: noise is a standard deviation, a finite number >= 0; got " +
                                std::to_string(noise));
  // n points of 2 coordinates and a label, counted before any is made.
  detail::check_count("make_moons", detail::checked_product("make_moons", n, 3, "n points of 3 numbers"),
                      "n points of 3 numbers");
  std::mt19937_64 gen(seed);
  auto unit = [&] { return static_cast<double>(gen() >> 11) * 0x1.0p-53; };
  auto gaussian = [&] {  // Box-Muller, as gradlab::normal
    double u1 = 1.0 - unit(), u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  };
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

}  // namespace gradlab
