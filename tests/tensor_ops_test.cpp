// SPDX-License-Identifier: MIT
// Every tensor op's gradient against finite differences, including
// broadcast shapes, reductions over each dim, matmul and shape ops.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Tensor;

using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

BOOST_AUTO_TEST_SUITE(tensor_ops_test)

BOOST_AUTO_TEST_CASE(elementwise_with_broadcasting) {
  gl::manual_seed(1);
  Tensor a = gl::randn({2, 3}), row = gl::randn({3}), col = gl::randn({2, 1}), s = gl::randn({});
  Tensor pos = gl::rand({2, 3}) + 0.5;
  for (auto [name, b] : {std::pair{"same", a * 0.5 + 1.0}, {"row", row}, {"col", col}, {"scalar", s}}) {
    check(std::string("add ") + name, [](auto& x) { return weigh(x[0] + x[1]); }, {a, b});
    check(std::string("sub ") + name, [](auto& x) { return weigh(x[0] - x[1]); }, {a, b});
    check(std::string("mul ") + name, [](auto& x) { return weigh(x[0] * x[1]); }, {a, b});
  }
  check("div", [](auto& x) { return weigh(x[0] / x[1]); }, {a, pos});
  check("div col", [](auto& x) { return weigh(x[0] / x[1]); }, {a, col * col + 1.0});
  Tensor y = gl::tensor({1.0, 2.0}, {2, 1}) + gl::tensor({10.0, 20.0, 30.0});  // (2,1) + (3) -> (2,3)
  BOOST_TEST((y.shape() == gl::Shape{2, 3}));
  BOOST_TEST((y.to_vector() == std::vector<double>{11, 21, 31, 12, 22, 32}));
}

