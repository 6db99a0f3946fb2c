// SPDX-License-Identifier: MIT
// Batch normalisation (src/nn/batch_norm.cpp): forward, gradients and running
// statistics against PyTorch 1.13's BatchNorm1d (tests/fixtures/
// make_batch_norm.py), gradients against finite differences, the modes and
// options, printing, and the errors.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

namespace {

void same(const Tensor& a, const Tensor& b) {
  BOOST_TEST(a.shape() == b.shape());
  BOOST_TEST(a.to_vector() == b.to_vector(),
             boost::test_tools::tolerance(1e-10) << boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_batch_norm_test)

BOOST_AUTO_TEST_CASE(batch_norm_1d_computes_what_pytorch_computes) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/batch_norm.txt");
  for (std::string c : {"2d", "3d"}) {
    BOOST_TEST_CONTEXT("input " << c) {
      gl::nn::BatchNorm1d bn(3, 1e-5, 0.25);
      bn.weight.data() = f[c + "_weight"].data();
      bn.bias.data() = f[c + "_bias"].data();
      Tensor x1 = f[c + "_x1"].detach().requires_grad_(), g = f[c + "_g"];
      Tensor y = bn(x1);  // training: the batch's statistics
      same(y, f[c + "_train_y"]);
      (y * g).sum().backward();
      same(x1.grad(), f[c + "_train_dx"]);
      same(bn.weight.grad(), f[c + "_train_dweight"]);
      same(bn.bias.grad(), f[c + "_train_dbias"]);
      bn(f[c + "_x2"]);  // two batches: the running statistics moved twice
      same(bn.running_mean, f[c + "_running_mean"]);
      same(bn.running_var, f[c + "_running_var"]);  // with the unbiased variance
      BOOST_TEST(bn.num_batches_tracked.item() == 2.0);
      bn.eval();
      x1.zero_grad();
      bn.weight.zero_grad();
      Tensor z = bn(x1);  // evaluation: the running statistics
      same(z, f[c + "_eval_y"]);
      (z * g).sum().backward();
      same(x1.grad(), f[c + "_eval_dx"]);
      same(bn.weight.grad(), f[c + "_eval_dweight"]);
      BOOST_TEST(bn.num_batches_tracked.item() == 2.0);  // eval leaves the statistics alone
      same(bn.running_mean, f[c + "_running_mean"]);
    }
  }
}

BOOST_AUTO_TEST_CASE(batch_norm_2d_computes_what_pytorch_computes) {
  // tests/fixtures/make_libtorch_port.py: BatchNorm2d(4, momentum=0.2) on (3, 4, 2, 3).
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/libtorch_port.txt");
  gl::nn::BatchNorm2d bn(gl::nn::BatchNorm2dOptions(4).momentum(0.2));
  bn.weight.data() = f["bn2d_weight"].data();
  bn.bias.data() = f["bn2d_bias"].data();
  Tensor x1 = f["bn2d_x1"].detach().requires_grad_();
  Tensor y = bn(x1);
  same(y, f["bn2d_train_y"]);
  (y * f["bn2d_g"]).sum().backward();
  same(x1.grad(), f["bn2d_train_dx"]);
  same(bn.weight.grad(), f["bn2d_train_dweight"]);
  same(bn.bias.grad(), f["bn2d_train_dbias"]);
  bn(f["bn2d_x2"]);
  same(bn.running_mean, f["bn2d_running_mean"]);
  same(bn.running_var, f["bn2d_running_var"]);
  bn.eval();
  same(bn(x1), f["bn2d_eval_y"]);
  gl::manual_seed(12);
  check("BatchNorm2d training", [&bn](auto& t) {
    bn.train();
    return weigh(gl::nn::functional::batch_norm(t[0], {}, {}, t[1], t[2], true));
  }, {gl::randn({2, 3, 2, 2}), gl::randn({3}), gl::randn({3})});
  std::ostringstream printed;
  printed << gl::nn::BatchNorm2d(128);
  BOOST_TEST(printed.str() == "BatchNorm2d(128, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  BOOST_TEST(error_of([&] { bn(gl::ones({4, 4})); }) ==
             "BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape [4, 4]");
  BOOST_TEST(bn.named_buffers().size() == 3u);  // saved and loaded with the parameters (save_load_test)
}

BOOST_AUTO_TEST_CASE(batch_norm_gradients_against_finite_differences) {
  gl::manual_seed(11);
  Tensor x = gl::randn({5, 4}) * 2.0 + 1.0, w = gl::randn({4}), b = gl::randn({4});
  Tensor rm = gl::randn({4}), rv = gl::rand({4}) + 0.5;
  // Training: every output depends on every input of its channel.
  check("batch_norm training", [](auto& t) { return weigh(F::batch_norm(t[0], {}, {}, t[1], t[2], true)); },
        {x, w, b});
  check("batch_norm (N, C, L)", [](auto& t) { return weigh(F::batch_norm(t[0], {}, {}, t[1], t[2], true)); },
        {gl::randn({3, 4, 2}), w, b});
  check("batch_norm eval", [rm, rv](auto& t) { return weigh(F::batch_norm(t[0], rm, rv, t[1], t[2], false)); },
        {x, w, b});
  check("batch_norm no affine", [](auto& t) { return weigh(F::batch_norm(t[0], {}, {}, {}, {}, true)); }, {x});
}

BOOST_AUTO_TEST_CASE(normalises_each_channel_to_mean_0_and_variance_1) {
  gl::manual_seed(2);
  gl::nn::BatchNorm1d bn(6);
  Tensor x = gl::randn({64, 6}) * 5.0 + 3.0;
  Tensor y = bn(x);
  // Named, so that the numbers live through the loops.
  Tensor means = y.mean(0), variances = gl::var(y, 0, false);
  for (double m : means.data()) BOOST_TEST(std::abs(m) < 1e-12);
  for (double v : variances.data()) BOOST_TEST(v == 1.0, boost::test_tools::tolerance(1e-5));
  // Without running statistics, evaluation normalises by the batch too.
  gl::nn::BatchNorm1d plain(6, 1e-5, 0.1, /*affine=*/false, /*track_running_stats=*/false);
  plain.eval();
  same(plain(x), y);
  BOOST_TEST(plain.parameters().empty());
  BOOST_TEST(plain.named_buffers().empty());
  // Momentum 1: the running statistics are the last batch's (variance unbiased).
  gl::nn::BatchNorm1d last(6, 1e-5, 1.0);
  last(x);
  same(last.running_mean, x.mean(0));
  same(last.running_var, gl::var(x, 0));
}

BOOST_AUTO_TEST_CASE(buffers_parameters_and_printing) {
  gl::nn::Sequential net(gl::nn::Linear(3, 4), gl::nn::BatchNorm1d(4), gl::nn::Tanh());
  auto buffers = net.named_buffers();
  BOOST_TEST(buffers.size() == 3u);
  BOOST_TEST(buffers[0].first == "1.running_mean");
  BOOST_TEST(buffers[1].first == "1.running_var");
  BOOST_TEST(buffers[2].first == "1.num_batches_tracked");
  BOOST_TEST((buffers[1].second.to_vector() == std::vector<double>(4, 1.0)));
  BOOST_TEST(net.named_parameters()[2].first == "1.weight");
  BOOST_TEST(net.num_parameters() == 3 * 4 + 4 + 4 + 4);
  net(gl::randn({5, 3}));
  BOOST_TEST(buffers[2].second.item() == 1.0);  // the same tensors the layer updates
  std::ostringstream a, b;
  a << gl::nn::BatchNorm1d(200);
  b << gl::nn::BatchNorm1d(7, 1e-3, 0.5, false, false);
  BOOST_TEST(a.str() == "BatchNorm1d(200, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  BOOST_TEST(b.str() == "BatchNorm1d(7, eps=0.001, momentum=0.5, affine=False, track_running_stats=False)");
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer_and_the_shapes) {
  gl::nn::BatchNorm1d bn(3);
  BOOST_TEST(error_of([&] { bn(gl::ones({4, 5})); }) ==
             "BatchNorm1d: expected 3 channels (dim 1), got input of shape [4, 5]");
  BOOST_TEST(error_of([&] { bn(gl::ones({4, 3, 2, 2})); }) ==
             "BatchNorm1d: expected a 2-d (N, C) or 3-d (N, C, L) input, got shape [4, 3, 2, 2]");
  BOOST_TEST(error_of([&] { bn(gl::ones({1, 3})); }) ==
             "batch_norm: expected more than 1 value per channel when training, got input of shape [1, 3]");
  bn.eval();
  BOOST_TEST(bn(gl::ones({1, 3})).shape() == (gl::Shape{1, 3}));  // one example is fine in eval
  BOOST_TEST(error_of([] { gl::nn::BatchNorm1d(0); }) == "BatchNorm1d: num_features must be at least 1, got 0");
  BOOST_TEST(error_of([] { gl::nn::BatchNorm1d(3, 0.0); }) == "BatchNorm1d: eps must be > 0, got 0");
  BOOST_TEST(error_of([] { gl::nn::BatchNorm1d(3, 1e-5, 1.5); }) ==
             "BatchNorm1d: momentum must be in [0, 1], got 1.5");
  BOOST_TEST(error_of([] { F::batch_norm(gl::ones({4, 3}), gl::zeros({2}), gl::ones({3})); }) ==
             "batch_norm: running_mean has shape [2], expected [3] (one number per channel)");
  BOOST_TEST(error_of([] { F::batch_norm(gl::ones({4}), {}, {}); }) ==
             "batch_norm: expected an input (N, C) or (N, C, *), got shape [4]");
  BOOST_TEST(error_of([] { F::batch_norm(gl::ones({4, 3}), gl::zeros({3}), {}); }) ==
             "batch_norm: give both running_mean and running_var, or neither");
}

BOOST_AUTO_TEST_SUITE_END()
