// SPDX-License-Identifier: MIT
// The generator: repeatable from a seed, in range, and with the moments a
// uniform and a normal distribution must have.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include <gradlab/random.hpp>

namespace gl = gradlab;

BOOST_AUTO_TEST_SUITE(random_test)

BOOST_AUTO_TEST_CASE(a_seed_repeats_the_sequence) {
  gl::manual_seed(42);
  std::vector<double> a{gl::uniform(), gl::normal(), gl::uniform(-1, 1)};
  gl::manual_seed(42);
  std::vector<double> b{gl::uniform(), gl::normal(), gl::uniform(-1, 1)};
  BOOST_TEST(a == b);
  gl::manual_seed(43);
  BOOST_TEST(gl::uniform() != a[0]);
}

BOOST_AUTO_TEST_CASE(uniform_is_in_range_with_the_right_mean) {
  gl::manual_seed(1);
  double sum = 0, lo = 1e9, hi = -1e9;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double u = gl::uniform(-2.0, 3.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  BOOST_TEST(lo >= -2.0);
  BOOST_TEST(hi < 3.0);
  BOOST_TEST(sum / n == 0.5, boost::test_tools::tolerance(0.02));  // sd of the mean ~ 0.005
}

BOOST_AUTO_TEST_CASE(normal_has_mean_and_stddev) {
  gl::manual_seed(2);
  double sum = 0, sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double x = gl::normal(1.0, 2.0);
    sum += x;
    sq += x * x;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  BOOST_TEST(std::abs(mean - 1.0) < 0.03);
  BOOST_TEST(std::abs(std::sqrt(var) - 2.0) < 0.03);
}

BOOST_AUTO_TEST_SUITE_END()
