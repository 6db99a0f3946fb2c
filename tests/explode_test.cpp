// SPDX-License-Identifier: MIT
// Exploding tensor graphs into Value graphs: the scalar steps are all there,
// and the exploded graph's gradients equal the tensor graph's.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <set>
#include <string>
#include <utility>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
using gl::Tensor;

BOOST_AUTO_TEST_SUITE(explode_test)

BOOST_AUTO_TEST_CASE(a_2x2_matmul_is_8_multiplies_and_4_adds) {
  Tensor a = gl::tensor({{1.0, 2.0}, {3.0, 4.0}}).requires_grad_().set_label("a");
  Tensor b = gl::tensor({{5.0, 6.0}, {7.0, 8.0}}).requires_grad_().set_label("b");
  Tensor c = a.matmul(b);
  gl::ExplodedGraph g = gl::explode(c);
  BOOST_REQUIRE(g.output.size() == 4u);
  std::vector<double> values;
  std::set<const gl::Node*> nodes;
  for (const gl::Value& v : g.output) {
    values.push_back(v.data());
    for (const gl::Node* n : gl::engine::topological_order(*v.node())) nodes.insert(n);
  }
  BOOST_TEST((values == c.to_vector()));  // 19 22 43 50
  int muls = 0, adds = 0, leaves = 0;
  for (const gl::Node* n : nodes) {
    std::string op = n->op->name;
    muls += op == "*";
    adds += op == "+";
    leaves += n->is_leaf();
  }
  BOOST_TEST(muls == 8);
  BOOST_TEST(adds == 4);
  BOOST_TEST(leaves == 8);
  BOOST_TEST(g.of(a)[3].label() == "a[1,1]");
}

BOOST_AUTO_TEST_CASE(exploded_gradients_equal_the_tensor_gradients) {
  gl::manual_seed(11);
  Tensor x = gl::randn({3, 2}).requires_grad_().set_label("x");
  Tensor w = gl::randn({2, 4}).requires_grad_().set_label("w");
  Tensor b = gl::randn({4}).requires_grad_().set_label("b");
  Tensor h = gl::tanh(x.matmul(w) + b);                         // broadcast add
  Tensor y = (gl::relu(h.t()).mean(1) * 2.0 - h.select(0, 1).exp().sum()).sum();
  y.backward();
  gl::ExplodedGraph g = gl::explode(y);
  BOOST_REQUIRE(g.output.size() == 1u);
  BOOST_TEST(g.output[0].data() == y.item(), boost::test_tools::tolerance(1e-12));
  g.output[0].backward();
  for (const Tensor* t : {&x, &w, &b}) {
    std::vector<double> expected = t->grad().to_vector();
    const std::vector<gl::Value>& scalars = g.of(*t);
    for (std::size_t i = 0; i < expected.size(); ++i)
      BOOST_TEST(scalars[i].grad() == expected[i], boost::test_tools::tolerance(1e-12));
  }
}

// select and slice of whole rows copy one block (their state is its offset):
// the replay takes the same elements as the per-element ones.
BOOST_AUTO_TEST_CASE(blocks_of_whole_rows_replay_element_by_element) {
  Tensor x = gl::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}, {7.0, 8.0, 9.0}}).requires_grad_();
  Tensor w = gl::tensor({0.5, -1.0, 2.0});
  Tensor y = (x.select(0, 1) * w).sum() + (x.slice(0, 1, 3) * w).sum() + (x.select(1, 2) * w).sum();
  gl::ExplodedGraph g = gl::explode(y);
  BOOST_TEST(g.output[0].data() == y.item());
  y.backward();
  g.output[0].backward();
  const std::vector<gl::Value>& xs = g.of(x);
  for (std::size_t i = 0; i < xs.size(); ++i) BOOST_TEST(xs[i].grad() == x.grad().to_vector()[i]);
}

BOOST_AUTO_TEST_CASE(refusals) {
  Tensor big = gl::ones({50, 50}).requires_grad_();
  BOOST_CHECK_THROW(gl::explode(big.sum()), std::length_error);
  Tensor s = gl::nn::functional::gelu(gl::ones({3}).requires_grad_());  // erf has no Value op
  try {
    gl::explode(s);
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "explode: op 'gelu' has no scalar replay");
  }
}

