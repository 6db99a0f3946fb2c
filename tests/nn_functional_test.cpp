// SPDX-License-Identifier: MIT
// The network ops of nn/functional: forward values worked out by hand, every
// gradient against finite differences, and the errors.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace F = gradlab::nn::functional;
namespace nn = gradlab::nn;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

BOOST_AUTO_TEST_SUITE(nn_functional_test)

BOOST_AUTO_TEST_CASE(linear_is_x_times_w_transposed_plus_b) {
  Tensor x = gl::tensor({{1.0, 2.0}});
  Tensor w = gl::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});
  Tensor b = gl::tensor({0.5, -0.5, 0.0});
  BOOST_TEST((F::linear(x, w, b).to_vector() == std::vector<double>{1.5, 1.5, 3.0}));
  BOOST_TEST((F::linear(x, w).to_vector() == std::vector<double>{1.0, 2.0, 3.0}));
  gl::manual_seed(3);
  Tensor X = gl::randn({4, 3}), W = gl::randn({2, 3}), B = gl::randn({2});
  check("linear", [](auto& t) { return weigh(F::linear(t[0], t[1], t[2])); }, {X, W, B});
  check("linear without bias", [](auto& t) { return weigh(F::linear(t[0], t[1])); }, {X, W});
  // No inputs features at all: x @ w^T is all zeros, and nothing breaks.
  Tensor none = F::linear(gl::zeros({3, 0}).requires_grad_(), gl::zeros({5, 0}).requires_grad_(), gl::ones({5}));
  BOOST_TEST((none.to_vector() == std::vector<double>(15, 1.0)));
  none.sum().backward();
  check("linear on (2, 2, 3)", [](auto& t) { return weigh(F::linear(t[0], t[1], t[2])); },
        {gl::randn({2, 2, 3}), W, B});
  BOOST_TEST(error_of([] { F::linear(gl::ones({2, 3}), gl::ones({4, 5})); }) ==
             "linear: input of shape [2, 3] does not fit weight of shape [4, 5] (expected (..., in) and (out, in))");
  BOOST_TEST(error_of([] { F::linear(gl::ones({2, 3}), gl::ones({4, 3}), gl::ones({3})); }) ==
             "linear: bias of shape [3] does not fit weight of shape [4, 3] (expected [4])");
}

// linear writes a first gradient for x, w and b instead of adding it to a
// zero-filled one: a weight used twice (written by one linear, added to by
// the other), an input that another op reached first, a tensor used as
// both input and weight, gradients adding up across backward calls, and an
// empty batch whose weight gradient must come out as zeros.
BOOST_AUTO_TEST_CASE(linear_gradients_written_or_added) {
  gl::manual_seed(15);
  Tensor X = gl::randn({4, 3}), X2 = gl::randn({5, 3}), W = gl::randn({2, 3}), B = gl::randn({2});
  check("w and b used by two linears", [](auto& t) {
    return weigh(F::linear(t[0], t[2], t[3])) + weigh(F::linear(t[1], t[2], t[3]));
  }, {X, X2, W, B});
  check("x into relu, then linear", [](auto& t) {
    return weigh(gl::relu(t[0])) + weigh(F::linear(t[0], t[1], t[2]));
  }, {X, W, B});
  check("x into linear, then exp", [](auto& t) {
    return weigh(F::linear(t[0], t[1])) + weigh(gl::exp(t[0]));
  }, {X, W});
  check("linear of a tensor with itself", [](auto& t) { return weigh(F::linear(t[0], t[0], t[1])); },
        {gl::randn({3, 3}), gl::randn({3})});
  check("two linears in a row", [](auto& t) {
    return weigh(F::linear(gl::relu(F::linear(t[0], t[1], t[2])), t[3]));
  }, {X, W, B, gl::randn({4, 2})});

  // A leaf's gradient accumulates over backward calls: the second adds.
  Tensor x = X.detach().requires_grad_(), w = W.detach().requires_grad_(), b = B.detach().requires_grad_();
  Tensor y = weigh(F::linear(x, w, b));
  y.backward();
  std::vector<double> dx = x.grad().to_vector(), dw = w.grad().to_vector(), db = b.grad().to_vector();
  y.backward();
  for (std::size_t i = 0; i < dx.size(); ++i) BOOST_TEST(x.grad().to_vector()[i] == 2 * dx[i]);
  for (std::size_t i = 0; i < dw.size(); ++i) BOOST_TEST(w.grad().to_vector()[i] == 2 * dw[i]);
  for (std::size_t i = 0; i < db.size(); ++i) BOOST_TEST(b.grad().to_vector()[i] == 2 * db[i]);

  // An empty batch gives a weight gradient of zeros, even in a reused
  // buffer that still holds another tensor's numbers (64 KiB and up are
  // reused; the dead 7s below are such buffers).
  for (int i = 0; i < 3; ++i) (void)(gl::ones({128, 64}) * 7.0);
  Tensor big = gl::randn({128, 64}).requires_grad_();
  F::linear(gl::zeros({0, 64}), big).sum().backward();
  BOOST_TEST(big.grad().abs().sum().item() == 0.0);
}

