// SPDX-License-Identifier: MIT
// GD and SGD: the first three steps of every variant against updates worked
// out by hand, a quadratic that must be minimised, and bad options refused.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/optim.hpp>

#include "optim_helpers.hpp"
#include "test_helpers.hpp"

namespace gl = gradlab;
namespace optim = gradlab::optim;
using gl::Tensor;
using gl::testing::check_close;
using gl::testing::error_of;
using gl::testing::give_grad;
using gl::testing::parameter;

BOOST_AUTO_TEST_SUITE(optim_sgd_test)

// Three steps with the same gradient each time; `expected[k]` is p after step k+1.
template <class Opt>
void check_three_steps(Opt& opt, Tensor p, const std::vector<double>& g,
                       const std::vector<std::vector<double>>& expected) {
  for (const auto& want : expected) {
    give_grad(p, g);
    opt.step();
    check_close(p.to_vector(), want);
  }
}

BOOST_AUTO_TEST_CASE(gd_subtracts_lr_times_grad) {
  Tensor p = parameter({1, -2});
  optim::GD opt({p}, optim::GDOptions(0.1));
  // p -= 0.1 * [0.5, 1]
  check_three_steps(opt, p, {0.5, 1}, {{0.95, -2.1}, {0.9, -2.2}, {0.85, -2.3}});
}

BOOST_AUTO_TEST_CASE(sgd_without_momentum_is_gd) {
  Tensor p = parameter({1, -2});
  optim::SGD opt({p}, optim::SGDOptions(0.1));
  check_three_steps(opt, p, {0.5, 1}, {{0.95, -2.1}, {0.9, -2.2}, {0.85, -2.3}});
  BOOST_TEST(opt.named_state().size() == 2u);  // "lr" and "0.step": no buffer without momentum
}

BOOST_AUTO_TEST_CASE(momentum) {
  Tensor p = parameter({1, -2});
  optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9));
  // element 0, g = 0.5: b = 0.5 (first step: b = g), p = 1 - 0.05 = 0.95
  //   b = 0.9 * 0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855
  //   b = 0.9 * 0.95 + 0.5 = 1.355, p = 0.855 - 0.1355 = 0.7195
  // element 1, g = 1: b = 1, 1.9, 2.71; p = -2.1, -2.29, -2.561
  check_three_steps(opt, p, {0.5, 1}, {{0.95, -2.1}, {0.855, -2.29}, {0.7195, -2.561}});
}

BOOST_AUTO_TEST_CASE(nesterov) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
  // g = 0.5; update d = g + 0.9 b
  //   b = 0.5,   d = 0.5 + 0.45 = 0.95,     p = 1 - 0.095 = 0.905
  //   b = 0.95,  d = 0.5 + 0.855 = 1.355,   p = 0.905 - 0.1355 = 0.7695
  //   b = 1.355, d = 0.5 + 1.2195 = 1.7195, p = 0.7695 - 0.17195 = 0.59755
  check_three_steps(opt, p, {0.5}, {{0.905}, {0.7695}, {0.59755}});
}

BOOST_AUTO_TEST_CASE(dampening_spares_the_first_step) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9).dampening(0.5));
  // g = 0.5: b = 0.5 (undampened), p = 0.95
  //   b = 0.45 + 0.5 * 0.5 = 0.7, p = 0.95 - 0.07 = 0.88
  //   b = 0.63 + 0.25 = 0.88,     p = 0.88 - 0.088 = 0.792
  check_three_steps(opt, p, {0.5}, {{0.95}, {0.88}, {0.792}});
}

BOOST_AUTO_TEST_CASE(weight_decay_with_momentum) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.1));
  // d = 0.5 + 0.1 p
  //   d = 0.6,     b = 0.6,                    p = 1 - 0.06 = 0.94
  //   d = 0.594,   b = 0.54 + 0.594 = 1.134,   p = 0.94 - 0.1134 = 0.8266
  //   d = 0.58266, b = 1.0206 + 0.58266 = 1.60326, p = 0.8266 - 0.160326 = 0.666274
  check_three_steps(opt, p, {0.5}, {{0.94}, {0.8266}, {0.666274}});
}

BOOST_AUTO_TEST_CASE(weight_decay_without_momentum) {
  Tensor p = parameter({1, -2});
  optim::SGD opt({p}, optim::SGDOptions(0.1).weight_decay(0.1));
  // d = g + 0.1 p, p -= 0.1 d
  //   element 0, g = 0.5: d = 0.6, 0.594, 0.58806;   p = 0.94, 0.8806, 0.821794
  //   element 1, g = 1:   d = 0.8, 0.792, 0.78408;   p = -2.08, -2.1592, -2.237608
  check_three_steps(opt, p, {0.5, 1}, {{0.94, -2.08}, {0.8806, -2.1592}, {0.821794, -2.237608}});
}

// Plain SGD runs as one vectorised loop: every element is updated, the odd
// ones at the end too.
BOOST_AUTO_TEST_CASE(plain_sgd_updates_every_element) {
  std::vector<double> values, grads, expected;
  for (int i = 0; i < 11; ++i) {
    values.push_back(i - 5.0);
    grads.push_back(0.25 * i);
    expected.push_back(i - 5.0 - 0.1 * 0.25 * i);
  }
  Tensor p = parameter(values);
  optim::SGD sgd({p}, optim::SGDOptions(0.1));
  give_grad(p, grads);
  sgd.step();
  check_close(p.to_vector(), expected);
  Tensor q = parameter(values);
  optim::GD gd({q}, optim::GDOptions(0.1));
  give_grad(q, grads);
  gd.step();
  check_close(q.to_vector(), expected);
}

BOOST_AUTO_TEST_CASE(minimises_a_quadratic) {
  // f(p) = sum (p - target)^2, minimum at target.
  Tensor p = parameter({5, -3, 0.5});
  optim::SGD opt({p}, optim::SGDOptions(0.05).momentum(0.9).nesterov(true));
  for (double e : gl::testing::distance_after(opt, p, 500)) BOOST_TEST(std::abs(e) < 1e-8);
}

BOOST_AUTO_TEST_CASE(bad_options) {
  Tensor p = parameter({1});
  auto make = [&](optim::SGDOptions o) { return error_of([&] { optim::SGD({p}, o); }); };
  BOOST_TEST(make(optim::SGDOptions(-0.1)) == "SGD: lr must be finite and >= 0, got -0.1");
  BOOST_TEST(make(optim::SGDOptions(0.1).momentum(-1)) == "SGD: momentum must be finite and >= 0, got -1");
  BOOST_TEST(make(optim::SGDOptions(0.1).weight_decay(-1)) ==
             "SGD: weight_decay must be finite and >= 0, got -1");
  BOOST_TEST(make(optim::SGDOptions(0.1).nesterov(true)) ==
             "SGD: nesterov needs momentum > 0 and dampening = 0");
  BOOST_TEST(make(optim::SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true)) ==
             "SGD: nesterov needs momentum > 0 and dampening = 0");
  BOOST_TEST(make(optim::SGDOptions(std::nan(""))) == "SGD: lr must be finite and >= 0, got nan");
}

BOOST_AUTO_TEST_SUITE_END()
