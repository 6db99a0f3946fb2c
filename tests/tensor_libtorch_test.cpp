// SPDX-License-Identifier: MIT
// LibTorch's spellings on Tensor (src/tensor_libtorch.cpp): each gives what
// gradlab's own op gives, the compound assignments rebind as Value's do, the
// factories take a bare size and requires_grad(), and the ATen-style free
// functions are nn::functional's.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;

namespace {

std::vector<double> values(const Tensor& t) { return t.to_vector(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(tensor_libtorch_test)

BOOST_AUTO_TEST_CASE(members_spell_what_gradlab_already_does) {
  Tensor a = gl::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}});
  BOOST_TEST(gl::scalar_tensor(2.75).item<float>() == 2.75f);
  BOOST_TEST(gl::scalar_tensor(7.0).item<std::int64_t>() == 7);
  BOOST_TEST(gl::scalar_tensor(1.0).item<bool>());
  BOOST_TEST(a.size(0) == 2);
  BOOST_TEST(a.size(-1) == 3);
  BOOST_TEST(error_of([&] { a.size(2); }).find("size") == 0u);
  BOOST_TEST((a.sizes() == gl::Shape{2, 3}));
  BOOST_TEST((a.view({3, 2}).shape() == gl::Shape{3, 2}));
  BOOST_TEST((values(a.view({-1})) == values(a)));
  BOOST_TEST((values(a[1]) == std::vector<double>{4, 2, 6}));
  BOOST_TEST(a[0][1].item() == 5.0);
  BOOST_TEST((values(a.mm(a.t())) == values(gl::matmul(a, a.t()))));
  BOOST_TEST(error_of([&] { a.mm(gl::ones({3})); }) ==
             "mm: expected two 2-d tensors, got shapes [2, 3] and [3] (matmul takes other ranks)");
  BOOST_TEST(a.argmax().item() == 5.0);
  BOOST_TEST((values(a.argmax(1)) == std::vector<double>{1, 2}));
  BOOST_TEST((values(a.eq(gl::tensor({1.0, 2.0, 6.0}))) == std::vector<double>{1, 0, 0, 0, 1, 1}));
  BOOST_TEST((values(a.eq(5.0)) == std::vector<double>{0, 1, 0, 0, 0, 0}));
  BOOST_TEST(a.all().item() == 1.0);
  BOOST_TEST(gl::tensor({1.0, 0.0}).all().item() == 0.0);
  BOOST_TEST(gl::tensor({0.0, 0.0}).any().item() == 0.0);
  BOOST_TEST(gl::tensor({0.0, -3.0}).any().item<bool>());
  BOOST_TEST(gl::tensor({3.0, 4.0}).norm().item() == 5.0);
  BOOST_TEST(a.defined());
  BOOST_TEST(!Tensor().defined());
  BOOST_TEST(gl::zeros({}).defined());  // a scalar is defined
  BOOST_TEST(gl::allclose(a, a + 1e-9));
  BOOST_TEST(!gl::allclose(a, a + 1e-3));
  BOOST_TEST(!gl::allclose(a, a.view({3, 2})));  // shapes differ
  BOOST_TEST(!gl::allclose(gl::tensor({std::nan("")}), gl::tensor({std::nan("")})));
  // norm is in the graph: d|x|/dx = x / |x|.
  check("norm", [](const std::vector<Tensor>& x) { return x[0].norm(); }, {gl::tensor({{1.0, -2.0}, {0.5, 3.0}})});
  Tensor origin = gl::zeros(2).requires_grad_();
  origin.norm().backward();
  BOOST_TEST(origin.grad()[0].item() == 0.0);  // PyTorch's subgradient at 0, not NaN
  BOOST_TEST(origin.grad()[1].item() == 0.0);
}