BOOST_AUTO_TEST_CASE(conv2d_by_hand_and_by_finite_differences) {
  Tensor x = gl::arange(1, 10).reshape({1, 1, 3, 3});  // 1 2 3 / 4 5 6 / 7 8 9
  Tensor k = gl::ones({1, 1, 2, 2});
  BOOST_TEST((F::conv2d(x, k).to_vector() == std::vector<double>{12, 16, 24, 28}));
  // Padding 1, stride 2: windows at (-1,-1), (-1,1), (1,-1), (1,1) of the padded input.
  BOOST_TEST((F::conv2d(x, k, 2, 1).to_vector() == std::vector<double>{1, 5, 11, 28}));
  BOOST_TEST((F::conv2d(x, k, gl::tensor({0.5}), 1, 0).shape() == gl::Shape{1, 1, 2, 2}));
  gl::manual_seed(4);
  Tensor X = gl::randn({2, 2, 5, 4}), W = gl::randn({3, 2, 3, 2}), B = gl::randn({3});
  check("conv2d", [](auto& t) { return weigh(F::conv2d(t[0], t[1], t[2])); }, {X, W, B});
  check("conv2d stride 2 padding 1", [](auto& t) { return weigh(F::conv2d(t[0], t[1], t[2], 2, 1)); },
        {X, W, B});
  check("conv2d without bias", [](auto& t) { return weigh(F::conv2d(t[0], t[1], 1, 2)); }, {X, W});
  // A weight made trainable after the forward: no columns were kept for it,
  // so it gets no gradient from this graph (and nothing reads past an end).
  Tensor frozen = W.detach();
  Tensor y = F::conv2d(X.detach().requires_grad_(), frozen);
  frozen.requires_grad_();
  y.sum().backward();
  BOOST_TEST(frozen.grad().abs().sum().item() == 0.0);
  BOOST_TEST(error_of([] { F::conv2d(gl::ones({1, 2, 4, 4}), gl::ones({3, 1, 2, 2})); }) ==
             "conv2d: input [1, 2, 4, 4] and weight [3, 1, 2, 2] have different channel counts (2 != 1)");
  BOOST_TEST(error_of([] { F::conv2d(gl::ones({1, 1, 2, 2}), gl::ones({1, 1, 3, 3})); }) ==
             "conv2d: the kernel of input [1, 1, 2, 2] and weight [1, 1, 3, 3] is larger than the padded input");
  BOOST_TEST(error_of([] { F::conv2d(gl::ones({4, 4}), gl::ones({1, 1, 3, 3})); }) ==
             "conv2d: expected (N, C, H, W) input and (F, C, KH, KW) weight, got input [4, 4] and weight [1, 1, 3, 3]");
}

