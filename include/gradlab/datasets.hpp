// SPDX-License-Identifier: MIT
// Small synthetic data sets for the scalar engine, made from gradlab's
// generator so that a seed always gives the same points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gradlab {

struct Dataset2d {
  std::vector<std::vector<double>> x;  // x[i] = {x0, x1}
  std::vector<double> y;               // y[i] = -1 or +1
};

// Two interleaving half circles, as scikit-learn's make_moons: n points
// (n/2 per moon, the upper moon labelled -1, the lower +1), Gaussian noise
// with standard deviation `noise`, from a generator seeded with `seed`
// (gradlab's own generator is left as it was). A noise that is negative or
// not finite is refused (std::invalid_argument).
Dataset2d make_moons(std::size_t n = 100, double noise = 0.1, std::uint64_t seed = 1);

// Two circles around the origin, as scikit-learn's make_circles: n points
// (n/2 on the outer circle of radius 1, labelled -1, the rest on the inner
// one of radius `factor`, labelled +1), evenly spaced, with Gaussian noise.
// factor must lie in [0, 1); noise as make_moons.
Dataset2d make_circles(std::size_t n = 100, double noise = 0.05, double factor = 0.5, std::uint64_t seed = 1);

// XOR: n points uniform in the square [-1, 1]², labelled +1 where x0 and x1
// have the same sign and -1 where they differ (the label is taken before the
// Gaussian noise moves the point). noise as make_moons.
Dataset2d make_xor(std::size_t n = 100, double noise = 0.0, std::uint64_t seed = 1);

}  // namespace gradlab
