// SPDX-License-Identifier: MIT
// Gradients of gradients on Values: second and third derivatives by hand,
// every scalar op against finite differences of its gradient, the graph of
// a gradient freed like any other, a long chain without recursion.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Value;
namespace tt = boost::test_tools;

namespace {

// d^k y / dx^k at x, by differentiating k times with create_graph.
double derivative(const std::function<Value(const Value&)>& f, double x0, int k) {
  Value x(x0);
  Value d = f(x);
  for (int i = 0; i < k; ++i) d = gl::grad(d, {x}, true)[0];
  return d.data();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(grad_values_test)

BOOST_AUTO_TEST_CASE(second_derivatives_by_hand) {
  for (double x : {-1.3, -0.2, 0.4, 1.7}) {
    double t = std::tanh(x), s = 1 / (1 + std::exp(-x));
    BOOST_TEST(derivative([](const Value& v) { return tanh(v); }, x, 2) == -2 * t * (1 - t * t),
               tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return sigmoid(v); }, x, 2) == s * (1 - s) * (1 - 2 * s),
               tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return exp(v); }, x, 2) == std::exp(x), tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return v.pow(3); }, x, 2) == 6 * x, tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return sin(v); }, x, 2) == -std::sin(x), tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return cos(v); }, x, 2) == -std::cos(x), tt::tolerance(1e-12));
  }
  for (double x : {0.3, 1.0, 2.5}) {
    BOOST_TEST(derivative([](const Value& v) { return log(v); }, x, 2) == -1 / (x * x), tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return sqrt(v); }, x, 2) == -0.25 * std::pow(x, -1.5),
               tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return gl::pow(2.0, v); }, x, 2) ==
                   std::pow(2.0, x) * std::log(2.0) * std::log(2.0), tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(mixed_second_derivatives_of_products_and_quotients) {
  Value x(1.5), y(-0.8);
  Value p = x * y;
  std::vector<Value> dp = gl::grad(p, {x, y}, true);  // (y, x)
  BOOST_TEST(dp[0].data() == -0.8);
  BOOST_TEST(gl::grad(dp[0], {x, y})[0].data() == 0.0);  // d2(xy)/dx2
  BOOST_TEST(gl::grad(dp[0], {x, y})[1].data() == 1.0);  // d2(xy)/dx dy
  Value q = x / y;
  std::vector<Value> dq = gl::grad(q, {x, y}, true);  // (1/y, -x/y^2)
  std::vector<Value> dqy = gl::grad(dq[1], {x, y});
  BOOST_TEST(dqy[0].data() == -1 / (0.8 * 0.8), tt::tolerance(1e-12));         // -1/y^2
  BOOST_TEST(dqy[1].data() == 2 * 1.5 / (-0.8 * 0.8 * 0.8), tt::tolerance(1e-12));  // 2x/y^3
  BOOST_TEST(gl::grad(dq[0], {x})[0].data() == 0.0);  // 1/y does not depend on x
}

BOOST_AUTO_TEST_CASE(third_derivatives) {
  for (double x : {-0.7, 0.5, 2.0}) {
    BOOST_TEST(derivative([](const Value& v) { return v.pow(4); }, x, 3) == 24 * x, tt::tolerance(1e-12));
    BOOST_TEST(derivative([](const Value& v) { return sin(2 * v); }, x, 3) == -8 * std::cos(2 * x),
               tt::tolerance(1e-12));
    // sin(x^2): d3 = -12x sin(x^2) - 8x^3 cos(x^2)
    BOOST_TEST(derivative([](const Value& v) { return sin(v * v); }, x, 3) ==
                   -12 * x * std::sin(x * x) - 8 * x * x * x * std::cos(x * x), tt::tolerance(1e-10));
  }
  BOOST_TEST(derivative([](const Value& v) { return v.pow(4); }, 0.5, 4) == 24.0, tt::tolerance(1e-12));
  BOOST_TEST(derivative([](const Value& v) { return v.pow(4); }, 0.5, 5) == 0.0);
}

