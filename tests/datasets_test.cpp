// SPDX-License-Identifier: MIT
// make_moons, make_circles, make_xor: sizes, labels, shapes, determinism,
// and bad arguments refused by name.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

BOOST_AUTO_TEST_SUITE(datasets_test)

BOOST_AUTO_TEST_CASE(moons_without_noise_lie_on_the_circles) {
  gl::Dataset2d d = gl::make_moons(10, 0.0);
  BOOST_REQUIRE(d.x.size() == 10u);
  BOOST_REQUIRE(d.y.size() == 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    double cx = d.y[i] < 0 ? 0.0 : 1.0, cy = d.y[i] < 0 ? 0.0 : 0.5;
    double r = std::hypot(d.x[i][0] - cx, d.x[i][1] - cy);
    BOOST_TEST(r == 1.0, boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(d.y[0] == -1.0);
  BOOST_TEST(d.y[9] == 1.0);
  BOOST_TEST(d.x[0][0] == 1.0);  // the upper moon starts at angle 0
}

BOOST_AUTO_TEST_CASE(same_seed_same_points) {
  auto a = gl::make_moons(100, 0.1, 5), b = gl::make_moons(100, 0.1, 5),
       c = gl::make_moons(100, 0.1, 6);
  BOOST_TEST(a.x == b.x);
  BOOST_TEST(a.x != c.x);
  BOOST_TEST(std::count(a.y.begin(), a.y.end(), 1.0) == 50);
}

BOOST_AUTO_TEST_CASE(noise_must_be_a_finite_standard_deviation) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {std::nan(""), inf, -inf, -0.1}) {
    BOOST_TEST_CONTEXT("noise = " << bad) {
      try {
        gl::make_moons(10, bad);
        BOOST_ERROR("must throw");
      } catch (const std::invalid_argument& e) {
        BOOST_TEST(std::string(e.what()).starts_with(
            "make_moons: noise is a standard deviation, a finite number >= 0; got "));
      }
    }
  }
  for (const auto& p : gl::make_moons(10, 1e6).x)
    BOOST_TEST((std::isfinite(p[0]) && std::isfinite(p[1])));
}

BOOST_AUTO_TEST_CASE(circles_without_noise_lie_on_their_radii) {
  gl::Dataset2d d = gl::make_circles(11, 0.0, 0.3);
  BOOST_REQUIRE(d.x.size() == 11u);
  BOOST_TEST(std::count(d.y.begin(), d.y.end(), -1.0) == 5);  // n/2 outer
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    double r = std::hypot(d.x[i][0], d.x[i][1]);
    BOOST_TEST(r == (d.y[i] < 0 ? 1.0 : 0.3), boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(d.x[0][0] == 1.0);  // the outer circle starts at angle 0
  BOOST_TEST(gl::make_circles(50, 0.1, 0.5, 3).x == gl::make_circles(50, 0.1, 0.5, 3).x);
  BOOST_TEST(gl::make_circles(50, 0.1, 0.5, 3).x != gl::make_circles(50, 0.1, 0.5, 4).x);
}

BOOST_AUTO_TEST_CASE(circles_refuse_a_factor_outside_0_1) {
  for (double bad : {-0.1, 1.0, 2.0, std::nan("")}) {
    try {
      gl::make_circles(10, 0.0, bad);
      BOOST_ERROR("must throw for factor " << bad);
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).starts_with("make_circles: factor is the inner circle's radius"));
    }
  }
  BOOST_CHECK_THROW(gl::make_circles(10, -1.0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(xor_labels_by_the_quadrant) {
  gl::Dataset2d d = gl::make_xor(400, 0.0, 7);
  BOOST_REQUIRE(d.x.size() == 400u);
  int positive = 0;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    BOOST_TEST((std::abs(d.x[i][0]) <= 1.0 && std::abs(d.x[i][1]) <= 1.0));
    BOOST_TEST(d.y[i] == (d.x[i][0] * d.x[i][1] >= 0 ? 1.0 : -1.0));
    positive += d.y[i] > 0;
  }
  BOOST_TEST(positive > 150);  // about half each way
  BOOST_TEST(positive < 250);
  BOOST_TEST(gl::make_xor(20, 0.1, 1).x != gl::make_xor(20, 0.0, 1).x);  // the noise moves the points
  BOOST_TEST(gl::make_xor(20, 0.1, 1).y == gl::make_xor(20, 0.0, 1).y);  // not their labels
  try {
    gl::make_xor(10, std::nan(""));
    BOOST_ERROR("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).starts_with("make_xor: noise is a standard deviation"));
  }
}

BOOST_AUTO_TEST_SUITE_END()
