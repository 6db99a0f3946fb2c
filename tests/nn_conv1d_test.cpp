// SPDX-License-Identifier: MIT
// conv1d and nn::Conv1d (src/nn/conv1d.cpp): PyTorch 1.13's outputs and
// gradients (tests/fixtures/make_conv1d.py), a dilated convolution by hand,
// finite differences of the first and second derivatives, the module, and
// the errors.
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

BOOST_AUTO_TEST_SUITE(nn_conv1d_test)

BOOST_AUTO_TEST_CASE(computes_what_pytorch_computes) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/conv1d.txt");
  struct Case {
    std::string name;
    bool bias;
    std::int64_t stride, padding, dilation;
  };
  // a: every argument; b: kernel 2 dilated by 4, no bias; c: one unbatched
  // sample (C, L), padding 3; d: a kernel as long as the input.
  for (const Case& c : {Case{"a", true, 2, 1, 2}, Case{"b", false, 1, 0, 4}, Case{"c", true, 1, 3, 1},
                        Case{"d", true, 3, 0, 1}}) {
    BOOST_TEST_CONTEXT("case " << c.name) {
      Tensor x = f[c.name + "_x"].detach().requires_grad_(), w = f[c.name + "_w"].detach().requires_grad_();
      Tensor b = c.bias ? f[c.name + "_b"].detach().requires_grad_() : Tensor();
      Tensor y = F::conv1d(x, w, b, c.stride, c.padding, c.dilation);
      same(y, f[c.name + "_y"]);
      (y * f[c.name + "_g"]).sum().backward();
      same(x.grad(), f[c.name + "_dx"]);
      same(w.grad(), f[c.name + "_dw"]);
      if (c.bias) same(b.grad(), f[c.name + "_db"]);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_dilated_kernel_by_hand) {
  // x = 1 2 3 4 5 6, w = [10, 1] dilated by 2: out[t] = 10 x[t] + x[t + 2].
  Tensor x = gl::tensor({1, 2, 3, 4, 5, 6}, {1, 1, 6}), w = gl::tensor({10, 1}, {1, 1, 2});
  BOOST_TEST((F::conv1d(x, w, {}, 1, 0, 2).to_vector() == std::vector<double>{13, 24, 35, 46}));
  // Stride 2 and padding 1 (a zero on each side): positions -1, 1, 3 and 1, 3, 5.
  BOOST_TEST((F::conv1d(x, w, gl::tensor({0.5}, {1}), 2, 1, 2).to_vector() == std::vector<double>{2.5, 24.5, 46.5}));
  BOOST_TEST((gl::conv1d(x, w).shape() == gl::Shape{1, 1, 5}));  // ATen's spelling
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
  gl::manual_seed(31);
  check("conv1d stride 2, padding 1, dilation 2",
        [](auto& t) { return weigh(F::conv1d(t[0], t[1], t[2], 2, 1, 2)); },
        {gl::randn({2, 3, 9}), gl::randn({4, 3, 3}), gl::randn({4})});
  check("conv1d dilation 4, no bias", [](auto& t) { return weigh(F::conv1d(t[0], t[1], {}, 1, 0, 4)); },
        {gl::randn({2, 2, 8}), gl::randn({3, 2, 2})});
  check("conv1d unbatched", [](auto& t) { return weigh(F::conv1d(t[0], t[1], t[2], 1, 2)); },
        {gl::randn({2, 5}), gl::randn({3, 2, 3}), gl::randn({3})});
  check("conv1d, x used as its own weight", [](auto& t) { return weigh(F::conv1d(t[0], t[0].slice(2, 0, 2))); },
        {gl::randn({2, 2, 5})});
}

BOOST_AUTO_TEST_CASE(second_derivatives_against_finite_differences) {
  // conv1d is linear in x and in w, so its own second derivatives are the
  // x-w cross terms; the tanh after it brings in the rest.
  gl::manual_seed(32);
  for (const std::array<std::int64_t, 3>& setting : {std::array<std::int64_t, 3>{1, 0, 1}, {2, 1, 2}, {1, 2, 3}}) {
    const std::int64_t stride = setting[0], padding = setting[1], dilation = setting[2];  // captured below
    BOOST_TEST_CONTEXT("stride " << stride << ", padding " << padding << ", dilation " << dilation) {
      gl::GradCheckResult r = gl::gradgradcheck(
          [&](const std::vector<Tensor>& t) {
            return weigh(gl::tanh(F::conv1d(t[0], t[1], t[2], stride, padding, dilation)));
          },
          {gl::randn({2, 2, 5}) * 0.5, gl::randn({2, 2, 2}) * 0.5, gl::randn({2}) * 0.5});
      BOOST_TEST(r.ok(), r);
    }
  }
  // Without a bias, and with a weight that does not take a gradient.
  Tensor w = gl::randn({2, 1, 3});
  gl::GradCheckResult r = gl::gradgradcheck(
      [&](const std::vector<Tensor>& t) { return weigh(F::conv1d(t[0], w, {}, 1, 1).pow(3)); },
      {gl::randn({1, 1, 4})});
  BOOST_TEST(r.ok(), r);
}

BOOST_AUTO_TEST_CASE(the_module_and_its_printing) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/conv1d.txt");
  gl::manual_seed(33);
  nn::Conv1d conv(4, 2, 5, 2, 1, 3, false);
  BOOST_TEST(gl::to_string(conv.weight.shape()) == "[2, 4, 5]");
  BOOST_TEST(!conv.bias.defined());
  BOOST_TEST(conv.parameters().size() == 1u);
  BOOST_TEST(gl::to_string(conv(gl::randn({3, 4, 20})).shape()) == "[3, 2, 5]");  // (20 + 2 - 3 (5 - 1) - 1) / 2 + 1
  for (double v : conv.weight.to_vector()) BOOST_TEST(std::abs(v) <= 1 / std::sqrt(4.0 * 5));  // fan_in = in * k
  nn::Conv1d plain(16, 33, 3);
  BOOST_TEST(plain.bias.numel() == 33);
  std::ostringstream a, b;
  a << plain;
  b << conv;
  // PyTorch 1.13's strings (the fixture's repr lines).
  BOOST_TEST(a.str() == "Conv1d(16, 33, kernel_size=(3,), stride=(1,))");
  BOOST_TEST(b.str() == "Conv1d(4, 2, kernel_size=(5,), stride=(2,), padding=(1,), dilation=(3,), bias=False)");
  // The module is the functional op on its own weight and bias.
  nn::Conv1d same_as_a(3, 4, 3, 2, 1, 2);
  same_as_a.weight.data() = f["a_w"].data();
  same_as_a.bias.data() = f["a_b"].data();
  same(same_as_a(f["a_x"]), f["a_y"]);
  nn::Conv1d small(2, 3, 2, 1, 1, 2);
  check("Conv1d", [&](const std::vector<Tensor>& t) { return weigh(small(t[0])); }, {gl::randn({2, 2, 4})});
  gradlab::testing::check_parameters("Conv1d", small, [&] { return weigh(small(gl::ones({2, 2, 4}))); });
}

