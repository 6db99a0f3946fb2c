// SPDX-License-Identifier: MIT
// scaled_dot_product_attention and MultiheadAttention: a small case by hand,
// PyTorch's float64 outputs, weights and gradients, finite differences, the
// parameters' names and initial values, and the errors.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"
#include "torch_fixture.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::expect_close;
using gradlab::testing::TorchFixture;
using gradlab::testing::weigh;

namespace {

// Runs a MultiheadAttention on a fixture's inputs with PyTorch's parameters
// and compares the output, the weights and every gradient.
void compare_with_pytorch(const std::string& name, std::int64_t E, std::int64_t H, bool self, bool average) {
  TorchFixture f(name);
  nn::MultiheadAttention mha(E, H);
  f.load_parameters(mha);
  Tensor q = f.input(self ? "x" : "query");
  Tensor k = self ? q : f.input("key");
  Tensor v = self ? q : f.input("value");
  Tensor mask = f.tensors.count("input.mask") ? f["input.mask"] : Tensor();
  auto [out, weights] = mha.forward(q, k, v, mask, true, average);
  expect_close(name + " output", out, f["out.output"]);
  expect_close(name + " weights", weights, f["out.weights"]);
  (f.weighed("output", out) + f.weighed("weights", weights)).backward();
  for (auto& [pname, p] : mha.named_parameters()) expect_close(name + " d" + pname, p.grad(), f["grad.param." + pname]);
  if (self) expect_close(name + " dx", q.grad(), f["grad.input.x"]);
  else
    for (auto [t, in] : {std::pair{q, "query"}, {k, "key"}, {v, "value"}})
      expect_close(name + " d" + in, t.grad(), f["grad.input." + std::string(in)]);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_attention_test)

BOOST_AUTO_TEST_CASE(attention_by_hand) {
  // Two queries, two keys in d = 2: q0 matches k0 exactly, q1 matches nothing.
  Tensor q = gl::tensor({{2.0, 0.0}, {0.0, 0.0}});
  Tensor k = gl::tensor({{1.0, 0.0}, {0.0, 1.0}});
  Tensor v = gl::tensor({{10.0, 0.0}, {0.0, 10.0}});
  // Scores q k^T / sqrt 2: row 0 is (sqrt 2, 0), row 1 is (0, 0).
  double e = std::exp(std::sqrt(2.0)), w0 = e / (e + 1);
  Tensor w = F::attention_weights(q, k);
  BOOST_TEST(w.data()[0] == w0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(w.data()[2] == 0.5);
  Tensor out = F::scaled_dot_product_attention(q, k, v);
  BOOST_TEST(out.data()[0] == 10 * w0, boost::test_tools::tolerance(1e-14));
  BOOST_TEST((out.slice(0, 1, 2).to_vector() == std::vector<double>{5.0, 5.0}));
  // Causal: query 0 sees key 0 only; an explicit -inf mask is the same thing.
  Tensor causal = F::scaled_dot_product_attention(q, k, v, Tensor(), true);
  BOOST_TEST((causal.to_vector() == std::vector<double>{10.0, 0.0, 5.0, 5.0}));
  Tensor masked = F::scaled_dot_product_attention(q, k, v, nn::Transformer::generate_square_subsequent_mask(2));
  BOOST_TEST((masked.to_vector() == causal.to_vector()));
  // The mask broadcasts over leading (batch, head) dims.
  gl::manual_seed(41);
  Tensor Q = gl::randn({2, 3, 4, 5}), K = gl::randn({2, 3, 6, 5}), V = gl::randn({2, 3, 6, 2});
  Tensor M = gl::triu(gl::full({4, 6}, -INFINITY), 3);
  Tensor batched = F::scaled_dot_product_attention(Q, K, V, M);
  BOOST_TEST((batched.shape() == gl::Shape{2, 3, 4, 2}));
  Tensor one = F::scaled_dot_product_attention(Q.select(0, 1).select(0, 2), K.select(0, 1).select(0, 2),
                                               V.select(0, 1).select(0, 2), M);
  BOOST_TEST((batched.select(0, 1).select(0, 2).to_vector() == one.to_vector()));
}

BOOST_AUTO_TEST_CASE(attention_gradients_against_finite_differences) {
  gl::manual_seed(42);
  Tensor q = gl::randn({2, 3, 4, 5}), k = gl::randn({2, 3, 6, 5}), v = gl::randn({2, 3, 6, 2});
  check("sdpa, 2 x 3 heads", [](auto& t) { return weigh(F::scaled_dot_product_attention(t[0], t[1], t[2])); },
        {q, k, v});
  Tensor mask = gl::triu(gl::full({4, 6}, -INFINITY), 2) + gl::randn({4, 6}) * 0.1;
  check("sdpa with a mask", [&](auto& t) { return weigh(F::scaled_dot_product_attention(t[0], t[1], t[2], mask)); },
        {q, k, v});
  Tensor sq = gl::randn({3, 4, 5});
  check("sdpa, causal", [](auto& t) {
    return weigh(F::scaled_dot_product_attention(t[0], t[1], t[2], Tensor(), true));
  }, {sq, gl::randn({3, 4, 5}), gl::randn({3, 4, 5})});
  // MultiheadAttention, with respect to its inputs and to all its parameters.
  nn::MultiheadAttention mha(4, 2);
  gl::nn::init::normal_(mha.in_proj_bias, 0, 0.3);
  Tensor causal = nn::Transformer::generate_square_subsequent_mask(3);
  auto self = [&](const auto& t) {
    auto [out, w] = mha.forward(t[0], t[0], t[0], causal);
    return weigh(out) + weigh(w);
  };
  Tensor x = gl::randn({2, 3, 4});
  check("MultiheadAttention, self, causal: dx", self, {x});
  gradlab::testing::check_parameters("MultiheadAttention, self, causal", mha, [&] { return self(std::vector{x}); });
  auto cross = [&](const auto& t) { return weigh(std::get<0>(mha.forward(t[0], t[1], t[2]))); };
  Tensor kq = gl::randn({2, 5, 4}), kv = gl::randn({2, 5, 4});
  check("MultiheadAttention, cross", cross, {x, kq, kv});
  gradlab::testing::check_parameters("MultiheadAttention, cross", mha, [&] { return cross(std::vector{x, kq, kv}); });
}

BOOST_AUTO_TEST_CASE(multihead_attention_matches_pytorch) {
  compare_with_pytorch("mha_self_causal", 6, 2, true, true);
  compare_with_pytorch("mha_self_per_head", 6, 2, true, false);
  compare_with_pytorch("mha_cross", 6, 3, false, true);
}

BOOST_AUTO_TEST_CASE(parameters_are_named_and_initialised_as_pytorchs) {
  gl::manual_seed(43);
  nn::MultiheadAttention mha(8, 2);
  std::vector<std::string> names;
  for (auto& [name, p] : mha.named_parameters()) names.push_back(name + " " + gl::to_string(p.shape()));
  BOOST_TEST((names == std::vector<std::string>{"in_proj_weight [24, 8]", "in_proj_bias [24]",
                                                "out_proj.weight [8, 8]", "out_proj.bias [8]"}));
  double bound = std::sqrt(6.0 / (8 + 24)), largest = 0;  // xavier-uniform over fan_in 8, fan_out 24
  for (double w : mha.in_proj_weight.data()) largest = std::max(largest, std::abs(w));
  BOOST_TEST(largest <= bound);
  BOOST_TEST(largest > 0.9 * bound);
  BOOST_TEST((mha.in_proj_bias.to_vector() == std::vector<double>(24, 0.0)));
  BOOST_TEST((mha.out_proj->bias.to_vector() == std::vector<double>(8, 0.0)));
  // Unbatched (L, E) works like a batch of one; need_weights = false gives no weights.
  Tensor x = gl::randn({3, 8});
  auto [out, w] = mha.forward(x, x, x);
  auto [out1, w1] = mha.forward(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0));
  BOOST_TEST((out.shape() == gl::Shape{3, 8}));
  BOOST_TEST((w.shape() == gl::Shape{3, 3}));
  BOOST_TEST((out.to_vector() == out1.to_vector()));
  auto [out2, none] = mha.forward(x, x, x, Tensor(), false);
  BOOST_TEST(none.numel() == 0);
  BOOST_TEST((out2.to_vector() == out.to_vector()));
  // Per head: (N, H, L, S), and their mean is the averaged weights.
  auto [o3, per_head] = mha.forward(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0), Tensor(), true, false);
  BOOST_TEST((per_head.shape() == gl::Shape{1, 2, 3, 3}));
  Tensor avg = per_head.mean(1).squeeze(0);
  for (std::size_t i = 0; i < 9; ++i) BOOST_TEST(avg.data()[i] == w.data()[i], boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(errors_name_the_shapes) {
  BOOST_TEST(error_of([] { nn::MultiheadAttention(10, 3); }) ==
             "MultiheadAttention: embed_dim 10 is not divisible by num_heads 3");
  nn::MultiheadAttention mha(4, 2);
  Tensor x = gl::ones({2, 3, 4}), kv = gl::ones({2, 5, 4});
  BOOST_TEST(error_of([&] { mha.forward(gl::ones({2, 3, 6}), kv, kv); }) ==
             "MultiheadAttention: query of shape [2, 3, 6] does not fit embed_dim 4 (expected (N, L, 4), batch first)");
  BOOST_TEST(error_of([&] { mha.forward(x, gl::ones({2, 5, 4}), gl::ones({2, 6, 4})); }) ==
             "MultiheadAttention: key of shape [2, 5, 4] and value of shape [2, 6, 4] differ in length");
  BOOST_TEST(error_of([&] { mha.forward(x, gl::ones({3, 5, 4}), kv); }) ==
             "MultiheadAttention: key of shape [3, 5, 4] does not fit embed_dim 4 (expected (N, S, 4) with the "
             "query's N, batch first)");
  BOOST_TEST(error_of([&] { mha.forward(x, kv, kv, gl::zeros({3, 3})); }) ==
             "MultiheadAttention: attn_mask of shape [3, 3] does not fit query length 3 and key length 5 "
             "(expected [3, 5] or [4, 3, 5])");
  // One tensor is not enough: attention needs query, key and value.
  BOOST_TEST(error_of([&] { mha(x); }) ==
             "MultiheadAttention: this module has no forward(Tensor) (a module's own is declared "
             "`Tensor forward(Tensor x) override`)");
  BOOST_TEST(error_of([&] { mha.forward(x); }) == error_of([&] { mha(x); }));
  BOOST_TEST(error_of([] { F::scaled_dot_product_attention(gl::ones({3, 4}), gl::ones({3, 5}), gl::ones({3, 5})); }) ==
             "scaled_dot_product_attention: query of shape [3, 4] and key of shape [3, 5] do not fit "
             "(expected (..., L, d) and (..., S, d))");
  BOOST_TEST(error_of([] { F::scaled_dot_product_attention(gl::ones({3, 4}), gl::ones({5, 4}), gl::ones({4, 4})); }) ==
             "scaled_dot_product_attention: key of shape [5, 4] and value of shape [4, 4] differ in length "
             "(expected (..., S, d) and (..., S, dv))");
  BOOST_TEST(error_of([] {
    F::scaled_dot_product_attention(gl::ones({3, 4}), gl::ones({5, 4}), gl::ones({5, 4}), gl::zeros({3, 3}));
  }) == "scaled_dot_product_attention: attn_mask of shape [3, 3] does not fit scores of shape [3, 5] "
        "(expected (..., 3, 5))");
}

BOOST_AUTO_TEST_SUITE_END()
