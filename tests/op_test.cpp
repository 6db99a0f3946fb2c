// SPDX-License-Identifier: MIT
// Defining ops from outside the library (op.hpp): a Value op and a Tensor
// op written in this file, checked for their forward, their backward
// against finite differences, constants, grad mode, and bad results.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
using gl::Tensor;
using gl::Value;

namespace {

// cube(a) = a^3, one node: d(a^3)/da = 3a^2.
Value cube(const Value& a) {
  static constexpr gl::Op op{"cube", [](gl::Node& n) {
    auto [out, a] = gl::unary_slots(n);
    a.grad += 3 * a.data * a.data * out.grad;  // d(a^3)/da = 3a^2
  }, &gl::kScalarKind};
  return gl::make_result(a.data() * a.data() * a.data(), op, a);
}

// hypot(a, b) = sqrt(a^2 + b^2): d/da = a / out, d/db = b / out.
Value hypot(const Value& a, const Value& b) {
  static constexpr gl::Op op{"hypot", [](gl::Node& n) {
    auto [out, a, b] = gl::binary_slots(n);
    a.grad += a.data / out.data * out.grad;  // d hypot/da = a / hypot
    b.grad += b.data / out.data * out.grad;  // d hypot/db = b / hypot
  }, &gl::kScalarKind};
  return gl::make_result(std::hypot(a.data(), b.data()), op, a, b);
}

// a * w elementwise, w (same shape) taking a gradient too: the Tensor form.
Tensor scale(const Tensor& a, const Tensor& w) {
  static constexpr gl::Op op{"scale", [](gl::Node& n) {
    gl::TensorSlot out = gl::tensor_slot(n), a = gl::tensor_slot(n.parent(0)),
                   w = gl::tensor_slot(n.parent(1));
    for (std::size_t i = 0; i < out.data.size(); ++i) {
      if (a.grad) a.grad[i] += w.data[i] * out.grad[i];  // d(a w)/da = w
      if (w.grad) w.grad[i] += a.data[i] * out.grad[i];  // d(a w)/dw = a
    }
  }, &gl::kTensorKind};
  std::vector<double> out;
  for (std::size_t i = 0; i < a.data().size(); ++i) out.push_back(a.data()[i] * w.data()[i]);
  return gl::make_result(a.shape(), std::move(out), op, {a, w});
}

// a^2 elementwise, written as the library's tensor ops are: the first
// gradient to reach a is written (tensor_slot_for_overwrite), later ones
// added; and a second backward on Tensors (tensor_of, gradient_of, pass),
// so that its gradient can be differentiated again.
Tensor square(const Tensor& a) {
  std::vector<double> out;  // forward
  for (double x : a.data()) out.push_back(x * x);
  static constexpr gl::Op op{"square", [](gl::Node& n) {  // backward
    gl::TensorSlot out = gl::tensor_slot(n), a = gl::tensor_slot_for_overwrite(n.parent(0));
    for (std::size_t i = 0; i < out.data.size(); ++i) {
      double share = 2 * a.data[i] * out.grad[i];  // d(a^2)/da = 2a
      a.grad[i] = a.fresh ? share : a.grad[i] + share;
    }
  }, &gl::kTensorKind, nullptr, [](gl::Node& n, gl::GradientGraph& g) {  // the same on Tensors
    gl::pass(g, n, 0, 2 * gl::tensor_of(n.parent(0)) * gl::gradient_of(n, g));
  }};
  return gl::make_result(a.shape(), std::move(out), op, {a});
}

// The mean of many Values as one node, with scalar_op_n: d(mean)/dx_i = 1/n.
Value mean_of(const std::vector<Value>& x) {
  double data = 0;
  for (const Value& xi : x) data += xi.data();
  static constexpr gl::Op op = gl::scalar_op_n("mean", [](auto& out, auto& x) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i].grad += out.grad / static_cast<double>(x.size());
  });
  return gl::make_result(data / static_cast<double>(x.size()), op, x);
}

