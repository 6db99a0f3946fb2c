// SPDX-License-Identifier: MIT
// nn::init: PyTorch's gains and bounds, the spread of each fill, fans of
// conv weights, seeding, and the errors.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace init = gradlab::nn::init;
using gl::Tensor;
using gradlab::testing::error_of;

namespace {

double largest(const Tensor& t) {
  double m = 0;
  for (double x : t.data()) m = std::max(m, std::abs(x));
  return m;
}

double stddev(const Tensor& t) {
  double s = 0, s2 = 0, n = static_cast<double>(t.numel());
  for (double x : t.data()) s += x, s2 += x * x;
  return std::sqrt(s2 / n - (s / n) * (s / n));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_init_test)

BOOST_AUTO_TEST_CASE(gains_are_pytorchs) {
  BOOST_TEST(init::calculate_gain("linear") == 1.0);
  BOOST_TEST(init::calculate_gain("conv2d") == 1.0);
  BOOST_TEST(init::calculate_gain("sigmoid") == 1.0);
  BOOST_TEST(init::calculate_gain("tanh") == 5.0 / 3);
  BOOST_TEST(init::calculate_gain("relu") == std::sqrt(2.0));
  BOOST_TEST(init::calculate_gain("leaky_relu") == std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  BOOST_TEST(init::calculate_gain("leaky_relu", 0.2) == std::sqrt(2.0 / 1.04));
  BOOST_TEST(init::calculate_gain("leaky_relu", 0.0) == std::sqrt(2.0));
  BOOST_TEST(init::calculate_gain("selu") == 0.75);
  BOOST_TEST(error_of([] { init::calculate_gain("swish"); }) == "calculate_gain: unsupported nonlinearity \"swish\"");
}

BOOST_AUTO_TEST_CASE(fills_have_pytorchs_bounds_and_spread) {
  auto near = boost::test_tools::tolerance(0.03);
  gl::manual_seed(5);
  Tensor w = gl::zeros({300, 200});
  // xavier_uniform_: a = gain sqrt(6 / (fan_in + fan_out)), std a / sqrt(3).
  double a = 2 * std::sqrt(6.0 / 500);
  init::xavier_uniform_(w, 2);
  BOOST_TEST(largest(w) <= a);
  BOOST_TEST(largest(w) >= 0.99 * a);
  BOOST_TEST(stddev(w) == a / std::sqrt(3.0), near);
  init::xavier_normal_(w);
  BOOST_TEST(stddev(w) == std::sqrt(2.0 / 500), near);
  // kaiming: fan_in = 200 by default, fan_out = 300 on request.
  init::kaiming_uniform_(w, 0, "fan_in", "relu");
  BOOST_TEST(largest(w) <= std::sqrt(6.0 / 200));
  BOOST_TEST(stddev(w) == std::sqrt(2.0 / 200), near);
  init::kaiming_normal_(w, 0, "fan_out", "relu");
  BOOST_TEST(stddev(w) == std::sqrt(2.0 / 300), near);
  // A Linear's own init is kaiming_uniform_ with a = sqrt(5): bound 1 / sqrt(fan_in).
  init::kaiming_uniform_(w, std::sqrt(5.0));
  BOOST_TEST(largest(w) <= 1 / std::sqrt(200.0));
  BOOST_TEST(largest(w) >= 0.99 / std::sqrt(200.0));
  // Conv weights (out, in, kh, kw): fan_in = in kh kw.
  Tensor conv = gl::zeros({16, 8, 3, 3});
  init::kaiming_uniform_(conv, 0, "fan_in", "linear");
  BOOST_TEST(largest(conv) <= std::sqrt(3.0 / 72));
  init::uniform_(w, -2, 3);
  BOOST_TEST(*std::min_element(w.data().begin(), w.data().end()) >= -2.0);
  BOOST_TEST(*std::max_element(w.data().begin(), w.data().end()) < 3.0);
  init::normal_(w, 1, 0.5);
  BOOST_TEST(stddev(w) == 0.5, near);
  init::constant_(w, 0.25);
  BOOST_TEST(largest(w - 0.25) == 0.0);
  BOOST_TEST(largest(init::zeros_(w)) == 0.0);
  BOOST_TEST(largest(init::ones_(w) - 1.0) == 0.0);
  // Seeded: the same seed, the same numbers; on a Parameter too.
  gl::manual_seed(6);
  gl::Parameter p(gl::zeros({4, 3}));
  init::xavier_uniform_(p);
  gl::manual_seed(6);
  Tensor q = gl::zeros({4, 3});
  BOOST_TEST((init::xavier_uniform_(q).to_vector() == p.to_vector()));
  BOOST_TEST(p.requires_grad());
  Tensor empty = gl::zeros({0, 3});
  BOOST_TEST(init::xavier_uniform_(empty).numel() == 0);  // nothing to fill, no error
}

BOOST_AUTO_TEST_CASE(errors_name_the_function) {
  Tensor v = gl::zeros({5});
  BOOST_TEST(error_of([&] { init::xavier_uniform_(v); }) ==
             "xavier_uniform_: fan in and fan out need a tensor of at least 2 dims, got shape [5]");
  Tensor w = gl::zeros({2, 2});
  BOOST_TEST(error_of([&] { init::kaiming_normal_(w, 0, "fan_middle"); }) ==
             "kaiming_normal_: mode must be \"fan_in\" or \"fan_out\", got \"fan_middle\"");
  BOOST_TEST(error_of([&] { init::uniform_(w, 1, 0); }) == "uniform_: a 1 is above b 0");
  BOOST_TEST(error_of([&] { init::normal_(w, 0, -1); }) == "normal_: std must be >= 0, got -1");
}

BOOST_AUTO_TEST_SUITE_END()
