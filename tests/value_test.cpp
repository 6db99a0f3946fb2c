// SPDX-License-Identifier: MIT
// The Value handle: construction, printing, rebinding, and micrograd's own
// published numbers.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
using gl::Value;

BOOST_AUTO_TEST_SUITE(value_test)

BOOST_AUTO_TEST_CASE(micrograd_readme_example) {
  // micrograd's README: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
  Value a = -4.0, b = 2.0;
  Value c = a + b;
  Value d = a * b + pow(b, 3);
  c += c + 1;
  c += 1 + c + (-a);
  d += d * 2 + relu(b + a);
  d += 3 * d + relu(b - a);
  Value e = c - d;
  Value f = pow(e, 2);
  Value g = f / 2.0;
  g += 10.0 / f;
  g.backward();
  BOOST_TEST(g.data() == 24.7041, boost::test_tools::tolerance(1e-4 / 24.7));
  BOOST_TEST(a.grad() == 138.8338, boost::test_tools::tolerance(1e-4 / 138.8));
  BOOST_TEST(b.grad() == 645.5773, boost::test_tools::tolerance(1e-4 / 645.5));
}

BOOST_AUTO_TEST_CASE(micrograd_sanity_check) {
  // micrograd's test_sanity_check: y = -20, dy/dx = 46 at x = -4.
  Value x = -4.0;
  Value z = 2 * x + 2 + x;
  Value q = z.relu() + z * x;
  Value h = (z * z).relu();
  Value y = h + q + q * x;
  y.backward();
  BOOST_TEST(y.data() == -20.0);
  BOOST_TEST(x.grad() == 46.0);
}

BOOST_AUTO_TEST_CASE(prints_like_micrograd) {
  std::ostringstream os;
  os << Value(2.0);
  BOOST_TEST(os.str() == "Value(data=2.0000, grad=0.0000)");
  os.str("");
  Value x(-1.5, "x");
  x.grad() = 0.25;
  os << x;
  BOOST_TEST(os.str() == "Value(label=x, data=-1.5000, grad=0.2500)");
}

BOOST_AUTO_TEST_CASE(compound_assignment_rebinds) {
  Value c = 2.0;
  Value old = c;
  c += c + 1;  // c = old + (old + 1)
  BOOST_TEST(c.data() == 5.0);
  BOOST_TEST(old.data() == 2.0);  // the old node is unchanged...
  BOOST_TEST(c.node() != old.node());
  std::vector<Value> p = c.parents();  // ...and is an operand of the new one
  BOOST_REQUIRE(p.size() == 2u);
  BOOST_TEST(p[0].node() == old.node());
  c.backward();
  BOOST_TEST(old.grad() == 2.0);

  Value m = 3.0;
  m *= 2.0;
  m -= 1.0;
  m /= 5.0;
  BOOST_TEST(m.data() == 1.0);
}

BOOST_AUTO_TEST_CASE(leaves_and_ops_describe_themselves) {
  Value a(2.0, "a");
  BOOST_TEST(a.is_leaf());
  BOOST_TEST(a.requires_grad());
  BOOST_TEST(a.op() == "");
  Value t = a.tanh();
  BOOST_TEST(!t.is_leaf());
  BOOST_TEST(t.op() == "tanh");
  BOOST_TEST((a * a).op() == "*");
  BOOST_TEST(Value::constant(1.0).requires_grad() == false);
}

BOOST_AUTO_TEST_CASE(parameter_update_through_the_handle) {
  Value w = 1.0;
  Value loss = w * w;
  loss.backward();
  for (Value p : std::vector<Value>{w}) p.data() -= 0.25 * p.grad();
  BOOST_TEST(w.data() == 0.5);
}

BOOST_AUTO_TEST_CASE(moved_from_values_can_be_copied_and_reassigned) {
  Value a = 2.0;
  Value b = std::move(a);
  BOOST_TEST(b.data() == 2.0);
  BOOST_TEST(a.node() == nullptr);  // NOLINT(bugprone-use-after-move): what is left
  Value c = a;                      // copying an empty handle gives an empty handle
  BOOST_TEST(c.node() == nullptr);
  c = b;
  BOOST_TEST(c.data() == 2.0);
  a = Value(5.0);
  BOOST_TEST(a.data() == 5.0);
}

BOOST_AUTO_TEST_SUITE_END()