BOOST_AUTO_TEST_CASE(broadcast_gradients_sum_over_stretched_dims) {
  Tensor a = gl::ones({2, 3}).requires_grad_();
  Tensor b = gl::tensor({1.0, 2.0, 3.0}).requires_grad_();
  (a * b).sum().backward();
  BOOST_TEST((b.grad().to_vector() == std::vector<double>{2, 2, 2}));  // summed over the 2 rows
  BOOST_TEST((a.grad().to_vector() == std::vector<double>{1, 2, 3, 1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(unary_ops) {
  gl::manual_seed(2);
  Tensor a = gl::randn({2, 3});
  Tensor pos = gl::rand({2, 3}) + 0.2;
  Tensor away = a + gl::tensor({0.3, -0.3, 0.3}) * 1.0;  // keep relu and abs off their kinks
  check("neg", [](auto& x) { return weigh(-x[0]); }, {a});
  check("exp", [](auto& x) { return weigh(gl::exp(x[0])); }, {a});
  check("log", [](auto& x) { return weigh(gl::log(x[0])); }, {pos});
  check("tanh", [](auto& x) { return weigh(gl::tanh(x[0])); }, {a});
  check("sigmoid", [](auto& x) { return weigh(gl::sigmoid(x[0])); }, {a});
  check("sqrt", [](auto& x) { return weigh(gl::sqrt(x[0])); }, {pos});
  check("relu", [](auto& x) { return weigh(gl::relu(x[0])); }, {away});
  check("abs", [](auto& x) { return weigh(gl::abs(x[0])); }, {away});
  check("pow 3", [](auto& x) { return weigh(gl::pow(x[0], 3.0)); }, {a});
  check("pow -1.5", [](auto& x) { return weigh(gl::pow(x[0], -1.5)); }, {pos});
  BOOST_TEST(gl::sigmoid(gl::tensor({-1000.0, 1000.0})).to_vector() == (std::vector<double>{0.0, 1.0}));
}

BOOST_AUTO_TEST_CASE(reductions_over_each_dim) {
  gl::manual_seed(3);
  Tensor a = gl::randn({2, 3, 4});
  check("sum", [](auto& x) { return gl::sum(x[0]) * 1.5; }, {a});
  check("mean", [](auto& x) { return gl::mean(x[0]) * 1.5; }, {a});
  for (std::int64_t d : {0, 1, 2, -1})
    for (bool keep : {false, true}) {
      std::string tag = " dim " + std::to_string(d) + (keep ? " keepdim" : "");
      check("sum" + tag, [d, keep](auto& x) { return weigh(x[0].sum(d, keep)); }, {a});
      check("mean" + tag, [d, keep](auto& x) { return weigh(x[0].mean(d, keep)); }, {a});
    }
  BOOST_TEST((a.sum(1).shape() == gl::Shape{2, 4}));
  BOOST_TEST((a.sum(1, true).shape() == gl::Shape{2, 1, 4}));
  Tensor m = gl::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  BOOST_TEST((m.sum(0).to_vector() == std::vector<double>{5, 7, 9}));
  BOOST_TEST((m.mean(-1).to_vector() == std::vector<double>{2, 5}));
}

BOOST_AUTO_TEST_CASE(matmul_transpose_reshape) {
  gl::manual_seed(4);
  Tensor a = gl::randn({3, 4}), b = gl::randn({4, 2});
  check("matmul", [](auto& x) { return weigh(x[0].matmul(x[1])); }, {a, b});
  check("transpose", [](auto& x) { return weigh(x[0].t()); }, {a});
  check("transpose 3-d", [](auto& x) { return weigh(gl::transpose(x[0], 0, 2)); }, {gl::randn({2, 3, 4})});
  check("reshape", [](auto& x) { return weigh(x[0].reshape({2, -1})); }, {a});
  Tensor m = gl::tensor({{1.0, 2.0}, {3.0, 4.0}});
  BOOST_TEST((m.matmul(m).to_vector() == std::vector<double>{7, 10, 15, 22}));
  BOOST_TEST((m.t().to_vector() == std::vector<double>{1, 3, 2, 4}));
  BOOST_TEST((gl::transpose(gl::arange(0, 6).reshape({1, 2, 3}), 1, 2).to_vector() ==
              std::vector<double>{0, 3, 1, 4, 2, 5}));
}

BOOST_AUTO_TEST_CASE(max_argmax_var) {
  Tensor m = gl::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}});
  BOOST_TEST(m.max().item() == 6.0);
  BOOST_TEST((m.max(1).to_vector() == std::vector<double>{5, 6}));
  BOOST_TEST((m.max(0, true).shape() == gl::Shape{1, 3}));
  BOOST_TEST((gl::argmax(m, 1).to_vector() == std::vector<double>{1, 2}));
  BOOST_TEST((gl::argmax(m, 0).to_vector() == std::vector<double>{1, 0, 1}));
  Tensor x = m.detach().requires_grad_();
  x.max(0).sum().backward();  // the gradient goes to each column's winner
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{0, 1, 0, 1, 0, 1}));
  gl::manual_seed(5);
  Tensor a = gl::randn({3, 4});
  check("max dim", [](auto& x) { return weigh(x[0].max(1)); }, {a});
  check("var", [](auto& x) { return gl::var(x[0]); }, {a});
  check("var dim", [](auto& x) { return weigh(gl::var(x[0], 0)); }, {a});
  BOOST_TEST(gl::var(gl::tensor({1.0, 2.0, 3.0, 4.0})).item() == 5.0 / 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gl::var(gl::tensor({1.0, 2.0, 3.0, 4.0}), 0, false).item() == 1.25, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(std_is_the_square_root_of_var_as_in_pytorch) {
  // PyTorch 1.13's numbers (tests/fixtures/make_statistics.py): values and
  // the gradients of sum(std * w) with w a slice of the fixture's weights.
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/statistics.txt");
  Tensor x = f["x"].detach().requires_grad_(), w = f["w"];
  auto same = [](const Tensor& a, const Tensor& b) {
    BOOST_TEST(a.shape() == b.shape());
    BOOST_TEST(a.to_vector() == b.to_vector(), boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
  };
  Tensor all = x.std();
  same(all, f["std_all"]);
  all.backward();
  same(x.grad(), f["std_all_grad"]);
  x.zero_grad();
  Tensor by_column = gl::std(x, 0);
  same(by_column, f["std_dim0"]);
  (by_column * w.select(0, 0)).sum().backward();
  same(x.grad(), f["std_dim0_grad"]);
  x.zero_grad();
  Tensor by_row = x.std(1, /*unbiased=*/false, /*keepdim=*/true);
  same(by_row, f["std_dim1_biased_keepdim"]);
  (by_row * w.slice(1, 0, 1)).sum().backward();
  same(x.grad(), f["std_dim1_biased_keepdim_grad"]);
  check("std dim", [](auto& t) { return weigh(gl::std(t[0], 1)); }, {f["x"]});
  check("std all", [](auto& t) { return gl::std(t[0]); }, {f["x"]});
  BOOST_TEST(gradlab::testing::error_of([] { gl::std(gl::ones({1, 3}), 0); }) ==
             "std: dim 0 has 1 elements, too few (the unbiased estimate divides by n - 1)");
  BOOST_TEST(gradlab::testing::error_of([] { gl::std(gl::ones({1, 3}), 2); }).find("std") == 0);
}

BOOST_AUTO_TEST_CASE(softmax_and_log_softmax) {
  Tensor a = gl::tensor({{1.0, 2.0, 3.0}, {1000.0, 1000.0, 1000.0}});
  Tensor s = gl::softmax(a, 1);
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  BOOST_TEST(s.to_vector()[2] == std::exp(3.0) / z, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(s.to_vector()[3] == 1.0 / 3, boost::test_tools::tolerance(1e-12));  // no overflow
  Tensor ls = gl::log_softmax(a, -1);
  BOOST_TEST(ls.to_vector()[0] == 1.0 - std::log(z), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::isfinite(ls.to_vector()[5]));
  gl::manual_seed(6);
  Tensor b = gl::randn({2, 3, 4});
  for (std::int64_t d : {0, 1, 2}) {
    check("softmax dim " + std::to_string(d), [d](auto& x) { return weigh(gl::softmax(x[0], d)); }, {b});
    check("log_softmax dim " + std::to_string(d), [d](auto& x) { return weigh(gl::log_softmax(x[0], d)); }, {b});
  }
}

BOOST_AUTO_TEST_CASE(clamp_masks_and_masked_fill) {
  Tensor a = gl::tensor({-2.0, 0.5, 3.0});
  BOOST_TEST((gl::clamp(a, -1, 1).to_vector() == std::vector<double>{-1, 0.5, 1}));
  check("clamp", [](auto& x) { return weigh(gl::clamp(x[0], -1, 1)); }, {a});
  Tensor b = gl::tensor({0.0, 0.5, 4.0});
  BOOST_TEST((gl::gt(a, b).to_vector() == std::vector<double>{0, 0, 0}));
  BOOST_TEST((gl::le(a, b).to_vector() == std::vector<double>{1, 1, 1}));
  BOOST_TEST((gl::eq(a, b).to_vector() == std::vector<double>{0, 1, 0}));
  BOOST_TEST((gl::lt(a, gl::scalar_tensor(1.0)).to_vector() == std::vector<double>{1, 1, 0}));
  BOOST_TEST(!gl::ge(a.detach().requires_grad_(), b).requires_grad());
  Tensor mask = gl::tensor({1.0, 0.0, 1.0});
  BOOST_TEST((gl::masked_fill(a, mask, -9).to_vector() == std::vector<double>{-9, 0.5, -9}));
  check("masked_fill", [mask](auto& x) { return weigh(gl::masked_fill(x[0], mask, 7.0)); }, {a});
  BOOST_CHECK_THROW(gl::masked_fill(gl::ones({2, 3}), gl::ones({4}), 0.0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(matmul_1d_and_batched_with_broadcast) {
  gl::manual_seed(7);
  Tensor v = gl::randn({4}), m = gl::randn({4, 3}), a = gl::randn({2, 3, 4}), b = gl::randn({4, 5});
  Tensor bb = gl::randn({2, 1, 4, 2}), aa = gl::randn({3, 3, 4});
  BOOST_TEST((gl::matmul(v, m).shape() == gl::Shape{3}));
  BOOST_TEST((gl::matmul(m.t(), v).shape() == gl::Shape{3}));
  BOOST_TEST((gl::matmul(v, v).shape() == gl::Shape{}));
  BOOST_TEST((gl::matmul(a, b).shape() == gl::Shape{2, 3, 5}));
  BOOST_TEST((gl::matmul(aa, bb).shape() == gl::Shape{2, 3, 3, 2}));  // batch [3] with [2, 1]
  check("vec @ mat", [](auto& x) { return weigh(gl::matmul(x[0], x[1])); }, {v, m});
  check("vec @ vec", [](auto& x) { return gl::matmul(x[0], x[1]); }, {v, v * 0.5});
  check("batched @ mat", [](auto& x) { return weigh(gl::matmul(x[0], x[1])); }, {a, b});
  check("broadcast batches", [](auto& x) { return weigh(gl::matmul(x[0], x[1])); }, {aa, bb});
  // Each batch is the 2-d product of its matrices.
  Tensor p = gl::matmul(a, b);
  Tensor p1 = gl::matmul(gl::select(a, 0, 1), b);
  BOOST_TEST((gl::select(p, 0, 1).to_vector() == p1.to_vector()));
  BOOST_CHECK_THROW(gl::matmul(gl::ones({2, 2, 3}), gl::ones({3, 3, 2})), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(shape_ops) {
  gl::manual_seed(8);
  Tensor a = gl::randn({2, 3, 4});
  BOOST_TEST((a.permute({2, 0, 1}).shape() == gl::Shape{4, 2, 3}));
  BOOST_TEST((a.flatten().shape() == gl::Shape{24}));
  BOOST_TEST((a.flatten(1).shape() == gl::Shape{2, 12}));
  BOOST_TEST((a.unsqueeze(1).shape() == gl::Shape{2, 1, 3, 4}));
  BOOST_TEST((a.unsqueeze(-1).shape() == gl::Shape{2, 3, 4, 1}));
  BOOST_TEST((gl::ones({1, 3, 1}).squeeze().shape() == gl::Shape{3}));
  BOOST_TEST((gl::ones({1, 3, 1}).squeeze(0).shape() == gl::Shape{3, 1}));
  check("permute", [](auto& x) { return weigh(x[0].permute({2, 0, 1})); }, {a});
  check("flatten", [](auto& x) { return weigh(x[0].flatten(1)); }, {a});
  check("unsqueeze", [](auto& x) { return weigh(x[0].unsqueeze(0)); }, {a});
  BOOST_CHECK_THROW(a.permute({0, 0, 1}), std::invalid_argument);
  Tensor b = gl::randn({2, 2, 4}), c = gl::randn({2, 3, 4});
  BOOST_TEST((gl::cat({a, b}, 1).shape() == gl::Shape{2, 5, 4}));
  BOOST_TEST((gl::stack({a, c}, 0).shape() == gl::Shape{2, 2, 3, 4}));
  BOOST_TEST((gl::cat({gl::tensor({1.0, 2.0}), gl::tensor({3.0})}).to_vector() == std::vector<double>{1, 2, 3}));
  check("cat", [](auto& x) { return weigh(gl::cat({x[0], x[1], x[0]}, 1)); }, {a, b});
  check("stack", [](auto& x) { return weigh(gl::stack({x[0], x[1]}, 2)); }, {a, c});
  BOOST_TEST(std::string([&] {
    try { gl::cat({a, gl::ones({2, 3, 5})}, 1); } catch (const std::exception& e) { return std::string(e.what()); }
    return std::string();
  }()) == "cat: shapes [2, 3, 4] and [2, 3, 5] differ outside dim 1");
}

BOOST_AUTO_TEST_CASE(indexing) {
  Tensor m = gl::arange(0, 12).reshape({3, 4});
  BOOST_TEST((m.select(0, 1).to_vector() == std::vector<double>{4, 5, 6, 7}));
  BOOST_TEST((m.select(1, -1).to_vector() == std::vector<double>{3, 7, 11}));
  BOOST_TEST((m.slice(1, 1, 4, 2).to_vector() == std::vector<double>{1, 3, 5, 7, 9, 11}));
  BOOST_TEST((m.slice(0, -2, 100).shape() == gl::Shape{2, 4}));
  BOOST_TEST((m.slice(0, 1, 2).to_vector() == std::vector<double>{4, 5, 6, 7}));
  BOOST_TEST((m.slice(0, 2, 1).shape() == gl::Shape{0, 4}));
  BOOST_TEST((m.index_select(0, gl::tensor({2.0, 0.0, 2.0})).to_vector() ==
              std::vector<double>{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}));
  BOOST_TEST((m.gather(1, gl::tensor({{0.0, 3.0}, {1.0, 1.0}, {2.0, 0.0}})).to_vector() ==
              std::vector<double>{0, 3, 5, 5, 10, 8}));
  gl::manual_seed(9);
  Tensor a = gl::randn({3, 4});
  check("select", [](auto& x) { return weigh(x[0].select(1, 2)); }, {a});
  check("slice", [](auto& x) { return weigh(x[0].slice(1, 0, 4, 3)); }, {a});
  check("slice of whole rows", [](auto& x) { return weigh(x[0].slice(0, 1, 3)); }, {a});
  check("slice of whole rows after a dim of 1", [](auto& x) { return weigh(x[0].slice(1, 1, 3)); }, {a.unsqueeze(0)});
  check("index_select repeats", [](auto& x) { return weigh(x[0].index_select(0, gl::tensor({1.0, 1.0, 0.0}))); }, {a});
  check("gather", [](auto& x) { return weigh(x[0].gather(1, gl::tensor({{0.0, 0.0}, {3.0, 1.0}, {2.0, 2.0}}))); }, {a});
  BOOST_CHECK_THROW(m.select(0, 3), std::invalid_argument);
  BOOST_CHECK_THROW(m.index_select(1, gl::tensor({4.0})), std::invalid_argument);
  BOOST_CHECK_THROW(m.index_select(1, gl::tensor({0.5})), std::invalid_argument);
  BOOST_CHECK_THROW(m.gather(1, gl::ones({3})), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(max_and_argmax_propagate_nan_as_pytorch_does) {
  // PyTorch 1.13: max([1, nan, 3, nan]) = nan, argmax = 1 (the first NaN);
  // for [[1, nan], [3, 2]]: max(dim 1) = [nan, 3] at [1, 0], max(dim 0) =
  // [3, nan] at [1, 0], argmax(dim 0) = [1, 0].
  Tensor v = gl::tensor({1.0, NAN, 3.0, NAN});
  BOOST_TEST(std::isnan(v.max().item()));
  BOOST_TEST(gl::argmax(v, 0).item() == 1.0);
  Tensor m = gl::tensor({{1.0, NAN}, {3.0, 2.0}});
  std::vector<double> by_row = m.max(1).to_vector();
  BOOST_TEST(std::isnan(by_row[0]));
  BOOST_TEST(by_row[1] == 3.0);
  std::vector<double> by_column = m.max(0).to_vector();
  BOOST_TEST(by_column[0] == 3.0);
  BOOST_TEST(std::isnan(by_column[1]));
  BOOST_TEST((gl::argmax(m, 1).to_vector() == std::vector<double>{1, 0}));
  BOOST_TEST((gl::argmax(m, 0).to_vector() == std::vector<double>{1, 0}));
  // The gradient goes to the NaN that won.
  Tensor x = gl::tensor({2.0, NAN, 5.0}).requires_grad_();
  x.max().backward();
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{0, 1, 0}));
  BOOST_TEST(gl::tensor({-INFINITY, -INFINITY}).max().item() == -INFINITY);  // no NaN: as before
}

BOOST_AUTO_TEST_CASE(an_empty_dim_broadcasts_against_one) {
  // A 1 stretches to a 0 as to any size: (0, 1) / 2 is (0, 1), and
  // (0, 3) + (1, 3) is (0, 3). (The empty dim used to become 1, and the op
  // read a number that is not there.)
  BOOST_TEST(((gl::zeros({0, 1}) / 2.0).shape() == gl::Shape{0, 1}));
  BOOST_TEST(((gl::zeros({0, 3}) + gl::ones({1, 3})).shape() == gl::Shape{0, 3}));
  BOOST_TEST(((gl::ones({1, 3}) * gl::zeros({0, 1})).shape() == gl::Shape{0, 3}));
  BOOST_TEST((gl::lt(gl::zeros({2, 0}), gl::ones({1})).shape() == gl::Shape{2, 0}));
  BOOST_CHECK_THROW(gl::zeros({0, 3}) + gl::ones({2, 3}), std::invalid_argument);
  Tensor x = gl::ones({1, 3}).requires_grad_();
  (x * gl::zeros({0, 1})).sum().backward();
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(nan_passes_through_log_sqrt_pow_as_for_value) {
  // One rule for Value and Tensor: NaN in, NaN out; numbers outside the
  // domain are refused.
  Tensor x = gl::tensor({NAN, 4.0});
  for (const Tensor& y : {gl::log(x), gl::sqrt(x), gl::pow(x, 0.5), gl::pow(x, -1.0)}) {
    BOOST_TEST(std::isnan(y.to_vector()[0]));
    BOOST_TEST(!std::isnan(y.to_vector()[1]));
  }
  BOOST_TEST(gl::sqrt(x).to_vector()[1] == 2.0);
  BOOST_CHECK_THROW(gl::log(gl::tensor({NAN, -1.0})), std::domain_error);
  BOOST_CHECK_THROW(gl::sqrt(gl::tensor({-1.0, NAN})), std::domain_error);
  BOOST_CHECK_THROW(gl::pow(gl::tensor({NAN, -2.0}), 0.5), std::domain_error);
}

BOOST_AUTO_TEST_CASE(cat_and_stack_of_more_inputs_than_a_node_can_have) {
  std::vector<Tensor> many;
  for (int i = 0; i < 70000; ++i) many.push_back(gl::full({1}, i).requires_grad_());
  const std::int64_t before = gl::live_nodes();
  const std::string limit = " 70000 tensors that take part in backward, more than the 65535 inputs a graph "
                            "node can have (join them in groups of at most that)";
  BOOST_TEST(gradlab::testing::error_of<std::length_error>([&] { gl::cat(many); }) == "cat:" + limit);
  BOOST_TEST(gradlab::testing::error_of<std::length_error>([&] { gl::stack(many); }) == "stack:" + limit);
  BOOST_TEST(gl::live_nodes() == before);  // nothing made, nothing leaked
  {
    gl::NoGradGuard no_grad;  // no graph: any number
    BOOST_TEST(gl::cat(many).numel() == 70000);
  }
  many.resize(65535);  // the most a node can have, with its gradients
  Tensor joined = gl::stack(many);
  (joined * gl::arange(0, 65535).reshape({65535, 1})).sum().backward();
  BOOST_TEST(many[65534].grad().item() == 65534.0);
}

BOOST_AUTO_TEST_CASE(indices_without_an_int64_are_refused) {
  // NaN, infinity and 1e300 have no 64-bit integer: refused, not converted.
  Tensor t = gl::arange(0, 6).reshape({2, 3});
  using gradlab::testing::error_of;
  BOOST_TEST(error_of([&] { gl::index_select(t, 1, gl::tensor({NAN})); }) ==
             "index_select: index nan is out of range for size 3");
  BOOST_TEST(error_of([&] { gl::index_select(t, 0, gl::tensor({1e300})); }) ==
             "index_select: index 1e+300 is out of range for size 2");
  BOOST_TEST(error_of([&] { gl::gather(t, 1, gl::tensor({-INFINITY}, {1, 1})); }) ==
             "gather: index -inf is out of range for size 3");
  BOOST_TEST(error_of([&] { gl::nn::functional::cross_entropy(t, gl::tensor({NAN, 0.0})); }) ==
             "cross_entropy: target class nan is not one of the 3 classes 0..2");
  BOOST_TEST((gl::index_select(t, 1, gl::tensor({-1.0, 0.0})).to_vector() == std::vector<double>{2, 0, 5, 3}));
}

BOOST_AUTO_TEST_CASE(triu_and_tril_keep_a_triangle_of_the_last_two_dims) {
  Tensor a = gl::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  BOOST_TEST((gl::triu(a).to_vector() == std::vector<double>{1, 2, 3, 0, 5, 6}));
  BOOST_TEST((gl::triu(a, 1).to_vector() == std::vector<double>{0, 2, 3, 0, 0, 6}));
  BOOST_TEST((gl::triu(a, -1).to_vector() == std::vector<double>{1, 2, 3, 4, 5, 6}));
  BOOST_TEST((a.tril().to_vector() == std::vector<double>{1, 0, 0, 4, 5, 0}));
  BOOST_TEST((a.tril(-1).to_vector() == std::vector<double>{0, 0, 0, 4, 0, 0}));
  BOOST_TEST((gl::tril(a, 5).to_vector() == a.to_vector()));
  // Leading dims: the same triangle in every matrix.
  Tensor b = gl::ones({2, 2, 2});
  BOOST_TEST((gl::triu(b, 1).to_vector() == std::vector<double>{0, 1, 0, 0, 0, 1, 0, 0}));
  // The causal mask: -inf strictly above the diagonal, and no NaN from 0 * inf.
  Tensor mask = gl::triu(gl::full({3, 3}, -INFINITY), 1);
  BOOST_TEST(mask.data()[1] == -INFINITY);
  BOOST_TEST(mask.data()[3] == 0.0);
  gl::manual_seed(31);
  check("triu", [](auto& t) { return weigh(gl::triu(t[0], 1)); }, {gl::randn({2, 3, 4})});
  check("tril", [](auto& t) { return weigh(gl::tril(t[0], -1)); }, {gl::randn({4, 3})});
  BOOST_TEST(error_of([] { gl::triu(gl::ones({3})); }) == "triu: needs a tensor of at least 2 dims, got shape [3]");
  BOOST_TEST(error_of([] { gl::tril(gl::ones({3})); }) == "tril: needs a tensor of at least 2 dims, got shape [3]");
}

BOOST_AUTO_TEST_SUITE_END()
