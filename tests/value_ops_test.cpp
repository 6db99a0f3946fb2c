// SPDX-License-Identifier: MIT
// Every scalar op: its value, its gradient by hand and by finite differences,
// and its domain errors.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gradlab::testing::error_of;
using gl::Value;
namespace tt = boost::test_tools;

namespace {

// f's value and gradient at x, by autograd.
std::pair<double, double> value_and_grad(const std::function<Value(const Value&)>& f, double x) {
  Value v = x;
  Value y = f(v);
  y.backward();
  return {y.data(), v.grad()};
}

// Checks f(x) and f'(x) against the formulas, and f' against finite differences.
void check_unary(const std::string& name, const std::function<Value(const Value&)>& f,
                 double (*value)(double), double (*derivative)(double),
                 std::initializer_list<double> points) {
  for (double x : points) {
    BOOST_TEST_CONTEXT(name << " at " << x) {
      auto [y, dy] = value_and_grad(f, x);
      BOOST_TEST(y == value(x), tt::tolerance(1e-12));
      BOOST_TEST(dy == derivative(x), tt::tolerance(1e-12));
      auto check = gl::gradcheck([&](const std::vector<Value>& v) { return f(v[0]); }, {x});
      BOOST_TEST(check.ok(), check);
    }
  }
}

void check_binary(const std::string& name, const std::function<Value(const Value&, const Value&)>& f,
                  double (*value)(double, double), double (*da)(double, double),
                  double (*db)(double, double), double a, double b) {
  BOOST_TEST_CONTEXT(name << " at " << a << ", " << b) {
    Value va = a, vb = b;
    Value y = f(va, vb);
    y.backward();
    BOOST_TEST(y.data() == value(a, b), tt::tolerance(1e-12));
    BOOST_TEST(va.grad() == da(a, b), tt::tolerance(1e-12));
    BOOST_TEST(vb.grad() == db(a, b), tt::tolerance(1e-12));
    auto check = gl::gradcheck([&](const std::vector<Value>& v) { return f(v[0], v[1]); }, {a, b});
    BOOST_TEST(check.ok(), check);
  }
}


}  // namespace

BOOST_AUTO_TEST_SUITE(value_ops_test)

BOOST_AUTO_TEST_CASE(add_sub_mul_div) {
  for (auto [a, b] : {std::pair{2.0, 3.0}, {-1.5, 0.25}, {0.0, -4.0}}) {
    check_binary("+", [](auto& x, auto& y) { return x + y; },
                 [](double x, double y) { return x + y; }, [](double, double) { return 1.0; },
                 [](double, double) { return 1.0; }, a, b);
    check_binary("-", [](auto& x, auto& y) { return x - y; },
                 [](double x, double y) { return x - y; }, [](double, double) { return 1.0; },
                 [](double, double) { return -1.0; }, a, b);
    check_binary("*", [](auto& x, auto& y) { return x * y; },
                 [](double x, double y) { return x * y; }, [](double, double y) { return y; },
                 [](double x, double) { return x; }, a, b);
    check_binary("/", [](auto& x, auto& y) { return x / y; },
                 [](double x, double y) { return x / y; }, [](double, double y) { return 1 / y; },
                 [](double x, double y) { return -x / (y * y); }, a, b);
  }
}

BOOST_AUTO_TEST_CASE(numbers_on_either_side) {
  Value x = 4.0;
  BOOST_TEST((x + 1).data() == 5.0);
  BOOST_TEST((1 + x).data() == 5.0);
  BOOST_TEST((x - 1).data() == 3.0);
  BOOST_TEST((1 - x).data() == -3.0);
  BOOST_TEST((x * 2).data() == 8.0);
  BOOST_TEST((2 * x).data() == 8.0);
  BOOST_TEST((x / 2).data() == 2.0);
  BOOST_TEST((2 / x).data() == 0.5);
  Value y = 2 / x;  // d/dx = -2/x^2
  y.backward();
  BOOST_TEST(x.grad() == -0.125);
}

BOOST_AUTO_TEST_CASE(negation) {
  check_unary("neg", [](const Value& x) { return -x; }, [](double x) { return -x; },
              [](double) { return -1.0; }, {-2.0, 0.5});
}

BOOST_AUTO_TEST_CASE(elementary_functions) {
  check_unary("exp", [](const Value& x) { return exp(x); }, [](double x) { return std::exp(x); },
              [](double x) { return std::exp(x); }, {-1.0, 0.0, 2.5});
  check_unary("log", [](const Value& x) { return log(x); }, [](double x) { return std::log(x); },
              [](double x) { return 1 / x; }, {0.1, 1.0, 7.0});
  check_unary("tanh", [](const Value& x) { return tanh(x); }, [](double x) { return std::tanh(x); },
              [](double x) { return 1 - std::tanh(x) * std::tanh(x); }, {-2.0, 0.0, 0.8});
  check_unary("relu", [](const Value& x) { return relu(x); },
              [](double x) { return x > 0 ? x : 0.0; }, [](double x) { return x > 0 ? 1.0 : 0.0; },
              {-1.0, 3.0});
  check_unary("sigmoid", [](const Value& x) { return sigmoid(x); },
              [](double x) { return 1 / (1 + std::exp(-x)); },
              [](double x) { double s = 1 / (1 + std::exp(-x)); return s * (1 - s); },
              {-3.0, 0.0, 2.0});
  check_unary("sqrt", [](const Value& x) { return sqrt(x); }, [](double x) { return std::sqrt(x); },
              [](double x) { return 0.5 / std::sqrt(x); }, {0.25, 4.0});
  check_unary("sin", [](const Value& x) { return sin(x); }, [](double x) { return std::sin(x); },
              [](double x) { return std::cos(x); }, {-1.0, 0.0, 2.0});
  check_unary("cos", [](const Value& x) { return cos(x); }, [](double x) { return std::cos(x); },
              [](double x) { return -std::sin(x); }, {-1.0, 0.0, 2.0});
}

