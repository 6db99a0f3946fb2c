// SPDX-License-Identifier: MIT
// RMSprop: three steps of the plain, momentum, centered and weight-decay
// variants against the update written out by hand, a quadratic to minimise,
// and bad options refused.
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

BOOST_AUTO_TEST_SUITE(optim_rmsprop_test)

BOOST_AUTO_TEST_CASE(plain_with_eps_outside_the_root) {
  Tensor p = parameter({1});
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).alpha(0.5).eps(0.1));
  // g = 1, 0.5, 2; v = 0.5 v + 0.5 g^2 = 0.5, 0.375, 2.1875
  double expected = 1;
  const double g[] = {1, 0.5, 2}, v[] = {0.5, 0.375, 2.1875};
  for (int t = 0; t < 3; ++t) {
    give_grad(p, {g[t]});
    opt.step();
    expected -= 0.1 * g[t] / (std::sqrt(v[t]) + 0.1);
    check_close(p.to_vector(), {expected});
  }
  check_close(opt.named_state()[2].second.to_vector(), {2.1875});  // "0.square_avg"
}

BOOST_AUTO_TEST_CASE(momentum) {
  Tensor p = parameter({1});
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).alpha(0.5).eps(0).momentum(0.9));
  // g = 1: v = 0.5, 0.75, 0.875; b starts at 0: b = 0.9 b + 1 / sqrt(v)
  double b1 = 1 / std::sqrt(0.5), b2 = 0.9 * b1 + 1 / std::sqrt(0.75),
         b3 = 0.9 * b2 + 1 / std::sqrt(0.875);
  double expected = 1;
  for (double b : {b1, b2, b3}) {
    give_grad(p, {1});
    opt.step();
    expected -= 0.1 * b;
    check_close(p.to_vector(), {expected});
  }
}

BOOST_AUTO_TEST_CASE(centered_divides_by_the_variance) {
  Tensor p = parameter({1});
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).alpha(0.5).eps(0.1).centered(true));
  // g = 1, -1, 2
  //   v = 0.5,   g_avg = 0.5,    v~ = 0.5 - 0.25 = 0.25
  //   v = 0.75,  g_avg = -0.25,  v~ = 0.75 - 0.0625 = 0.6875
  //   v = 2.375, g_avg = 0.875,  v~ = 2.375 - 0.765625 = 1.609375
  const double g[] = {1, -1, 2}, var[] = {0.25, 0.6875, 1.609375};
  double expected = 1;
  for (int t = 0; t < 3; ++t) {
    give_grad(p, {g[t]});
    opt.step();
    expected -= 0.1 * g[t] / (std::sqrt(var[t]) + 0.1);
    check_close(p.to_vector(), {expected});
  }
  auto state = opt.named_state();
  BOOST_TEST(state.back().first == "0.grad_avg");
  check_close(state.back().second.to_vector(), {0.875});
}

BOOST_AUTO_TEST_CASE(weight_decay_and_all_buffers) {
  Tensor p = parameter({2});
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).alpha(0.5).eps(0).weight_decay(0.5)
                              .momentum(0.5).centered(true));
  // d = 1 + 0.5 p; v, g_avg and b by the rule in rmsprop.hpp.
  double x = 2, v = 0, ga = 0, b = 0;
  for (int t = 0; t < 3; ++t) {
    give_grad(p, {1});
    opt.step();
    double d = 1 + 0.5 * x;
    v = 0.5 * v + 0.5 * d * d;
    ga = 0.5 * ga + 0.5 * d;
    b = 0.5 * b + d / std::sqrt(v - ga * ga);
    x -= 0.1 * b;
    check_close(p.to_vector(), {x});
  }
  // Step 1 in numbers: d = 2, v = 2, g_avg = 1, b = 2 / 1 = 2, p = 1.8.
  auto state = opt.named_state();
  BOOST_TEST(state.size() == 5u);
  BOOST_TEST(state[2].first == "0.square_avg");
  BOOST_TEST(state[3].first == "0.momentum_buffer");
  BOOST_TEST(state[4].first == "0.grad_avg");
}

BOOST_AUTO_TEST_CASE(minimises_a_quadratic) {
  Tensor p = parameter({5, -3, 0.5});
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.01).momentum(0.5));
  for (double e : gl::testing::distance_after(opt, p, 3000)) BOOST_TEST(std::abs(e) < 1e-3);
}

BOOST_AUTO_TEST_CASE(bad_options) {
  Tensor p = parameter({1});
  auto make = [&](optim::RMSpropOptions o) { return error_of([&] { optim::RMSprop({p}, o); }); };
  BOOST_TEST(make(optim::RMSpropOptions(-1)) == "RMSprop: lr must be finite and >= 0, got -1");
  BOOST_TEST(make(optim::RMSpropOptions().alpha(-0.5)) == "RMSprop: alpha must be finite and >= 0, got -0.5");
  BOOST_TEST(make(optim::RMSpropOptions().eps(-1)) == "RMSprop: eps must be finite and >= 0, got -1");
  BOOST_TEST(make(optim::RMSpropOptions().momentum(-1)) ==
             "RMSprop: momentum must be finite and >= 0, got -1");
  BOOST_TEST(make(optim::RMSpropOptions().weight_decay(-1)) ==
             "RMSprop: weight_decay must be finite and >= 0, got -1");
}

BOOST_AUTO_TEST_SUITE_END()
