// SPDX-License-Identifier: MIT
// The random numbers behind weight initialisation and data sets: one
// generator per thread, reseeded by manual_seed() so runs repeat exactly, and
// the same on every platform (no std:: distributions, which differ).
#pragma once

#include <cstdint>

namespace gradlab {

// Reseeds this thread's generator. Until the first call the seed is 0.
void manual_seed(std::uint64_t seed);

double uniform(double low = 0.0, double high = 1.0);  // in [low, high)
double normal(double mean = 0.0, double stddev = 1.0);

}  // namespace gradlab
