// SPDX-License-Identifier: MIT
// PositionalEncoding, TransformerEncoderLayer (post-LN and pre-LN),
// TransformerEncoder and the causal mask: PyTorch's float64 numbers, finite
// differences, parameter names, and causality of a decoder-only model.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"
#include "torch_fixture.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::check_parameters;
using gradlab::testing::error_of;
using gradlab::testing::expect_close;
using gradlab::testing::TorchFixture;
using gradlab::testing::weigh;

namespace {

nn::TransformerEncoderLayerOptions small(bool norm_first, const std::string& activation) {
  return nn::TransformerEncoderLayerOptions(6, 2).dim_feedforward(10).dropout(0.0).activation(activation).norm_first(
      norm_first);
}

// A decoder-only model, as chapter 18 (18_transformer_adds) builds it: embedding + positions,
// encoder layers run with the causal mask, a final LayerNorm and a head.
struct TinyGPT : nn::Module {
  std::shared_ptr<nn::Embedding> embed;
  std::shared_ptr<nn::PositionalEncoding> position;
  std::shared_ptr<nn::TransformerEncoder> blocks;
  std::shared_ptr<nn::LayerNorm> norm;
  std::shared_ptr<nn::Linear> head;
  TinyGPT() : Module("TinyGPT") {
    embed = register_module("embed", std::make_shared<nn::Embedding>(7, 8));
    position = register_module("position", std::make_shared<nn::PositionalEncoding>(8, 16));
    blocks = register_module("blocks", std::make_shared<nn::TransformerEncoder>(
                                           nn::TransformerEncoderLayerOptions(8, 2).dim_feedforward(16).dropout(0.0)
                                               .norm_first(true), 2));
    norm = register_module("norm", std::make_shared<nn::LayerNorm>(gl::Shape{8}));
    head = register_module("head", std::make_shared<nn::Linear>(8, 7));
  }
  Tensor forward(Tensor tokens) override {
    Tensor mask = nn::Transformer::generate_square_subsequent_mask(tokens.shape()[1]);
    return head->forward(norm->forward(blocks->forward(position->forward(embed->forward(tokens)), mask)));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_transformer_test)

BOOST_AUTO_TEST_CASE(positional_encoding_is_the_sinusoid_table) {
  nn::PositionalEncoding pe(6, 10);
  BOOST_TEST(pe.num_parameters() == 0);  // a fixed table, not learned
  const Tensor& t = pe.pe();
  BOOST_TEST((t.shape() == gl::Shape{10, 6}));
  auto at = [&](int pos, int i) { return t.data()[static_cast<std::size_t>(pos * 6 + i)]; };
  auto near = boost::test_tools::tolerance(1e-14);
  for (int pos : {0, 1, 7})
    for (int i = 0; i < 3; ++i) {
      double angle = pos / std::pow(10000.0, 2.0 * i / 6);
      BOOST_TEST(at(pos, 2 * i) == std::sin(angle), near);
      BOOST_TEST(at(pos, 2 * i + 1) == std::cos(angle), near);
    }
  // An odd d_model: the last dim is a sine.
  BOOST_TEST(nn::PositionalEncoding(5, 3).pe().data()[5 + 4] == std::sin(1 / std::pow(10000.0, 4.0 / 5)), near);
  Tensor x = gl::zeros({2, 4, 6});
  Tensor y = pe(x);
  BOOST_TEST((y.select(0, 1).to_vector() == t.slice(0, 0, 4).to_vector()));
  // Embedding + PositionalEncoding: gradients reach the table of embeddings.
  gl::manual_seed(51);
  Tensor tokens = gl::tensor({{1.0, 3.0, 3.0}, {0.0, 2.0, 1.0}});
  check("Embedding + PositionalEncoding",
        [&](auto& w) { return weigh(pe(gl::nn::functional::embedding(tokens, w[0])).pow(2)); }, {gl::randn({4, 6})});
  BOOST_TEST(error_of([&] { pe(gl::zeros({2, 11, 6})); }) ==
             "PositionalEncoding: input of shape [2, 11, 6] does not fit (expected (..., L, 6) with L <= 10)");
  BOOST_TEST(error_of([&] { pe(gl::zeros({2, 3, 5})); }) ==
             "PositionalEncoding: input of shape [2, 3, 5] does not fit (expected (..., L, 6) with L <= 10)");
}

BOOST_AUTO_TEST_CASE(the_causal_mask) {
  Tensor m = nn::Transformer::generate_square_subsequent_mask(3);
  double inf = INFINITY;
  BOOST_TEST((m.to_vector() == std::vector<double>{0, -inf, -inf, 0, 0, -inf, 0, 0, 0}));
  BOOST_TEST(nn::Transformer::generate_square_subsequent_mask(0).numel() == 0);
}

BOOST_AUTO_TEST_CASE(encoder_layers_match_pytorch) {
  for (auto [name, norm_first, activation] : {std::tuple{"encoder_layer_post_ln_relu", false, "relu"},
                                              std::tuple{"encoder_layer_pre_ln_gelu", true, "gelu"}}) {
    TorchFixture f(name);
    nn::TransformerEncoderLayer layer(small(norm_first, activation));
    f.load_parameters(layer);
    Tensor x = f.input("x");
    Tensor out = layer.forward(x, f["input.mask"]);
    expect_close(std::string(name) + " output", out, f["out.output"]);
    f.weighed("output", out).backward();
    expect_close(std::string(name) + " dx", x.grad(), f["grad.input.x"]);
    for (auto& [pname, p] : layer.named_parameters())
      expect_close(std::string(name) + " d" + pname, p.grad(), f["grad.param." + pname]);
  }
}

BOOST_AUTO_TEST_CASE(encoder_layer_gradients_against_finite_differences) {
  gl::manual_seed(52);
  Tensor mask = nn::Transformer::generate_square_subsequent_mask(3);
  for (bool norm_first : {false, true}) {
    nn::TransformerEncoderLayer layer(small(norm_first, norm_first ? "gelu" : "relu"));
    for (auto& [name, p] : layer.named_parameters())  // away from LayerNorm's 1 and 0, and relu's kinks
      if (name.find("norm") != std::string::npos) gl::nn::init::normal_(const_cast<Tensor&>(p), 0.5, 0.5);
    std::string what = norm_first ? "pre-LN encoder layer" : "post-LN encoder layer";
    auto loss = [&](const auto& t) { return weigh(layer.forward(t[0], mask)); };
    Tensor x = gl::randn({2, 3, 6});
    check(what + ": dx", loss, {x});
    check_parameters(what, layer, [&] { return loss(std::vector{x}); });
  }
}

BOOST_AUTO_TEST_CASE(names_options_and_the_stack) {
  nn::TransformerEncoderLayer layer(nn::TransformerEncoderLayerOptions(8, 2));
  std::vector<std::string> names;
  for (auto& [name, p] : layer.named_parameters()) names.push_back(name);
  BOOST_TEST((names == std::vector<std::string>{"self_attn.in_proj_weight", "self_attn.in_proj_bias",
                                                "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                                                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                                                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"}));
  BOOST_TEST((layer.linear1->weight.shape() == gl::Shape{2048, 8}));  // PyTorch's defaults
  BOOST_TEST(layer.options().dropout() == 0.1);
  BOOST_TEST(!layer.options().norm_first());
  gl::manual_seed(53);
  nn::TransformerEncoder encoder(small(true, "relu"), 3);
  BOOST_TEST(encoder.size() == 3u);
  BOOST_TEST(encoder.named_parameters()[0].first == "layers.0.self_attn.in_proj_weight");
  BOOST_TEST(encoder.named_parameters().back().first == "layers.2.norm2.bias");
  BOOST_TEST((encoder[0].self_attn->in_proj_weight.to_vector() != encoder[1].self_attn->in_proj_weight.to_vector()));
  Tensor x = gl::randn({2, 4, 6}), mask = nn::Transformer::generate_square_subsequent_mask(4);
  Tensor by_hand = encoder[2].forward(encoder[1].forward(encoder[0].forward(x, mask), mask), mask);
  BOOST_TEST((encoder.forward(x, mask).to_vector() == by_hand.to_vector()));
  std::ostringstream os;
  os << nn::TransformerEncoderLayer(small(false, "relu"));
  BOOST_TEST(os.str().find("(self_attn): MultiheadAttention(\n    (out_proj): Linear(in_features=6, out_features=6, "
                           "bias=True)\n  )\n  (linear1): Linear(in_features=6, out_features=10, bias=True)") !=
             std::string::npos);
  BOOST_TEST(error_of([] { nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(6, 2).activation("tanh")); }) ==
             "TransformerEncoderLayer: activation must be \"relu\" or \"gelu\", got \"tanh\"");
  BOOST_TEST(error_of([] { nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(6, 4)); }) ==
             "MultiheadAttention: embed_dim 6 is not divisible by num_heads 4");
  BOOST_TEST(error_of([] { nn::TransformerEncoder(nn::TransformerEncoderLayerOptions(6, 2), 0); }) ==
             "TransformerEncoder: num_layers must be at least 1, got 0");
}

