// SPDX-License-Identifier: MIT
// conv_transpose2d and nn::ConvTranspose2d (src/nn/conv_transpose2d.cpp):
// PyTorch 1.13's outputs and gradients (tests/fixtures/make_libtorch_port.py),
// finite differences, the adjoint of conv2d, the module, and the errors.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::same;
using gradlab::testing::weigh;

BOOST_AUTO_TEST_SUITE(nn_conv_transpose2d_test)

BOOST_AUTO_TEST_CASE(computes_what_pytorch_computes) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/libtorch_port.txt");
  // a: bias, stride 2, padding 1, output_padding 1 (x (2, 3, 4, 5) -> (2, 2, 8, 10)).
  Tensor x = f["convt_a_x"].detach().requires_grad_(), w = f["convt_a_w"].detach().requires_grad_();
  Tensor b = f["convt_a_b"].detach().requires_grad_();
  Tensor y = F::conv_transpose2d(x, w, b, 2, 1, 1);
  same(y, f["convt_a_y"]);
  (y * f["convt_a_g"]).sum().backward();
  same(x.grad(), f["convt_a_dx"]);
  same(w.grad(), f["convt_a_dw"]);
  same(b.grad(), f["convt_a_db"]);
  // b: no bias, stride 1, more output than input channels.
  Tensor x2 = f["convt_b_x"].detach().requires_grad_(), w2 = f["convt_b_w"].detach().requires_grad_();
  Tensor y2 = F::conv_transpose2d(x2, w2);
  same(y2, f["convt_b_y"]);
  (y2 * f["convt_b_g"]).sum().backward();
  same(x2.grad(), f["convt_b_dx"]);
  same(w2.grad(), f["convt_b_dw"]);
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
  gl::manual_seed(21);
  check("conv_transpose2d stride 2", [](auto& t) { return weigh(F::conv_transpose2d(t[0], t[1], t[2], 2, 1, 1)); },
        {gl::randn({2, 3, 3, 2}), gl::randn({3, 2, 3, 3}), gl::randn({2})});
  check("conv_transpose2d stride 1, padding 1", [](auto& t) { return weigh(F::conv_transpose2d(t[0], t[1], 1, 1)); },
        {gl::randn({1, 2, 4, 4}), gl::randn({2, 3, 3, 3})});
  check("conv_transpose2d 1x1 input to 4x4", [](auto& t) { return weigh(F::conv_transpose2d(t[0], t[1])); },
        {gl::randn({3, 4, 1, 1}), gl::randn({4, 2, 4, 4})});
}

BOOST_AUTO_TEST_CASE(is_the_adjoint_of_conv2d) {
  // <conv2d(z, w), x> = <z, conv_transpose2d(x, w)> for every z and x: the
  // transposed convolution is conv2d's gradient with respect to its input.
  gl::manual_seed(22);
  Tensor w = gl::randn({3, 2, 3, 3});          // conv2d: 2 -> 3 channels
  Tensor x = gl::randn({2, 3, 4, 3});          // conv2d's output shape, stride 2 padding 1
  Tensor back = F::conv_transpose2d(x, w, 2, 1, 0);
  BOOST_TEST(gl::to_string(back.shape()) == "[2, 2, 7, 5]");
  Tensor back_full = F::conv_transpose2d(x, w, 2, 1, 1);  // output_padding reaches (8, 6)
  BOOST_TEST(gl::to_string(back_full.shape()) == "[2, 2, 8, 6]");
  Tensor z2 = gl::randn({2, 2, 8, 6});
  double left = (F::conv2d(z2, w, 2, 1) * x).sum().item();
  BOOST_TEST(left == (z2 * back_full).sum().item(), boost::test_tools::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(the_module_its_options_and_printing) {
  gl::manual_seed(23);
  nn::ConvTranspose2d up(nn::ConvTranspose2dOptions(4, 2, 4).stride(2).padding(1).bias(false));
  BOOST_TEST(gl::to_string(up.weight.shape()) == "[4, 2, 4, 4]");
  BOOST_TEST(!up.bias.defined());
  BOOST_TEST(up.parameters().size() == 1u);
  BOOST_TEST(gl::to_string(up(gl::randn({1, 4, 7, 7})).shape()) == "[1, 2, 14, 14]");
  for (double v : up.weight.to_vector()) BOOST_TEST(std::abs(v) <= 1 / std::sqrt(2.0 * 16));  // fan_in = out * k * k
  nn::ConvTranspose2d positional(3, 5, 3, 2, 1, 1);
  BOOST_TEST(positional.bias.numel() == 5);
  std::ostringstream a, b;
  a << up;
  b << positional;
  // PyTorch 1.13's strings.
  BOOST_TEST(a.str() == "ConvTranspose2d(4, 2, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)");
  BOOST_TEST(b.str() == "ConvTranspose2d(3, 5, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))");
  check("ConvTranspose2d", [&](const std::vector<Tensor>& t) { return weigh(positional(t[0])); }, {gl::randn({2, 3, 2, 2})});
}

BOOST_AUTO_TEST_CASE(errors_name_the_shapes) {
  Tensor x = gl::ones({1, 3, 4, 4}), w = gl::ones({3, 2, 3, 3});
  BOOST_TEST(error_of([&] { F::conv_transpose2d(gl::ones({3, 4, 4}), w); }) ==
             "conv_transpose2d: expected (N, Cin, H, W) input and (Cin, Cout, KH, KW) weight, got input [3, 4, 4] and weight [3, 2, 3, 3]");
  BOOST_TEST(error_of([&] { F::conv_transpose2d(gl::ones({1, 2, 4, 4}), w); }) ==
             "conv_transpose2d: input [1, 2, 4, 4] and weight [3, 2, 3, 3] have different input channel counts (2 != 3)");
  BOOST_TEST(error_of([&] { F::conv_transpose2d(x, w, 2, 0, 2); }) ==
             "conv_transpose2d: expected stride >= 1, padding >= 0 and 0 <= output_padding < stride, got stride 2, padding 0, output_padding 2");
  BOOST_TEST(error_of([&] { F::conv_transpose2d(x, w, gl::ones({3}), 1, 0, 0); }) ==
             "conv_transpose2d: bias of shape [3] does not fit weight [3, 2, 3, 3] (expected [2])");
  BOOST_TEST(error_of([&] { F::conv_transpose2d(gl::ones({1, 3, 1, 1}), w, 1, 2); }) ==
             "conv_transpose2d: input [1, 3, 1, 1] and weight [3, 2, 3, 3] with stride 1 and padding 2 give an output height of -1 (it must be at least 1)");
  BOOST_TEST(error_of<std::length_error>([&] { F::conv_transpose2d(x, w, 1LL << 40, 0, 0); }).find("conv_transpose2d") == 0u);
  BOOST_TEST(error_of([] { nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2, 0, 3)); }) ==
             "ConvTranspose2d: sizes and stride must be at least 1, got 0");
}

BOOST_AUTO_TEST_SUITE_END()
