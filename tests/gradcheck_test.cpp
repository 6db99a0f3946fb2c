// SPDX-License-Identifier: MIT
// The finite-difference checker: it passes right gradients, catches wrong
// ones, and reports both numbers side by side.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
using gl::Value;

BOOST_AUTO_TEST_SUITE(gradcheck_test)

BOOST_AUTO_TEST_CASE(reports_each_input) {
  auto f = [](const std::vector<Value>& x) { return x[0] * x[1] + sin(x[0]); };
  gl::GradCheckResult r = gl::gradcheck(f, {1.0, 2.0}, {}, {"a", "b"});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.value == 2.0 + std::sin(1.0), boost::test_tools::tolerance(1e-12));
  BOOST_REQUIRE(r.entries.size() == 2u);
  BOOST_TEST(r.entries[0].name == "a");
  BOOST_TEST(r.entries[0].input == 1.0);
  BOOST_TEST(r.entries[0].autograd == 2.0 + std::cos(1.0), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.entries[0].numeric == 2.0 + std::cos(1.0), boost::test_tools::tolerance(1e-8));
  BOOST_TEST(r.entries[1].autograd == 1.0);
  BOOST_TEST(r.entries[1].abs_diff < 1e-8);
}

BOOST_AUTO_TEST_CASE(catches_a_wrong_gradient) {
  // relu at its kink: autograd takes 0, the central difference sees 1/2.
  auto f = [](const std::vector<Value>& x) { return relu(x[0]); };
  gl::GradCheckResult r = gl::gradcheck(f, {0.0});
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.entries[0].numeric == 0.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(r.entries[0].autograd == 0.0);
  std::ostringstream table;
  table << r;
  BOOST_TEST(table.str().find("FAIL") != std::string::npos);
  BOOST_TEST(table.str().find("x0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tolerances_decide) {
  auto f = [](const std::vector<Value>& x) { return exp(x[0]); };
  BOOST_TEST(gl::gradcheck(f, {1.0}, {.step = 1e-2}).ok() == false);  // h^2 error ~ 1e-5
  BOOST_TEST(gl::gradcheck(f, {1.0}, {.step = 1e-2, .atol = 1e-3}).ok());
}

BOOST_AUTO_TEST_CASE(unused_inputs_have_zero_gradient) {
  auto f = [](const std::vector<Value>& x) { return x[0] * 3.0; };
  gl::GradCheckResult r = gl::gradcheck(f, {1.0, 5.0});
  BOOST_TEST(r.ok());
  BOOST_TEST(r.entries[1].autograd == 0.0);
  BOOST_TEST(r.entries[1].numeric == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  auto f = [](const std::vector<Value>& x) { return x[0]; };
  BOOST_CHECK_THROW(gl::gradcheck(f, {1.0}, {.step = 0.0}), std::invalid_argument);
  BOOST_CHECK_THROW(gl::gradcheck(f, {1.0}, {}, {"a", "b"}), std::invalid_argument);
  auto g = [](const std::vector<Value>& x) { return log(x[0]); };
  BOOST_CHECK_THROW(gl::gradcheck(g, {1e-9}), std::domain_error);  // the probe at x - h
}

BOOST_AUTO_TEST_CASE(tensor_rows_are_named_by_their_index) {
  gl::Tensor W = gl::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  gl::Tensor b = gl::tensor({0.5, -0.5});
  gl::GradCheckResult r = gl::gradcheck(
      [](const std::vector<gl::Tensor>& x) { return (x[0] * x[0]).sum() + x[1].sum(); }, {W, b}, {},
      {"W", "b"});
  BOOST_REQUIRE(r.entries.size() == 8u);
  BOOST_TEST(r.entries[0].name == "W[0,0]");
  BOOST_TEST(r.entries[5].name == "W[1,2]");
  BOOST_TEST(r.entries[5].autograd == 12.0);  // d(W²)/dW = 2W
  BOOST_TEST(r.entries[7].name == "b[1]");
  BOOST_TEST(gl::gradcheck([](const std::vector<gl::Tensor>& x) { return x[0].sum(); },
                           {gl::zeros({2, 1, 2})})
                 .entries[3]
                 .name == "x0[1,0,1]");
}

BOOST_AUTO_TEST_SUITE_END()
