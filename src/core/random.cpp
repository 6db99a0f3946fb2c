// SPDX-License-Identifier: MIT
// A 64-bit Mersenne Twister with hand-written transforms, so a seed gives the
// same numbers with every compiler and standard library.

#include <gradlab/random.hpp>

#include <cmath>
#include <numbers>
#include <random>

namespace gradlab {

namespace {
std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen(0);
  return gen;
}
}  // namespace

void manual_seed(std::uint64_t seed) { generator().seed(seed); }

double uniform(double low, double high) {
  double u = static_cast<double>(generator()() >> 11) * 0x1.0p-53;  // 53 random bits in [0, 1)
  return low + (high - low) * u;
}

double normal(double mean, double stddev) {
  // Box-Muller: two uniforms make a standard normal. 1 - u keeps log away from 0.
  double u1 = 1.0 - uniform(), u2 = uniform();
  return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace gradlab