BOOST_AUTO_TEST_CASE(dropout_only_in_training) {
  gl::manual_seed(54);
  nn::TransformerEncoderLayer layer(nn::TransformerEncoderLayerOptions(6, 2).dim_feedforward(10).dropout(0.5));
  Tensor x = gl::randn({2, 4, 6});
  BOOST_TEST((layer(x).to_vector() != layer(x).to_vector()));  // a new mask each call
  layer.eval();
  BOOST_TEST((layer(x).to_vector() == layer(x).to_vector()));
  BOOST_TEST(!layer.self_attn->is_training());
}

// Changing the tokens after position t leaves every output at positions
// <= t bitwise unchanged: the causal mask lets nothing flow backwards in time.
BOOST_AUTO_TEST_CASE(a_decoder_only_model_is_causal) {
  gl::manual_seed(55);
  TinyGPT model;
  Tensor a = gl::tensor({{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, {0.0, 0.0, 1.0, 1.0, 2.0, 2.0}});
  Tensor before = model(a);
  for (std::int64_t t = 0; t < 5; ++t) {
    Tensor b = a.detach();
    for (std::int64_t n = 0; n < 2; ++n)
      for (std::int64_t j = t + 1; j < 6; ++j) b.data()[static_cast<std::size_t>(n * 6 + j)] = static_cast<double>((j * 3 + t + n) % 7);
    Tensor after = model(b);
    BOOST_TEST((after.slice(1, 0, t + 1).to_vector() == before.slice(1, 0, t + 1).to_vector()), "t = " << t);
    BOOST_TEST((after.slice(1, t + 1, 6).to_vector() != before.slice(1, t + 1, 6).to_vector()), "t = " << t);
  }
  // And the gradient of an early output never reaches a later token's embedding.
  Tensor logits = model(a);
  model.zero_grad();
  logits.select(1, 2).sum().backward();
  Tensor dembed = model.embed->weight.grad();
  BOOST_TEST(dembed.select(0, 4).abs().sum().item() == 0.0);  // token 4 first appears at position 3
  BOOST_TEST(dembed.select(0, 1).abs().sum().item() > 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
