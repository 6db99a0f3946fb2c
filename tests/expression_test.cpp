// SPDX-License-Identifier: MIT
// The expression parser: precedence, associativity, every function and its
// gradient, every malformed input with its message, and size limits.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include <gradlab/gradlab.hpp>

#include "expression.hpp"

namespace gl = gradlab;
using gl::Value;
namespace tt = boost::test_tools;

namespace {

double eval(const std::string& text, std::map<std::string, double> vars = {}) {
  std::map<std::string, Value> values;
  for (auto& [k, v] : vars) values.emplace(k, Value(v, k));
  return gl::Expression::parse(text).evaluate(values).data();
}

// The gradient of `text` with respect to `name`, at `vars`.
double grad(const std::string& text, const std::string& name, std::map<std::string, double> vars) {
  std::map<std::string, Value> values;
  for (auto& [k, v] : vars) values.emplace(k, Value(v, k));
  Value y = gl::Expression::parse(text).evaluate(values);
  y.backward();
  return values.at(name).grad();
}

std::string syntax_error(const std::string& text) {
  try {
    gl::Expression::parse(text);
  } catch (const gl::SyntaxError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expression_test)

BOOST_AUTO_TEST_CASE(precedence_and_associativity) {
  BOOST_TEST(eval("1 + 2 * 3") == 7.0);
  BOOST_TEST(eval("(1 + 2) * 3") == 9.0);
  BOOST_TEST(eval("8 - 3 - 2") == 3.0);   // left-associative
  BOOST_TEST(eval("8 / 4 / 2") == 1.0);
  BOOST_TEST(eval("2^3^2") == 512.0);     // right-associative: 2^9
  BOOST_TEST(eval("-x^2", {{"x", 3}}) == -9.0);  // -(x^2)
  BOOST_TEST(eval("2^-x", {{"x", 1}}) == 0.5);   // 2^(-x)
  BOOST_TEST(eval("--x", {{"x", 4}}) == 4.0);
  BOOST_TEST(eval("2 * -3") == -6.0);
  BOOST_TEST(eval("2^(1+1)*3") == 12.0);
  BOOST_TEST(eval("x^y^z", {{"x", 2}, {"y", 1}, {"z", 3}}) == 2.0);
  BOOST_TEST(eval("1e-3 * 1000 + .5 + 0.5") == 2.0);
  BOOST_TEST(eval("0.0e-400 + 1") == 1.0);            // zero written small is still zero
  BOOST_TEST(eval("1e-310 * 1e300") == 1e-310 * 1e300);  // a subnormal number is read as it is
  BOOST_TEST(eval("  x\t+ 1 ", {{"x", 1}}) == 2.0);
}

BOOST_AUTO_TEST_CASE(every_function_with_its_gradient) {
  double x = 0.7;
  struct Case {
    const char* text;
    double value, derivative;
  } cases[] = {
      {"exp(x)", std::exp(x), std::exp(x)},
      {"log(x)", std::log(x), 1 / x},
      {"tanh(x)", std::tanh(x), 1 - std::tanh(x) * std::tanh(x)},
      {"relu(x)", x, 1.0},
      {"sigmoid(x)", 1 / (1 + std::exp(-x)), std::exp(-x) / std::pow(1 + std::exp(-x), 2)},
      {"sqrt(x)", std::sqrt(x), 0.5 / std::sqrt(x)},
      {"sin(x)", std::sin(x), std::cos(x)},
      {"cos(x)", std::cos(x), -std::sin(x)},
      {"x^3", x * x * x, 3 * x * x},
      {"2^x", std::pow(2, x), std::pow(2, x) * std::log(2.0)},
      {"x^x", std::pow(x, x), std::pow(x, x) * (std::log(x) + 1)},
      {"1/x", 1 / x, -1 / (x * x)},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_TEST(eval(c.text, {{"x", x}}) == c.value, tt::tolerance(1e-12));
      BOOST_TEST(grad(c.text, "x", {{"x", x}}) == c.derivative, tt::tolerance(1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_variable_is_one_node_so_gradients_add_up) {
  BOOST_TEST(grad("x*y + x", "x", {{"x", 2}, {"y", 5}}) == 6.0);
  BOOST_TEST(grad("x + x + x", "x", {{"x", 1}}) == 3.0);
  auto e = gl::Expression::parse("b*a + a*c");
  BOOST_TEST((e.variables() == std::vector<std::string>{"b", "a", "c"}));
}

BOOST_AUTO_TEST_CASE(malformed_expressions_say_what_and_where) {
  BOOST_TEST(syntax_error("") == "empty expression at position 1");
  BOOST_TEST(syntax_error("   ") == "empty expression at position 1");
  BOOST_TEST(syntax_error("(x + 1") == "unbalanced '(': no ')' closes it at position 1");
  BOOST_TEST(syntax_error("x + 1)") == "unbalanced ')': no '(' to close at position 6");
  BOOST_TEST(syntax_error("x +") == "expected an operand after '+' but the expression ended at position 4");
  BOOST_TEST(syntax_error("x + * y") == "expected a number, a name or '(' but found '*' at position 5");
  BOOST_TEST(syntax_error("x ** 2") == "'**' is not an operator; write powers with ^ at position 3");
  BOOST_TEST(syntax_error("foo(x)") == "unknown function 'foo' at position 1");
  BOOST_TEST(syntax_error("exp x") == "function 'exp' needs parentheses: exp(...) at position 1");
  BOOST_TEST(syntax_error("2x") == "expected an operator (+ - * / ^) but found 'x' at position 2");
  BOOST_TEST(syntax_error("1e999") == "number '1e999' is out of range at position 1");
  BOOST_TEST(syntax_error("1e-400") == "number '1e-400' is out of range at position 1");  // would read as 0
  BOOST_TEST(syntax_error("1.2.3") == "malformed number '1.2.3' at position 1");
  BOOST_TEST(syntax_error("1..") == "malformed number '1..' at position 1");
  BOOST_TEST(syntax_error("()") == "expected an operand but found ')' at position 2");
  BOOST_TEST(syntax_error("x $ y") == "expected an operator (+ - * / ^) but found '$' at position 3");
  BOOST_TEST(syntax_error(std::string("x\x01", 2)) ==
             "expected an operator (+ - * / ^) but found byte 0x01 at position 2");
}

BOOST_AUTO_TEST_CASE(the_caret_points_at_the_error) {
  try {
    gl::Expression::parse("x + * y");
    BOOST_FAIL("must throw");
  } catch (const gl::SyntaxError& e) {
    BOOST_TEST(e.position() == 4u);
    BOOST_TEST(e.caret() == "  x + * y\n      ^");
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_without_overflow) {
  std::string deep = std::string(100000, '(') + "x" + std::string(100000, ')');
  BOOST_TEST(syntax_error(deep).rfind("expression nests deeper than 256 levels", 0) == 0u);
  BOOST_TEST(syntax_error(std::string(100000, '-') + "x").rfind("expression nests deeper", 0) == 0u);
  std::string ok = std::string(200, '(') + "x" + std::string(200, ')');
  BOOST_TEST(eval(ok, {{"x", 2}}) == 2.0);
}

BOOST_AUTO_TEST_CASE(long_flat_expressions_evaluate_iteratively) {
  std::string sum = "x";
  for (int i = 1; i < 200000; ++i) sum += "+x";
  BOOST_TEST(eval(sum, {{"x", 1.5}}) == 300000.0);
  BOOST_TEST(grad(sum, "x", {{"x", 1.5}}) == 200000.0);
  BOOST_TEST(syntax_error(std::string(1'000'001, '1')).rfind("expression is longer than", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(many_distinct_variables_parse_in_linear_time) {
  // 100,000 names, every tenth used twice: one slot per name, in order of first use.
  std::string text;
  const int n = 100000;
  for (int i = 0; i < n; ++i) text += (i ? "+v" : "v") + std::to_string(i);
  for (int i = n - 10; i >= 0; i -= 10) text += "-v" + std::to_string(i) + "*0.5";
  auto start = std::chrono::steady_clock::now();
  auto e = gl::Expression::parse(text);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  BOOST_TEST(took.count() < 2000);  // a search per name took 12.6 s; a hash map, milliseconds
  BOOST_REQUIRE(e.variables().size() == std::size_t{n});
  BOOST_TEST(e.variables()[0] == "v0");
  BOOST_TEST(e.variables()[n - 1] == "v99999");
  std::map<std::string, Value> values;
  for (int i = 0; i < n; ++i) values.emplace("v" + std::to_string(i), Value(1.0));
  Value y = e.evaluate(values);
  BOOST_TEST(y.data() == n - 0.5 * (n / 10));
  y.backward();
  BOOST_TEST(values.at("v770").grad() == 0.5);  // 1 - 0.5: both uses reach the same node
  BOOST_TEST(values.at("v777").grad() == 1.0);
}

BOOST_AUTO_TEST_CASE(missing_variables_and_domain_errors) {
  auto e = gl::Expression::parse("x + y");
  std::map<std::string, Value> only_x{{"x", Value(1.0)}};
  try {
    e.evaluate(only_x);
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& err) {
    BOOST_TEST(std::string(err.what()) == "variable 'y' has no value (give y=NUMBER)");
  }
  BOOST_CHECK_THROW(eval("log(x - 2)", {{"x", 1}}), std::domain_error);
  BOOST_CHECK_THROW(eval("x / (x - x)", {{"x", 1}}), std::domain_error);
}

BOOST_AUTO_TEST_CASE(a_default_constructed_expression_is_refused) {
  try {
    gl::Expression{}.evaluate({});
    BOOST_FAIL("must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(std::string(e.what()) == "evaluate: this Expression holds nothing (it was default-constructed; "
                                        "make one with Expression::parse)");
  }
}

BOOST_AUTO_TEST_SUITE_END()