// conv2d works image by image and writes a first gradient for x instead of
// adding it: batches, strides and paddings, a second gradient arriving on
// top of the first, and a convolution of a tensor with itself.
BOOST_AUTO_TEST_CASE(conv2d_image_by_image_and_gradients_written_or_added) {
  gl::manual_seed(14);
  Tensor X = gl::randn({3, 2, 7, 6}), W = gl::randn({4, 2, 3, 3}), B = gl::randn({4});
  check("conv2d batch 3, stride 2, padding 1", [](auto& t) { return weigh(F::conv2d(t[0], t[1], t[2], 2, 1)); },
        {X, W, B});
  check("conv2d stride 3, padding 2", [](auto& t) { return weigh(F::conv2d(t[0], t[1], t[2], 3, 2)); }, {X, W, B});
  // x's gradient first written by one conv, then added to by the other.
  check("x used by two convs", [](auto& t) {
    return weigh(F::conv2d(t[0], t[1], t[2])) + weigh(F::conv2d(t[0], t[1], 2, 1));
  }, {X, W, B});
  // x's gradient arrives after another op's (relu's) wrote it first.
  check("x into relu and conv", [](auto& t) {
    return weigh(gl::relu(t[0])) + weigh(F::conv2d(t[0], t[1]));
  }, {X, W});
  // The same tensor as input and weight: (3, 3, 3, 3) convolved with itself.
  check("conv2d of a tensor with itself", [](auto& t) { return weigh(F::conv2d(t[0], t[0], 1, 1)); },
        {gl::randn({3, 3, 3, 3})});
  // Image by image gives what one image at a time gives.
  Tensor whole = F::conv2d(X, W, B, 2, 1);
  for (std::int64_t n = 0; n < 3; ++n) {
    Tensor alone = F::conv2d(X.slice(0, n, n + 1), W, B, 2, 1);
    BOOST_TEST((alone.to_vector() == whole.slice(0, n, n + 1).to_vector()));
  }
}

BOOST_AUTO_TEST_CASE(max_pool2d_takes_each_window_max) {
  Tensor x = gl::arange(0, 16).reshape({1, 1, 4, 4});
  BOOST_TEST((F::max_pool2d(x, 2).to_vector() == std::vector<double>{5, 7, 13, 15}));
  BOOST_TEST((F::max_pool2d(x, 3, 1).to_vector() == std::vector<double>{10, 11, 14, 15}));
  Tensor with_nan = gl::tensor({1.0, std::nan(""), 3.0, 2.0}, {1, 1, 2, 2});
  BOOST_TEST(std::isnan(F::max_pool2d(with_nan, 2).item()));  // NaN spreads, as in PyTorch
  Tensor xr = x.detach().requires_grad_();
  F::max_pool2d(xr, 2).sum().backward();  // the gradient reaches only the maxima
  std::vector<double> g = xr.grad().to_vector();
  for (int i = 0; i < 16; ++i) BOOST_TEST(g[i] == (i == 5 || i == 7 || i == 13 || i == 15 ? 1.0 : 0.0));
  gl::manual_seed(5);
  check("max_pool2d", [](auto& t) { return weigh(F::max_pool2d(t[0], 2)); }, {gl::randn({2, 3, 5, 4})});
  // The other paths: a 2x2 window at stride 1, a 3x3 window at stride 2.
  check("max_pool2d 2x2 stride 1", [](auto& t) { return weigh(F::max_pool2d(t[0], 2, 1)); }, {gl::randn({2, 2, 5, 4})});
  check("max_pool2d 3x3 stride 2", [](auto& t) { return weigh(F::max_pool2d(t[0], 3, 2)); }, {gl::randn({2, 2, 7, 6})});
  // A NaN deep in a batch: its window gives NaN, every other window its max,
  // on each path (the quick pass notices, and the NaN-aware one redoes it).
  for (auto [kernel, stride] : {std::pair{2, 2}, std::pair{2, 1}, std::pair{3, 2}}) {
    Tensor clean = gl::randn({2, 2, 6, 6});
    std::vector<double> v = clean.to_vector();
    v[72 + 7] = std::nan("");  // image 1, channel 0 (plane 2), row 1, column 1
    Tensor y = F::max_pool2d(gl::tensor(v, {2, 2, 6, 6}), kernel, stride);
    Tensor y_clean = F::max_pool2d(clean, kernel, stride);
    std::vector<double> got = y.to_vector(), want = y_clean.to_vector();
    const std::int64_t side = (6 - kernel) / stride + 1, plane = side * side;
    for (std::int64_t i = 0; i < y.numel(); ++i) {
      const std::int64_t p = i / plane, oh = i % plane / side, ow = i % side;
      const bool covers = p == 2 && oh * stride <= 1 && 1 < oh * stride + kernel && ow * stride <= 1 &&
                          1 < ow * stride + kernel;
      if (covers) BOOST_TEST(std::isnan(got[static_cast<std::size_t>(i)]));
      else BOOST_TEST(got[static_cast<std::size_t>(i)] == want[static_cast<std::size_t>(i)]);
    }
  }
  BOOST_TEST(error_of([] { F::max_pool2d(gl::ones({1, 1, 1, 4}), 2); }) ==
             "max_pool2d: cannot pool input of shape [1, 1, 1, 4] with kernel 2 and stride 2 "
             "(expected (N, C, H, W) with H, W >= kernel)");
}

