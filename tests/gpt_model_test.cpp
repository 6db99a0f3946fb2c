// SPDX-License-Identifier: MIT
// The GPT of chapter 19 (tutorials/gpt_model.hpp, gpt_training.hpp): nanoGPT's names and
// shapes, causality, the kv-cache (the cached sampler writes exactly the
// uncached one's tokens, past the block size too), every bad argument of
// generate refused by name, the learning-rate schedule, the text loss and
// the summed loss of every token (total_nll).
#include <boost/test/unit_test.hpp>

#include "gpt_model.hpp"
#include "gpt_training.hpp"
#include "test_helpers.hpp"

namespace gl = gradlab;
using gradlab::testing::error_of;

namespace {
gpt::Config small() { return {.vocab_size = 11, .block_size = 8, .n_layer = 2, .n_head = 2, .n_embd = 16}; }
gl::Tensor ids(std::vector<double> v, std::int64_t rows = 1) {
  auto n = static_cast<std::int64_t>(v.size()) / rows;
  return gl::tensor(std::move(v), {rows, n});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(gpt_model_test)

BOOST_AUTO_TEST_CASE(names_and_shapes_are_nanogpts) {
  gl::manual_seed(0);
  gpt::GPT model(small());
  gl::NamedTensors sd = model.nanogpt_state_dict();
  std::map<std::string, gl::Shape> shapes;
  for (auto& [name, t] : sd) shapes[name] = t.shape();
  BOOST_TEST(sd.size() == 2u + 2u * 6u + 1u + 1u);  // wte, wpe; 6 per block; ln_f; lm_head
  BOOST_TEST((shapes.at("transformer.wte.weight") == gl::Shape{11, 16}));
  BOOST_TEST((shapes.at("transformer.wpe.weight") == gl::Shape{8, 16}));
  BOOST_TEST((shapes.at("transformer.h.0.ln_1.weight") == gl::Shape{16}));
  BOOST_TEST((shapes.at("transformer.h.1.attn.c_attn.weight") == gl::Shape{48, 16}));
  BOOST_TEST((shapes.at("transformer.h.1.attn.c_proj.weight") == gl::Shape{16, 16}));
  BOOST_TEST((shapes.at("transformer.h.0.mlp.c_fc.weight") == gl::Shape{64, 16}));
  BOOST_TEST((shapes.at("transformer.h.0.mlp.c_proj.weight") == gl::Shape{16, 64}));
  BOOST_TEST((shapes.at("transformer.ln_f.weight") == gl::Shape{16}));
  BOOST_TEST((shapes.at("lm_head.weight") == gl::Shape{11, 16}));
  BOOST_TEST(sd.back().second.to_vector() == model.transformer->wte->weight.to_vector());  // tied
  BOOST_TEST(model.decayed().size() == 2u + 2u * 4u);
  BOOST_TEST(model.not_decayed().size() == 2u * 2u + 1u);
  // nanoGPT's init: std 0.02, and 0.02 / sqrt(2 n_layer) on the projections.
  gl::manual_seed(0);
  gpt::Config big{.vocab_size = 50, .block_size = 64, .n_layer = 2, .n_head = 4, .n_embd = 128};
  gpt::GPT wide(big);
  BOOST_TEST(wide.transformer->wte->weight.std().item() == 0.02, boost::test_tools::tolerance(0.05));
  BOOST_TEST(wide.transformer->blocks[0]->mlp->c_proj->weight.std().item() == 0.01, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(a_position_never_sees_the_future) {
  gl::manual_seed(1);
  gpt::GPT model(small());
  model.eval();
  gl::NoGradGuard no_grad;
  gl::Tensor a = model.forward(ids({1, 2, 3, 4, 5, 6})), b = model.forward(ids({1, 2, 3, 9, 9, 9}));
  BOOST_TEST((a.shape() == gl::Shape{1, 6, 11}));
  BOOST_TEST(a.slice(1, 0, 3).to_vector() == b.slice(1, 0, 3).to_vector());
  BOOST_TEST(!gl::allclose(a.slice(1, 3, 6), b.slice(1, 3, 6)));
  std::vector<gl::Tensor> maps = model.attention_maps(ids({1, 2, 3, 4}));
  BOOST_TEST(maps.size() == 2u);
  BOOST_TEST((maps[0].shape() == gl::Shape{1, 2, 4, 4}));
  BOOST_TEST(gl::allclose(maps[1].sum(3), gl::ones({1, 2, 4}), 1e-12, 1e-12));
  BOOST_TEST(maps[0].select(0, 0).select(0, 1).triu(1).abs().sum().item() == 0.0);
}

BOOST_AUTO_TEST_CASE(the_cache_writes_what_the_model_writes_without_it) {
  gl::manual_seed(2);
  gpt::GPT model(small());
  // Greedy (top_k 1), two rows, from 3 tokens to 23: the block (8) fills and the window slides.
  gl::Tensor prompt = ids({1, 5, 7, 2, 2, 9}, 2);
  gl::Tensor cached = model.generate(prompt, 20, 1.0, 1, true), plain = model.generate(prompt, 20, 1.0, 1, false);
  BOOST_TEST((cached.shape() == gl::Shape{2, 23}));
  BOOST_TEST(cached.to_vector() == plain.to_vector());
  BOOST_TEST(cached.slice(1, 0, 3).to_vector() == prompt.to_vector());
  // The greedy token is the arg-max of the uncached logits at each step.
  {
    gl::NoGradGuard no_grad;
    model.eval();
    gl::Tensor first = model.forward(prompt).select(1, 2).argmax(1);
    BOOST_TEST(first.to_vector() == cached.select(1, 3).to_vector());
    model.train();
  }
  // Sampled, seeded the same: the same draws give the same tokens.
  gl::manual_seed(5);
  gl::Tensor s1 = model.generate(prompt, 12, 0.8, 5, true);
  gl::manual_seed(5);
  gl::Tensor s2 = model.generate(prompt, 12, 0.8, 5, false);
  BOOST_TEST(s1.to_vector() == s2.to_vector());
  BOOST_TEST(model.generate(prompt, 0).to_vector() == prompt.to_vector());
  BOOST_TEST(model.is_training());  // generate puts the mode back
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_named) {
  gl::manual_seed(3);
  gpt::GPT model(small());
  gl::Tensor p = ids({1, 2});
  BOOST_TEST(error_of([&] { model.generate(ids({1, 2, 3, 4, 5, 6, 7, 8, 9}), 3); }) ==
             "generate: the context has 9 tokens, more than block_size 8");
  BOOST_TEST(error_of([&] { model.generate(p, 3, 0.0); }) == "generate: temperature must be a number above 0, got 0");
  BOOST_TEST(error_of([&] { model.generate(p, 3, -1.0); }) == "generate: temperature must be a number above 0, got -1");
  BOOST_TEST(error_of([&] { model.generate(p, 3, NAN); }) == "generate: temperature must be a number above 0, got nan");
  BOOST_TEST(error_of([&] { model.generate(p, 3, 1.0, 12); }) ==
             "generate: top_k must be from 0 (every token) to the vocabulary's size 11, got 12");
  BOOST_TEST(error_of([&] { model.generate(p, 3, 1.0, -1); }) ==
             "generate: top_k must be from 0 (every token) to the vocabulary's size 11, got -1");
  BOOST_TEST(error_of([&] { model.generate(p, -1); }) == "generate: max_new_tokens must be 0 or more, got -1");
  BOOST_TEST(error_of([&] { model.generate(gl::tensor({1.0, 2.0}), 3); }) ==
             "generate: idx must be (batch, time) with at least one token, got shape [2]");
  BOOST_TEST(error_of([&] { model.generate(ids({1, 11}), 3); }) ==
             "generate: token id 11 is not a whole number from 0 to 10");
  BOOST_TEST(error_of([&] { model.generate(ids({1, 2.5}), 3); }) ==
             "generate: token id 2.5 is not a whole number from 0 to 10");
  BOOST_TEST(error_of([&] { gpt::GPT(gpt::Config{.vocab_size = 11, .n_head = 3, .n_embd = 16}); }) ==
             "CausalSelfAttention: n_embd 16 is not a multiple of n_head 3");
}

BOOST_AUTO_TEST_CASE(schedule_and_text_loss) {
  BOOST_TEST(gpt::learning_rate(0, 1e-3, 1e-4, 100, 2000) == 1e-3 / 101, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gpt::learning_rate(100, 1e-3, 1e-4, 100, 2000) == 1e-3, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gpt::learning_rate(1050, 1e-3, 1e-4, 100, 2000) == 5.5e-4, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gpt::learning_rate(2000, 1e-3, 1e-4, 100, 2000) == 1e-4, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gpt::learning_rate(2500, 1e-3, 1e-4, 100, 2000) == 1e-4);
  // A model that always says uniform: the loss is log V over every window.
  std::vector<int> data{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0};
  auto uniform = [](const gl::Tensor& x) { return gl::zeros({x.shape()[0], x.shape()[1], 5}); };
  BOOST_TEST(gpt::text_loss(data, 3, uniform, 2) == std::log(5.0), boost::test_tools::tolerance(1e-12));
  // Windows of 3 from 0: x = data[0..3), [3..6), [6..9); y one further; 9 predictions.
  int calls = 0;
  auto counting = [&](const gl::Tensor& x) {
    ++calls;
    return gl::zeros({x.shape()[0], x.shape()[1], 5});
  };
  gpt::text_loss(data, 3, counting, 2);
  BOOST_TEST(calls == 2);
  BOOST_TEST(error_of([&] { gpt::text_loss({1, 2}, 3, uniform); }) == "text_loss: 2 ids are too few for one window of 3");
}

BOOST_AUTO_TEST_CASE(total_nll_counts_every_prediction_once) {
  // A "model" that bets on the id after the one it reads (logit 2 for it,
  // 0 for the others): its loss on id i depends only on id i - 1, so the
  // sum over the text is known however the windows fall.
  const double V = 5, hit = -std::log(std::exp(2.0) / (std::exp(2.0) + V - 1)), miss = -std::log(1 / (std::exp(2.0) + V - 1));
  auto next_one = [&](const gl::Tensor& x) {
    std::vector<double> ids = x.to_vector(), out;
    for (double id : ids)
      for (int v = 0; v < 5; ++v) out.push_back(v == (static_cast<int>(id) + 1) % 5 ? 2.0 : 0.0);
    return gl::tensor(std::move(out), {x.shape()[0], x.shape()[1], 5});
  };
  auto expected = [&](const std::vector<int>& d) {
    double sum = 0;
    for (std::size_t i = 1; i < d.size(); ++i) sum += d[i] == (d[i - 1] + 1) % 5 ? hit : miss;
    return sum;
  };
  // 11 ids, windows of 3: 0, 3, 6 predict ids 1 .. 9, a last window from 7 adds id 10 alone.
  std::vector<int> data{0, 1, 2, 3, 4, 0, 2, 3, 4, 1, 2};
  for (std::int64_t chunk : {1, 2, 64})
    BOOST_TEST(gpt::total_nll(data, 3, next_one, chunk) == expected(data), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(gpt::total_nll(data, 5, next_one) == expected(data), boost::test_tools::tolerance(1e-12));  // 0, 5 and 5
  BOOST_TEST(gpt::total_nll(data, 64, next_one) == expected(data), boost::test_tools::tolerance(1e-12));  // one window
  BOOST_TEST(gpt::total_nll({3, 1}, 8, next_one) == miss, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(error_of([&] { gpt::total_nll({1}, 3, next_one); }) == "total_nll: needs 2 ids or more (one to read, one to predict), got 1");
}

BOOST_AUTO_TEST_CASE(a_short_training_run_learns) {
  // The recipe's loop on a repeating text: the loss falls well below log V.
  std::vector<int> data;
  for (int i = 0; i < 400; ++i) data.push_back(i % 7);
  gl::manual_seed(4);
  gpt::GPT model(gpt::Config{.vocab_size = 7, .block_size = 8, .n_layer = 1, .n_head = 2, .n_embd = 16});
  gpt::Recipe r{.batch_size = 8, .steps = 60, .warmup = 5, .lr = 1e-2, .min_lr = 1e-3};
  std::vector<double> losses = gpt::train(model, data, r);
  BOOST_TEST(losses.front() > 1.5);
  BOOST_TEST(losses.back() < 0.3);
}

BOOST_AUTO_TEST_SUITE_END()
