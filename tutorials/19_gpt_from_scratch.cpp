// SPDX-License-Identifier: MIT
// 17 GPT from scratch: a model that writes fortune cookies, built the way the
// lecture "Let's build GPT" builds it, one piece at a time, on the 1 MB of
// Debian's fortune cookies (`make data`), 90% to train on, 10% to validate:
// a bigram table, then one self-attention Head, MultiHeadAttention, a
// FeedForward layer, Blocks with residual connections, LayerNorm before each
// part (pre-norm), and nanoGPT's CPU recipe scaled up (gpt_model.hpp and
// gpt_training.hpp: 4 layers, 4 heads, n_embd 128, block 64, batch 12,
// 2,000 steps of AdamW).
// Each stage prints its validation loss and a sample; the end shows the
// ladder of losses, every head's attention on a sentence, the kv-cache's
// speed-up and 500 written characters, and saves the model under nanoGPT's
// names. Ends with `bigram_val_loss: x.xxxx` and `gpt_val_loss: x.xxxx`.
//   build/tutorials/19_gpt_from_scratch [--steps 2000] [--stage-steps 3000] [--no-pause] [folder]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "gpt_model.hpp"
#include "gpt_training.hpp"

#include "chapter_args.hpp"
#include "course_page.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using gpt::text_of;

namespace {

// The small stages' settings, the lecture's: 32 numbers per character,
// 8 characters of context, 4 heads, 3 blocks, 32 windows a step.
constexpr std::int64_t kEmbd = 32, kBlock = 8, kHeads = 4, kLayers = 3, kBatch = 32;

// --- the learner's transformer, piece by piece --------------------------------------------

// One head of self-attention: every position asks (query) and offers (key,
// value); a position attends to the earlier ones whose keys match its query.
class Head : public nn::Module {
 public:
  explicit Head(std::int64_t head_size) : Module("Head"), head_size_(head_size) {
    key = register_module("key", std::make_shared<nn::Linear>(kEmbd, head_size, false));
    query = register_module("query", std::make_shared<nn::Linear>(kEmbd, head_size, false));
    value = register_module("value", std::make_shared<nn::Linear>(kEmbd, head_size, false));
    future_ = gl::ones({kBlock, kBlock}).triu(1);  // 1 above the diagonal: the future
  }
  gl::Tensor forward(gl::Tensor x) override {  // x (B, T, C) -> (B, T, head_size)
    const std::int64_t T = x.shape()[1];
    gl::Tensor k = key->forward(x), q = query->forward(x);                              // (B, T, hs)
    gl::Tensor wei = q.matmul(k.transpose(1, 2)) / std::sqrt(static_cast<double>(head_size_));  // (B, T, T)
    wei = wei.masked_fill(future_.slice(0, 0, T).slice(1, 0, T), -INFINITY).softmax(2);  // no peeking ahead
    return wei.matmul(value->forward(x));
  }
  std::shared_ptr<nn::Linear> key, query, value;