BOOST_AUTO_TEST_CASE(dropout_zeroes_and_rescales_only_in_training) {
  gl::manual_seed(6);
  Tensor x = gl::ones({1000});
  std::vector<double> y = F::dropout(x, 0.25).to_vector();
  int zeros = 0;
  for (double v : y) {
    BOOST_TEST((v == 0.0 || std::abs(v - 1 / 0.75) < 1e-15));
    zeros += v == 0.0;
  }
  BOOST_TEST((zeros > 200 && zeros < 300));  // about a quarter
  BOOST_TEST((F::dropout(x, 0.25, false).to_vector() == x.to_vector()));
  BOOST_TEST((F::dropout(x, 1.0).to_vector() == std::vector<double>(1000, 0.0)));
  // Channels: every (n, c) plane is all zero or all 2.
  std::vector<double> planes = F::dropout2d(gl::ones({4, 8, 3, 3}), 0.5).to_vector();
  for (std::size_t p = 0; p < 32; ++p)
    for (std::size_t i = 1; i < 9; ++i) BOOST_TEST(planes[p * 9 + i] == planes[p * 9]);
  std::vector<double> rows = F::dropout1d(gl::ones({4, 8, 5}), 0.5).to_vector();
  for (std::size_t p = 0; p < 32; ++p) BOOST_TEST(rows[p * 5 + 4] == rows[p * 5]);
  // The gradient is the mask: the same seed gives the same mask in each call.
  check("dropout", [](auto& t) { gl::manual_seed(9); return weigh(F::dropout(t[0], 0.5)); },
        {gl::randn({3, 4})});
  BOOST_TEST(error_of([] { F::dropout(gl::ones({2}), 1.5); }) == "dropout: p must be in [0, 1], got 1.5");
  BOOST_TEST(error_of([] { F::dropout2d(gl::ones({2}), 0.5); }) ==
             "dropout2d: expected a 3-d or 4-d input, got shape [2]");
}