BOOST_AUTO_TEST_CASE(compound_assignment_rebinds_the_handle_as_values_does) {
  Tensor x = gl::tensor({1.0, 2.0}).requires_grad_();
  Tensor y = x;
  y += x;  // y is now a new node x + x; x is untouched
  y *= 3.0;
  y -= 1.0;
  y /= gl::tensor({2.0, 4.0});
  BOOST_TEST((values(x) == std::vector<double>{1, 2}));
  BOOST_TEST((values(y) == std::vector<double>{2.5, 2.75}));
  BOOST_TEST(y.op() == "/");
  y.sum().backward();
  BOOST_TEST((values(x.grad()) == std::vector<double>{3.0, 1.5}));  // d((2x * 3 - 1) / d)/dx = 6 / d
  Tensor z = gl::ones({2});
  z += 1.0;
  z -= gl::tensor({0.5, 0.25});
  z *= gl::tensor({2.0, 2.0});
  z /= 2.0;
  BOOST_TEST((values(z) == std::vector<double>{1.5, 1.75}));
}

BOOST_AUTO_TEST_CASE(factories_take_a_bare_size_and_options) {
  gl::manual_seed(4);
  Tensor r = gl::randn(3);
  gl::manual_seed(4);
  BOOST_TEST((values(r) == values(gl::randn({3}))));
  BOOST_TEST((gl::zeros(4).shape() == gl::Shape{4}));
  BOOST_TEST((values(gl::ones(2)) == std::vector<double>{1, 1}));
  BOOST_TEST((gl::rand(5).shape() == gl::Shape{5}));
  BOOST_TEST((gl::zeros({}).shape() == gl::Shape{}));  // {} is still the shape of a scalar
  Tensor w = gl::randn({2, 2}, gl::requires_grad());
  BOOST_TEST((w.requires_grad() && w.is_leaf()));
  BOOST_TEST(gl::ones(3, gl::requires_grad()).requires_grad());
  BOOST_TEST(!gl::zeros({2}, gl::requires_grad(false)).requires_grad());
  BOOST_TEST(gl::full({2}, 7.0, gl::TensorOptions().requires_grad(true)).requires_grad());
  BOOST_TEST(gl::tensor({1.0, 2.0}, {2}, gl::requires_grad()).requires_grad());
  Tensor a = gl::tensor({{1.0, 2.0, 3.0}}).requires_grad_();
  BOOST_TEST((values(gl::zeros_like(a)) == std::vector<double>{0, 0, 0}));
  BOOST_TEST((gl::ones_like(a).shape() == a.shape()));
  BOOST_TEST(!gl::ones_like(a).requires_grad());  // a new leaf, not in a's graph
  BOOST_TEST((gl::randn_like(a).shape() == gl::Shape{1, 3}));
  BOOST_TEST((gl::rand_like(a, gl::requires_grad()).requires_grad()));
}

BOOST_AUTO_TEST_CASE(aten_free_functions_are_the_functional_ones) {
  gl::manual_seed(9);
  Tensor logits = gl::randn({4, 3}), target = gl::tensor({0.0, 2.0, 1.0, 2.0});
  BOOST_TEST(gl::cross_entropy(logits, target).item() == F::cross_entropy(logits, target).item());
  Tensor logp = gl::log_softmax(logits, 1);
  BOOST_TEST(gl::nll_loss(logp, target).item() == F::nll_loss(logp, target).item());
  BOOST_TEST(gl::nll_loss(logp, target, {}, gl::Reduction::Sum).item() ==
             F::nll_loss(logp, target, F::Reduction::Sum).item());
  BOOST_TEST(error_of([&] { gl::nll_loss(logp, target, gl::ones({3})); }) ==
             "nll_loss: class weights are not supported (got weight of shape [3]); pass Tensor() or {}");
  BOOST_TEST(gl::mse_loss(logits, gl::zeros({4, 3})).item() == (logits * logits).mean().item());
  Tensor p = gl::sigmoid(logits);
  BOOST_TEST(gl::binary_cross_entropy(p, gl::ones({4, 3})).item() == -gl::log(p).mean().item(),
             boost::test_tools::tolerance(1e-12));
  Tensor image = gl::randn({1, 1, 4, 4});
  BOOST_TEST((values(gl::max_pool2d(image, 2)) == values(F::max_pool2d(image, 2))));
  BOOST_TEST((values(gl::dropout(image, 0.5, /*training=*/false)) == values(image)));
  BOOST_TEST((values(gl::leaky_relu(gl::tensor({-1.0, 2.0}), 0.2)) == std::vector<double>{-0.2, 2.0}));
}

BOOST_AUTO_TEST_SUITE_END()