BOOST_AUTO_TEST_CASE(a_freed_graph_is_refused) {
  Tensor x = gl::ones({2}).requires_grad_();
  Tensor y = (x * x).sum();
  y.backward(/*retain_graph=*/false);
  try {
    gl::explode(y);
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "explode: the graph was freed by backward(retain_graph=false) "
                                        "(op 'sum' has no operands left)");
  }
}

BOOST_AUTO_TEST_CASE(empty_sums_explode_to_zero) {
  // A sum over nothing, and a (2, 0) @ (0, 3) matmul (six sums over
  // nothing), are the constant 0.
  Tensor e = gl::zeros({0}).requires_grad_();
  gl::ExplodedGraph g = gl::explode(e.sum());
  BOOST_TEST(g.output.size() == 1u);
  BOOST_TEST(g.output[0].data() == 0.0);
  Tensor a = gl::zeros({2, 0}).requires_grad_(), b = gl::zeros({0, 3}).requires_grad_();
  Tensor out = gl::matmul(a, b);
  gl::ExplodedGraph m = gl::explode(out);
  BOOST_TEST(m.output.size() == 6u);
  for (const gl::Value& v : m.output) BOOST_TEST(v.data() == 0.0);
  Tensor rows = gl::zeros({2, 0}).requires_grad_();
  BOOST_TEST(gl::explode(rows.sum(1)).output.size() == 2u);  // per row, over an empty dim
  gl::ExplodedGraph s = gl::explode((out.sum() + gl::ones({1}).requires_grad_()).sum());
  s.output[0].backward();
  BOOST_TEST(s.output[0].data() == 1.0);
}

BOOST_AUTO_TEST_CASE(a_slice_of_whole_rows_explodes_to_its_block) {
  // slice(0, 1, 3) of a (4, 2) tensor is one block of memory (kept as an
  // offset, not a list of positions): it used to explode to one element.
  Tensor x = gl::arange(0, 8).reshape({4, 2}).requires_grad_();
  Tensor rows = x.slice(0, 1, 3);
  gl::ExplodedGraph g = gl::explode(rows);
  BOOST_TEST_REQUIRE(g.output.size() == 4u);
  for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(g.output[i].data() == static_cast<double>(i + 2));
  BOOST_TEST(gl::explode(x.slice(0, 2, 2)).output.empty());
  BOOST_TEST(gl::explode(x.slice(0, 3, 4).sum()).output[0].data() == 13.0);
}

BOOST_AUTO_TEST_CASE(ops_without_a_replay_are_refused_before_reading_operands) {
  // conv2d has operands that are not a broadcast pair: an op without a
  // replay is refused before any of them is read.
  Tensor x = gl::ones({1, 1, 3, 3}).requires_grad_(), w = gl::ones({2, 1, 2, 2}).requires_grad_();
  try {
    gl::explode(gl::nn::functional::conv2d(x, w));
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "explode: op 'conv2d' has no scalar replay");
  }
  BOOST_CHECK_THROW(gl::explode(gl::nn::functional::layer_norm(x, 1, gl::ones({3}), gl::zeros({3}))),
                    std::invalid_argument);
}