BOOST_AUTO_TEST_CASE(errors_name_the_op_the_shapes_and_the_arguments) {
  Tensor x = gl::ones({2, 3, 8}), w = gl::ones({4, 3, 2});
  BOOST_TEST(error_of([&] { F::conv1d(gl::ones({2, 3, 8, 1}), w); }) ==
             "conv1d: expected a (N, C_in, L) or (C_in, L) input, got input [2, 3, 8, 1] and weight [4, 3, 2]");
  BOOST_TEST(error_of([&] { F::conv1d(x, gl::ones({4, 3})); }) ==
             "conv1d: expected a (C_out, C_in, K) weight, got input [2, 3, 8] and weight [4, 3]");
  BOOST_TEST(error_of([&] { F::conv1d(gl::ones({2, 5, 8}), w); }) ==
             "conv1d: input [2, 5, 8] and weight [4, 3, 2] have different input channel counts (5 != 3)");
  BOOST_TEST(error_of([&] { F::conv1d(gl::ones({5, 8}), w); }) ==  // one sample, named as given
             "conv1d: input [5, 8] and weight [4, 3, 2] have different input channel counts (5 != 3)");
  BOOST_TEST(error_of([&] { F::conv1d(x, w, {}, 0); }) ==
             "conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride 0, padding 0, dilation 1");
  BOOST_TEST(error_of([&] { F::conv1d(x, w, {}, 1, -1); }) ==
             "conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride 1, padding -1, dilation 1");
  BOOST_TEST(error_of([&] { F::conv1d(x, w, {}, 1, 0, 0); }) ==
             "conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride 1, padding 0, dilation 0");
  BOOST_TEST(error_of([&] { F::conv1d(x, w, gl::ones({3})); }) ==
             "conv1d: bias of shape [3] does not fit weight [4, 3, 2] (expected [4])");
  BOOST_TEST(error_of([&] { F::conv1d(x, gl::ones({4, 3, 0})); }) ==
             "conv1d: the weight [4, 3, 0] is an empty kernel (every size must be at least 1)");
  BOOST_TEST(error_of([&] { F::conv1d(x, w, {}, 1, 0, 8); }) ==
             "conv1d: input [2, 3, 8] and weight [4, 3, 2] with stride 1, padding 0 and dilation 8 give an output "
             "length of 0: the kernel spans 9 positions, the padded input only 8");
  BOOST_TEST(error_of<std::length_error>([&] { F::conv1d(x, gl::ones({4, 3, 3}), {}, 1, 0, 1LL << 62); }).find("conv1d") == 0u);
  BOOST_TEST(error_of<std::length_error>([&] { F::conv1d(x, w, {}, 1, 1LL << 62); }).find("conv1d") == 0u);
  BOOST_TEST(error_of([] { nn::Conv1d(2, 0, 3); }) ==
             "Conv1d: in_channels, out_channels and kernel_size must be at least 1, got 2, 0, 3");
  BOOST_TEST(error_of([] { nn::Conv1d(2, 3, 3, 1, 0, 0); }) ==
             "Conv1d: expected stride >= 1, padding >= 0 and dilation >= 1, got stride 1, padding 0, dilation 0");
}

BOOST_AUTO_TEST_SUITE_END()
