// SPDX-License-Identifier: MIT
// The tape of a backward pass: sweep order, exact local derivatives,
// contributions and accumulated gradients, and gradients equal to backward().
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <gradlab/gradlab.hpp>
#include <gradlab/tape.hpp>

namespace gl = gradlab;
using gl::Value;

BOOST_AUTO_TEST_SUITE(tape_test)

BOOST_AUTO_TEST_CASE(d_equals_a_times_b_plus_c) {
  Value a(2.0, "a"), b(-3.0, "b"), c(10.0, "c");
  Value e = (a * b).set_label("e");
  Value d = (e + c).set_label("d");
  int calls = 0;
  std::vector<gl::TapeStep> tape =
      gl::backward_with_tape(d, [&](const gl::TapeStep&) { ++calls; });
  BOOST_TEST(calls == 2);
  BOOST_REQUIRE(tape.size() == 2u);
  BOOST_TEST(tape[0].name == "d");
  BOOST_TEST(tape[0].op == "+");
  BOOST_TEST(tape[0].upstream == 1.0);
  BOOST_REQUIRE(tape[0].edges.size() == 2u);
  BOOST_TEST(tape[0].edges[0].name == "e");
  BOOST_TEST(tape[0].edges[0].local == 1.0);
  BOOST_TEST(tape[1].name == "e");
  BOOST_TEST(tape[1].upstream == 1.0);
  BOOST_TEST(tape[1].edges[0].name == "a");
  BOOST_TEST(tape[1].edges[0].local == -3.0);  // d(a*b)/da = b
  BOOST_TEST(tape[1].edges[1].local == 2.0);   // d(a*b)/db = a
  BOOST_TEST(tape[1].edges[0].accumulated == -3.0);
  BOOST_TEST(a.grad() == -3.0);
  BOOST_TEST(b.grad() == 2.0);
  BOOST_TEST(c.grad() == 1.0);
}

BOOST_AUTO_TEST_CASE(reused_operand_accumulates_and_local_derivatives_are_exact) {
  Value a(3.0, "a");
  Value s = (a * a).set_label("s");
  Value b = (s + a).set_label("b");  // db/da = 2a + 1 = 7
  Value o = tanh(b * 0.1).set_label("o");
  std::vector<gl::TapeStep> tape = gl::backward_with_tape(o);
  const gl::TapeStep& square = tape.back();
  BOOST_TEST(square.name == "s");
  BOOST_REQUIRE(square.edges.size() == 1u);
  BOOST_TEST(square.edges[0].uses == 2);
  BOOST_TEST(square.edges[0].local == 6.0);  // d(a*a)/da = 2a, both uses summed
  // Each use on its own: d(a*a)/d(first a) = second a = 3, and the other way.
  BOOST_TEST((square.edges[0].local_each == std::vector<double>{3.0, 3.0}));
  BOOST_TEST(square.edges[0].accumulated == a.grad());
  double t = o.data();
  BOOST_TEST(tape[0].edges[0].local == 1 - t * t);  // exact, not a difference quotient
  BOOST_TEST(std::abs(a.grad() - 7 * 0.1 * (1 - t * t)) < 1e-15);
  // Every row's contribution is upstream × local.
  for (const auto& step : tape)
    for (const auto& e : step.edges) BOOST_TEST(e.contribution == step.upstream * e.local);

  // The same gradients as backward(): inner nodes start again from 0,
  // leaves accumulate.
  double first = a.grad();
  gl::backward_with_tape(o);
  BOOST_TEST(a.grad() == 2 * first);
  BOOST_TEST(s.grad() == tape.back().upstream);
}

BOOST_AUTO_TEST_CASE(each_use_of_a_reused_operand_gets_its_own_row) {
  Value a(3.0, "a"), c(2.0, "c");
  Value s = (a * a).set_label("s");
  Value b = (s + a).set_label("b");
  Value p = pow(c, a).set_label("p");  // a as the exponent: a Value, not a constant
  std::vector<gl::TapeStep> tape = gl::backward_with_tape(b);
  std::ostringstream os;
  os << tape;
  // The + passes 1 to a first; then the * passes 3 for each use: 1, 4, 7.
  BOOST_TEST(os.str().find("s          *          1.0000   a (use 1)      3.0000        3.0000"
                           "       4.0000") != std::string::npos);
  BOOST_TEST(os.str().find("                             a (use 2)      3.0000        3.0000"
                           "       7.0000") != std::string::npos);
  BOOST_TEST(a.grad() == 7.0);
  // Distinct uses of different slots: d(c^a)/dc = a c^(a-1), d(c^a)/da = c^a ln c.
  std::vector<gl::TapeStep> tp = gl::backward_with_tape(p);
  BOOST_REQUIRE(tp[0].edges.size() == 2u);
  BOOST_TEST(tp[0].edges[0].local_each == std::vector<double>{3.0 * 4.0});
  BOOST_TEST(std::abs(tp[0].edges[1].local - 8.0 * std::log(2.0)) < 1e-12);
  BOOST_TEST(a.grad() == 7.0 + tp[0].edges[1].local);  // the leaf accumulates
}