BOOST_AUTO_TEST_CASE(members_match_free_functions) {
  Value x = 0.7;
  BOOST_TEST(x.exp().data() == exp(x).data());
  BOOST_TEST(x.log().data() == log(x).data());
  BOOST_TEST(x.tanh().data() == tanh(x).data());
  BOOST_TEST(x.relu().data() == relu(x).data());
  BOOST_TEST(x.sigmoid().data() == sigmoid(x).data());
  BOOST_TEST(x.sqrt().data() == sqrt(x).data());
  BOOST_TEST(x.sin().data() == sin(x).data());
  BOOST_TEST(x.cos().data() == cos(x).data());
  BOOST_TEST(x.pow(3.0).data() == pow(x, 3.0).data());
  BOOST_TEST(x.pow(Value(2.0)).data() == pow(x, Value(2.0)).data());
}

BOOST_AUTO_TEST_CASE(sigmoid_never_overflows) {
  BOOST_TEST(sigmoid(Value(-1000.0)).data() == 0.0);
  BOOST_TEST(sigmoid(Value(1000.0)).data() == 1.0);
}

BOOST_AUTO_TEST_CASE(power_with_a_number_exponent) {
  check_unary("x^3", [](const Value& x) { return pow(x, 3); },
              [](double x) { return x * x * x; }, [](double x) { return 3 * x * x; },
              {-2.0, 0.0, 1.5});
  check_unary("x^-0.5", [](const Value& x) { return pow(x, -0.5); },
              [](double x) { return 1 / std::sqrt(x); },
              [](double x) { return -0.5 * std::pow(x, -1.5); }, {0.5, 4.0});
}

BOOST_AUTO_TEST_CASE(power_with_a_value_exponent) {
  // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
  check_binary("a^b", [](auto& a, auto& b) { return pow(a, b); },
               [](double a, double b) { return std::pow(a, b); },
               [](double a, double b) { return b * std::pow(a, b - 1); },
               [](double a, double b) { return std::pow(a, b) * std::log(a); }, 2.0, 3.0);
  check_binary("a^b", [](auto& a, auto& b) { return pow(a, b); },
               [](double a, double b) { return std::pow(a, b); },
               [](double a, double b) { return b * std::pow(a, b - 1); },
               [](double a, double b) { return std::pow(a, b) * std::log(a); }, 0.5, -1.5);
  Value x = 3.0;
  Value y = pow(2.0, x);  // 2^x, d/dx = 2^x ln 2
  y.backward();
  BOOST_TEST(y.data() == 8.0);
  BOOST_TEST(x.grad() == 8.0 * std::log(2.0), tt::tolerance(1e-12));
  // At a negative base the exponent's derivative does not exist: NaN, not a number made up.
  Value a = -2.0, b = 2.0;
  Value z = pow(a, b);
  z.backward();
  BOOST_TEST(z.data() == 4.0);
  BOOST_TEST(a.grad() == -4.0);
  BOOST_TEST(std::isnan(b.grad()));
}

BOOST_AUTO_TEST_CASE(power_edge_cases) {
  // 0^0 = 1 with derivative 0 in the base (b a^(b-1) with b = 0), not NaN.
  Value a = 0.0;
  Value y = pow(a, 0.0);
  y.backward();
  BOOST_TEST(y.data() == 1.0);
  BOOST_TEST(a.grad() == 0.0);
  // 0^2: derivative 2 * 0 = 0; and d/db of 0^b at b = 2 is 0.
  Value z = 0.0, e = 2.0;
  Value w = pow(z, e);
  w.backward();
  BOOST_TEST(z.grad() == 0.0);
  BOOST_TEST(e.grad() == 0.0);
}