// README's example, as printed there.
gl::Value softsign(const gl::Value& a) {  // a / (1 + |a|)
  static constexpr gl::Op op{"softsign", [](gl::Node& n) {
    auto [out, a] = gl::unary_slots(n);  // data, and the grad to add into
    double d = 1 + std::abs(a.data);
    a.grad += out.grad / (d * d);  // d softsign(a)/da = 1 / (1 + |a|)^2
  }, &gl::kScalarKind};
  return gl::make_result(a.data() / (1 + std::abs(a.data())), op, a);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(op_test)

BOOST_AUTO_TEST_CASE(the_readme_example) {
  Value x(-3.0, "x");
  Value y = softsign(x);
  BOOST_TEST(y.data() == -0.75);
  y.backward();
  BOOST_TEST(x.grad() == 1.0 / 16);
  BOOST_TEST(gl::gradcheck([](const std::vector<Value>& p) { return softsign(p[0]) * p[1]; },
                           {0.4, -2.0})
                 .ok());
}

BOOST_AUTO_TEST_CASE(a_value_op_is_one_node_with_its_own_backward) {
  Value x(2.0, "x");
  Value y = cube(x);
  BOOST_TEST(y.data() == 8.0);
  BOOST_TEST(y.op() == "cube");
  BOOST_REQUIRE(y.parents().size() == 1u);
  BOOST_TEST(y.parents()[0].node() == x.node());
  (y * 2.0).backward();
  BOOST_TEST(x.grad() == 24.0);  // 2 · 3x²
  // Used twice, as every op's gradient it adds up: d(x³ + x³)/dx = 6x².
  x.zero_grad();
  (cube(x) + cube(x)).backward();
  BOOST_TEST(x.grad() == 24.0);
  gl::GradCheckResult r = gl::gradcheck(
      [](const std::vector<Value>& p) { return hypot(cube(p[0]), p[1]); }, {0.7, -1.3});
  BOOST_TEST(r.ok());
}

BOOST_AUTO_TEST_CASE(constants_take_no_gradient_and_no_grad_records_nothing) {
  Value x(3.0, "x");
  Value h = hypot(x, Value::constant(4.0));  // a constant: its share goes to the sink
  BOOST_TEST(h.data() == 5.0);
  h.backward();
  BOOST_TEST(x.grad() == 0.6);
  BOOST_TEST(h.parents()[1].grad() == 0.0);  // the constant's grad was never written
  {
    gl::NoGradGuard no_grad;
    Value c = cube(x);
    BOOST_TEST(c.is_leaf());
    BOOST_TEST(!c.requires_grad());
  }
  BOOST_TEST(cube(Value::constant(2.0)).is_leaf());  // nothing to differentiate
}

BOOST_AUTO_TEST_CASE(an_op_of_many_operands) {
  Value a = 1.0, b = 2.0, c = 6.0;
  Value m = mean_of({a, b, c, Value::constant(3.0)});
  BOOST_TEST(m.data() == 3.0);
  BOOST_TEST(m.op() == "mean");
  BOOST_TEST(m.parents().size() == 4u);  // one node, every operand a parent
  (m * m).backward();                    // d(m^2)/dx_i = 2m / 4
  BOOST_TEST(a.grad() == 1.5);
  BOOST_TEST(c.grad() == 1.5);
  auto f = [](const std::vector<Value>& v) { return mean_of(v) * v[0] * v[2]; };
  gl::GradCheckResult first = gl::gradcheck(f, {0.3, -1.2, 2.0});
  BOOST_TEST(first.ok(), first);
  gl::GradCheckResult second = gl::gradgradcheck(f, {0.3, -1.2, 2.0});
  BOOST_TEST(second.ok(), second);
  BOOST_TEST(second.entries.size() == 9u);
  {
    gl::NoGradGuard no_grad;  // recorded as nothing but a leaf
    BOOST_TEST(mean_of({a, b}).is_leaf());
  }
  BOOST_TEST(mean_of({Value::constant(1.0), Value::constant(2.0)}).is_leaf());
  std::vector<Value> none;
  BOOST_CHECK_EXCEPTION(gl::make_result(0.0, *m.node()->op, none),
                        std::invalid_argument, [](const std::invalid_argument& e) {
                          return std::string(e.what()) == "mean: 0 operands; an op takes 1 to 65535";
                        });
}

BOOST_AUTO_TEST_CASE(a_tensor_op_through_tensor_slot) {
  Tensor a = gl::tensor({{1.0, -2.0}, {0.5, 3.0}}).requires_grad_();
  Tensor w = gl::tensor({{2.0, 1.0}, {-1.0, 0.25}});  // a constant: its slot's grad is null
  Tensor y = scale(a, w);
  BOOST_TEST(y.op() == "scale");
  BOOST_TEST((y.to_vector() == std::vector<double>{2.0, -2.0, -0.5, 0.75}));
  y.sum().backward();
  BOOST_TEST((a.grad().to_vector() == w.to_vector()));
  BOOST_TEST(w.grad().to_vector() == std::vector<double>(4, 0.0));  // none arrived
  gl::GradCheckResult r = gl::gradcheck(
      [](const std::vector<Tensor>& p) { return (scale(p[0], p[1]) * p[0]).sum(); },
      {gl::tensor({0.3, -0.7, 1.1}), gl::tensor({2.0, -0.5, 0.9})});
  BOOST_TEST(r.ok());
}

BOOST_AUTO_TEST_CASE(a_first_gradient_is_written_and_later_ones_added) {
  Tensor a = gl::tensor({1.5, -2.0, 0.25}).requires_grad_();
  // Two uses of a: the first backward to reach a finds its slot fresh and
  // writes, the second adds, so the gradient is 2a + 2a. A leaf's gradient
  // from an earlier backward is added to as well.
  (square(a) + square(a)).sum().backward();
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{6.0, -8.0, 1.0}));
  square(a).sum().backward();
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{9.0, -12.0, 1.5}));
  // The slot itself: fresh only before any gradient has reached the node.
  Tensor b = square(gl::tensor({2.0, 3.0}).requires_grad_());
  gl::TensorSlot first = gl::tensor_slot_for_overwrite(*b.node());
  BOOST_TEST(first.fresh);
  BOOST_TEST(first.grad != nullptr);
  BOOST_TEST(!gl::tensor_slot_for_overwrite(*b.node()).fresh);
  Tensor c = gl::tensor({1.0});  // a constant: no gradient to write
  BOOST_TEST(gl::tensor_slot_for_overwrite(*c.node()).grad == nullptr);
}