 private:
  std::int64_t head_size_;
  gl::Tensor future_;
};

// Several heads side by side, each head_size wide, then (optionally) a
// projection back into the residual stream.
class MultiHeadAttention : public nn::Module {
 public:
  MultiHeadAttention(std::int64_t num_heads, std::int64_t head_size, bool projection)
      : Module("MultiHeadAttention") {
    heads = register_module("heads", std::make_shared<nn::ModuleList>());
    for (std::int64_t h = 0; h < num_heads; ++h) heads->push_back(std::make_shared<Head>(head_size));
    if (projection) proj = register_module("proj", std::make_shared<nn::Linear>(num_heads * head_size, kEmbd));
  }
  gl::Tensor forward(gl::Tensor x) override {
    std::vector<gl::Tensor> outs;
    for (std::size_t h = 0; h < heads->size(); ++h) outs.push_back((*heads)[h].forward(x));
    gl::Tensor out = gl::cat(outs, 2);  // (B, T, heads * head_size)
    return proj ? proj->forward(out) : out;
  }
  std::shared_ptr<nn::ModuleList> heads;
  std::shared_ptr<nn::Linear> proj;
};

// Each position thinks on its own about what it gathered: Linear, ReLU
// (wide: C -> 4C -> C, as in the paper, once it sits in a block).
class FeedForward : public nn::Module {
 public:
  explicit FeedForward(bool wide) : Module("FeedForward") {
    if (wide)
      net = register_module("net", std::make_shared<nn::Sequential>(nn::Linear(kEmbd, 4 * kEmbd), nn::ReLU(),
                                                                    nn::Linear(4 * kEmbd, kEmbd)));
    else
      net = register_module("net", std::make_shared<nn::Sequential>(nn::Linear(kEmbd, kEmbd), nn::ReLU()));
  }
  gl::Tensor forward(gl::Tensor x) override { return net->forward(x); }
  std::shared_ptr<nn::Sequential> net;
};

// Communication (attention) then computation (feed-forward), each added to
// the residual stream x; with norm, each reads a LayerNorm of x (pre-norm).
class Block : public nn::Module {
 public:
  explicit Block(bool norm) : Module("Block") {
    sa = register_module("sa", std::make_shared<MultiHeadAttention>(kHeads, kEmbd / kHeads, true));
    ffwd = register_module("ffwd", std::make_shared<FeedForward>(true));
    if (norm) {
      ln1 = register_module("ln1", std::make_shared<nn::LayerNorm>(gl::Shape{kEmbd}));
      ln2 = register_module("ln2", std::make_shared<nn::LayerNorm>(gl::Shape{kEmbd}));
    }
  }
  gl::Tensor forward(gl::Tensor x) override {
    x = x + sa->forward(ln1 ? ln1->forward(x) : x);
    return x + ffwd->forward(ln2 ? ln2->forward(x) : x);
  }
  std::shared_ptr<MultiHeadAttention> sa;
  std::shared_ptr<FeedForward> ffwd;
  std::shared_ptr<nn::LayerNorm> ln1, ln2;
};

enum class Stage { bigram, head, multi_head, feed_forward, blocks, layer_norm };

// The lecture's BigramLanguageModel as it grows: token (and position)
// embeddings, the stage's body, a final LayerNorm from the pre-norm stage
// on, and the head to logits (B, T, V).
class LanguageModel : public nn::Module {
 public:
  LanguageModel(Stage s, std::int64_t vocab) : Module("LanguageModel"), stage(s) {
    if (s == Stage::bigram) {  // each character's row holds the logits of the next one
      token_embedding = register_module("token_embedding", std::make_shared<nn::Embedding>(vocab, vocab));
      return;
    }
    token_embedding = register_module("token_embedding", std::make_shared<nn::Embedding>(vocab, kEmbd));
    position_embedding = register_module("position_embedding", std::make_shared<nn::Embedding>(kBlock, kEmbd));
    body = register_module("body", std::make_shared<nn::Sequential>());
    if (s == Stage::head) body->push_back(std::make_shared<Head>(kEmbd));
    if (s == Stage::multi_head || s == Stage::feed_forward)
      body->push_back(std::make_shared<MultiHeadAttention>(kHeads, kEmbd / kHeads, false));
    if (s == Stage::feed_forward) body->push_back(std::make_shared<FeedForward>(false));
    if (s == Stage::blocks || s == Stage::layer_norm)
      for (std::int64_t l = 0; l < kLayers; ++l) body->push_back(std::make_shared<Block>(s == Stage::layer_norm));
    if (s == Stage::layer_norm) body->push_back(std::make_shared<nn::LayerNorm>(gl::Shape{kEmbd}));
    lm_head = register_module("lm_head", std::make_shared<nn::Linear>(kEmbd, vocab));
  }
  gl::Tensor forward(gl::Tensor idx) override {  // idx (B, T) -> logits (B, T, V)
    gl::Tensor tok = token_embedding->forward(idx);
    if (stage == Stage::bigram) return tok;
    gl::Tensor pos = position_embedding->forward(gl::arange(0, static_cast<double>(idx.shape()[1])));
    return lm_head->forward(body->forward(tok + pos));  // (B, T, C) + (T, C) broadcasts
  }
  Stage stage;
  std::shared_ptr<nn::Embedding> token_embedding, position_embedding;
  std::shared_ptr<nn::Sequential> body;
  std::shared_ptr<nn::Linear> lm_head;
};

// The lecture's generate: the last kBlock characters in, the next one drawn
// from the softmax of the last position's logits, again and again.
std::string sample(LanguageModel& model, const gl::CharVocab& vocab, std::int64_t chars) {
  gl::NoGradGuard no_grad;
  std::vector<double> idx{static_cast<double>(vocab.find("\n"))};
  for (std::int64_t n = 0; n < chars; ++n) {
    const auto T = std::min<std::int64_t>(kBlock, static_cast<std::int64_t>(idx.size()));
    gl::Tensor context = gl::tensor(std::vector<double>(idx.end() - T, idx.end()), {1, T});
    gl::Tensor probs = model.forward(context).select(1, T - 1).softmax(1);  // (1, V)
    idx.push_back(gl::multinomial(probs, 1, true).item());
  }
  std::string out;
  for (std::size_t i = 1; i < idx.size(); ++i) out += vocab.at(static_cast<int>(idx[i]));
  return out;
}

// A character as the text shows it: \n and \t spelled out.
std::string shown(const std::string& c) { return c == "\n" ? "\\n" : c == "\t" ? "\\t" : c; }

// Text shown indented, with tabs as two spaces.
std::string indented(const std::string& s) {
  std::string out = "  ";
  for (char c : s) out += c == '\n' ? std::string("\n  ") : c == '\t' ? std::string("  ") : std::string(1, c);
  return out;
}

struct Args {
  std::int64_t steps = 2000, stage_steps = 3000;
  std::vector<char*> lesson_argv;  // what the lesson itself reads
};

Args parse(int argc, char** argv) {
  Args a;
  const std::string help = course::usage(
      "[--steps N] [--stage-steps N] [--no-pause] [folder for the pictures]",
      "  --steps N        training steps of the final GPT (default 2000, nanoGPT's CPU recipe)\n"
      "  --stage-steps N  training steps of each small stage after the bigram (default 3000)\n"
      "  --no-pause       run straight through (as when stdin is not a terminal)\n");
  a.lesson_argv = course::parse_options(argc, argv, help, {{"--steps", &a.steps, 1, 1000000},
                                                           {"--stage-steps", &a.stage_steps, 1, 1000000}});
  return a;
}

struct Rung {
  std::string stage;
  std::int64_t parameters, steps;
  double val_loss;
};

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  int lesson_argc = static_cast<int>(args.lesson_argv.size());
  double bigram_result = NAN, gpt_result = NAN;  // printed last, after the lesson's report
  int status = course::run_lesson(lesson_argc, args.lesson_argv.data(), [&](gl::viz::Lesson& lesson) {
    const bool full = args.steps >= 2000 && args.stage_steps >= 3000;  // the chapter's own settings
    // --- the text, as numbers ---------------------------------------------------------------
    const std::string text = gl::load_text();
    const gl::CharVocab vocab(text);
    const std::vector<int> ids = vocab.encode(text);
    const gl::TextSplit split = gl::split_text(ids, 0.9);
    const std::int64_t V = vocab.size();
    std::string shown_chars;
    for (const std::string& c : vocab.chars()) shown_chars += shown(c);
    lesson.step("The text: " + std::to_string(text.size()) + " characters of fortune cookies (Debian's fortunes,\n" +
                "written by `make data`), one cookie after another, a blank line between them. It starts:\n\n" +
                indented(text.substr(0, 226)) + "\n" + std::to_string(V) +
                " different characters make the vocabulary, numbered in order:\n  " + shown_chars + "\n" +
                "encode(\"Hi there\") = " + [&] {
                  std::string s;
                  for (int i : vocab.encode("Hi there")) s += std::to_string(i) + " ";
                  return s;
                }() + "and decode gives \"" + vocab.decode(vocab.encode("Hi there")) + "\" back.\n" +
                "The first 90% (" + std::to_string(split.train.size()) + " characters) is for training, the last " +
                std::to_string(split.val.size()) + " for validation: text the model never sees.");
    lesson.check(vocab.decode(ids) == text, "decode(encode(text)) is the text");
    lesson.check(split.train.size() + split.val.size() == ids.size(), "train and validation together are the text");

    gl::manual_seed(1337);
    gl::TextBatch batch = gl::get_batch(split.train, kBlock, 4);
    std::string contexts;
    std::vector<double> x0 = batch.x.select(0, 0).to_vector(), y0 = batch.y.select(0, 0).to_vector();
    for (std::size_t t = 0; t < 8; ++t) {
      std::string ctx;
      for (std::size_t u = 0; u <= t; ++u) ctx += shown(vocab.at(static_cast<int>(x0[u])));
      contexts += "  \"" + ctx + "\" -> \"" + shown(vocab.at(static_cast<int>(y0[t]))) + "\"\n";
    }
    lesson.step("A batch: get_batch(train, block_size 8, batch_size 4) picks 4 random windows x (4, 8)\n"
                "and y, the same windows one character further on. One window holds 8 examples,\n"
                "every context from 1 to 8 characters with the character that follows it:\n" + contexts +
                "(The batches are random but seeded: manual_seed(1337) gives these again.)");
    lesson.check(batch.x.select(0, 0).slice(0, 1, 8).to_vector() == batch.y.select(0, 0).slice(0, 0, 7).to_vector(),
                 "y is x shifted by one");

    // --- the stages ---------------------------------------------------------------------------
    std::vector<Rung> ladder;
    std::vector<gl::viz::Series> curves;
    auto train_stage = [&](Stage s, const std::string& name, std::int64_t steps, double lr) {
      gl::manual_seed(1337);
      LanguageModel model(s, V);
      gl::optim::AdamW opt(model.parameters(), gl::optim::AdamWOptions(lr));
      gpt::Progress progress(steps, name + ": ");
      std::vector<double> curve, xs;
      double window = 0;
      for (std::int64_t step = 1; step <= steps; ++step) {
        gl::TextBatch b = gl::get_batch(split.train, kBlock, kBatch);
        gl::Tensor loss = F::cross_entropy(model.forward(b.x).reshape({-1, V}), b.y.reshape({-1}));
        opt.zero_grad();
        loss.backward();
        opt.step();
        window += loss.item();
        progress.update(step, loss.item());
        if (step % 100 == 0) {
          curve.push_back(window / 100);
          xs.push_back(static_cast<double>(step));
          window = 0;
        }
      }
      model.eval();
      double val = gpt::text_loss(split.val, kBlock, [&](const gl::Tensor& x) { return model.forward(x); }, 512);
      ladder.push_back({name, model.num_parameters(), steps, val});
      curves.push_back({name, curve, xs});
      gl::manual_seed(42);
      std::string written = sample(model, vocab, 300);
      return std::make_tuple(val, written, progress.seconds());
    };
    auto draw_curves = [&](const std::string& png) {
      gl::viz::plot_lines(png, curves, {.title = "training loss (mean of 100 steps) of each stage", .y_label = "loss"});
    };

    auto [bigram_val, bigram_text, bigram_s] = train_stage(Stage::bigram, "bigram", 3000, 1e-2);
    // The best bigram there is: counts of the training pairs (+ 1), as chapter 10's words.
    std::vector<double> counts(static_cast<std::size_t>(V * V), 1.0);
    for (std::size_t i = 0; i + 1 < split.train.size(); ++i) counts[static_cast<std::size_t>(split.train[i] * V + split.train[i + 1])] += 1;
    gl::Tensor N = gl::tensor(counts, {V, V});
    gl::Tensor logP = (N / N.sum(1, true)).log();
    double counted = 0;
    for (std::size_t i = 0; i + 1 < split.val.size(); ++i)
      counted -= logP.data()[static_cast<std::size_t>(split.val[i] * V + split.val[i + 1])];
    counted /= static_cast<double>(split.val.size() - 1);
    lesson.step("Stage 1, the bigram: a table (" + std::to_string(V) + ", " + std::to_string(V) +
                    ") whose row for a character holds the logits of the next one.\n"
                    "3000 steps of AdamW (lr 1e-2, batches of 32 windows of 8) in " + text_of(bigram_s, "%.1f") +
                    " s. Validation loss " + text_of(bigram_val) + "\n(a uniform guess: -log(1/" + std::to_string(V) +
                    ") = " + text_of(std::log(static_cast<double>(V))) + "; counting the pairs gives " +
                    text_of(counted) + ", the best a bigram can do). It writes:\n" + indented(bigram_text) +
                    "\nOne character of context makes word-shaped nonsense. The characters must talk.",
                draw_curves);
    lesson.check(bigram_val < counted + 0.05, "the trained bigram is within 0.05 of the counted one");

    // The trick: a lower-triangular matrix of weights averages the past.
    gl::Tensor tril = gl::ones({8, 8}).tril();
    gl::Tensor average = tril / tril.sum(1, true);
    gl::Tensor scores = gl::zeros({8, 8}).masked_fill(gl::ones({8, 8}).triu(1), -INFINITY);
    gl::Tensor soft = scores.softmax(1);
    lesson.step("The mathematical trick: position t may look at positions 1 .. t only. A matrix whose row t\n"
                "is 1/t over the first t columns, times x (T, C), averages each position's past. The same\n"
                "matrix comes from scores: -inf above the diagonal (the future), softmax along each row.\n"
                "Self-attention makes the scores from the data instead of zeros: q k^T / sqrt(head_size).",
                [&](const std::string& png) {
                  gl::viz::plot_heatmaps(png, gl::stack({average, scores, soft}),
                                         {"tril / row sums", "scores: 0, -inf above", "softmax(scores)"}, {}, {},
                                         {.title = "averaging the past as a matrix product", .columns = 3,
                                          .cell = 30, .show_values = true});
                });
    lesson.check(gl::allclose(average, soft, 1e-12, 1e-12), "softmax of the masked zeros is the running average");

    struct Planned {
      Stage stage;
      std::string name, text;
    };
    const std::vector<Planned> plan = {
        {Stage::head, "one head",
         "Stage 2, one Head of self-attention (head_size 32) on token + position embeddings (each\n"
         "position learns a vector too: attention alone cannot tell where a character is)."},
        {Stage::multi_head, "4 heads",
         "Stage 3, MultiHeadAttention: 4 heads of 8 side by side (cat along the last dim), each free\n"
         "to look for something else."},
        {Stage::feed_forward, "+ feed-forward",
         "Stage 4, + FeedForward: Linear(32, 32) and ReLU after the attention, so each position can\n"
         "think about what it gathered."},
        {Stage::blocks, "3 blocks, residual",
         "Stage 5, three Blocks (attention, then a 4x wide feed-forward), each added to a residual\n"
         "stream x = x + f(x), with a projection back into it: the gradient flows straight down\n"
         "the sums, so a deeper net still trains."},
        {Stage::layer_norm, "+ LayerNorm",
         "Stage 6, + LayerNorm before each part (pre-norm) and after the last block: each position's\n"
         "vector normalised to mean 0, variance 1 (then scaled), as BatchNorm does across a batch."},
    };
    double previous = bigram_val;
    for (const Planned& p : plan) {
      auto [val, written, seconds] = train_stage(p.stage, p.name, args.stage_steps, 1e-3);
      lesson.step(p.text + "\n" + std::to_string(ladder.back().parameters) + " parameters, " +
                      std::to_string(args.stage_steps) + " steps (AdamW 1e-3) in " + text_of(seconds, "%.1f") +
                      " s.\nValidation loss " + text_of(val) + " (the stage before: " + text_of(previous) +
                      "). It writes:\n" + indented(written),
                  draw_curves);
      if (full && p.stage != Stage::head)
        lesson.check(val < previous + 0.02, p.name + ": no worse than the stage before (within 0.02)");
      previous = val;
    }
    if (full) lesson.check(previous < bigram_val - 0.2, "the small transformer beats the bigram by 0.2 or more");

    // --- all heads in one product: nanoGPT's attention ------------------------------------------
    gpt::Config config{.vocab_size = V, .block_size = 64, .n_layer = 4, .n_head = 4, .n_embd = 128};
    gl::manual_seed(1337);
    gpt::GPT model(config);
    {
      gpt::CausalSelfAttention& attn = *model.transformer->blocks[0]->attn;
      gl::Tensor x = gl::randn({2, 10, 128});
      gl::Tensor W = attn.c_attn->weight;  // (3C, C): the queries', keys' and values' weights of every head
      std::vector<gl::Tensor> heads;
      for (std::int64_t h = 0; h < 4; ++h) {  // head h's rows of each: the heads of stage 3
        gl::Tensor q = F::linear(x, W.slice(0, h * 32, h * 32 + 32)), k = F::linear(x, W.slice(0, 128 + h * 32, 160 + h * 32)),
                   v = F::linear(x, W.slice(0, 256 + h * 32, 288 + h * 32));
        gl::Tensor wei = (q.matmul(k.transpose(1, 2)) / std::sqrt(32.0))
                             .masked_fill(gl::ones({10, 10}).triu(1), -INFINITY)
                             .softmax(2);
        heads.push_back(wei.matmul(v));
      }
      gl::Tensor one_by_one = F::linear(gl::cat(heads, 2), attn.c_proj->weight), together = attn.forward(x);
      double diff = (one_by_one - together).abs().max().item();
      lesson.step("Scaling up, the way nanoGPT writes it: the 4 heads' queries, keys and values come from one\n"
                  "Linear c_attn (128 -> 3 x 128), reshaped to (B, heads, T, 32), so every head's attention is\n"
                  "one batched matmul. Head by head, as in stage 3, with the same weights: the outputs differ\n"
                  "by at most " + gl::number_text(diff) + ". The model: " + std::to_string(model.num_parameters()) +
                  " parameters, 4 pre-norm blocks of 4 heads, n_embd 128,\n"
                  "block 64, GELU, no biases, the output layer sharing the token embedding's weights.");
      lesson.check(diff < 1e-12, "all heads in one product equal the heads one by one (1e-12)");
    }

    // --- nanoGPT's CPU recipe ----------------------------------------------------------------------
    gpt::Recipe recipe;
    recipe.steps = args.steps;
    recipe.warmup = std::min<std::int64_t>(100, args.steps / 10);
    gl::manual_seed(1337);
    gpt::Progress progress(recipe.steps, "gpt: ");
    std::vector<double> losses = gpt::train(model, split.train, recipe, &progress);
    const double train_seconds = progress.seconds();
    double gpt_val = gpt::text_loss(split.val, config.block_size, [&](const gl::Tensor& x) { return model.forward(x); });
    ladder.push_back({"nanoGPT CPU recipe", model.num_parameters(), recipe.steps, gpt_val});
    std::vector<double> xs(losses.size());
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i + 1);
    gl::manual_seed(7);
    std::string written = vocab.decode(model.generate(gl::tensor({static_cast<double>(vocab.find("\n"))}, {1, 1}), 300).select(0, 0));
    lesson.step("Stage 7, nanoGPT's CPU recipe: " + std::to_string(recipe.steps) + " steps of 12 windows of 64;\n" +
                    "AdamW (lr 1e-3, beta2 0.99, weight decay 0.1 on the matrices), " + std::to_string(recipe.warmup) +
                    " warm-up steps and a cosine\ndown to 1e-4, gradients clipped to norm 1. Trained in " +
                    text_of(train_seconds, "%.0f") + " s (" + text_of(static_cast<double>(recipe.steps) / train_seconds, "%.2f") +
                    " steps/s).\nValidation loss " + text_of(gpt_val) + " (bigram " + text_of(bigram_val) + "). It writes:\n" +
                    indented(written.substr(1)),
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{"loss of each batch", losses, xs},
                                            {"the bigram's validation loss", {bigram_val, bigram_val}, {1.0, xs.back()}},
                                            {"the GPT's validation loss", {gpt_val, gpt_val}, {1.0, xs.back()}}},
                                      {.title = "training the GPT (nanoGPT's CPU recipe)", .y_label = "loss"});
                });
    lesson.check(gpt_val < bigram_val, "the GPT's validation loss is below the bigram's");
    if (full) lesson.check(gpt_val <= bigram_val - 0.5, "the GPT is 0.5 or more below the bigram");

    // --- the ladder ----------------------------------------------------------------------------------
    std::string table = "  stage                 parameters   steps   validation loss\n";
    for (const Rung& r : ladder)
      table += "  " + r.stage + std::string(22 - r.stage.size(), ' ') + text_of(static_cast<double>(r.parameters), "%10.0f") +
               text_of(static_cast<double>(r.steps), "%8.0f") + "   " + text_of(r.val_loss, "%.4f") + "\n";
    lesson.step("The ladder, each stage's loss on the validation text:\n" + table +
                "The lecture's ladder on its own text (Shakespeare, 1.1 MB): 2.49 -> 2.5 -> 2.28 -> 2.24 -> 2.06 ->\n"
                "1.48 for its GPU model (n_embd 384, 6 layers, block 256); nanoGPT's CPU recipe reaches 1.88\n"
                "there. Different text, different numbers: it is the shape of the ladder that compares.");

    // --- attention maps of every head on a sentence ---------------------------------------------------
    std::string sentence = "Whom computers would destroy, they must first drive mad.";
    for (std::size_t at = 0, next; at < text.size(); at = next + 2) {  // a one-line cookie of the validation text
      next = text.find("\n\n", at);
      if (next == std::string::npos) break;
      std::string cookie = text.substr(at, next - at);
      if (at > text.size() * 9 / 10 && cookie.size() >= 30 && cookie.size() <= 40 && cookie.find('\n') == std::string::npos &&
          cookie.find('\t') == std::string::npos) {
        sentence = cookie;
        break;
      }
    }
    std::vector<int> s_ids = vocab.encode(sentence);
    gl::Tensor s_idx = gl::tensor(std::vector<double>(s_ids.begin(), s_ids.end()), {1, static_cast<std::int64_t>(s_ids.size())});
    std::vector<gl::Tensor> maps = model.attention_maps(s_idx), all;
    std::vector<std::string> titles, labels;
    for (std::size_t l = 0; l < maps.size(); ++l)
      for (std::int64_t h = 0; h < 4; ++h) {
        all.push_back(maps[l].select(0, 0).select(0, h));
        titles.push_back("layer " + std::to_string(l) + ", head " + std::to_string(h));
      }
    for (int i : s_ids) labels.push_back(vocab.at(i) == " " ? "_" : vocab.at(i));
    lesson.step("Every head of the trained GPT on a cookie from the validation text:\n  \"" + sentence + "\"\n"
                "Row t is what position t attends to (columns: the characters up to t; '_' is a space).\n"
                "Some heads look one or two characters back, some at the start of the word, some spread out.",
                [&](const std::string& png) {
                  gl::viz::plot_heatmaps(png, gl::stack(all), titles, labels, labels,
                                         {.title = "attention of every head (rows: each position; columns: what it looks at)",
                                          .columns = 4, .cell = 16});
                });

    // --- generate with a kv-cache -----------------------------------------------------------------------
    gl::Tensor prompt = gl::tensor({static_cast<double>(vocab.find("\n"))}, {1, 1});
    auto timed = [&](std::int64_t n, bool cache, gl::Tensor* out) {
      auto t0 = std::chrono::steady_clock::now();
      *out = model.generate(prompt, n, 1.0, 1, cache);  // top_k 1: greedy
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    gl::Tensor cached_block, plain_block, cached_long, plain_long;
    double plain_s = timed(63, false, &plain_block), cached_s = timed(63, true, &cached_block);
    double plain_long_s = timed(500, false, &plain_long), cached_long_s = timed(500, true, &cached_long);
    bool same = cached_long.to_vector() == plain_long.to_vector() && cached_block.to_vector() == plain_block.to_vector();
    lesson.step("generate(idx, max_new_tokens, temperature, top_k) with a kv-cache: each layer keeps the keys\n"
                "and values of the positions it has seen, so a new character runs through the model alone\n"
                "instead of the whole context again. Greedy (top_k 1), 63 characters (the block fills up): " +
                text_of(1000 * plain_s, "%.0f") + " ms\nwithout the cache, " + text_of(1000 * cached_s, "%.0f") + " ms with it (" +
                text_of(plain_s / cached_s, "%.1f") + "x). Past 64 characters every position moves (the\n"
                "position embedding is absolute), so the window runs again in full either way: 500 characters\n"
                "take " + text_of(plain_long_s, "%.2f") + " s without and " + text_of(cached_long_s, "%.2f") +
                " s with it. The cached and uncached greedy texts are " + (same ? "the same" : "DIFFERENT") + ".");
    lesson.check(same, "the cached sampler writes exactly the uncached one's greedy characters");
    lesson.check(plain_s > cached_s, "the cache is faster while the block fills");

    gl::manual_seed(2026);
    std::string five_hundred = vocab.decode(model.generate(prompt, 500).select(0, 0)).substr(1);
    std::string refused;
    try {
      vocab.encode("caf\xC3\xA9");
    } catch (const std::invalid_argument& e) {
      refused = e.what();
    }
    gl::save_safetensors(lesson.path("model.safetensors"), model.nanogpt_state_dict(), {{"format", "pt"}});
    lesson.step("500 characters (temperature 1, seed 2026):\n" + indented(five_hundred) + "\n\n" +
                "A prompt must be written in the vocabulary's characters: " + refused + ".\n" +
                "Saved as model.safetensors under nanoGPT's names (transformer.wte.weight, ...,\n"
                "transformer.h.0.attn.c_attn.weight, ..., lm_head.weight): nanoGPT's model.py loads it.");
    lesson.check(static_cast<std::int64_t>(five_hundred.size()) == 500, "500 characters written");
    lesson.check(refused.find("U+00E9") != std::string::npos, "a character outside the vocabulary is named");
    bigram_result = bigram_val;
    gpt_result = gpt_val;
  });
  if (!std::isnan(gpt_result))
    std::cout << "bigram_val_loss: " << text_of(bigram_result) << "\ngpt_val_loss: " << text_of(gpt_result) << std::endl;
  return status;
}
