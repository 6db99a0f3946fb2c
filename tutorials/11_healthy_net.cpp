// SPDX-License-Identifier: MIT
// 11 is my net healthy? The language model's MLP (chapter 10: its words,
// split, contexts of three and embedding), made deeper: six Linear layers
// with tanh between. First as a first try would make it, weights drawn
// from N(0, 1); then with Kaiming init and tanh's gain. nn::LayerStats
// watches both and viz/layer_stats.hpp draws what it saw: the first loss
// against -log(1/27), activation histograms, the saturated-unit maps,
// gradient histograms, each weight's gradient-to-data ratio. Then BatchNorm,
// written by hand (batch statistics, running statistics, train vs eval, why
// the Linear before it drops its bias) and shown equal to nn::BatchNorm1d,
// goes after every hidden Linear; all three nets train, and the
// update-to-data ratio and the dev loss tell how they did.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/layer_stats.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"
#include "progress.hpp"
#include "words_data.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using words_data::Examples;
using words_data::kVocab;

namespace {

constexpr std::int64_t kBlock = 3, kEmbed = 10, kHidden = 100, kDepth = 5;  // 5 hidden layers
constexpr int kSteps = 4000;
constexpr double kSaturated = 0.97;  // |h| above it: a saturated tanh unit, in the text and the maps

std::string fmt(const char* format, double a = 0, double b = 0, double c = 0, double d = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

// s, then spaces up to `width` columns.
std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// The first `n` numbers of a (1, H) or (H) tensor, as "0.1234 -0.5678 ...".
std::string first(const gl::Tensor& t, int n = 4) {
  std::string out;
  for (int i = 0; i < n; ++i) out += fmt("%8.4f", t.data()[static_cast<std::size_t>(i)]);
  return out + " ...";
}

enum class Fix { none, kaiming, batchnorm };
const char* kName[] = {"N(0, 1) init", "Kaiming init", "Kaiming + BatchNorm"};

// The embedding C (27, 10) and the net on the 30 numbers of a context. Its
// weights are named as the text names them: W1 ... W6, from the input on.
struct Model {
  gl::Parameter C;
  nn::Sequential net;
  std::vector<std::shared_ptr<nn::Linear>> linears;
  std::vector<std::shared_ptr<nn::BatchNorm1d>> norms;
  nn::LayerStats::Named named_parameters() const {
    nn::LayerStats::Named all = {{"C", C}};
    for (std::size_t k = 0; k < linears.size(); ++k) {
      all.push_back({"W" + std::to_string(k + 1), linears[k]->weight});
      if (linears[k]->bias.numel()) all.push_back({"b" + std::to_string(k + 1), linears[k]->bias});
    }
    for (std::size_t k = 0; k < norms.size(); ++k) {
      all.push_back({"bngain" + std::to_string(k + 1), norms[k]->weight});
      all.push_back({"bnbias" + std::to_string(k + 1), norms[k]->bias});
    }
    return all;
  }
};

Model make_model(Fix fix) {
  Model m{gl::Parameter(gl::randn({kVocab, kEmbed})), {}, {}, {}};
  std::int64_t in = kBlock * kEmbed;
  for (std::int64_t layer = 0; layer <= kDepth; ++layer) {
    bool last = layer == kDepth;
    std::int64_t out = last ? kVocab : kHidden;
    // Before a BatchNorm a Linear has no bias: the batch mean takes it away.
    auto lin = std::make_shared<nn::Linear>(in, out, /*bias=*/fix != Fix::batchnorm || last);
    // Kaiming: std = gain / sqrt(fan_in), gain 5/3 for tanh, so each layer
    // passes on numbers of about the size it got. The last layer starts
    // small, so that the first guess is nearly uniform over the 27.
    double scale = fix == Fix::none ? 1.0 : (last ? 0.1 : 5.0 / 3.0) / std::sqrt(static_cast<double>(in));
    lin->weight.data() = (gl::randn({out, in}) * scale).data();
    if (lin->bias.numel()) lin->bias.data() = gl::zeros({out}).data();
    m.net.push_back(lin);
    m.linears.push_back(lin);
    if (last) break;
    if (fix == Fix::batchnorm) {
      m.norms.push_back(std::make_shared<nn::BatchNorm1d>(kHidden));
      m.net.push_back(m.norms.back());
    }
    m.net.push_back(std::make_shared<nn::Tanh>());
    in = kHidden;
  }
  return m;
}

gl::Tensor embed(const Model& m, const gl::Tensor& X) {
  return gl::nn::functional::embedding(X, m.C).reshape({X.shape()[0], kBlock * kEmbed});
}

// The tanh layers' statistics, named tanh 1 ... tanh 5 (tanh k follows Wk).
std::vector<nn::TensorStats> renamed(std::vector<nn::TensorStats> stats) {
  for (std::size_t k = 0; k < stats.size(); ++k) stats[k].name = "tanh " + std::to_string(k + 1);
  return stats;
}

struct Run {
  double first_loss = 0, dev_loss = 0, seconds = 0;
  std::vector<nn::TensorStats> activations, gradients, weights;
  gl::Tensor saturated;  // (layers, 32, 100): 1 where |h| > kSaturated
  nn::LayerStats stats{kSaturated};
  std::vector<double> losses;
};

// `steps` steps of minibatches of 32 (0: only a first look, the statistics
// of the first batch before any update). The same seed each time, so the
// first look is the full run's first step.
Run train(Fix fix, const Examples& tr, const Examples& dev, int steps, std::ostream& out) {
  gl::manual_seed(16);
  Model m = make_model(fix);
  std::vector<gl::Tensor> params;
  for (auto& [name, p] : m.named_parameters()) params.push_back(p);
  Run r;
  std::unique_ptr<course::Progress> progress;
  if (steps > 0) progress = std::make_unique<course::Progress>(out, std::string("training: ") + kName[int(fix)], steps);
  for (int it = 0; it < std::max(steps, 1); ++it) {
    Examples b = words_data::minibatch(tr, 32);
    gl::Tensor logits = r.stats.forward(m.net, embed(m, b.X));
    gl::Tensor loss = gl::nn::functional::cross_entropy(logits, b.Y);
    for (gl::Tensor& p : params) p.zero_grad();
    loss.backward();
    if (it == 0) {  // the health check at the start
      r.first_loss = loss.item();
      r.activations = renamed(r.stats.activations());
      r.gradients = renamed(r.stats.gradients());
      r.weights = r.stats.weight_gradients(m.named_parameters());
      std::vector<double> map;
      for (auto& [name, h] : r.stats.watched())
        for (double v : h.data()) map.push_back(std::abs(v) > kSaturated ? 1.0 : 0.0);
      auto layers = static_cast<std::int64_t>(r.stats.watched().size());
      r.saturated = gl::tensor(map, {layers, 32, kHidden});
      if (steps == 0) return r;
    }
    double lr = it < 3000 ? 0.1 : 0.01;
    r.stats.record_updates(m.named_parameters(), lr);
    gl::NoGradGuard no_grad;
    for (gl::Tensor& p : params) {
      gl::Tensor g = p.grad();
      for (std::size_t i = 0; i < g.data().size(); ++i) p.data()[i] -= lr * g.data()[i];
    }
    r.losses.push_back(loss.item());
    if ((it + 1) % 100 == 0) progress->tick(it + 1, fmt("loss %.4f", loss.item()));
  }
  r.seconds = progress->seconds();
  progress->finish();
  m.net.eval();  // BatchNorm now uses its running statistics
  r.dev_loss = words_data::mean_loss(dev, [&](const gl::Tensor& X) { return m.net(embed(m, X)); });
  return r;
}

double mean_saturated(const Run& r) {
  double s = 0;
  for (const nn::TensorStats& a : r.activations) s += a.saturated;
  return s / static_cast<double>(r.activations.size());
}

// BatchNorm by hand, as nn::BatchNorm1d computes it (PyTorch's formulas):
// in training a batch x (N, H) is normalised with its own mean and biased
// variance (over N), and the running statistics move towards the batch's
// (the variance unbiased, over N - 1); in eval the running ones normalise.
struct HandBatchNorm {
  gl::Tensor gain, bias;                // (1, H): learned, start at 1 and 0
  gl::Tensor running_mean, running_var;  // (1, H): start at 0 and 1
  double momentum = 0.1, eps = 1e-5;
  gl::Tensor operator()(const gl::Tensor& x, bool training) {
    gl::Tensor mean = running_mean, var = running_var;
    if (training) {
      const double n = static_cast<double>(x.shape()[0]);
      mean = x.mean(0, true);
      var = (x - mean).pow(2).mean(0, true);  // biased: over N
      running_mean = running_mean * (1 - momentum) + mean * momentum;
      running_var = running_var * (1 - momentum) + var * (n / (n - 1)) * momentum;  // unbiased
    }
    gl::Tensor xhat = (x - mean) / gl::sqrt(var + eps);
    return gain * xhat + bias;
  }
};

// The BatchNorm steps: by hand, then nn::BatchNorm1d equal to it.
void batch_norm_by_hand(gl::viz::Lesson& lesson, const Examples& tr) {
  gl::NoGradGuard no_grad;
  gl::manual_seed(11);
  gl::Tensor C = gl::randn({kVocab, kEmbed});
  gl::Tensor W = gl::randn({kBlock * kEmbed, kHidden}) * (5.0 / 3.0 / std::sqrt(30.0));
  auto pre = [&](const Examples& b) {  // the first hidden layer's pre-activations (N, 100)
    return gl::nn::functional::embedding(b.X, C).reshape({b.X.shape()[0], kBlock * kEmbed}).matmul(W);
  };
  Examples batch = words_data::minibatch(tr, 32);
  gl::Tensor x = pre(batch);
  HandBatchNorm bn{gl::ones({1, kHidden}), gl::zeros({1, kHidden}), gl::zeros({1, kHidden}), gl::ones({1, kHidden})};
  gl::Tensor mean = x.mean(0, true), var = (x - mean).pow(2).mean(0, true);
  gl::Tensor y = bn(x, true);
  gl::Tensor y_mean = y.mean(0, true), y_std = gl::sqrt(y.pow(2).mean(0, true) - y_mean.pow(2));
  lesson.step("BatchNorm, by hand. Take a batch of 32 contexts through a first Linear (Kaiming, 100 units):\n"
              "x (32, 100). For each unit, over the batch:\n"
              "  mean = x.mean(0)                     " + first(mean) + "\n"
              "  var  = ((x - mean)^2).mean(0)        " + first(var) + "   (over N: biased)\n"
              "  xhat = (x - mean) / sqrt(var + 1e-5)\n"
              "  out  = gain * xhat + bias            gain starts at 1, bias at 0: both learned\n" +
              fmt("Every unit of out now has mean %.1e and std %.6f over the batch, whatever W's scale:\n",
                  y_mean.abs().max().item(), y_std.mean().item()) +
              "the next tanh gets numbers of the size it likes, and gain and bias let the net\n"
              "choose another size where it needs one.");
  lesson.check(y_mean.abs().max().item() < 1e-12, "each unit's batch mean after BatchNorm is 0 (to 1e-12)");
  lesson.check(std::abs(-(-y_std).max().item() - 1) < 1e-3 && std::abs(y_std.max().item() - 1) < 1e-3,
               "each unit's batch std after BatchNorm is 1 (to 1e-3: eps)");

  // Running statistics over 200 batches, against the whole training set's.
  for (int k = 1; k < 200; ++k) bn(pre(words_data::minibatch(tr, 32)), true);
  Examples sample = words_data::minibatch(tr, 20000);
  gl::Tensor all = pre(sample);
  gl::Tensor set_mean = all.mean(0, true), set_var = (all - set_mean).pow(2).mean(0, true);
  double off_mean = ((bn.running_mean - set_mean).abs() / gl::sqrt(set_var)).max().item();
  const std::string rule =
      "A net must also answer for one example alone, and then there is no batch. So in training\n"
      "BatchNorm keeps running statistics, a little of each batch's mixed in:\n"
      "  running_mean = 0.9 running_mean + 0.1 mean\n"
      "  running_var  = 0.9 running_var  + 0.1 var * N/(N - 1)     (unbiased, over N - 1)\n"
      "After 200 batches:\n";
  lesson.step(rule + "  running_mean           " + first(bn.running_mean) + "\n" +
              "  20,000 examples' mean  " + first(set_mean) + "\n" +
              fmt("The furthest unit is %.2f of its std away: an estimate of the whole set's statistics.",
                  off_mean));
  lesson.check(off_mean < 0.3, "the running mean is within 0.3 std of 20,000 examples' mean");

  // Train vs eval: the same example in two batches.
  Examples other = words_data::minibatch(tr, 32);
  gl::Tensor x2 = pre(other);
  gl::Tensor with_first = gl::cat({x.slice(0, 0, 1), x2.slice(0, 1, 32)}, 0);  // example 0 among other company
  HandBatchNorm look = bn;  // so that looking moves no running statistic
  gl::Tensor train_a = look(x, true).slice(0, 0, 1), train_b = look(with_first, true).slice(0, 0, 1);
  look = bn;
  gl::Tensor eval_a = look(x, false).slice(0, 0, 1), eval_b = look(with_first, false).slice(0, 0, 1),
             alone = look(x.slice(0, 0, 1), false);
  lesson.step("Train vs eval. In training an example's output depends on the batch it came in: the same\n"
              "first example, among two different sets of 31 others:\n"
              "  training, batch 1  " + first(train_a) + "\n"
              "  training, batch 2  " + first(train_b) + "\n"
              "In eval mode (net.eval()) the running statistics normalise: the same numbers in any\n"
              "batch, and alone:\n"
              "  eval, batch 1      " + first(eval_a) + "\n"
              "  eval, batch 2      " + first(eval_b) + "\n"
              "  eval, alone        " + first(alone) + "\n"
              "(The lecture calls that noise a regulariser.) A dev loss is taken in eval mode.");
  lesson.check((train_a - train_b).abs().max().item() > 1e-3, "in training the batch changes an example's output");
  lesson.check(gl::allclose(eval_a, eval_b, 0, 0) && gl::allclose(eval_a, alone, 0, 0),
               "in eval mode the output is the same in any batch, and alone");

  // Why the Linear before it has no bias.
  gl::Tensor b = gl::randn({1, kHidden});
  look = bn;
  gl::Tensor without = look(x, true);
  look = bn;
  gl::Tensor with = look(x + b, true);
  lesson.step("Why the Linear before a BatchNorm is made with bias=false: a bias b adds the same\n"
              "number to every row of x, so it adds b to the batch mean too, and x - mean takes it away.\n" +
              fmt("BatchNorm of x + b, b random, differs from BatchNorm of x by %.1e at most: the bias\n",
                  (with - without).abs().max().item()) +
              "would learn nothing (its gradient is 0) and only cost time. BatchNorm's own bias takes\n"
              "its place.");
  lesson.check((with - without).abs().max().item() < 1e-12, "a bias before BatchNorm changes nothing (1e-12)");

  // nn::BatchNorm1d is this.
  nn::BatchNorm1d layer(kHidden);
  HandBatchNorm mine{gl::randn({1, kHidden}) * 0.1 + 1.0, gl::randn({1, kHidden}) * 0.1, gl::zeros({1, kHidden}),
                     gl::ones({1, kHidden})};
  layer.weight.data() = mine.gain.data();
  layer.bias.data() = mine.bias.data();
  gl::Tensor by_layer = layer(x), by_hand = mine(x, true);
  double d_out = (by_layer - by_hand).abs().max().item();
  double d_running = std::max((layer.running_mean.reshape({1, kHidden}) - mine.running_mean).abs().max().item(),
                              (layer.running_var.reshape({1, kHidden}) - mine.running_var).abs().max().item());
  layer.eval();
  double d_eval = (layer(x2) - mine(x2, false)).abs().max().item();
  lesson.step("nn::BatchNorm1d(100) is the same computation. With the same gain and bias (random here),\n"
              "on the same batch, the largest differences from the hand-written one:\n" +
              fmt("  training output %.1e, running statistics %.1e, eval output %.1e.\n", d_out, d_running, d_eval) +
              "Its gain and bias are its weight and bias (parameters); running_mean and running_var\n"
              "are buffers: saved with the model, never trained.\n"
              "(The exercises after this chapter follow the lecture, which normalises with the\n"
              "variance over N - 1 in training too.)");
  lesson.check(d_out < 1e-12 && d_running < 1e-12 && d_eval < 1e-12,
               "nn::BatchNorm1d equals BatchNorm by hand (train output, running statistics, eval output) to 1e-12");
}

}  // namespace

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::WordSplit split = gl::split_words(gl::load_words(), 42);
    Examples tr = words_data::examples(split.train, kBlock), dev = words_data::examples(split.dev, kBlock);
    // A first look at the plain versions: the first batch, before any update.
    std::vector<Run> look;
    for (Fix fix : {Fix::none, Fix::kaiming}) look.push_back(train(fix, tr, dev, 0, lesson.out()));
    gl::manual_seed(16);
    std::ostringstream shape;
    shape << make_model(Fix::kaiming).net;
    const double uniform = -std::log(1.0 / 27);
    std::string firsts = "  " + pad("version", 20) + " first loss\n";
    for (int k = 0; k < 2; ++k) firsts += "  " + pad(kName[k], 20) + fmt(" %9.4f\n", look[k].first_loss);
    lesson.step("The MLP of " + course::ref("language_model") +
                ", made deeper: the same words, split and contexts\n"
                "of three, embedded the same way (C, 27 x 10), then six Linear layers W1 ... W6, tanh after\n"
                "each but the last:\n" + shape.str() +
                "\nA net that knows nothing yet should guess all 27 characters alike: the first loss\n"
                "should be -log(1/27) = " + fmt("%.4f. On the first batch of 32:\n", uniform) + firsts +
                "N(0, 1) weights make huge logits: the net starts confidently wrong. Kaiming init\n"
                "(std gain/sqrt(fan_in), gain 5/3 for tanh, W6 0.1 of that) starts where it should.");
    lesson.check(look[0].first_loss > 10, "N(0, 1) init starts far above -log(1/27)");
    lesson.check(std::abs(look[1].first_loss - uniform) < 0.3, "Kaiming init starts near -log(1/27)");

