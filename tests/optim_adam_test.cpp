// SPDX-License-Identifier: MIT
// Adam, AMSGrad and AdamW: three steps each against the update written out
// by hand (gradients that change every step, so the running means and bias
// corrections show), a quadratic to minimise, and bad options refused.
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

BOOST_AUTO_TEST_SUITE(optim_adam_test)

BOOST_AUTO_TEST_CASE(three_steps_by_hand) {
  Tensor p = parameter({1, -1});
  optim::Adam opt({p}, optim::AdamOptions(0.1));  // betas 0.9, 0.999; eps 1e-8
  const double eps = 1e-8;
  // Element 0 gets g = 0.5, -1, 2; element 1 gets g = 0.1 each time.
  // Step 1: m = 0.1 g, v = 0.001 g^2; corrections 0.1 and 0.001 give back
  // m_hat = g and v_hat = g^2, so the first step is lr * g / (|g| + eps).
  give_grad(p, {0.5, 0.1});
  opt.step();
  double p0 = 1 - 0.1 * 0.5 / (0.5 + eps), q0 = -1 - 0.1 * 0.1 / (0.1 + eps);
  check_close(p.to_vector(), {p0, q0});
  // Step 2: g = -1 for element 0.
  //   m = 0.9 * 0.05 + 0.1 * -1 = -0.055
  //   v = 0.999 * 0.00025 + 0.001 * 1 = 0.00124975
  //   corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999
  give_grad(p, {-1, 0.1});
  opt.step();
  p0 -= 0.1 * (-0.055 / 0.19) / (std::sqrt(0.00124975 / 0.001999) + eps);
  // element 1: a constant gradient keeps m_hat = g and v_hat = g^2 exactly
  q0 -= 0.1 * 0.1 / (0.1 + eps);
  check_close(p.to_vector(), {p0, q0});
  // Step 3: g = 2.
  //   m = 0.9 * -0.055 + 0.1 * 2 = 0.1505
  //   v = 0.999 * 0.00124975 + 0.001 * 4 = 0.00524850025
  //   corrections 1 - 0.9^3 = 0.271 and 1 - 0.999^3 = 0.002997001
  give_grad(p, {2, 0.1});
  opt.step();
  p0 -= 0.1 * (0.1505 / 0.271) / (std::sqrt(0.00524850025 / 0.002997001) + eps);
  q0 -= 0.1 * 0.1 / (0.1 + eps);
  check_close(p.to_vector(), {p0, q0});
  auto state = opt.named_state();
  BOOST_TEST(state.size() == 4u);  // lr, 0.step, 0.exp_avg, 0.exp_avg_sq
  BOOST_TEST(state[1].second.item() == 3.0);
  check_close(state[2].second.to_vector(), {0.1505, 0.1 * (1 - std::pow(0.9, 3))});
  check_close(state[3].second.to_vector(), {0.00524850025, 0.01 * (1 - std::pow(0.999, 3))});
}

BOOST_AUTO_TEST_CASE(weight_decay_is_added_to_the_gradient) {
  Tensor p = parameter({2});
  optim::Adam opt({p}, optim::AdamOptions(0.1).betas({0.5, 0.75}).eps(0.01).weight_decay(0.5));
  // g = 1 always; the gradient seen is d = 1 + 0.5 p.
  // Step 1: d = 2, m = 1, v = 1; m_hat = 1 / 0.5 = 2, v_hat = 1 / 0.25 = 4
  //   p = 2 - 0.1 * 2 / (2 + 0.01) = 1.90049751...
  give_grad(p, {1});
  opt.step();
  double p1 = 2 - 0.1 * 2 / (2 + 0.01);
  check_close(p.to_vector(), {p1});
  // Step 2: d = 1 + 0.5 p1, m = 0.5 + 0.5 d, v = 0.75 + 0.25 d^2,
  //   corrections 0.75 and 0.4375
  give_grad(p, {1});
  opt.step();
  double d = 1 + 0.5 * p1, m = 0.5 * 1 + 0.5 * d, v = 0.75 * 1 + 0.25 * d * d;
  double p2 = p1 - 0.1 * (m / 0.75) / (std::sqrt(v / 0.4375) + 0.01);
  check_close(p.to_vector(), {p2});
  // Step 3, corrections 0.875 and 1 - 0.75^3 = 0.578125
  give_grad(p, {1});
  opt.step();
  d = 1 + 0.5 * p2;
  m = 0.5 * m + 0.5 * d;
  v = 0.75 * v + 0.25 * d * d;
  check_close(p.to_vector(), {p2 - 0.1 * (m / 0.875) / (std::sqrt(v / 0.578125) + 0.01)});
}

