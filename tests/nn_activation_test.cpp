// SPDX-License-Identifier: MIT
// GELU (exact and tanh), SiLU and LeakyReLU: values against PyTorch's,
// gradients against finite differences, the modules and their errors.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

namespace {

const Tensor kX = gl::tensor({-3.0, -1.0, -0.5, 0.0, 0.7, 2.0});

void expect_values(const Tensor& got, const std::vector<double>& want) {
  BOOST_TEST_REQUIRE(got.numel() == static_cast<std::int64_t>(want.size()));
  for (std::size_t i = 0; i < want.size(); ++i)
    BOOST_TEST(got.data()[i] == want[i], boost::test_tools::tolerance(1e-14));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_activation_test)

// The numbers printed by PyTorch 1.13 (float64) for the same inputs.
BOOST_AUTO_TEST_CASE(values_match_pytorch) {
  expect_values(F::gelu(kX), {-0.0040496940948903104, -0.15865525393145702, -0.15426876936299344, 0,
                              0.53062544344384888, 1.9544997361036416});
  expect_values(F::gelu(kX, "tanh"), {-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0,
                                      0.53057013470511671, 1.954597694087775});
  expect_values(F::silu(kX), {-0.14227761953270035, -0.2689414213699951, -0.1887703343990727, 0,
                              0.46773144051771626, 1.7615941559557646});
  expect_values(F::leaky_relu(kX, 0.2), {-0.6, -0.2, -0.1, 0, 0.7, 2});
  expect_values(F::leaky_relu(kX), {-0.03, -0.01, -0.005, 0, 0.7, 2});  // slope 0.01 by default
  // Far out, no overflow: silu(-800) is -0, gelu(-40) is 0.
  BOOST_TEST(F::silu(gl::tensor({-800.0, 800.0})).to_vector()[1] == 800.0);
  BOOST_TEST(F::silu(gl::tensor({-800.0})).item() == 0.0);
  BOOST_TEST(F::gelu(gl::tensor({-40.0})).item() == 0.0);
}

BOOST_AUTO_TEST_CASE(gradients_against_finite_differences) {
  gl::manual_seed(21);
  Tensor x = gl::randn({3, 4}) * 2.0;
  check("gelu", [](auto& t) { return weigh(F::gelu(t[0])); }, {x});
  check("gelu tanh", [](auto& t) { return weigh(F::gelu(t[0], "tanh")); }, {x});
  check("silu", [](auto& t) { return weigh(F::silu(t[0])); }, {x});
  check("leaky_relu", [](auto& t) { return weigh(F::leaky_relu(t[0], 0.3)); }, {x});
  // At 0 leaky_relu's gradient is the slope, as PyTorch's; gelu's is 1/2.
  Tensor zero = gl::zeros({1}).requires_grad_();
  F::leaky_relu(zero, 0.3).sum().backward();
  BOOST_TEST(zero.grad().item() == 0.3);
  Tensor z2 = gl::zeros({1}).requires_grad_();
  F::gelu(z2).sum().backward();
  BOOST_TEST(z2.grad().item() == 0.5);
}

BOOST_AUTO_TEST_CASE(modules_print_as_pytorch_and_check_arguments) {
  auto printed = [](const nn::Module& m) {
    std::ostringstream os;
    os << m;
    return os.str();
  };
  BOOST_TEST(printed(nn::GELU("tanh")) == "GELU(approximate='tanh')");
  BOOST_TEST(printed(nn::GELU()) == "GELU(approximate='none')");
  BOOST_TEST(printed(nn::LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)");
  BOOST_TEST(printed(nn::SiLU()) == "SiLU()");
  nn::Sequential net(nn::Linear(3, 4), nn::GELU(), nn::Linear(4, 4), nn::SiLU(), nn::Linear(4, 2), nn::LeakyReLU());
  BOOST_TEST((net(gl::ones({5, 3})).shape() == gl::Shape{5, 2}));
  BOOST_TEST((nn::GELU()(kX).to_vector() == F::gelu(kX).to_vector()));
  BOOST_TEST(error_of([] { F::gelu(gl::ones({2}), "erf"); }) == "gelu: approximate must be \"none\" or \"tanh\", got \"erf\"");
  BOOST_TEST(error_of([] { nn::GELU("fast"); }) == "GELU: approximate must be \"none\" or \"tanh\", got \"fast\"");
}

BOOST_AUTO_TEST_SUITE_END()
