// SPDX-License-Identifier: MIT
// nn::FlattenConsecutive (src/nn/flatten_consecutive.cpp): the lecture's
// own class in PyTorch (tests/fixtures/make_conv1d.py), its gradient, its
// place in a Sequential, and the errors.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

BOOST_AUTO_TEST_SUITE(nn_flatten_consecutive_test)

BOOST_AUTO_TEST_CASE(fuses_what_the_lectures_class_fuses) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/conv1d.txt");
  nn::FlattenConsecutive two(2), all(8);
  Tensor pairs = two(f["flatten_x"]), whole = all(f["flatten_x"]);
  BOOST_TEST(gl::to_string(pairs.shape()) == "[4, 4, 6]");
  BOOST_TEST(pairs.to_vector() == f["flatten_2"].to_vector());
  BOOST_TEST(gl::to_string(whole.shape()) == "[4, 24]");  // the middle dim of 1 is dropped
  BOOST_TEST(whole.to_vector() == f["flatten_8"].to_vector());
  // Position pair (2, 3) of the first word: its two vectors side by side.
  Tensor x = f["flatten_x"];
  BOOST_TEST(pairs.select(0, 0).select(0, 1).to_vector() ==
             gl::cat({x.select(0, 0).select(0, 2), x.select(0, 0).select(0, 3)}, 0).to_vector());
}

BOOST_AUTO_TEST_CASE(its_gradient_and_the_lectures_stack) {
  gl::manual_seed(41);
  nn::FlattenConsecutive two(2);
  check("FlattenConsecutive", [&](const std::vector<Tensor>& t) { return weigh(two(t[0])); }, {gl::randn({2, 4, 3})});
  // The lecture's hierarchy: 8 characters, 3 levels of pairs, (B, 8) -> (B, 27).
  nn::Sequential model(nn::Embedding(27, 4), nn::FlattenConsecutive(2), nn::Linear(8, 6, false), nn::Tanh(),
                       nn::FlattenConsecutive(2), nn::Linear(12, 6, false), nn::Tanh(),
                       nn::FlattenConsecutive(2), nn::Linear(12, 6, false), nn::Tanh(), nn::Linear(6, 27));
  Tensor logits = model(gl::tensor({0, 0, 0, 5, 13, 13, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3}, {2, 8}));
  BOOST_TEST(gl::to_string(logits.shape()) == "[2, 27]");
  std::ostringstream printed;
  printed << model;
  BOOST_TEST(printed.str().find("(1): FlattenConsecutive(n=2)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_name_the_input) {
  nn::FlattenConsecutive two(2);
  BOOST_TEST(error_of([&] { two(gl::ones({4, 6})); }) == "FlattenConsecutive: expected a (B, T, C) input, got [4, 6]");
  BOOST_TEST(error_of([&] { two(gl::ones({4, 3, 10})); }) ==
             "FlattenConsecutive: cannot fuse 2 consecutive positions of input [4, 3, 10]: T = 3 is not a multiple of 2");
  BOOST_TEST(error_of([] { nn::FlattenConsecutive(0); }) == "FlattenConsecutive: n must be at least 1, got 0");
}

BOOST_AUTO_TEST_SUITE_END()
