// SPDX-License-Identifier: MIT
// Node lifetime: reference counts, iterative teardown, parent lists, labels.
#include <boost/test/unit_test.hpp>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

BOOST_AUTO_TEST_SUITE(node_test)

BOOST_AUTO_TEST_CASE(scalar_node_is_small) {
  // The 48-bytes-a-node budget: the header and a scalar's data and grad.
  BOOST_TEST(sizeof(gl::Node) == 32u);
  BOOST_TEST(sizeof(gl::ScalarNode) == 48u);
}

BOOST_AUTO_TEST_CASE(handles_share_one_node) {
  std::int64_t before = gl::live_nodes();
  {
    gl::Value a = 1.0;
    gl::Value b = a;  // a copy shares the node
    BOOST_TEST(a.node() == b.node());
    BOOST_TEST(a.node()->refs == 2u);
    b.data() = 5.0;
    BOOST_TEST(a.data() == 5.0);
    BOOST_TEST(gl::live_nodes() == before + 1);
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(children_keep_parents_alive) {
  std::int64_t before = gl::live_nodes();
  gl::Value c = 0.0;
  {
    gl::Value a = 2.0, b = 3.0;
    c = a * b;
  }
  // a and b's handles are gone, c still refers to both nodes.
  BOOST_TEST(gl::live_nodes() == before + 3);
  std::vector<gl::Value> p = c.parents();
  BOOST_REQUIRE(p.size() == 2u);
  BOOST_TEST(p[0].data() == 2.0);
  BOOST_TEST(p[1].data() == 3.0);
  p.clear();
  c = gl::Value(1.0);
  BOOST_TEST(gl::live_nodes() == before + 1);
}

BOOST_AUTO_TEST_CASE(self_assignment_keeps_the_node) {
  gl::Value a = 7.0;
  gl::Value& same = a;
  a = same;
  BOOST_TEST(a.data() == 7.0);
  BOOST_TEST(a.node()->refs == 1u);
}

BOOST_AUTO_TEST_CASE(more_than_two_parents_go_to_the_heap) {
  std::int64_t before = gl::live_nodes();
  {
    gl::Value a = 1.0, b = 2.0, c = 3.0;
    static constexpr gl::Op op{"sum3", nullptr, &gl::kScalarKind};
    auto* n = new gl::ScalarNode(6.0, &op);
    n->refs = 1;
    gl::Node* parents[] = {a.node(), b.node(), c.node()};
    gl::set_parents(*n, parents);
    gl::Value s = gl::Value::adopt(n);
    BOOST_TEST(s.parents().size() == 3u);
    BOOST_TEST(b.node()->refs == 2u);
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(set_parents_checks_its_limits) {
  static constexpr gl::Op op{"many", nullptr, &gl::kScalarKind};
  gl::Value a = 1.0;
  gl::Value s = gl::Value::adopt([] {
    auto* n = new gl::ScalarNode(0.0, &op);
    n->refs = 1;
    return n;
  }());
  std::vector<gl::Node*> too_many(70000, a.node());
  BOOST_CHECK_THROW(gl::set_parents(*s.node(), too_many), std::length_error);
  BOOST_TEST(a.node()->refs == 1u);  // nothing was taken
  gl::Node* two[] = {a.node(), a.node()};
  gl::set_parents(*s.node(), two);
  BOOST_CHECK_THROW(gl::set_parents(*s.node(), two), std::logic_error);
  BOOST_TEST(a.node()->refs == 3u);
}

BOOST_AUTO_TEST_CASE(labels_are_kept_and_cleared) {
  gl::Value x(2.0, "x");
  BOOST_TEST(x.label() == "x");
  x.set_label("weight");
  BOOST_TEST(x.label() == "weight");
  x.set_label("");
  BOOST_TEST(x.label() == "");
  BOOST_TEST(gl::Value(1.0).label() == "");
}

BOOST_AUTO_TEST_CASE(a_wide_graph_is_freed) {
  std::int64_t before = gl::live_nodes();
  {
    gl::Value sum = 0.0;
    for (int i = 0; i < 100000; ++i) sum = sum + gl::Value(i);
    BOOST_TEST(gl::live_nodes() == before + 2 * 100000 + 1);
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_SUITE_END()
