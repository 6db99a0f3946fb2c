// SPDX-License-Identifier: MIT
// An op's named state (op_state.hpp): kept inside the node, read back by
// the type it was stored as, destroyed with the node.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

namespace {

struct Exponent {
  double p;
};
struct Dims {
  std::vector<std::int64_t> perm;
};
// Counts its live copies through a shared counter.
struct Counted {
  std::shared_ptr<int> alive;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(op_state_test)

BOOST_AUTO_TEST_CASE(reads_back_what_was_stored) {
  gl::OpState s;
  BOOST_TEST(s.empty());
  s.emplace(Dims{{2, 0, 1}});
  BOOST_TEST(!s.empty());
  BOOST_TEST((s.get<Dims>("permute").perm == std::vector<std::int64_t>{2, 0, 1}));
  s.emplace(Exponent{2.5});  // replaces the old state
  BOOST_TEST(s.get<Exponent>("pow").p == 2.5);
}

BOOST_AUTO_TEST_CASE(another_type_is_refused_naming_the_op) {
  gl::OpState s;
  try {
    (void)s.get<Exponent>("pow");
    BOOST_FAIL("must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(std::string(e.what()) == "pow: the node keeps no state than its backward reads");
  }
  s.emplace(Dims{{1, 0}});
  try {
    (void)s.get<Exponent>("pow");
    BOOST_FAIL("must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(std::string(e.what()) == "pow: the node keeps another op's state than its backward reads");
  }
}

BOOST_AUTO_TEST_CASE(the_state_dies_with_its_owner) {
  auto counter = std::make_shared<int>(0);
  {
    gl::OpState s;
    s.emplace(Counted{counter});
    BOOST_TEST(counter.use_count() == 2);
    s.emplace(Exponent{1});  // the old state is destroyed when replaced
    BOOST_TEST(counter.use_count() == 1);
    s.emplace(Counted{counter});
    BOOST_TEST(counter.use_count() == 2);
  }
  BOOST_TEST(counter.use_count() == 1);
}

BOOST_AUTO_TEST_CASE(a_tensor_node_holds_it_without_growing) {
  // The named state takes the place of the three untyped slots it replaced
  // (two vectors and a number): a tensor node stays 160 bytes.
  BOOST_TEST(sizeof(gl::OpState) == 56u);
  BOOST_TEST(sizeof(gl::TensorNode) == 160u);
  // An op's result keeps its state; a graph's nodes all go when it dies.
  const std::int64_t before = gl::live_nodes();
  {
    gl::Tensor x = gl::randn({4, 3}).requires_grad_();
    gl::Tensor y = gl::max(x.permute({1, 0}), 1).sum();
    y.backward();
    BOOST_TEST(!y.node()->state.empty());
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_SUITE_END()
