// SPDX-License-Identifier: MIT
// WaveNet, the lecture "makemore part 5": the language-model chapter's words
// and split, its MLP with BatchNorm as a Sequential of nn modules, then
// the lecture's path: a context of 8 characters, a hierarchical model that
// fuses pairs of neighbours three times (nn::FlattenConsecutive), the
// BatchNorm bug on (B, T, C) input found and fixed, and the model scaled
// up. Each stage a step with its train and val loss and its parameter
// count, then the performance log as a table, a few words sampled, and "why
// convolutions": the same trained hierarchy as dilated causal conv1d layers
// over whole words at once, its logits equal, its speed measured.
// Ends with `mlp_val_loss: x.xxxx` and `wavenet_val_loss: x.xxxx`.
//   build/tutorials/12_wavenet [--steps N] [--no-pause] [folder]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "chapter_args.hpp"
#include "course_page.hpp"
#include "progress.hpp"
#include "words_data.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using words_data::Examples;
using words_data::kVocab;
using words_data::wrap;

namespace {

constexpr std::int64_t kBatch = 32;
constexpr std::int64_t kSteps = 20000;  // each stage's steps (--steps)
// Rows a loss is measured on at once: 2,048 examples make (2048, 4, 128)
// activations at the first level of the scaled-up model, 8 MB each.
constexpr std::int64_t kChunk = 2048;

std::string fmt(const char* format, double a = 0, double b = 0, double c = 0, double d = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

// 474392 as "474,392".
std::string count(double n) {
  std::string digits = fmt("%.0f", n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// s, then spaces up to `width` columns.
std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// The lecture's own BatchNorm1d, by hand: in training, the batch's mean and
// (biased) variance normalise x and move the running ones (momentum 0.1,
// the variance unbiased there, as PyTorch does); in evaluation the running
// ones normalise. Its statistics are taken over dim 0 only, as the lecture
// first wrote it, or (fixed) over dims 0 and 1 of a (B, T, C) input.
class HandBatchNorm : public nn::Module {
 public:
  HandBatchNorm(std::int64_t dim, bool over_positions) : Module("HandBatchNorm"), over_positions_(over_positions) {
    gamma = register_parameter("weight", gl::ones({dim}));
    beta = register_parameter("bias", gl::zeros({dim}));
    running_mean = gl::zeros({dim});
    running_var = gl::ones({dim});
  }
  gl::Tensor forward(gl::Tensor x) override {
    const bool both = x.dim() == 3 && over_positions_;  // dims (0, 1), else dim 0 only
    gl::Tensor mean = running_mean, var = running_var;
    if (is_training()) {
      mean = x.mean(0, true);
      if (both) mean = mean.mean(1, true);
      gl::Tensor square = (x - mean).pow(2);
      var = square.mean(0, true);
      if (both) var = var.mean(1, true);
      gl::NoGradGuard no_grad;
      const double n = static_cast<double>(x.shape()[0] * (both ? x.shape()[1] : 1));  // numbers per statistic
      running_mean = running_mean * 0.9 + mean.detach() * 0.1;  // (1, T, C) once a (B, T, C) batch has come by dim 0
      running_var = running_var * 0.9 + var.detach() * (0.1 * n / (n - 1));
    }
    return gamma * (x - mean) / (var + 1e-5).sqrt() + beta;
  }
  gl::Parameter gamma, beta;
  gl::Tensor running_mean, running_var;

 private:
  bool over_positions_;
};

// nn::BatchNorm1d over the lecture's (B, T, C): its statistics over dims
// (0, 1) are those of the B T rows of x.reshape(B T, C), which
// nn::BatchNorm1d takes as (N, C) input.
class ChannelsLast : public nn::Module {
 public:
  explicit ChannelsLast(std::int64_t dim) : Module("ChannelsLast") {
    bn = register_module("bn", std::make_shared<nn::BatchNorm1d>(dim));
  }
  gl::Tensor forward(gl::Tensor x) override {
    return x.dim() == 3 ? bn->forward(x.reshape({-1, x.shape()[2]})).reshape(x.shape()) : bn->forward(x);
  }
  std::shared_ptr<nn::BatchNorm1d> bn;
};

enum class Kind { mlp, hierarchical_bug, hierarchical };

struct Stage {
  std::string name;
  Kind kind;
  std::int64_t block, n_embd, n_hidden;
  double lecture;  // the lecture's val loss on its names
};

// The lecture's Sequential: Embedding, then Flatten (the MLP) or three times
// FlattenConsecutive(2), Linear(bias=false), BatchNorm, Tanh; then the
// output Linear, its weights scaled by 0.1 so that the first guess is
// nearly uniform over the 27.
std::shared_ptr<nn::Sequential> make_model(const Stage& s) {
  auto model = std::make_shared<nn::Sequential>();
  model->push_back(std::make_shared<nn::Embedding>(kVocab, s.n_embd));
  auto norm = [&](std::int64_t dim) -> std::shared_ptr<nn::Module> {
    if (s.kind == Kind::hierarchical_bug) return std::make_shared<HandBatchNorm>(dim, false);
    if (s.kind == Kind::hierarchical) return std::make_shared<ChannelsLast>(dim);
    return std::make_shared<nn::BatchNorm1d>(dim);
  };
  if (s.kind == Kind::mlp) {
    model->push_back(std::make_shared<nn::Flatten>());
    model->push_back(std::make_shared<nn::Linear>(s.n_embd * s.block, s.n_hidden, false));
    model->push_back(norm(s.n_hidden));
    model->push_back(std::make_shared<nn::Tanh>());
  } else {
    std::int64_t in = s.n_embd;
    for (int level = 0; level < 3; ++level) {
      model->push_back(std::make_shared<nn::FlattenConsecutive>(2));
      model->push_back(std::make_shared<nn::Linear>(2 * in, s.n_hidden, false));
      model->push_back(norm(s.n_hidden));
      model->push_back(std::make_shared<nn::Tanh>());
      in = s.n_hidden;
    }
  }
  auto out = std::make_shared<nn::Linear>(s.n_hidden, kVocab);
  {
    gl::NoGradGuard no_grad;
    for (double& w : out->weight.data()) w *= 0.1;
  }
  model->push_back(out);
  return model;
}

struct Result {
  Stage stage;
  std::int64_t parameters = 0;
  double train = 0, val = 0, seconds = 0;
  std::vector<double> curve, xs;
};

struct Args {
  std::int64_t steps = kSteps;
  std::vector<char*> lesson_argv;
};

Args parse(int argc, char** argv) {
  Args a;
  const std::string help = course::usage(
      "[--steps N] [--no-pause] [folder for the pictures]",
      "  --steps N   training steps of each stage (default 20000; the last quarter at lr 0.01)\n"
      "  --no-pause  run straight through (as when stdin is not a terminal)\n");
  a.lesson_argv = course::parse_options(argc, argv, help, {{"--steps", &a.steps, 4, 10000000}});
  return a;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  int lesson_argc = static_cast<int>(args.lesson_argv.size());
  double mlp_result = NAN, wavenet_result = NAN;  // printed last, after the lesson's report
  int status = course::run_lesson(lesson_argc, args.lesson_argv.data(), [&](gl::viz::Lesson& lesson) {
    const bool full = args.steps >= kSteps;  // the chapter's own settings: the targets apply
    // A shortened run (fewer steps) measures the train loss on the first
    // 20,000 training examples only, and times the convolutions once.
    const std::int64_t train_rows = full ? -1 : 20000;
    const std::string train_split = full ? "all of train" : "20,000 train examples";
    gl::WordSplit split = gl::split_words(gl::load_words(), 42);
    Examples tr3 = words_data::examples(split.train, 3), val3 = words_data::examples(split.dev, 3);
    Examples tr8 = words_data::examples(split.train, 8), val8 = words_data::examples(split.dev, 8);
    std::string contexts;
    for (std::int64_t i = 0; i < 6; ++i) {
      std::string ctx;
      for (double c : tr8.X.select(0, i).to_vector()) ctx += words_data::letter(static_cast<std::int64_t>(c));
      contexts += "  " + ctx + " -> " + words_data::letter(static_cast<std::int64_t>(tr8.Y.data()[i])) + "\n";
    }
    lesson.step("The words and split of " + course::ref("language_model") + ": " +
                count(double(split.train.size())) + " words to train on,\n" + count(double(split.dev.size())) +
                " to validate (its dev split, called val here, as the lecture does). " +
                "A context of 8 characters\n('.' before the word starts) gives " +
                count(double(tr8.Y.numel())) + " training examples; the first word's:\n" + contexts +
                "Each stage trains " + count(double(args.steps)) + " steps of 32 examples (SGD, lr 0.1, the last quarter 0.01),\n"
                "then its loss is measured on " + train_split + " and all of val.");
    lesson.check(tr8.Y.numel() == tr3.Y.numel(), "a context of 8 makes as many examples as one of 3");

    const std::vector<Stage> stages = {
        {"MLP, context 3", Kind::mlp, 3, 10, 200, 2.105},
        {"MLP, context 8", Kind::mlp, 8, 10, 200, 2.027},
        {"hierarchical (bug)", Kind::hierarchical_bug, 8, 10, 68, 2.029},
        {"BatchNorm fixed", Kind::hierarchical, 8, 10, 68, 2.022},
        {"scaled up", Kind::hierarchical, 8, 24, 128, 1.993},
    };
    std::vector<Result> log;
    std::vector<gl::viz::Series> curves;
    std::shared_ptr<nn::Sequential> last_model;
    double training_seconds = 0;
    auto train_stage = [&](const Stage& s) {
      const Examples& tr = s.block == 3 ? tr3 : tr8;
      const Examples& val = s.block == 3 ? val3 : val8;
      gl::manual_seed(42);
      std::shared_ptr<nn::Sequential> model = make_model(s);
      gl::optim::SGD opt(model->parameters(), gl::optim::SGDOptions(0.1));
      Result r{s, model->num_parameters()};
      course::Progress progress(lesson.out(), "training: " + s.name, static_cast<long>(args.steps));
      const std::int64_t every = std::max<std::int64_t>(1, args.steps / 40);
      double window = 0;
      for (std::int64_t step = 0; step < args.steps; ++step) {
        if (step == args.steps * 3 / 4) opt.set_lr(0.01);
        Examples b = words_data::minibatch(tr, kBatch);
        gl::Tensor loss = F::cross_entropy(model->forward(b.X), b.Y);
        opt.zero_grad();
        loss.backward();
        opt.step();
        window += loss.item();
        if ((step + 1) % every == 0) {
          r.curve.push_back(window / static_cast<double>(every));
          r.xs.push_back(static_cast<double>(step + 1));
          progress.tick(static_cast<long>(step + 1), fmt("loss %.4f", window / static_cast<double>(every)));
          window = 0;
        }
      }
      r.seconds = progress.seconds();
      progress.finish();
      training_seconds += r.seconds;
      model->eval();
      course::Progress evaluating(lesson.out(), "the loss on " + train_split + " and all of val", 2);
      auto logits = [&](const gl::Tensor& X) { return model->forward(X); };
      r.train = words_data::mean_loss(
          train_rows < 0 ? tr : Examples{tr.X.slice(0, 0, train_rows), tr.Y.slice(0, 0, train_rows)}, logits, kChunk);
      evaluating.tick(1);
      r.val = words_data::mean_loss(val, logits, kChunk);
      evaluating.finish();
      log.push_back(r);
      curves.push_back({s.name, r.curve, r.xs});
      last_model = model;
      return r;
    };
    auto draw_curves = [&](const std::string& png) {
      gl::viz::plot_lines(png, curves, {.title = "training loss of each stage (mean over " +
                                                 std::to_string(std::max<std::int64_t>(1, args.steps / 40)) + " steps)",
                                        .y_label = "loss"});
    };
    auto summary = [&](const Result& r) {  // a line of its own
      return count(double(r.parameters)) + " parameters, " + count(double(args.steps)) + fmt(" steps in %.1f s; loss on ", r.seconds) +
             train_split + fmt(" %.4f, val %.4f", r.train, r.val);
    };

    // --- 1, 2: the MLP, then a longer context -------------------------------------------------------
    Result mlp = train_stage(stages[0]);
    lesson.step("Stage 1, the MLP as a Sequential of nn modules: Embedding(27, 10), Flatten (the 3 vectors\n"
                "side by side, 30 numbers), Linear(30, 200, bias=false), BatchNorm1d(200), Tanh, Linear(200, 27).\n"
                "The Linear before a BatchNorm has no bias: the batch mean would take it away.\n" +
                    summary(mlp) + fmt(".\nThe lecture's, on its names: %.3f.", stages[0].lecture),
                draw_curves);
    Result ctx8 = train_stage(stages[1]);
    lesson.step("Stage 2, the same MLP with a context of 8: Flatten now makes 80 numbers.\n" + summary(ctx8) +
                    ".\nThe longer context " + (ctx8.val < mlp.val ? "lowers" : "does not lower") +
                    fmt(" the val loss: %.4f -> %.4f (the lecture: 2.105 -> 2.027). But the 8\n", mlp.val, ctx8.val) +
                    "characters are crushed into one layer at once: the first Linear must see them all together.",
                draw_curves);

    // --- 3: the hierarchy, with the lecture's bug -----------------------------------------------------
    {
      nn::Sequential probe(nn::Embedding(kVocab, 10), nn::FlattenConsecutive(2));
      gl::Tensor x = tr8.X.slice(0, 0, 4);
      gl::Tensor e = probe[0].forward(x), f = probe.forward(x);
      lesson.step("WaveNet's idea: fuse the context slowly, two neighbours at a time. FlattenConsecutive(2)\n"
                  "puts each pair of neighbouring vectors side by side: 4 examples embedded are " + gl::to_string(e.shape()) +
                  "\n(B, T, C); after it they are " + gl::to_string(f.shape()) + " (B, T/2, 2C). The Linear that follows works on\n"
                  "the last dim only, so it runs on every pair at once with the same weights. Three levels\n"
                  "of it (8 -> 4 -> 2 -> 1 positions) make the tree; the last FlattenConsecutive leaves one\n"
                  "position, which it drops: (B, 2C).",
                  [&](const std::string& png) {
                    // Which characters each unit of the tree sees, for one context.
                    std::string ctx = "..emma";
                    ctx = std::string(8 - ctx.size(), '.') + ctx;
                    gl::Tensor levels = gl::zeros({4, 8});
                    std::vector<std::string> cells;
                    for (std::int64_t level = 0; level < 4; ++level) {
                      const std::int64_t width = std::int64_t{1} << level;
                      for (std::int64_t t = 0; t < 8; ++t) {
                        levels.data()[static_cast<std::size_t>(level * 8 + t)] = static_cast<double>(level);
                        cells.push_back(t % width == 0 ? ctx.substr(static_cast<std::size_t>(t), static_cast<std::size_t>(width)) : "");
                      }
                    }
                    gl::viz::plot_heatmap(png, levels,
                                          {.title = "the hierarchy: what each unit sees of the context \"" + ctx + "\"",
                                           .row_labels = {"characters", "level 1 (pairs)", "level 2 (4)", "level 3 (8)"},
                                           .col_labels = {"1", "2", "3", "4", "5", "6", "7", "8"},
                                           .cell_labels = cells, .show_values = false, .colorbar_label = "level of the tree", .cell_size = 90});
                  });
      lesson.check(gl::to_string(f.shape()) == "[4, 4, 20]", "FlattenConsecutive(2) fuses (4, 8, 10) into (4, 4, 20)");
    }
    Result bug = train_stage(stages[2]);
    auto* bug_bn = dynamic_cast<HandBatchNorm*>(&(*last_model)[3]);
    const std::string bug_shape = gl::to_string(bug_bn->running_mean.shape());
    lesson.step("Stage 3, the hierarchy: three levels of FlattenConsecutive(2), Linear(bias=false), BatchNorm,\n"
                "Tanh, 68 units each (about as many parameters as stage 2), with the lecture's own\n"
                "BatchNorm written by hand.\n" + summary(bug) + ".\n"
                "Find the bug: that BatchNorm takes its statistics over dim 0, written for (B, C) input. On\n"
                "(B, T, C) its running mean has shape " + bug_shape + ": a separate mean for each of the 4\n"
                "positions, each from only 32 numbers, instead of one per channel from all 32 x 4.",
                draw_curves);
    lesson.check(bug_shape == "[1, 4, 68]", "the buggy BatchNorm keeps a mean per position, (1, 4, 68)");

    // --- 4: the fix -----------------------------------------------------------------------------------
    {
      gl::manual_seed(5);
      gl::Tensor x = gl::randn({32, 4, 68}) * 2 + 1;
      HandBatchNorm hand(68, true);
      ChannelsLast ours(68);
      nn::BatchNorm1d pytorch_way(68);  // on (N, C, L): x.transpose(1, 2)
      const gl::Tensor by_hand = hand.forward(x);
      const double diff = (by_hand - ours.forward(x)).abs().max().item();
      const double diff_ncl = (by_hand - pytorch_way.forward(x.transpose(1, 2)).transpose(1, 2)).abs().max().item();
      const double stats_diff = std::max((hand.running_mean.reshape({68}) - ours.bn->running_mean).abs().max().item(),
                                         (hand.running_var.reshape({68}) - ours.bn->running_var).abs().max().item());
      Result fixed = train_stage(stages[3]);
      lesson.step("Stage 4, the fix: statistics over dims (0, 1), one mean and variance per channel, from all\n"
                  "32 x 4 numbers. Those are the statistics of the rows of x.reshape(B T, C), which is (N, C)\n"
                  "input to nn::BatchNorm1d: from here on the model runs nn::BatchNorm1d on that view. (PyTorch's\n"
                  "own way is (N, C, L) input, channels in dim 1: x.transpose(1, 2).) On a (32, 4, 68) batch the\n"
                  "hand version, fixed, differs from nn::BatchNorm1d on the rows by " + gl::number_text(diff) +
                  ",\non (N, C, L) by " + gl::number_text(diff_ncl) + ", and the running statistics by " +
                  gl::number_text(stats_diff) + ".\n" + summary(fixed) + fmt(";\nwith the bug, val %.4f.", bug.val),
                  draw_curves);
      lesson.check(diff < 1e-12 && diff_ncl < 1e-12 && stats_diff < 1e-12,
                   "nn::BatchNorm1d equals the hand BatchNorm over dims (0, 1) (1e-12)");
      lesson.check(gl::to_string(dynamic_cast<ChannelsLast&>((*last_model)[3]).bn->running_mean.shape()) == "[68]",
                   "the fixed BatchNorm keeps one mean per channel");
    }

    // --- 5: scaled up ---------------------------------------------------------------------------------
    Result big = train_stage(stages[4]);
    std::shared_ptr<nn::Sequential> wavenet = last_model;
    lesson.step("Stage 5, scaled up: 24 numbers per character, 128 units per level.\n" + summary(big) +
                    fmt(".\nThe MLP of stage 1 reached %.4f: the hierarchy is %.4f below it.", mlp.val, mlp.val - big.val),
                draw_curves);

    // --- the performance log ----------------------------------------------------------------------------
    std::string table = "  stage              context  n_embd  n_hidden  parameters   train    val     seconds  lecture\n";
    for (const Result& r : log)
      table += "  " + pad(r.stage.name, 19) + fmt("%7.0f %7.0f %9.0f ", double(r.stage.block), double(r.stage.n_embd), double(r.stage.n_hidden)) +
               fmt("%11.0f   %.4f  %.4f", double(r.parameters), r.train, r.val) + fmt("  %7.1f  %.3f\n", r.seconds, r.stage.lecture);
    lesson.step("The performance log, each stage's loss on " + train_split + " and all of val:\n" + table +
                fmt("Training took %.0f s in all. ", training_seconds) +
                "The lecture's column is on its names (32,000 of them,\n200,000 steps a stage); "
                "these are dictionary words, longer and more varied: compare the steps down,\nnot the numbers.",
                [&](const std::string& png) {
                  std::vector<double> ours, lecture, xs;
                  for (std::size_t k = 0; k < log.size(); ++k) {
                    ours.push_back(log[k].val);
                    lecture.push_back(log[k].stage.lecture);
                    xs.push_back(static_cast<double>(k + 1));
                  }
                  gl::viz::plot_lines(png, {{"val loss here (words)", ours, xs}, {"the lecture's (names)", lecture, xs}},
                                      {.title = "the performance log: val loss of stages 1 to 5", .x_label = "stage",
                                       .y_label = "val loss"});
                });
    gl::manual_seed(7);
    std::vector<std::string> samples;
    for (int k = 0; k < 12; ++k)
      samples.push_back(words_data::sample_word(8, [&](const gl::Tensor& c) { return wavenet->forward(c).softmax(1); }));
    lesson.step("Words drawn from the scaled-up model, 8 characters of context at a time:\n" + wrap(samples));
    if (full) {
      lesson.check(big.val <= mlp.val - 0.06, "the scaled-up hierarchy is 0.06 or more below the MLP's val loss");
      lesson.check(training_seconds <= 180, "all five stages train in 3 minutes or less");
    }
    lesson.check(big.val < std::log(27.0), "the scaled-up hierarchy beats a uniform guess");

    // --- why convolutions -------------------------------------------------------------------------------
    // The trained hierarchy as dilated causal convolutions: level l's Linear
    // (H, 2 C) becomes a Conv1d weight (H, C, 2) with dilation 2^l (tap 0 the
    // earlier position, tap 1 the later), its BatchNorm the same
    // nn::BatchNorm1d on (N, C, L), and the output Linear a Conv1d of kernel 1.
    auto linear_at = [&](std::size_t i) { return dynamic_cast<nn::Linear&>((*wavenet)[i]).weight; };
    auto norm_at = [&](std::size_t i) { return dynamic_cast<ChannelsLast&>((*wavenet)[i]).bn; };
    const std::int64_t C = stages[4].n_embd, H = stages[4].n_hidden;
    std::vector<std::shared_ptr<nn::Conv1d>> convs;
    for (std::int64_t level = 0; level < 3; ++level) {
      const std::int64_t in = level == 0 ? C : H;
      auto conv = std::make_shared<nn::Conv1d>(in, H, 2, 1, 0, std::int64_t{1} << level, false);
      conv->weight.data() = linear_at(static_cast<std::size_t>(2 + 4 * level)).reshape({H, 2, in}).transpose(1, 2).data();
      convs.push_back(conv);
    }
    auto& out_linear = dynamic_cast<nn::Linear&>((*wavenet)[13]);
    nn::Conv1d head(H, kVocab, 1);
    head.weight.data() = out_linear.weight.data();
    head.bias.data() = out_linear.bias.data();
    gl::Tensor table_C = dynamic_cast<nn::Embedding&>((*wavenet)[0]).weight;
    // A word w of n letters, after 8 '.'s: positions t = 0 .. n of the last
    // level read s[t .. t + 7], the context of example t of the word.
    auto conv_logits = [&](const gl::Tensor& S) {  // S (words, n + 8) -> (words, 27, n + 1)
      gl::Tensor x = F::embedding(S, table_C).transpose(1, 2);  // (words, C, n + 8)
      for (std::int64_t level = 0; level < 3; ++level)
        x = norm_at(static_cast<std::size_t>(3 + 4 * level))->forward(convs[static_cast<std::size_t>(level)]->forward(x)).tanh();
      return head.forward(x);
    };
    // The val words grouped by length, a batch per length.
    std::map<std::size_t, std::vector<std::string>> by_length;
    for (const std::string& w : split.dev) by_length[w.size()].push_back(w);
    gl::NoGradGuard no_grad;
    // Each length's input both ways, made before the clocks start: the
    // words after their 8 '.'s (words, n + 8), and their examples (contexts of 8).
    std::vector<gl::Tensor> sequences;
    std::vector<Examples> examples;
    for (auto& [n, words] : by_length) {
      std::vector<double> s;
      for (const std::string& w : words) {
        s.insert(s.end(), 8, 0.0);
        for (char ch : w) s.push_back(static_cast<double>(words_data::index_of(ch)));
      }
      sequences.push_back(gl::tensor(std::move(s), {static_cast<std::int64_t>(words.size()), static_cast<std::int64_t>(n) + 8}));
      examples.push_back(words_data::examples(words, 8));
    }
    double conv_s = 0, tree_s = 0, max_diff = 0, conv_loss = 0;
    std::int64_t counted = 0;
    const int rounds = full ? 3 : 1;
    for (int round = 0; round < rounds; ++round) {  // the best of three rounds for each
      auto t0 = std::chrono::steady_clock::now();
      std::vector<gl::Tensor> by_conv, by_tree;
      for (const gl::Tensor& S : sequences) by_conv.push_back(conv_logits(S).transpose(1, 2).reshape({-1, kVocab}));
      const double c = seconds_since(t0);
      t0 = std::chrono::steady_clock::now();
      for (const Examples& e : examples) by_tree.push_back(wavenet->forward(e.X));
      const double t = seconds_since(t0);
      conv_s = round == 0 ? c : std::min(conv_s, c);
      tree_s = round == 0 ? t : std::min(tree_s, t);
      if (round > 0) continue;
      for (std::size_t g = 0; g < examples.size(); ++g) {
        max_diff = std::max(max_diff, (by_conv[g] - by_tree[g]).abs().max().item());
        conv_loss += F::cross_entropy(by_conv[g], examples[g].Y, F::Reduction::Sum).item();
        counted += examples[g].Y.numel();
      }
    }
    conv_loss /= static_cast<double>(counted);
    lesson.step("Why convolutions: the stage-5 model, applied to every example of a word, computes the\n"
                "same pairs again and again: neighbouring examples share most of their tree. Written as\n"
                "convolutions it runs once over the whole word: each Linear becomes a Conv1d of kernel 2\n"
                "(its weight (128, 2C) viewed as (128, 2, C), then transposed to (128, C, 2)), with dilation\n"
                "1, 2 and 4 for the three levels; the BatchNorm1d is the same module, on (N, C, L) as it\n"
                "stands; the output Linear a Conv1d of kernel 1. Causal: 8 '.'s in front of each word, and\n"
                "no position reads past its own, so output t is the prediction of letter t.\n"
                "On all " + count(double(split.dev.size())) +
                    " val words (grouped by length, one batch per length): the logits of the\n" +
                    "two ways differ by at most " + gl::number_text(max_diff) + fmt(", the loss is %.4f both ways (stage 5: %.4f).\n", conv_loss, big.val) +
                    (full ? "Time (the best of three): " : "Time: ") + fmt("%.0f ms example by example through the tree, %.0f ms as\n", 1000 * tree_s, 1000 * conv_s) +
                    fmt("convolutions: %.1fx faster.", tree_s / conv_s),
                [&](const std::string& png) {
                  // What each unit of the convolution sees of a whole word.
                  std::string word = split.dev.front().size() <= 7 ? split.dev.front() : "emma";
                  for (const std::string& w : split.dev)
                    if (w.size() >= 4 && w.size() <= 6) {
                      word = w;
                      break;
                    }
                  const std::string s = std::string(8, '.') + word;
                  const auto L = static_cast<std::int64_t>(s.size());
                  gl::Tensor levels = gl::zeros({4, L});
                  std::vector<std::string> cells, cols;
                  for (std::int64_t level = 0; level < 4; ++level) {
                    const std::int64_t span = std::int64_t{1} << level;
                    for (std::int64_t t = 0; t < L; ++t) {
                      const bool present = t + 1 >= span;  // the unit ending at position t
                      levels.data()[static_cast<std::size_t>(level * L + t)] = present ? static_cast<double>(level) : 0;
                      cells.push_back(present && level > 0 ? s.substr(static_cast<std::size_t>(t + 1 - span), static_cast<std::size_t>(span))
                                                           : level == 0 ? std::string(1, s[static_cast<std::size_t>(t)]) : "");
                    }
                  }
                  for (std::int64_t t = 0; t < L; ++t) cols.push_back(std::to_string(t));
                  gl::viz::plot_heatmap(png, levels,
                                        {.title = "the same tree as dilated convolutions over \"" + word + "\": what each unit sees",
                                         .row_labels = {"characters", "dilation 1", "dilation 2", "dilation 4"},
                                         .col_labels = cols, .cell_labels = cells, .show_values = false, .colorbar_label = "level of the tree", .cell_size = 64});
                });
    lesson.check(max_diff < 1e-9, "the convolutions give the tree's logits (1e-9)");
    lesson.check(std::abs(conv_loss - big.val) < 1e-9, "the convolutions give the stage's val loss");
    // A timing, so checked only in the full run (the chapter's own settings), never in a short test run.
    if (full) lesson.check(tree_s > conv_s, "the convolutions are faster than the tree example by example");
    mlp_result = mlp.val;
    wavenet_result = big.val;
  });
  if (!std::isnan(wavenet_result))
    std::cout << fmt("mlp_val_loss: %.4f\nwavenet_val_loss: %.4f\n", mlp_result, wavenet_result) << std::flush;
  return status;
}
