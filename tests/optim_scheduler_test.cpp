// SPDX-License-Identifier: MIT
// The schedulers' learning-rate sequences against their closed forms and a
// few values worked out by hand; the optimizer's lr follows; bad arguments.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>

#include <gradlab/optim.hpp>

#include "optim_helpers.hpp"
#include "test_helpers.hpp"

namespace gl = gradlab;
namespace optim = gradlab::optim;
using gl::Tensor;
using gl::testing::error_of;
using gl::testing::parameter;

namespace {
// lr after each of `epochs` scheduler steps; checks the optimizer agrees.
std::vector<double> sequence(optim::LRScheduler& s, const optim::Optimizer& opt, int epochs) {
  std::vector<double> out;
  for (int t = 1; t <= epochs; ++t) {
    s.step();
    BOOST_TEST(s.get_last_lr() == opt.lr());
    BOOST_TEST(s.last_epoch() == t);
    out.push_back(s.get_last_lr());
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(optim_scheduler_test)

BOOST_AUTO_TEST_CASE(step_lr) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(1.0));
  optim::StepLR s(opt, 3, 0.5);
  BOOST_TEST(s.get_last_lr() == 1.0);  // before any step: the optimizer's lr
  // epochs 1..7: floor(t / 3) = 0 0 1 1 1 2 2
  auto lrs = sequence(s, opt, 7);
  BOOST_TEST((lrs == std::vector<double>{1, 1, 0.5, 0.5, 0.5, 0.25, 0.25}));
}

BOOST_AUTO_TEST_CASE(exponential_lr) {
  Tensor p = parameter({1});
  optim::Adam opt({p}, optim::AdamOptions(0.1));
  optim::ExponentialLR s(opt, 0.9);
  auto lrs = sequence(s, opt, 20);
  for (int t = 1; t <= 20; ++t) BOOST_TEST(lrs[t - 1] == 0.1 * std::pow(0.9, t));
  BOOST_TEST(std::abs(lrs[1] - 0.081) < 1e-15);  // 0.1 * 0.9 * 0.9
}

BOOST_AUTO_TEST_CASE(cosine_annealing_lr) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(1.0));
  optim::CosineAnnealingLR s(opt, 4, 0.2);
  auto lrs = sequence(s, opt, 8);
  // eta_min + (1 - eta_min)(1 + cos(pi t / 4)) / 2 with eta_min = 0.2:
  // t = 2 is halfway (0.6), t = 4 the bottom (0.2), t = 8 back at the top (1).
  BOOST_TEST(std::abs(lrs[0] - (0.2 + 0.8 * (1 + std::sqrt(0.5)) / 2)) < 1e-15);
  BOOST_TEST(std::abs(lrs[1] - 0.6) < 1e-15);
  BOOST_TEST(std::abs(lrs[3] - 0.2) < 1e-15);
  BOOST_TEST(std::abs(lrs[7] - 1.0) < 1e-15);
  for (int t = 1; t <= 8; ++t)
    BOOST_TEST(std::abs(lrs[t - 1] - (0.2 + 0.8 * (1 + std::cos(std::numbers::pi * t / 4)) / 2)) <
               1e-15);
}

BOOST_AUTO_TEST_CASE(the_schedule_reaches_the_update) {
  Tensor p = parameter({0});
  optim::GD opt({p}, optim::GDOptions(1.0));
  optim::StepLR s(opt, 1, 0.5);
  for (int epoch = 0; epoch < 3; ++epoch) {
    gl::testing::give_grad(p, {1});
    opt.step();  // lr 1, 0.5, 0.25
    s.step();
  }
  BOOST_TEST(p.to_vector()[0] == -1.75);
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(1.0));
  BOOST_TEST(error_of([&] { optim::StepLR(opt, 0); }) == "StepLR: step_size must be > 0, got 0");
  BOOST_TEST(error_of([&] { optim::CosineAnnealingLR(opt, 0); }) ==
             "CosineAnnealingLR: T_max must be > 0, got 0");
  BOOST_TEST(error_of([&] { optim::CosineAnnealingLR(opt, 10, -1); }) ==
             "CosineAnnealingLR: eta_min must be finite and >= 0, got -1");
  BOOST_TEST(error_of([&] { optim::ExponentialLR(opt, -0.5); }) ==
             "ExponentialLR: gamma must be finite and >= 0, got -0.5");
}

BOOST_AUTO_TEST_CASE(non_finite_numbers_are_refused_like_negative_ones) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(1.0));
  BOOST_TEST(error_of([&] { optim::ExponentialLR(opt, INFINITY); }) ==
             "ExponentialLR: gamma must be finite and >= 0, got inf");
  BOOST_TEST(error_of([&] { optim::StepLR(opt, 2, std::nan("")); }) ==
             "StepLR: gamma must be finite and >= 0, got nan");
  BOOST_TEST(error_of([&] { optim::CosineAnnealingLR(opt, 10, INFINITY); }) ==
             "CosineAnnealingLR: eta_min must be finite and >= 0, got inf");
  // A checkpointed base lr of infinity is refused, and nothing changes.
  optim::ExponentialLR s(opt, 0.5);
  BOOST_TEST(error_of([&] {
               s.load_named_state({{"base_lr", gl::full({1}, INFINITY)}, {"last_epoch", gl::zeros({1})}});
             }) == "scheduler state needs a finite base_lr >= 0 and a whole last_epoch >= 0");
  BOOST_TEST(s.last_epoch() == 0);
}

BOOST_AUTO_TEST_CASE(a_refused_step_keeps_the_epoch) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(1.0));
  optim::ExponentialLR s(opt, 1e300);
  s.step();  // lr 1e300: still a number
  BOOST_TEST(opt.lr() == 1e300);
  // The next lr, 1e600, is infinity: the optimizer refuses it, and the
  // scheduler stays at epoch 1 with its last lr.
  BOOST_TEST(error_of([&] { s.step(); }) == "SGD: lr must be finite and >= 0, got inf");
  BOOST_TEST(s.last_epoch() == 1);
  BOOST_TEST(s.get_last_lr() == 1e300);
  BOOST_TEST(opt.lr() == 1e300);
}

BOOST_AUTO_TEST_SUITE_END()