BOOST_AUTO_TEST_CASE(layer_norm_and_embedding) {
  Tensor y = F::layer_norm(gl::tensor({1.0, 2.0, 3.0}), 1, gl::ones({3}), gl::zeros({3}));
  double s = std::sqrt(2.0 / 3.0 + 1e-5);  // the biased variance of 1, 2, 3 is 2/3
  BOOST_TEST(y.to_vector()[0] == -1 / s, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(y.to_vector()[1] == 0.0);
  gl::manual_seed(7);
  check("layer_norm", [](auto& t) { return weigh(F::layer_norm(t[0], 1, t[1], t[2])); },
        {gl::randn({3, 4}), gl::randn({4}), gl::randn({4})});
  check("layer_norm over 2 dims", [](auto& t) { return weigh(F::layer_norm(t[0], 2, t[1], t[2])); },
        {gl::randn({2, 3, 2}), gl::randn({3, 2}), gl::randn({3, 2})});
  Tensor table = gl::tensor({{0.0, 1.0}, {2.0, 3.0}, {4.0, 5.0}});
  Tensor e = F::embedding(gl::tensor({2, 0, 2, 1}, {2, 2}), table);
  BOOST_TEST((e.shape() == gl::Shape{2, 2, 2}));
  BOOST_TEST((e.to_vector() == std::vector<double>{4, 5, 0, 1, 4, 5, 2, 3}));
  check("embedding", [](auto& t) { return weigh(F::embedding(gl::tensor({2, 0, 2}), t[0])); },
        {gl::randn({3, 2})});
  BOOST_TEST(error_of([] { F::layer_norm(gl::ones({2, 3}), 1, gl::ones({2}), gl::ones({3})); }) ==
             "layer_norm: weight [2] and bias [3] must have the same shape, that of the input's last 1 dim(s)");
  BOOST_TEST(error_of([] { F::layer_norm(gl::ones({2, 5}), 1, gl::ones({4}), gl::ones({4})); }) ==
             "layer_norm: expected input with shape [*, 4], but got [2, 5]");
  // eps <= 0 or NaN, from any caller: refused as batch_norm refuses it.
  BOOST_TEST(error_of([] { F::layer_norm(gl::ones({2, 3}), 1, gl::ones({3}), gl::zeros({3}), -1); }) ==
             "layer_norm: eps must be > 0, got -1");
  BOOST_TEST(error_of([] { F::layer_norm(gl::ones({2, 3}), 1, gl::ones({3}), gl::zeros({3}), NAN); }) ==
             "layer_norm: eps must be > 0, got nan");
  BOOST_TEST(error_of([&] { F::embedding(gl::tensor({3.0}), table); }) ==
             "embedding: index 3 is not a row of the 3-row table (0..2)");
  BOOST_TEST(error_of([&] { F::embedding(gl::tensor({-1.0}), table); }) ==
             "embedding: index -1 is not a row of the 3-row table (0..2)");
}

BOOST_AUTO_TEST_CASE(losses_against_hand_computed_values) {
  auto near = boost::test_tools::tolerance(1e-12);
  // log(e + e^2 + e^3) - 3: the softmax of (1, 2, 3) gives class 2 probability 0.66524...
  Tensor logits = gl::tensor({{1.0, 2.0, 3.0}, {1.0, 1.0, 1.0}});
  Tensor target = gl::tensor({2.0, 0.0});
  double l0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3, l1 = std::log(3.0);
  BOOST_TEST(F::cross_entropy(logits, target).item() == (l0 + l1) / 2, near);
  BOOST_TEST(F::cross_entropy(logits, target, F::Reduction::Sum).item() == l0 + l1, near);
  BOOST_TEST(F::cross_entropy(logits, target, F::Reduction::None).to_vector()[1] == l1, near);
  // Its gradient is (softmax - onehot) / N.
  Tensor z = logits.detach().requires_grad_();
  F::cross_entropy(z, target).backward();
  double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0), sum = e1 + e2 + e3;
  BOOST_TEST(z.grad().to_vector()[0] == e1 / sum / 2, near);
  BOOST_TEST(z.grad().to_vector()[2] == (e3 / sum - 1) / 2, near);
  BOOST_TEST(z.grad().to_vector()[3] == (1.0 / 3 - 1) / 2, near);
  BOOST_TEST(F::nll_loss(gl::tensor({{-1.0, -2.0}}), gl::tensor({1.0})).item() == 2.0);
  BOOST_TEST(F::mse_loss(gl::tensor({1.0, 2.0}), gl::tensor({0.0, 0.0})).item() == 2.5);
  BOOST_TEST(F::binary_cross_entropy(gl::tensor({0.8}), gl::tensor({1.0})).item() == -std::log(0.8), near);
  BOOST_TEST(F::binary_cross_entropy(gl::tensor({0.0}), gl::tensor({1.0})).item() == 100.0);  // log clamped
  BOOST_TEST(F::binary_cross_entropy_with_logits(gl::tensor({0.0}), gl::tensor({1.0})).item() == std::log(2.0), near);
  // Large logits stay finite: log(1 + e^-800) is 0, not inf.
  BOOST_TEST(F::binary_cross_entropy_with_logits(gl::tensor({-800.0}), gl::tensor({0.0})).item() == 0.0);
  BOOST_TEST(F::binary_cross_entropy_with_logits(gl::tensor({-800.0}), gl::tensor({1.0})).item() == 800.0);
  // cross_entropy agrees with log_softmax + nll, and with itself for huge logits.
  gl::manual_seed(8);
  Tensor big = gl::randn({4, 5}) * 300.0, t = gl::tensor({0.0, 4.0, 2.0, 2.0});
  BOOST_TEST(F::cross_entropy(big, t).item() == F::nll_loss(gl::log_softmax(big, 1), t).item(),
             boost::test_tools::tolerance(1e-9));
}

