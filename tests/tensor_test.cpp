// SPDX-License-Identifier: MIT
// Tensor as a node kind of the shared engine: creation, errors,
// accumulation, no_grad, long chains, and scalars meeting tensors.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gradlab::testing::error_of;
using gl::Tensor;

BOOST_AUTO_TEST_SUITE(tensor_test)

BOOST_AUTO_TEST_CASE(creation) {
  Tensor x = gl::tensor({{1.0, 2.0}, {3.0, 4.0}});
  BOOST_TEST((x.shape() == gl::Shape{2, 2}));
  BOOST_TEST(x.dim() == 2);
  BOOST_TEST(x.numel() == 4);
  BOOST_TEST((x.to_vector() == std::vector<double>{1, 2, 3, 4}));
  BOOST_TEST(!x.requires_grad());
  BOOST_TEST((gl::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}).shape() == gl::Shape{2, 2, 2}));
  Tensor four = gl::tensor({{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {{{9, 10}, {11, 12}}, {{13, 14}, {15, 16}}}});
  BOOST_TEST((four.shape() == gl::Shape{2, 2, 2, 2}));
  BOOST_TEST(four.to_vector()[13] == 14.0);
  BOOST_TEST((gl::zeros({2, 3}).to_vector() == std::vector<double>(6, 0.0)));
  BOOST_TEST((gl::ones({3}).to_vector() == std::vector<double>(3, 1.0)));
  BOOST_TEST((gl::full({2}, 7.0).to_vector() == std::vector<double>{7, 7}));
  BOOST_TEST((gl::arange(0, 5).to_vector() == std::vector<double>{0, 1, 2, 3, 4}));
  BOOST_TEST((gl::arange(1, 0, -0.5).to_vector() == std::vector<double>{1, 0.5}));
  BOOST_TEST(gl::scalar_tensor(3.5).item() == 3.5);
  gl::manual_seed(42);
  Tensor r1 = gl::randn({3, 2});
  gl::manual_seed(42);
  BOOST_TEST((gl::randn({3, 2}).to_vector() == r1.to_vector()));
  for (double u : gl::rand({100}).to_vector()) BOOST_TEST((u >= 0 && u < 1));
}

BOOST_AUTO_TEST_CASE(creation_errors) {
  BOOST_TEST(error_of([] { gl::tensor({1, 2, 3}, {2, 2}); }) ==
             "tensor: 3 values do not fill shape [2, 2] (4 elements)");
  BOOST_TEST(error_of([] { gl::tensor({{1.0, 2.0}, {3.0}}); }) ==
             "tensor: rows of different lengths (2 and 1)");
  BOOST_TEST(error_of([] { gl::tensor({{{{1.0, 2.0}}, {{3.0}}}}); }) ==
             "tensor: blocks of different shapes ([1, 2] and [1, 1])");
  BOOST_TEST(error_of([] { gl::ones({2, 2}).item(); }) ==
             "item: the tensor has 4 elements (shape [2, 2]), not 1");
}

BOOST_AUTO_TEST_CASE(the_issue_example) {
  Tensor x = gl::tensor({{1.0, 2.0}, {3.0, 4.0}}).requires_grad_();
  Tensor w = gl::tensor({{0.5, -1.0, 2.0}, {1.0, 0.25, -0.5}}).requires_grad_();
  Tensor y = gl::relu(x.matmul(w) + gl::tensor({0.5, -0.5, 0.0})).sum();
  // x @ w = [[2.5, -0.5, 1], [5.5, -2, 4]]; + b = [[3, -1, 1], [6, -2.5, 4]]; relu sums to 14
  BOOST_TEST(y.item() == 14.0);
  y.backward();
  // dy/dx = mask @ w^T with mask = [[1, 0, 1], [1, 0, 1]]: rows of [2.5, 0.5]
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{2.5, 0.5, 2.5, 0.5}));
  // dy/dw = x^T @ mask: [[4, 0, 4], [6, 0, 6]]
  BOOST_TEST((w.grad().to_vector() == std::vector<double>{4, 0, 4, 6, 0, 6}));
}

BOOST_AUTO_TEST_CASE(a_tensor_used_twice_accumulates) {
  Tensor a = gl::tensor({1.0, 2.0}).requires_grad_();
  Tensor y = (a * a + a).sum();  // dy/da = 2a + 1
  y.backward();
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{3, 5}));
  y.backward();  // leaves accumulate across calls
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{6, 10}));
  a.zero_grad();
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{0, 0}));
}

BOOST_AUTO_TEST_CASE(no_grad_and_backward_errors) {
  Tensor a = gl::ones({2}).requires_grad_();
  Tensor y;
  {
    gl::NoGradGuard no_grad;
    y = (a * 2.0).sum();
  }
  BOOST_TEST(!y.requires_grad());
  BOOST_CHECK_THROW(y.backward(), std::logic_error);
  Tensor v = a * 3.0;
  BOOST_TEST(error_of([&] { v.backward(); }).rfind("backward: the tensor has shape [2]; backward() "
                                                   "without a gradient needs a single number", 0) == 0u);
  v.backward(gl::tensor({1.0, 0.5}));
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{3, 1.5}));
  BOOST_TEST(error_of([&] { v.backward(gl::ones({3})); }) ==
             "backward: the gradient has shape [3] but the tensor has shape [2]");
}

