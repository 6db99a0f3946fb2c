// SPDX-License-Identifier: MIT
// What every optimizer shares: parameters without a gradient are skipped,
// zero_grad, the learning rate, the checks on the parameter list, and
// gradient-norm clipping. (Named state is tested with checkpoints.)
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

BOOST_AUTO_TEST_SUITE(optim_optimizer_test)

BOOST_AUTO_TEST_CASE(parameters_without_gradient_are_skipped) {
  Tensor a = parameter({1}), b = parameter({2});
  optim::SGD opt({a, b}, optim::SGDOptions(0.1).momentum(0.9));
  give_grad(a, {1});  // backward never reaches b
  opt.step();
  check_close(a.to_vector(), {0.9});
  BOOST_TEST(b.to_vector()[0] == 2.0);
  auto state = opt.named_state();  // lr, 0.step, 0.momentum_buffer: nothing for b
  BOOST_TEST(state.size() == 3u);
  BOOST_TEST(state[1].first == "0.step");
  BOOST_TEST(state[2].first == "0.momentum_buffer");
  // zero_grad keeps the (zero) gradient, so momentum still carries a
  opt.zero_grad();
  opt.step();
  check_close(a.to_vector(), {0.81});  // b = 0.9 * 1 + 0, p = 0.9 - 0.09
}

BOOST_AUTO_TEST_CASE(lr_can_be_changed) {
  Tensor p = parameter({1});
  optim::SGD opt({p}, optim::SGDOptions(0.1));
  opt.set_lr(0.5);
  BOOST_TEST(opt.lr() == 0.5);
  give_grad(p, {1});
  opt.step();
  BOOST_TEST(p.to_vector()[0] == 0.5);
  BOOST_TEST(error_of([&] { opt.set_lr(-1); }) == "SGD: lr must be finite and >= 0, got -1");
}

BOOST_AUTO_TEST_CASE(parameters_must_be_distinct_leaves_that_require_grad) {
  Tensor p = parameter({1});
  BOOST_TEST(error_of([] { optim::GD({gl::tensor({1.0})}, optim::GDOptions(0.1)); }) ==
             "GD: parameter 0 (shape [1]) does not require grad; call requires_grad_() on it");
  BOOST_TEST(error_of([&] { optim::GD({p, p * 2}, optim::GDOptions(0.1)); }) ==
             "GD: parameter 1 (shape [1]) is the result of an op, not a leaf; optimize the "
             "tensor you created (or detach() it)");
  BOOST_TEST(error_of([&] { optim::GD({p, p}, optim::GDOptions(0.1)); }) ==
             "GD: parameter 1 (shape [1]) appears twice in the parameter list");
  BOOST_TEST(error_of([] { optim::GD({}, optim::GDOptions(0.1)); }) ==
             "GD: got an empty parameter list");
}

BOOST_AUTO_TEST_CASE(clip_grad_norm) {
  Tensor a = parameter({3, 0}), b = parameter({4}), c = parameter({7});
  give_grad(a, {3, 0});
  give_grad(b, {4});  // c has no gradient and is left out
  // total norm sqrt(9 + 16) = 5 > 1: scaled by 1 / (5 + 1e-6)
  BOOST_TEST(optim::clip_grad_norm_({a, b, c}, 1.0) == 5.0);
  double scale = 1.0 / (5.0 + 1e-6);
  check_close(a.grad().to_vector(), {3 * scale, 0});
  check_close(b.grad().to_vector(), {4 * scale});
  BOOST_TEST(c.node()->grad.empty());
  // Under the limit nothing changes.
  give_grad(a, {0.3, 0.4});
  BOOST_TEST(optim::clip_grad_norm_({a}, 1.0) == 0.5);
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{0.3, 0.4}));
  BOOST_TEST(error_of([&] { optim::clip_grad_norm_({a}, -1); }) ==
             "clip_grad_norm_: max_norm must be >= 0, got -1");
}

BOOST_AUTO_TEST_CASE(non_finite_learning_rates_are_refused) {
  Tensor p = parameter({1});
  BOOST_TEST(error_of([&] { optim::SGD({p}, optim::SGDOptions(INFINITY)); }) ==
             "SGD: lr must be finite and >= 0, got inf");
  BOOST_TEST(error_of([&] { optim::SGD({p}, optim::SGDOptions(0.1).momentum(INFINITY)); }) ==
             "SGD: momentum must be finite and >= 0, got inf");
  optim::SGD opt({p}, optim::SGDOptions(0.1));
  BOOST_TEST(error_of([&] { opt.set_lr(-INFINITY); }) == "SGD: lr must be finite and >= 0, got -inf");
  // A checkpointed lr of infinity, likewise, and the lr stays.
  BOOST_TEST(error_of([&] { opt.load_named_state({{"lr", gl::full({1}, INFINITY)}}); }) ==
             "SGD: load_named_state: 'lr' must be a finite learning rate >= 0, got inf");
  BOOST_TEST(opt.lr() == 0.1);
}

BOOST_AUTO_TEST_CASE(a_resized_parameter_is_refused_before_any_update) {
  Tensor a = parameter({1, 2}), b = parameter({3, 4, 5});
  optim::Adam opt({a, b}, optim::AdamOptions(0.1));
  give_grad(a, {1, 1});
  give_grad(b, {1, 1, 1});
  opt.step();
  const std::vector<double> a_before = a.to_vector();
  b.data().resize(2);  // the user shrinks the numbers behind b's shape [3]
  give_grad(a, {1, 1});
  BOOST_TEST(error_of<std::logic_error>([&] { opt.step(); }) ==
             "Adam: step: parameter 1 has shape [3] (3 numbers) but holds 2 numbers and a gradient of 3; "
             "its data was resized after it was given to the optimizer (change a parameter's numbers, "
             "never their count)");
  BOOST_TEST(a.to_vector() == a_before);  // refused before anything changed
  b.data().resize(3, 5.0);  // grown back: steps again
  opt.step();
  BOOST_TEST(a.to_vector() != a_before);
  // A parameter resized before its first step (so it has no state yet).
  Tensor c = parameter({1, 2});
  optim::SGD sgd({c}, optim::SGDOptions(0.1));
  give_grad(c, {1, 1});
  c.data().resize(5);
  BOOST_TEST(error_of<std::logic_error>([&] { sgd.step(); }).rfind("SGD: step: parameter 0 has shape [2] (2 numbers) "
                                                                  "but holds 5 numbers", 0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