BOOST_AUTO_TEST_CASE(every_op_passes_gradgradcheck) {
  using F = gl::ScalarFunction;
  struct Case {
    const char* name;
    F f;
    std::vector<double> at;
  };
  std::vector<Case> cases = {
      {"+", [](const std::vector<Value>& v) { return (v[0] + v[1]) * (v[0] + v[1]); }, {0.3, -1.1}},
      {"-", [](const std::vector<Value>& v) { return (v[0] - v[1]) * v[0] * v[1]; }, {0.3, -1.1}},
      {"*", [](const std::vector<Value>& v) { return v[0] * v[1] * v[1]; }, {0.7, 1.3}},
      {"/", [](const std::vector<Value>& v) { return v[0] / v[1]; }, {0.7, 1.3}},
      {"neg", [](const std::vector<Value>& v) { return -(v[0] * v[1]); }, {0.7, 1.3}},
      {"pow", [](const std::vector<Value>& v) { return gl::pow(v[0], v[1]); }, {1.4, 2.3}},
      {"pow const", [](const std::vector<Value>& v) { return v[0].pow(3.5) * v[1]; }, {1.4, 0.3}},
      {"exp", [](const std::vector<Value>& v) { return exp(v[0] * v[1]); }, {0.4, -0.9}},
      {"log", [](const std::vector<Value>& v) { return log(v[0] * v[1]); }, {0.4, 2.9}},
      {"tanh", [](const std::vector<Value>& v) { return tanh(v[0] * v[1]); }, {0.4, -0.9}},
      {"relu", [](const std::vector<Value>& v) { return relu(v[0]) * v[1] * v[0]; }, {0.4, -0.9}},
      {"sigmoid", [](const std::vector<Value>& v) { return sigmoid(v[0] - v[1]); }, {0.4, -0.9}},
      {"sqrt", [](const std::vector<Value>& v) { return sqrt(v[0] * v[1]); }, {0.4, 1.9}},
      {"sin", [](const std::vector<Value>& v) { return sin(v[0] * v[1]); }, {0.4, 1.9}},
      {"cos", [](const std::vector<Value>& v) { return cos(v[0] * v[1]); }, {0.4, 1.9}},
  };
  for (const Case& c : cases) {
    gl::GradCheckResult r = gl::gradgradcheck(c.f, c.at);
    BOOST_TEST(r.ok(), c.name);
    BOOST_TEST(r.entries.size() == 4u);
  }
}

BOOST_AUTO_TEST_CASE(gradgradcheck_catches_a_wrong_second_derivative) {
  // relu at its kink: the first derivative jumps, so its central difference
  // sees 1/(2h) where autograd's second derivative is 0.
  gl::GradCheckResult r = gl::gradgradcheck([](const std::vector<Value>& v) { return relu(v[0]) * v[0]; }, {0.0});
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.entries[0].name == "d2f/dx0 dx0");
  BOOST_TEST(r.entries[0].autograd == 0.0);
  BOOST_TEST(r.entries[0].numeric == 1.0, tt::tolerance(1e-6));  // d(2 relu x)/dx around 0: (2h - 0)/2h
}

BOOST_AUTO_TEST_CASE(backward_with_create_graph_keeps_the_gradient_as_a_node) {
  Value x(2.0, "x");
  Value y = x * x * x;
  y.backward(true, true);
  BOOST_TEST(x.grad() == 12.0);
  Value dx = x.grad_value();  // 3x^2, a node
  BOOST_TEST(dx.data() == 12.0);
  BOOST_TEST(dx.requires_grad());
  x.zero_grad();
  dx.backward();
  BOOST_TEST(x.grad() == 12.0);  // d(3x^2)/dx = 6x
  // A second backward(create_graph) adds into the kept node.
  x.zero_grad();
  y.backward(true, true);
  y.backward(true, true);
  BOOST_TEST(x.grad() == 24.0);
  BOOST_TEST(x.grad_value().data() == 24.0);
  x.zero_grad();
  BOOST_TEST(!x.grad_value().requires_grad());  // dropped: a constant
}

BOOST_AUTO_TEST_CASE(constants_and_unused_inputs_get_zero) {
  Value x(1.5), z(4.0);
  Value y = x * 3.0;
  std::vector<Value> d = gl::grad(y, {x, z}, true);
  BOOST_TEST(d[0].data() == 3.0);
  BOOST_TEST(d[1].data() == 0.0);
  BOOST_TEST(gl::grad(d[0], {x})[0].data() == 0.0);  // d(3)/dx: 3 is a constant
  BOOST_TEST(x.grad() == 0.0);                         // grad() adds into nothing
}

BOOST_AUTO_TEST_CASE(the_graphs_of_gradients_are_freed) {
  const std::int64_t before = gl::live_nodes();
  {
    Value x(0.3);
    Value y = tanh(x * x);
    Value d2 = gl::grad(gl::grad(y, {x}, true)[0], {x}, true)[0];
    BOOST_TEST(d2.requires_grad());
    y.backward(true, true);  // x keeps a gradient node that refers to x: a cycle
    x.zero_grad();           // broken here, as in PyTorch
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(a_chain_of_a_million_nodes_twice) {
  Value x(0.5);
  Value y = x * x;
  Value one = Value::constant(1.0);
  for (int i = 0; i < 500000; ++i) y = y * one;  // 10^6 nodes with the constants
  Value dy = gl::grad(y, {x}, true)[0];          // 2x, through a chain as long
  BOOST_TEST(dy.data() == 1.0);
  BOOST_TEST(gl::grad(dy, {x})[0].data() == 2.0);
}

BOOST_AUTO_TEST_CASE(an_op_without_a_graph_backward_is_refused_by_name) {
  static constexpr gl::Op op{"twice", [](gl::Node& n) {
    auto [out, a] = gl::unary_slots(n);
    a.grad += 2 * out.grad;
  }, &gl::kScalarKind};
  Value x(1.0);
  Value y = gl::make_result(2 * x.data(), op, x);
  y.backward();
  BOOST_TEST(x.grad() == 2.0);
  std::string message = gl::testing::error_of<std::logic_error>([&] { gl::grad(y, {x}, true); });
  BOOST_TEST(message.find("twice") == 0u, message);
  BOOST_TEST(message.find("differentiated twice") != std::string::npos, message);
}

BOOST_AUTO_TEST_SUITE_END()