BOOST_AUTO_TEST_CASE(domain_errors_name_the_op_and_the_value) {
  Value x = 1.0, zero = 0.0, minus = -1.0;
  BOOST_TEST(error_of<std::domain_error>([&] { x / zero; }) == "div: division by zero (1 / 0)");
  BOOST_TEST(error_of<std::domain_error>([&] { x / 0.0; }) == "div: division by zero (1 / 0)");
  BOOST_TEST(error_of<std::domain_error>([&] { log(minus); }) == "log: input must be positive, got -1");
  BOOST_TEST(error_of<std::domain_error>([&] { log(zero); }) == "log: input must be positive, got 0");
  BOOST_TEST(error_of<std::domain_error>([&] { sqrt(minus); }) == "sqrt: input must not be negative, got -1");
  BOOST_TEST(error_of<std::domain_error>([&] { pow(minus, 0.5); }) ==
             "pow: negative base -1 with non-integer exponent 0.5");
  BOOST_TEST(error_of<std::domain_error>([&] { pow(zero, -2.0); }) ==
             "pow: 0 to the negative power -2 (division by zero)");
  BOOST_TEST(pow(minus, 3.0).data() == -1.0);  // an integer exponent is fine
}

BOOST_AUTO_TEST_CASE(a_refused_op_leaves_no_node_behind) {
  std::int64_t before = gl::live_nodes();
  {
    Value x = -1.0;
    BOOST_CHECK_THROW(log(x), std::domain_error);
    BOOST_TEST(gl::live_nodes() == before + 1);
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(sum_and_dot_are_one_node_each) {
  Value a0 = 1.0, a1 = -2.0, a2 = 0.5, b0 = 3.0, b1 = 4.0, b2 = -6.0;
  std::int64_t before = gl::live_nodes();
  Value d = gl::dot({a0, a1, a2}, {b0, b1, b2});
  BOOST_TEST(gl::live_nodes() == before + 1);
  BOOST_TEST(d.data() == 1.0 * 3.0 - 2.0 * 4.0 - 0.5 * 6.0);
  BOOST_TEST(d.op() == "dot");
  BOOST_TEST(d.parents().size() == 6u);  // a's, then b's
  d.backward();
  BOOST_TEST(a1.grad() == 4.0);  // d(a.b)/da_i = b_i
  BOOST_TEST(b2.grad() == 0.5);  // d(a.b)/db_i = a_i
  Value s = gl::sum({a0, a1, b0});
  BOOST_TEST(s.data() == 2.0);
  BOOST_TEST(s.op() == "sum");
  Value x = 3.0;
  Value squares = gl::dot({x, x}, {x, x});  // one Value more than once: its shares add up
  squares.backward();
  BOOST_TEST(x.grad() == 12.0);  // d(2x^2)/dx = 4x
}

BOOST_AUTO_TEST_CASE(sum_and_dot_pass_gradcheck_and_gradgradcheck) {
  // dot of x0..x2 with x3..x5, through tanh (so that the second derivatives
  // are not all 0), times a sum; and a dot of x with itself.
  auto f = [](const std::vector<Value>& v) {
    return tanh(gl::dot({v[0], v[1], v[2]}, {v[3], v[4], v[5]})) * gl::sum({v[0], v[4], v[5]});
  };
  auto g = [](const std::vector<Value>& v) { return gl::dot(v, v).pow(1.5); };
  const std::vector<double> at{0.3, -0.7, 1.1, 0.4, 0.9, -0.2};
  for (auto [name, h] : {std::pair{"tanh(dot) sum", gl::ScalarFunction(f)}, std::pair{"dot(x, x)", gl::ScalarFunction(g)}}) {
    BOOST_TEST_CONTEXT(name) {
      gl::GradCheckResult first = gl::gradcheck(h, at);
      BOOST_TEST(first.ok(), first);
      gl::GradCheckResult second = gl::gradgradcheck(h, at);
      BOOST_TEST(second.ok(), second);
      BOOST_TEST(second.entries.size() == 36u);
    }
  }
}

BOOST_AUTO_TEST_CASE(sum_and_dot_refuse_bad_lengths_by_name) {
  Value a = 1.0, b = 2.0;
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::dot({a, b}, {a}); }) ==
             "dot: a has 2 Values and b has 1; they must be as long");
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::dot(std::vector<Value>{}, std::vector<Value>{}); }) == "dot: a and b are empty");
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::sum(std::vector<Value>{}); }) == "sum: x is empty");
  std::vector<Value> many(40000, a);
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::dot(many, many); }) ==
             "dot: 80000 operands; an op takes 1 to 65535");
}

BOOST_AUTO_TEST_CASE(nan_passes_through_as_for_tensors) {
  // The rule Tensor's ops follow too (tensor_ops_test): NaN is not a domain
  // error, numbers outside the domain are.
  BOOST_TEST(std::isnan(gl::log(Value(NAN)).data()));
  BOOST_TEST(std::isnan(gl::sqrt(Value(NAN)).data()));
  BOOST_TEST(std::isnan(gl::pow(Value(NAN), 0.5).data()));
  BOOST_TEST(std::isnan(gl::log(gl::tensor({NAN})).item()));
  BOOST_TEST(std::isnan(gl::sqrt(gl::tensor({NAN})).item()));
  BOOST_TEST(std::isnan(gl::pow(gl::tensor({NAN}), 0.5).item()));
  BOOST_CHECK_THROW(gl::log(Value(-1.0)), std::domain_error);
  BOOST_CHECK_THROW(gl::log(gl::tensor({-1.0})), std::domain_error);
}

BOOST_AUTO_TEST_SUITE_END()