BOOST_AUTO_TEST_CASE(a_tensor_op_with_its_second_backward) {
  // d/da sum(square(a) * v) = 2 a v; differentiated again along u:
  // d/da sum(2 a v u) = 2 v u.
  Tensor a = gl::tensor({0.5, -1.0, 2.0}).requires_grad_();
  Tensor v = gl::tensor({3.0, 0.5, -1.0}), u = gl::tensor({1.0, 2.0, 0.5});
  Tensor ga = gl::autograd::grad({(square(a) * v).sum()}, {a}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  BOOST_TEST((ga.to_vector() == std::vector<double>{3.0, -1.0, -4.0}));
  Tensor gga = gl::autograd::grad({(ga * u).sum()}, {a})[0];
  BOOST_TEST((gga.to_vector() == std::vector<double>{6.0, 2.0, -1.0}));
  gl::GradCheckResult r = gl::gradgradcheck(
      [](const std::vector<Tensor>& p) { return (square(p[0]) * square(p[1])).sum(); },
      {gl::tensor({0.3, -0.7, 1.1}), gl::tensor({2.0, -0.5, 0.9})});
  BOOST_TEST(r.ok());
}

BOOST_AUTO_TEST_CASE(a_result_of_the_wrong_size_or_kind_is_refused) {
  Tensor a = gl::ones({2, 2}).requires_grad_();
  static constexpr gl::Op tensor_op{"half", [](gl::Node&) {}, &gl::kTensorKind};
  static constexpr gl::Op scalar_op{"half", [](gl::Node&) {}, &gl::kScalarKind};
  const std::int64_t before = gl::live_nodes();
  try {
    gl::make_result({2, 2}, {1.0, 2.0, 3.0}, tensor_op, {a});
    BOOST_FAIL("a result of 3 numbers for shape [2, 2] was accepted");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) ==
               "half: the result has 3 numbers for shape [2, 2] (4 elements)");
  }
  BOOST_CHECK_THROW(gl::make_result({2, 2}, {1.0, 2.0, 3.0, 4.0}, scalar_op, {a}),
                    std::invalid_argument);
  // A shape is counted by the checked helper: [-1, -2] is not 2 elements.
  BOOST_CHECK_THROW(gl::make_result({-1, -2}, {1.0, 2.0}, tensor_op, {a}), std::invalid_argument);
  BOOST_TEST(gl::live_nodes() == before);  // nothing half-made is left behind
}

BOOST_AUTO_TEST_SUITE_END()