BOOST_AUTO_TEST_CASE(amsgrad_keeps_the_largest_second_moment) {
  Tensor p = parameter({0});
  optim::Adam opt({p}, optim::AdamOptions(0.1).betas({0.5, 0.5}).eps(0).amsgrad(true));
  // g = 1, then 0.1, then 0.1: v falls (0.5, 0.255, 0.1325) but v_max stays 0.5.
  // Step 1: m = 0.5, m_hat = 1; v = v_max = 0.5, v_hat = 1: p = -0.1
  give_grad(p, {1});
  opt.step();
  check_close(p.to_vector(), {-0.1});
  // Step 2: m = 0.25 + 0.05 = 0.3, m_hat = 0.3 / 0.75 = 0.4
  //   v = 0.25 + 0.005 = 0.255 < v_max = 0.5, v_hat = 0.5 / 0.75
  give_grad(p, {0.1});
  opt.step();
  double p2 = -0.1 - 0.1 * 0.4 / std::sqrt(0.5 / 0.75);
  check_close(p.to_vector(), {p2});
  // Step 3: m = 0.15 + 0.05 = 0.2, m_hat = 0.2 / 0.875; v_hat = 0.5 / 0.875
  give_grad(p, {0.1});
  opt.step();
  check_close(p.to_vector(), {p2 - 0.1 * (0.2 / 0.875) / std::sqrt(0.5 / 0.875)});
  auto state = opt.named_state();
  BOOST_TEST(state.back().first == "0.max_exp_avg_sq");
  check_close(state.back().second.to_vector(), {0.5});
  check_close(state[3].second.to_vector(), {0.1325});  // exp_avg_sq itself did fall
}

BOOST_AUTO_TEST_CASE(adamw_decays_the_parameter_itself) {
  Tensor p = parameter({2});
  optim::AdamW opt({p}, optim::AdamWOptions(0.1).betas({0.5, 0.75}).eps(0.01).weight_decay(0.5));
  // Each step first p *= 1 - 0.1 * 0.5 = 0.95, then Adam on g = 1 alone,
  // whose m_hat = 1 and v_hat = 1 for a constant gradient: p -= 0.1 / 1.01.
  double p_expected = 2;
  for (int step = 0; step < 3; ++step) {
    give_grad(p, {1});
    opt.step();
    p_expected = p_expected * 0.95 - 0.1 / 1.01;
    check_close(p.to_vector(), {p_expected});  // 1.80099..., 1.61193..., 1.43232...
  }
}

BOOST_AUTO_TEST_CASE(weight_decay_defaults_differ) {
  // With lr 0.5 and wd unset: AdamW shrinks p by 1 - 0.5 * 0.01 first; Adam
  // (no L2 by default) takes the bare step lr * g / (|g| + eps).
  Tensor a = parameter({2}), w = parameter({2});
  optim::Adam adam({a}, optim::AdamOptions(0.5));
  optim::AdamW adamw({w}, optim::AdamWOptions(0.5));
  give_grad(a, {1});
  give_grad(w, {1});
  adam.step();
  adamw.step();
  check_close(a.to_vector(), {2 - 0.5 / (1 + 1e-8)});
  check_close(w.to_vector(), {2 * 0.995 - 0.5 / (1 + 1e-8)});
}

BOOST_AUTO_TEST_CASE(minimises_a_quadratic) {
  Tensor p = parameter({5, -3, 0.5});
  optim::Adam opt({p}, optim::AdamOptions(0.1));
  for (double e : gl::testing::distance_after(opt, p, 2000)) BOOST_TEST(std::abs(e) < 1e-6);
}

BOOST_AUTO_TEST_CASE(bad_options) {
  Tensor p = parameter({1});
  auto adam = [&](optim::AdamOptions o) { return error_of([&] { optim::Adam({p}, o); }); };
  BOOST_TEST(adam(optim::AdamOptions(-1)) == "Adam: lr must be finite and >= 0, got -1");
  BOOST_TEST(adam(optim::AdamOptions().betas({1.0, 0.999})) ==
             "Adam: betas[0] must be in [0, 1), got 1");
  BOOST_TEST(adam(optim::AdamOptions().betas({0.9, -0.1})) ==
             "Adam: betas[1] must be in [0, 1), got -0.1");
  BOOST_TEST(adam(optim::AdamOptions().eps(-1e-8)) == "Adam: eps must be finite and >= 0, got -1e-08");
  BOOST_TEST(adam(optim::AdamOptions().weight_decay(-1)) ==
             "Adam: weight_decay must be finite and >= 0, got -1");
  BOOST_TEST(error_of([&] { optim::AdamW({p}, optim::AdamWOptions().betas({0.9, 1.5})); }) ==
             "AdamW: betas[1] must be in [0, 1), got 1.5");
}

BOOST_AUTO_TEST_SUITE_END()