BOOST_AUTO_TEST_CASE(shape_errors_name_the_op_and_shapes) {
  BOOST_TEST(error_of([] { gl::matmul(gl::ones({2, 3}), gl::ones({4, 5})); }) ==
             "matmul: shapes [2, 3] and [4, 5] are not aligned (3 != 4)");
  BOOST_TEST(error_of([] { gl::ones({2, 3}) + gl::ones({4}); }) ==
             "add: shapes [2, 3] and [4] cannot be broadcast together (3 vs 4)");
  BOOST_TEST(error_of([] { gl::ones({2, 3}).sum(2); }) ==
             "sum: dim 2 is out of range for a 2-d tensor");
  BOOST_TEST(error_of([] { gl::ones({2, 3}).reshape({4, 2}); }) ==
             "reshape: cannot view shape [2, 3] (6 elements) as [4, 2]");
  BOOST_TEST(error_of([] { gl::log(gl::tensor({1.0, -2.0})); }) ==
             "log: input must be positive, got -2");
}

BOOST_AUTO_TEST_CASE(a_long_chain_backpropagates_without_recursion) {
  std::int64_t before = gl::live_nodes();
  {
    Tensor x = gl::ones({2}).requires_grad_();
    Tensor y = x;
    for (int i = 0; i < 200000; ++i) y = -y;
    y.sum().backward();
    BOOST_TEST((x.grad().to_vector() == std::vector<double>{1, 1}));
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(scalars_meet_tensors) {
  // The same 2-3-1 tanh MLP as Values (Net) and as Tensors, from the same
  // weights: same output, same gradients.
  gl::manual_seed(5);
  gl::Net net(2, {3, 1}, gl::Activation::tanh, gl::Activation::linear);
  const gl::Layer& L1 = net.layers()[0];
  const gl::Layer& L2 = net.layers()[1];
  std::vector<double> W1 = L1.weight_matrix(), b1 = L1.bias_vector();
  std::vector<double> W2 = L2.weight_matrix(), b2 = L2.bias_vector();

  std::vector<double> x{0.5, -1.5};
  gl::Value out = net(x)[0];
  out.backward();

  Tensor tW1 = gl::tensor(W1, {3, 2}).requires_grad_(), tb1 = gl::tensor(b1, {3}).requires_grad_();
  Tensor tW2 = gl::tensor(W2, {1, 3}).requires_grad_(), tb2 = gl::tensor(b2, {1}).requires_grad_();
  Tensor tx = gl::tensor(x, {1, 2});
  Tensor h = gl::tanh(tx.matmul(tW1.t()) + tb1);  // (1, 3)
  Tensor tout = (h.matmul(tW2.t()) + tb2).sum();  // (1, 1) -> scalar
  tout.backward();

  BOOST_TEST(tout.item() == out.data(), boost::test_tools::tolerance(1e-12));
  std::vector<double> gW1 = tW1.grad().to_vector();
  std::size_t k = 0;
  for (const gl::Neuron& n : net.layers()[0].neurons())
    for (const gl::Value& w : n.weights()) BOOST_TEST(gW1[k++] == w.grad(), boost::test_tools::tolerance(1e-12));
  std::vector<double> gb2 = tb2.grad().to_vector();
  BOOST_TEST(gb2[0] == net.layers()[1].neurons()[0].bias().grad());
}

BOOST_AUTO_TEST_CASE(inner_tensors_keep_the_latest_gradient) {
  Tensor x = gl::tensor({1.0, 2.0}).requires_grad_();
  Tensor h = (x * 3.0).retain_grad();
  Tensor y = (h * h).sum();  // dy/dh = 2h = (6, 12); dy/dx = 3 * 2h = (18, 36)
  y.backward();
  y.backward();
  BOOST_TEST((h.grad().to_vector() == std::vector<double>{6, 12}));   // the latest backward
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{36, 72}));  // a leaf: both calls
  BOOST_TEST(error_of([] { gl::ones({1}).retain_grad(); }) ==
             "retain_grad: this tensor does not require grad, so no gradient reaches it");
}

BOOST_AUTO_TEST_CASE(a_parameter_is_a_leaf_that_requires_grad) {
  Tensor t = gl::tensor({1.0, 2.0}).requires_grad_();
  Tensor y = t * 2.0;
  gl::Parameter p(y);  // the numbers of y, not its graph
  BOOST_TEST(p.is_leaf());
  BOOST_TEST(p.requires_grad());
  BOOST_TEST(gl::is_parameter(p));
  BOOST_TEST(!gl::is_parameter(t));
  BOOST_TEST((p.to_vector() == std::vector<double>{2, 4}));
  (p * p).sum().backward();
  BOOST_TEST((p.grad().to_vector() == std::vector<double>{4, 8}));
  BOOST_TEST(t.grad().to_vector()[0] == 0.0);  // nothing flowed back into t
}

BOOST_AUTO_TEST_SUITE_END()