BOOST_AUTO_TEST_CASE(unlabelled_nodes_are_named_as_the_picture_numbers_them) {
  Value x(1.0);
  Value y = x * 2.0;
  std::vector<gl::TapeStep> tape = gl::backward_with_tape(y);
  BOOST_TEST(tape[0].name == "v2");  // x is v0, the constant 2 is v1
  BOOST_REQUIRE(tape[0].edges.size() == 1u);  // constants take no gradient
  BOOST_TEST(tape[0].edges[0].name == "v0");
  std::ostringstream os;
  os << tape;
  BOOST_TEST(os.str().find("upstream") != std::string::npos);
  BOOST_TEST(os.str().find("v2         *          1.0000   v0             2.0000") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(long_names_widen_their_columns) {
  Value x1(0.5, "x1"), w1(1.0, "w1"), x2(0.0, "x2"), w2(1.0, "w2");
  // 13 characters (15 bytes: each "·" is two), where the column holds 10.
  Value n = (x1 * w1 + x2 * w2).set_label("x1·w1 + x2·w2");
  Value o = tanh(n).set_label("o");
  std::vector<gl::TapeStep> tape = gl::backward_with_tape(o);
  gl::TapeColumns c = gl::tape_columns(tape);
  BOOST_TEST(c.node == 13u);     // the name of the + step
  BOOST_TEST(c.operand == 13u);  // and of tanh's operand
  BOOST_TEST(c.op == 6u);        // "tanh" and "+" fit the header's width
  std::ostringstream os;
  os << tape;
  // Every line ends where the header's "accumulated" ends: each row's
  // cells stay under their headers. (Characters counted, not bytes.)
  auto width = [](const std::string& s) {
    return std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
  };
  std::istringstream lines(os.str());
  std::string header, line;
  std::getline(lines, header);
  BOOST_TEST(header.find("node" + std::string(10, ' ') + "op") == 0u);  // "node" padded to 13, then a space
  int rows = 0;
  while (std::getline(lines, line)) {
    BOOST_TEST(width(line) == width(header), "a row out of line: '" << line << "'");
    ++rows;
  }
  BOOST_TEST(rows == 7);  // tanh: 1 operand; +: 2; each *: 2
  // The + step's upstream gradient, d tanh(n)/dn at n = 0.5: 1 - tanh(0.5)^2
  // = 1 - 0.4621^2 = 0.7864, right-aligned in its 10 columns after "+" in 6.
  BOOST_TEST(os.str().find("x1·w1 + x2·w2 +" + std::string(10, ' ') + "0.7864") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_tensors_and_nested_backward) {
  Value a(1.0, "a");
  Value b = a * a;
  BOOST_CHECK_THROW(gl::backward_with_tape(b, [&](const gl::TapeStep&) { b.backward(); }),
                    std::logic_error);
  BOOST_TEST(!(b.node()->flags & (gl::kVisited | gl::kFresh)));  // the abandoned sweep left no marks
  b.zero_grad();
  a.zero_grad();
  gl::backward_with_tape(b);
  BOOST_TEST(a.grad() == 2.0);
}

BOOST_AUTO_TEST_CASE(a_tensor_tape_shows_what_each_op_passes_back) {
  // y = sum(x @ w + b) with x (1, 2), w (2, 1), b (1): worked out by hand,
  // sum passes 1 to h = x @ w + b; + passes 1 to x @ w and to b; matmul
  // passes w^T = (3, 4) to x and x^T = (1, 2) to w.
  gl::Tensor x = gl::tensor({1.0, 2.0}, {1, 2}).requires_grad_().set_label("x");
  gl::Tensor w = gl::tensor({3.0, 4.0}, {2, 1}).requires_grad_().set_label("w");
  gl::Tensor b = gl::tensor({0.5}).requires_grad_().set_label("b");
  gl::Tensor xw = x.matmul(w).set_label("xw");
  gl::Tensor h = (xw + b).set_label("h");
  gl::Tensor y = h.sum().set_label("y");
  int calls = 0;
  std::vector<gl::TensorTapeStep> tape =
      gl::backward_with_tape(y, [&](const gl::TensorTapeStep&) { ++calls; });
  BOOST_TEST(calls == 3);
  BOOST_REQUIRE(tape.size() == 3u);
  BOOST_TEST(tape[0].name == "y");
  BOOST_TEST(tape[0].op == "sum");
  BOOST_TEST(tape[0].upstream == "[] (1)");
  BOOST_TEST(tape[0].edges[0].name == "h");
  BOOST_TEST(tape[0].edges[0].contribution == "[1, 1] (1)");
  BOOST_TEST(tape[1].op == "+");
  BOOST_REQUIRE(tape[1].edges.size() == 2u);
  BOOST_TEST(tape[1].edges[1].name == "b");
  BOOST_TEST(tape[1].edges[1].contribution == "[1] (1)");
  BOOST_TEST(tape[2].op == "matmul");
  BOOST_TEST(tape[2].edges[0].contribution == "[1, 2] (3 4)");
  BOOST_TEST(tape[2].edges[1].contribution == "[2, 1] (1 2)");
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{3, 4}));  // and backward really ran
  // A second run: the leaves accumulate, and the tape shows this run's share.
  std::vector<gl::TensorTapeStep> again = gl::backward_with_tape(y);
  BOOST_TEST(again[2].edges[0].contribution == "[1, 2] (3 4)");
  BOOST_TEST(again[2].edges[0].accumulated == "[1, 2] (6 8)");
  std::ostringstream os;
  gl::print_tape_step(os, tape[2]);
  BOOST_TEST(os.str() == "xw (matmul), upstream [1, 1] (1)\n"
                         "    -> x: += [1, 2] (3 4)\n"
                         "         now [1, 2] (3 4)\n"
                         "    -> w: += [2, 1] (1 2)\n"
                         "         now [2, 1] (1 2)\n");
  BOOST_CHECK_THROW(gl::backward_with_tape(x * 2.0), std::invalid_argument);  // not one number
}

BOOST_AUTO_TEST_SUITE_END()