// PyTorch 1.13's numbers: F.cross_entropy(l, [2, -100, 0]) and its gradient.
BOOST_AUTO_TEST_CASE(cross_entropy_ignores_rows_aimed_at_ignore_index) {
  auto near = boost::test_tools::tolerance(1e-14);
  Tensor l = gl::tensor({{1.0, 2.0, 3.0}, {0.5, -1.0, 2.0}, {1.0, 1.0, 1.0}}).requires_grad_();
  Tensor loss = F::cross_entropy(l, gl::tensor({2.0, -100.0, 0.0}));
  BOOST_TEST(loss.item() == 0.75310912655624507, near);  // the mean over the 2 counted rows
  loss.backward();
  std::vector<double> want{0.04501528658519022, 0.12236423552739882, -0.1673795221125891, 0, 0, 0,
                           -0.33333333333333337, 0.16666666666666666, 0.16666666666666666};
  for (std::size_t i = 0; i < want.size(); ++i) BOOST_TEST(l.grad().to_vector()[i] == want[i], near);
  // Sum and None: the ignored row is a 0; every row ignored: NaN, as PyTorch.
  Tensor t = gl::tensor({2.0, -100.0, 0.0});
  BOOST_TEST(F::cross_entropy(l, t, F::Reduction::Sum).item() == 2 * 0.75310912655624507, near);
  BOOST_TEST(F::cross_entropy(l, t, F::Reduction::None).to_vector()[1] == 0.0);
  BOOST_TEST(std::isnan(F::cross_entropy(l, gl::full({3}, -100.0)).item()));
  // Another ignore_index, even a class: rows aimed at class 1 drop out.
  Tensor one = F::cross_entropy(l, gl::tensor({1.0, 1.0, 0.0}), F::Reduction::Mean, 1);
  BOOST_TEST(one.item() == F::cross_entropy(l.slice(0, 2, 3), gl::tensor({0.0})).item(), near);
  gl::nn::CrossEntropyLoss loss_fn;
  BOOST_TEST(loss_fn.ignore_index() == -100);
  BOOST_TEST(loss_fn(l, t).item() == loss.item());
  check("cross_entropy with ignore_index", [&](auto& x) { return F::cross_entropy(x[0], t); }, {l.detach()});
  // A target that is neither a class nor ignore_index is still refused.
  BOOST_TEST(error_of([&] { F::cross_entropy(l, gl::tensor({2.0, -1.0, 0.0})); }) ==
             "cross_entropy: target class -1 is not one of the 3 classes 0..2");
}

BOOST_AUTO_TEST_CASE(loss_gradients_against_finite_differences) {
  gl::manual_seed(10);
  Tensor t = gl::tensor({1.0, 0.0, 3.0});
  check("cross_entropy", [&](auto& x) { return F::cross_entropy(x[0], t); }, {gl::randn({3, 4})});
  check("cross_entropy sum", [&](auto& x) { return F::cross_entropy(x[0], t, F::Reduction::Sum); },
        {gl::randn({3, 4})});
  check("nll_loss", [&](auto& x) { return F::nll_loss(x[0], t); }, {gl::randn({3, 4})});
  check("mse_loss", [](auto& x) { return F::mse_loss(x[0], x[1]); }, {gl::randn({2, 3}), gl::randn({2, 3})});
  Tensor p = gl::rand({2, 3}) * 0.8 + 0.1, y = gl::rand({2, 3});
  check("binary_cross_entropy", [&](auto& x) { return F::binary_cross_entropy(x[0], y); }, {p});
  check("binary_cross_entropy_with_logits",
        [&](auto& x) { return F::binary_cross_entropy_with_logits(x[0], y); }, {gl::randn({2, 3})});
  // The targets take gradients too (soft labels that are learned), as in PyTorch.
  check("binary_cross_entropy, both", [](auto& x) { return F::binary_cross_entropy(x[0], x[1]); }, {p, y});
  check("binary_cross_entropy_with_logits, both",
        [](auto& x) { return F::binary_cross_entropy_with_logits(x[0], x[1]); }, {gl::randn({2, 3}), y});
}

