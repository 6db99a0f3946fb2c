// SPDX-License-Identifier: MIT
// 11 is my net healthy? A deep tanh MLP (six Linear layers) learns the next
// character of a word (the language model's words, split and MLP), three
// times: with weights drawn from N(0, 1) as a first try would, with Kaiming
// init and tanh's gain, and with BatchNorm1d after every hidden Linear. Each
// time nn::LayerStats watches it and viz/layer_stats.hpp draws what it saw:
// the first loss against -log(1/27), activation histograms, the saturated-
// neuron map, gradient histograms, the gradient-to-data ratio of each weight
// and the update-to-data ratio over training.
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

#include "course_table.hpp"
#include "words_data.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using words_data::Examples;
using words_data::kVocab;

namespace {

constexpr std::int64_t kBlock = 3, kEmbed = 10, kHidden = 100, kDepth = 5;  // 5 hidden layers
constexpr int kSteps = 4000;

std::string fmt(const char* format, double a = 0, double b = 0, double c = 0, double d = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

// s, then spaces up to `width` columns.
std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

enum class Fix { none, kaiming, batchnorm };
const char* kName[] = {"N(0, 1) init", "Kaiming init", "Kaiming + BatchNorm"};

// The embedding C (27, 10) and the net on the 30 numbers of a context.
struct Model {
  gl::Parameter C;
  nn::Sequential net;
  std::vector<std::pair<std::string, gl::Tensor>> named_parameters() const {
    auto all = net.named_parameters();
    all.insert(all.begin(), {"C", C});
    return all;
  }
};

Model make_model(Fix fix) {
  Model m{gl::Parameter(gl::randn({kVocab, kEmbed})), {}};
  std::int64_t in = kBlock * kEmbed;
  for (std::int64_t layer = 0; layer <= kDepth; ++layer) {
    bool last = layer == kDepth;
    std::int64_t out = last ? kVocab : kHidden;
    auto lin = std::make_shared<nn::Linear>(in, out, /*bias=*/fix != Fix::batchnorm || last);
    // Kaiming: std = gain / sqrt(fan_in), gain 5/3 for tanh, so each layer
    // passes on numbers of about the size it got. The last layer starts
    // small, so that the first guess is nearly uniform over the 27.
    double scale = fix == Fix::none ? 1.0 : (last ? 0.1 : 5.0 / 3.0) / std::sqrt(static_cast<double>(in));
    lin->weight.data() = (gl::randn({out, in}) * scale).data();
    if (lin->bias.numel()) lin->bias.data() = gl::zeros({out}).data();
    m.net.push_back(lin);
    if (last) break;
    if (fix == Fix::batchnorm) m.net.push_back(std::make_shared<nn::BatchNorm1d>(kHidden));
    m.net.push_back(std::make_shared<nn::Tanh>());
    in = kHidden;
  }
  return m;
}

gl::Tensor embed(const Model& m, const gl::Tensor& X) {
  return gl::nn::functional::embedding(X, m.C).reshape({X.shape()[0], kBlock * kEmbed});
}

struct Run {
  double first_loss = 0, dev_loss = 0;
  std::vector<nn::TensorStats> activations, gradients, weights;
  gl::Tensor saturated;  // (layers, 32, 100): 1 where |h| > 0.99
  nn::LayerStats stats;
  std::vector<double> losses;
};

Run train(Fix fix, const Examples& tr, const Examples& dev) {
  gl::manual_seed(16);
  Model m = make_model(fix);
  std::vector<gl::Tensor> params;
  for (auto& [name, p] : m.named_parameters()) params.push_back(p);
  Run r;
  for (int it = 0; it < kSteps; ++it) {
    Examples b = words_data::minibatch(tr, 32);
    gl::Tensor logits = r.stats.forward(m.net, embed(m, b.X));
    gl::Tensor loss = gl::nn::functional::cross_entropy(logits, b.Y);
    for (gl::Tensor& p : params) p.zero_grad();
    loss.backward();
    if (it == 0) {  // the health check at the start
      r.first_loss = loss.item();
      r.activations = r.stats.activations();
      r.gradients = r.stats.gradients();
      r.weights = r.stats.weight_gradients(m.named_parameters());
      std::vector<double> map;
      for (auto& [name, h] : r.stats.watched())
        for (double v : h.data()) map.push_back(std::abs(v) > 0.99 ? 1.0 : 0.0);
      auto layers = static_cast<std::int64_t>(r.stats.watched().size());
      r.saturated = gl::tensor(map, {layers, 32, kHidden});
    }
    double lr = it < 3000 ? 0.1 : 0.01;
    r.stats.record_updates(m.named_parameters(), lr);
    gl::NoGradGuard no_grad;
    for (gl::Tensor& p : params) {
      gl::Tensor g = p.grad();
      for (std::size_t i = 0; i < g.data().size(); ++i) p.data()[i] -= lr * g.data()[i];
    }
    r.losses.push_back(loss.item());
  }
  m.net.eval();  // BatchNorm now uses its running statistics
  r.dev_loss = words_data::mean_loss(dev, [&](const gl::Tensor& X) { return m.net(embed(m, X)); });
  return r;
}

double mean_saturated(const Run& r) {
  double s = 0;
  for (const nn::TensorStats& a : r.activations) s += a.saturated;
  return s / static_cast<double>(r.activations.size());
}

}  // namespace

int main(int argc, char** argv) {
  return gl::viz::Lesson::run(GRADLAB_CHAPTER, argc, argv, [](gl::viz::Lesson& lesson) {
    gl::WordSplit split = gl::split_words(gl::load_words(), 42);
    Examples tr = words_data::examples(split.train, kBlock), dev = words_data::examples(split.dev, kBlock);
    gl::manual_seed(16);
    std::ostringstream shape;
    shape << make_model(Fix::batchnorm).net;
    std::vector<Run> runs;
    for (Fix fix : {Fix::none, Fix::kaiming, Fix::batchnorm}) runs.push_back(train(fix, tr, dev));
    const double uniform = -std::log(1.0 / 27);
    std::string first = "  " + pad("version", 20) + " first loss\n";
    for (int k = 0; k < 3; ++k) first += "  " + pad(kName[k], 20) + fmt(" %9.4f\n", runs[k].first_loss);
    lesson.step("Six Linear layers, tanh between them, predict the next character from the last\n"
                "three, embedded as in " + course::ref("language_model") + ". Trained three times, " +
                fmt("%.0f steps of 32 each;\nthe last version is\n", kSteps) + shape.str() +
                "\nA net that knows nothing yet should guess all 27 characters alike: the first loss\n"
                "should be -log(1/27) = " + fmt("%.4f. It is:\n", uniform) + first +
                "N(0, 1) weights make huge logits: the net starts confidently wrong.");
    lesson.check(runs[0].first_loss > 10, "N(0, 1) init starts far above -log(1/27)");
    lesson.check(std::abs(runs[1].first_loss - uniform) < 0.3 && std::abs(runs[2].first_loss - uniform) < 0.3,
                 "Kaiming init (with or without BatchNorm) starts near -log(1/27)");

    for (int k = 0; k < 3; ++k)
      lesson.step(std::string("Activations of each tanh layer at the start, ") + kName[k] +
                      fmt(":\n%.0f%% saturated (|h| > 0.97) on average. ", 100 * mean_saturated(runs[k])) +
                      (k == 0 ? "Saturated units sit on tanh's flat tails, where the\ngradient is ~0: "
                                "they hardly learn."
                              : k == 1 ? "Gain 5/3 undoes tanh's squashing:\nevery layer keeps a "
                                         "similar spread, few units saturate."
                                       : "BatchNorm sets every pre-activation to\nmean 0, std 1 "
                                         "(then scales it by a learned weight)."),
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, runs[k].activations,
                                             std::string("activations at the start: ") + kName[k], "tanh output",
                                             true);
                  });
    lesson.check(mean_saturated(runs[0]) > 0.5, "N(0, 1) init saturates most tanh units");
    lesson.check(mean_saturated(runs[1]) < 0.15 && mean_saturated(runs[2]) < 0.15,
                 "Kaiming init and BatchNorm saturate few");

    for (int k = 0; k < 3; ++k)
      lesson.step(std::string("Which units are saturated (black: |h| > 0.99), 32 examples down, 100 units "
                              "across,\none strip per layer: ") +
                      kName[k] + ".\nA column black in every row is a dead unit: no example gets a gradient "
                                 "through it.",
                  [&](const std::string& png) {
                    std::vector<std::string> captions;
                    for (const nn::TensorStats& a : runs[k].activations) captions.push_back(a.name);
                    gl::viz::plot_images(png, runs[k].saturated, captions,
                                         {.title = std::string("|h| > 0.99: ") + kName[k], .columns = 1});
                  });

    for (int k = 0; k < 3; ++k)
      lesson.step(std::string("Gradients of the tanh outputs at the start: ") + kName[k] +
                      ".\nHealthy: alike in every layer, neither shrinking nor growing from the last layer "
                      "back to the first.",
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, runs[k].gradients,
                                             std::string("gradients of the activations: ") + kName[k],
                                             "d loss / d h");
                  });

    for (int k = 0; k < 3; ++k) {
      std::string table = "  " + pad("weight", 12) + "   grad std   grad:data\n";
      for (const nn::TensorStats& w : runs[k].weights)
        table += "  " + pad(w.name, 12) + fmt("  %9.2e   %9.2e\n", w.std, w.grad_to_data);
      lesson.step(std::string("Each weight's gradient, against the weight itself: ") + kName[k] +
                      ".\nA step of lr * grad should change a weight a little, and every weight "
                      "alike:\n" +
                      table,
                  [&](const std::string& png) {
                    gl::viz::plot_histograms(png, runs[k].weights,
                                             std::string("weight gradients at the start: ") + kName[k], "d loss / d W");
                  });
    }

    for (int k = 0; k < 3; ++k) {
      const auto& ratios = runs[k].stats.update_ratios();
      double last = 0;
      for (const auto& r : ratios) last += r.back() / static_cast<double>(ratios.size());
      lesson.step(std::string("The update-to-data ratio over training, std(lr * grad) / std(data)\n"
                              "per weight: ") + kName[k] +
                      fmt(". About 1e-3 is healthy (each step moves a weight by a\nthousandth); "
                          "at the end it is 10^%.1f on average. ", last) +
                      (k == 0 ? "They start far apart and far above it,\nthe first layers' most: the net "
                                "spends its first steps climbing out of saturation."
                              : "The last layer's weights started small\n(0.1 x Kaiming), so "
                                "their ratio is high at first; lr 0.01 from step 3000 shows too."),
                  [&](const std::string& png) {
                    gl::viz::plot_update_ratios(png, runs[k].stats, std::string("update / data: ") + kName[k]);
                  });
    }

    std::string result = "  version               dev loss\n";
    for (int k = 0; k < 3; ++k) result += "  " + pad(kName[k], 20) + fmt("  %8.4f\n", runs[k].dev_loss);
    lesson.step(fmt("After %.0f steps each, on the dev words:\n", kSteps) + result +
                    "The same net, the same data, the same steps: only the start differed.",
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
    lesson.out() << fmt("dev_loss_naive: %.4f\ndev_loss_kaiming: %.4f\ndev_loss_batchnorm: %.4f\n",
                        runs[0].dev_loss, runs[1].dev_loss, runs[2].dev_loss);
  });
}