// Every op with a replay, one graph at a time: the exploded graph computes
// the same numbers and, after backward, the same gradient for the input.
BOOST_AUTO_TEST_CASE(every_replay_gives_the_tensor_op_numbers_and_gradients) {
  gl::manual_seed(5);
  Tensor x = gl::randn({2, 3}).requires_grad_().set_label("x");
  Tensor mask = gl::tensor({{1.0, 0.0, 0.0}, {0.0, 0.0, 1.0}});
  Tensor grid = gl::randn({1, 1, 4, 4}).requires_grad_().set_label("grid");
  Tensor weights = gl::randn({2, 3});  // so each element's gradient differs
  const std::vector<std::pair<std::string, std::function<Tensor()>>> cases = {
      {"softmax", [&] { return gl::softmax(x, 1); }},
      {"log_softmax", [&] { return gl::log_softmax(x, 0); }},
      {"max", [&] { return gl::max(x, 1); }},
      {"max all", [&] { return gl::max(x); }},
      {"abs", [&] { return gl::abs(x); }},
      {"clamp", [&] { return gl::clamp(x, -0.3, 0.4); }},
      {"masked_fill", [&] { return gl::masked_fill(x, mask, -2.0); }},
      {"triu", [&] { return gl::triu(x, 1); }},
      {"tril", [&] { return gl::tril(x); }},
      {"pow", [&] { return gl::pow(gl::abs(x) + 1.0, 1.5); }},
      {"permute", [&] { return x.t() * weights.t(); }},
      {"cat", [&] { return gl::cat({x, x * 2.0}, 1); }},
      {"stack", [&] { return gl::stack({x, gl::exp(x)}, 1); }},
      {"index_select", [&] { return gl::index_select(x, 1, gl::tensor({2.0, 0.0, 2.0})); }},
      {"gather", [&] { return gl::gather(x, 1, gl::tensor({{1.0, 1.0}, {0.0, 2.0}})); }},
      {"slice step", [&] { return x.slice(1, 0, 3, 2); }},
      {"sub div", [&] { return (x - 1.5) / (gl::abs(x) + 2.0); }},
      {"max_pool2d", [&] { return gl::nn::functional::max_pool2d(grid, 2).reshape({4}); }},
      {"silu", [&] { return gl::nn::functional::silu(x); }},
      {"gelu tanh", [&] { return gl::nn::functional::gelu(x, "tanh"); }},
      {"leaky_relu", [&] { return gl::nn::functional::leaky_relu(x, 0.1); }},
      {"linear", [&] { return gl::nn::functional::linear(x, weights, gl::tensor({0.5, -1.0})); }},
      {"linear no bias", [&] { return gl::nn::functional::linear(x, weights); }},
      {"cross_entropy", [&] {
         return gl::nn::functional::cross_entropy(x, gl::tensor({2.0, 0.0}), gl::nn::functional::Reduction::None);
       }},
  };
  for (const auto& [name, f] : cases) {
    BOOST_TEST_CONTEXT(name) {
      Tensor input = name == "max_pool2d" ? grid : x;
      input.zero_grad();
      Tensor out = f();
      // A weighted sum, so that every output element's gradient is its own.
      Tensor pick = gl::arange(1, static_cast<double>(out.numel()) + 1).reshape(out.shape());
      Tensor loss = (out * pick).sum();
      loss.backward();
      gl::ExplodedGraph g = gl::explode(loss);
      BOOST_TEST(g.output[0].data() == loss.item(), boost::test_tools::tolerance(1e-12));
      g.output[0].backward();
      const std::vector<double> expected = input.grad().to_vector();
      const std::vector<gl::Value>& scalars = g.of(input);
      for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST(scalars[i].grad() == expected[i], boost::test_tools::tolerance(1e-12));
    }
  }
}

// An op of one's own (op.hpp) may give a replay too; one without is refused by name.
BOOST_AUTO_TEST_CASE(a_new_op_explodes_through_its_own_replay) {
  static constexpr gl::Op cube{"cube", [](gl::Node& n) {
    gl::TensorSlot out = gl::tensor_slot(n), a = gl::tensor_slot(n.parent(0));
    for (std::size_t i = 0; i < a.data.size(); ++i) a.grad[i] += out.grad[i] * 3 * a.data[i] * a.data[i];  // 3a^2
  }, &gl::kTensorKind, [](gl::Replay& r) {
    r.each([](const gl::Value& v) { return v * v * v; });
  }};
  static constexpr gl::Op plain{"plain", cube.backward, &gl::kTensorKind};
  Tensor x = gl::tensor({1.0, -2.0}).requires_grad_();
  auto apply = [&](const gl::Op& op) {
    std::vector<double> y;
    for (double v : x.data()) y.push_back(v * v * v);
    return gl::make_result(x.shape(), y, op, {x});
  };
  Tensor y = apply(cube).sum();
  y.backward();
  gl::ExplodedGraph g = gl::explode(y);
  g.output[0].backward();
  BOOST_TEST(g.output[0].data() == -7.0);
  BOOST_TEST(g.of(x)[0].grad() == 3.0);
  BOOST_TEST(g.of(x)[1].grad() == 12.0);
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{3.0, 12.0}));
  try {
    gl::explode(apply(plain));
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "explode: op 'plain' has no scalar replay");
  }
}

BOOST_AUTO_TEST_SUITE_END()