BOOST_AUTO_TEST_CASE(loss_errors_name_the_loss_and_the_problem) {
  BOOST_TEST(error_of([] { F::cross_entropy(gl::ones({2, 3}), gl::tensor({0.0, 3.0})); }) ==
             "cross_entropy: target class 3 is not one of the 3 classes 0..2");
  BOOST_TEST(error_of([] { F::cross_entropy(gl::ones({2, 3}), gl::tensor({0.5, 1.0})); }) ==
             "cross_entropy: target class 0.5 is not one of the 3 classes 0..2");
  BOOST_TEST(error_of([] { F::cross_entropy(gl::ones({2, 3}), gl::tensor({0.0})); }) ==
             "cross_entropy: expected input (N, C) and target (N), got shapes [2, 3] and [1]");
  BOOST_TEST(error_of([] { F::mse_loss(gl::ones({2}), gl::ones({3})); }) ==
             "mse_loss: input of shape [2] and target of shape [3] differ");
  BOOST_TEST(error_of([] { F::binary_cross_entropy(gl::tensor({1.5}), gl::tensor({1.0})); }) ==
             "binary_cross_entropy: input probabilities must be in [0, 1], got 1.5");
}

BOOST_AUTO_TEST_CASE(empty_kernels_and_empty_batches) {
  // conv2d with an empty kernel is refused, as PyTorch refuses it (it used
  // to return zeros).
  for (gl::Shape w : {gl::Shape{1, 1, 0, 1}, gl::Shape{1, 1, 1, 0}, gl::Shape{0, 1, 1, 1}})
    BOOST_TEST(error_of([&] { F::conv2d(gl::ones({1, 1, 3, 3}), gl::ones(w)); }) ==
               "conv2d: the weight " + gl::to_string(w) + " is an empty kernel (every size must be at least 1)");
  BOOST_TEST(error_of([] { F::conv2d(gl::ones({1, 0, 3, 3}), gl::ones({1, 0, 1, 1})); }) ==
             "conv2d: the weight [1, 0, 1, 1] is an empty kernel (every size must be at least 1)");
  // layer_norm of an empty batch is an empty result, as in PyTorch.
  Tensor none = F::layer_norm(gl::zeros({0, 4}), 1, gl::ones({4}), gl::zeros({4}));
  BOOST_TEST((none.shape() == gl::Shape{0, 4}));
  nn::LayerNorm norm({4});
  BOOST_TEST((norm(gl::zeros({0, 3, 4})).shape() == gl::Shape{0, 3, 4}));
  // The mean loss of an empty batch does not exist (PyTorch says NaN):
  // refused, naming the loss; a sum or the losses themselves are fine.
  Tensor logits = gl::zeros({0, 3}), target = gl::zeros({0});
  BOOST_TEST(error_of([&] { F::cross_entropy(logits, target); }) ==
             "cross_entropy: an empty batch (shape [0]) has no mean loss; use Reduction::Sum or Reduction::None");
  BOOST_TEST(error_of([&] { nn::CrossEntropyLoss()(logits, target); }).rfind("cross_entropy: an empty batch", 0) == 0);
  BOOST_TEST(error_of([&] { F::mse_loss(gl::zeros({0}), gl::zeros({0})); }).rfind("mse_loss: an empty batch", 0) == 0);
  BOOST_TEST(error_of([&] { F::nll_loss(logits, target); }).rfind("nll_loss: an empty batch", 0) == 0);
  BOOST_TEST(F::cross_entropy(logits, target, F::Reduction::Sum).item() == 0.0);
  BOOST_TEST(F::cross_entropy(logits, target, F::Reduction::None).numel() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
