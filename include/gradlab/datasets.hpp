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

}  // namespace gradlab