    const std::string sat = fmt("|h| > %.2f", kSaturated);
    for (int k = 0; k < 2; ++k)
      lesson.step(std::string("The output h of each tanh layer on the first batch, ") + kName[k] +
                      fmt(":\n%.0f%% saturated (", 100 * mean_saturated(look[k])) + sat + ") on average. " +
                      (k == 0 ? "Saturated units sit on tanh's flat tails, where the\ngradient is ~0: "
                                "they hardly learn."
                              : "Gain 5/3 undoes tanh's squashing:\nevery layer keeps a similar spread, "
                                "few units saturate."),
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, look[k].activations,
                                             std::string("tanh outputs at the start: ") + kName[k], "h", true);
                  });
    lesson.check(mean_saturated(look[0]) > 0.5, "N(0, 1) init saturates most tanh units");
    lesson.check(mean_saturated(look[1]) < 0.15, "Kaiming init saturates few");

    for (int k = 0; k < 2; ++k)
      lesson.step("Which units are saturated (black: " + sat + "), 32 examples down, 100 units across,\n"
                  "one strip per tanh layer (tanh k follows Wk): " + kName[k] +
                      ".\nA column black in every row is a dead unit: no example gets a gradient through it.",
                  [&](const std::string& png) {
                    std::vector<std::string> captions;
                    for (const nn::TensorStats& a : look[k].activations) captions.push_back(a.name);
                    gl::viz::plot_images(png, look[k].saturated, captions,
                                         {.title = sat + ": " + kName[k], .columns = 1});
                  });

    for (int k = 0; k < 2; ++k) {
      const std::vector<nn::TensorStats>& g = look[k].gradients;
      const double growth = g.front().std / g.back().std;
      lesson.step(std::string("Gradients of the tanh outputs at the start: ") + kName[k] +
                      ".\nHealthy: alike in every layer, neither shrinking nor growing from the last layer back "
                      "to the first.\n" +
                      fmt("From tanh 5 back to tanh 1 the gradient's std grows %.1f times. ", growth) +
                      (k == 0 ? "Going back through a layer\nmultiplies a gradient by W's transpose: "
                                "N(0, 1) weights are 10 times Kaiming's size (std 1\nagainst about "
                                "1/sqrt(100)), so what the unsaturated units let through grows layer by layer."
                              : "Kaiming's W keeps it about the same\nsize through every layer."),
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, g, std::string("gradients of the tanh outputs: ") + kName[k],
                                             "d loss / d h");
                  });
      if (k == 0) lesson.check(growth > 5, "with N(0, 1) init the gradient grows more than 5 times going back");
      else lesson.check(growth < 3 && growth > 1.0 / 3, "with Kaiming init it stays within 3 times");
    }

    for (int k = 0; k < 2; ++k) {
      std::string table = "  " + pad("weight", 8) + "   grad std   grad:data\n";
      for (const nn::TensorStats& w : look[k].weights)
        table += "  " + pad(w.name, 8) + fmt("  %9.2e   %9.2e\n", w.std, w.grad_to_data);
      const double last_vs_first = look[k].weights.back().grad_to_data / look[k].weights[1].grad_to_data;
      lesson.step(std::string("Each weight's gradient against the weight itself: ") + kName[k] +
                      ".\nA step of lr * grad should change every weight by a similar small part of it:\n" +
                      table +
                      (k == 0 ? fmt("W1's gradient is %.0f times W6's: the growth of the gradients above.",
                                    look[k].weights[1].std / look[k].weights.back().std)
                              : fmt("W6 started 10 times smaller (the uniform first guess), so its ratio "
                                    "is %.0f times W1's:\nit moves fastest at first.", last_vs_first)),
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, look[k].weights,
                                             std::string("weight gradients at the start: ") + kName[k],
                                             "d loss / d W");
                  });
    }

    batch_norm_by_hand(lesson, tr);

    look.push_back(train(Fix::batchnorm, tr, dev, 0, lesson.out()));
    lesson.step("So: BatchNorm1d after W1 ... W5 (each made without a bias), before each tanh. At the start:\n" +
                    fmt("first loss %.4f, ", look[2].first_loss) +
                    fmt("%.0f%% of the tanh units saturated (Kaiming alone: %.0f%%).\n", 100 * mean_saturated(look[2]),
                        100 * mean_saturated(look[1])) +
                    "Every pre-activation is set to mean 0, std 1 over the batch, whatever came before.",
                [&](const std::string& png) {
                  gl::viz::plot_histograms(png, look[2].activations,
                                           std::string("tanh outputs at the start: ") + kName[2], "h", true);
                });
    lesson.check(std::abs(look[2].first_loss - uniform) < 0.3, "Kaiming + BatchNorm starts near -log(1/27)");
    lesson.check(mean_saturated(look[2]) < 0.15, "BatchNorm saturates few");

    // Now all three train.
    std::vector<Run> runs;
    for (Fix fix : {Fix::none, Fix::kaiming, Fix::batchnorm}) runs.push_back(train(fix, tr, dev, kSteps, lesson.out()));
    for (int k = 0; k < 3; ++k) {
      const auto& ratios = runs[k].stats.update_ratios();
      double last = 0;
      for (const auto& r : ratios) last += r.back() / static_cast<double>(ratios.size());
      lesson.step(std::string("The update-to-data ratio over training, log10(std(lr * grad) / std(data))\n"
                              "for each weight: ") + kName[k] +
                      fmt(". About -3 is healthy (each step moves a weight by a\nthousandth); "
                          "at the end it is %.1f on average. ", last) +
                      (k == 0 ? "They start far apart, the first layers' far\nabove it: the net spends its "
                                "first steps climbing out of saturation."
                              : "W6 started small (0.1 x Kaiming), so its ratio\nis high at first; "
                                "lr 0.01 from step 3000 shows as a step down."),
                  [&](const std::string& png) {
                    gl::viz::plot_update_ratios(png, runs[k].stats, std::string("update / data: ") + kName[k]);
                  });
    }

    std::string result = "  version               dev loss   training time\n";
    for (int k = 0; k < 3; ++k)
      result += "  " + pad(kName[k], 20) + fmt("  %8.4f   %6.1f s\n", runs[k].dev_loss, runs[k].seconds);
    const bool bn_wins = runs[2].dev_loss < runs[1].dev_loss;
    lesson.step(fmt("After %.0f steps each, on the dev words:\n", kSteps) + result +
                    "N(0, 1) and Kaiming differ only in their start, and the start decides. " +
                    (bn_wins ? fmt("BatchNorm ends\n%.4f below Kaiming alone.", runs[1].dev_loss - runs[2].dev_loss)
                             : fmt("BatchNorm ends\n%.4f above Kaiming alone: Kaiming's init already keeps this "
                                   "net healthy, which is what\nBatchNorm is for when no good init is known "
                                   "(deeper nets, other layers). And it costs\nsomething: in training each "
                                   "example is normalised with its batch's 31 others (noise),\nand the dev "
                                   "loss uses running statistics, estimates; each step also takes longer.",
                                   runs[2].dev_loss - runs[1].dev_loss)),
                [&](const std::string& png) {
                  std::vector<gl::viz::Series> curves;
                  for (int k = 0; k < 3; ++k) {
                    gl::viz::Series s{kName[k], {}, {}};
                    for (std::size_t i = 0; i + 100 <= runs[k].losses.size(); i += 100) {
                      double sum = 0;
                      for (std::size_t j = i; j < i + 100; ++j) sum += runs[k].losses[j];
                      s.y.push_back(sum / 100);
                      s.x.push_back(static_cast<double>(i + 100));
                    }
                    curves.push_back(s);
                  }
                  gl::viz::plot_lines(png, curves, {.title = "training loss (mean of 100 steps)",
                                                    .y_label = "loss", .log_y = true});
                });
    lesson.check(runs[1].dev_loss < runs[0].dev_loss && runs[2].dev_loss < runs[0].dev_loss,
                 "both fixes end with a lower dev loss than N(0, 1) init");
    lesson.check(std::abs(runs[1].first_loss - look[1].first_loss) < 1e-12,
                 "the first look was the training's first step (the same first loss)");
    lesson.out() << fmt("dev_loss_naive: %.4f\ndev_loss_kaiming: %.4f\ndev_loss_batchnorm: %.4f\n",
                        runs[0].dev_loss, runs[1].dev_loss, runs[2].dev_loss);
  });
}
