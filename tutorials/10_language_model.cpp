// SPDX-License-Identifier: MIT
// 10 a language model of words: the 63,875 lower-case words of Debian's
// wamerican list (`make data`), split 80/10/10 with a fixed seed. First a
// bigram model by counting (a labelled heat map of the counts, probabilities
// by broadcasting, sampling, the negative log-likelihood, smoothing), then
// the same bigram as a one-layer net trained by gradient descent, then an MLP
// with a learned character embedding and a context of three (Bengio 2003).
// Ends with `bigram_dev_loss:` and `mlp_dev_loss:`.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"
#include "progress.hpp"
#include "words_data.hpp"

namespace gl = gradlab;
namespace F = gradlab::nn::functional;
using words_data::Examples;
using words_data::kVocab;
using words_data::letter;
using words_data::wrap;

namespace {

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

// The MLP: C (27, E) embeds each character; the context's three embeddings,
// side by side, go through 200 tanh units to 27 logits.
struct Mlp {
  static constexpr std::int64_t kBlock = 3, kEmbed = 10, kHidden = 200;
  gl::Parameter C, W1, b1, W2, b2;
  Mlp() {
    // Scaled so that the first loss is close to -log(1/27): the output layer
    // small, so the first guess is nearly uniform over the 27; W1 by
    // (5/3)/sqrt(fan_in), so the tanh units start in their steep middle, not
    // on their flat tails where no gradient passes (the next chapter
    // measures both).
    C = gl::Parameter(gl::randn({kVocab, kEmbed}));
    W1 = gl::Parameter(gl::randn({kBlock * kEmbed, kHidden}) * (5.0 / 3.0 / std::sqrt(30.0)));
    b1 = gl::Parameter(gl::randn({kHidden}) * 0.01);
    W2 = gl::Parameter(gl::randn({kHidden, kVocab}) * 0.01);
    b2 = gl::Parameter(gl::zeros({kVocab}));
  }
  std::vector<gl::Tensor> parameters() const { return {C, W1, b1, W2, b2}; }
  gl::Tensor operator()(const gl::Tensor& X) const {  // X (N, 3) -> logits (N, 27)
    gl::Tensor emb = F::embedding(X, C).reshape({X.shape()[0], kBlock * kEmbed});  // (N, 30)
    return gl::tanh(emb.matmul(W1) + b1).matmul(W2) + b2;
  }
  void step(double lr) const {  // p -= lr * dp, outside the graph
    for (gl::Tensor p : parameters()) {
      gl::Tensor g = p.grad();
      for (std::size_t i = 0; i < g.data().size(); ++i) p.data()[i] -= lr * g.data()[i];
      p.zero_grad();
    }
  }
};

// The two leading directions of the rows of E (power iteration on E^T E,
// centred), so a 10-d embedding can be drawn in 2-d.
std::vector<std::vector<double>> two_components(const gl::Tensor& E) {
  gl::Tensor X = E - E.mean(0, true);
  gl::Tensor cov = X.t().matmul(X);
  std::vector<std::vector<double>> out;
  for (int k = 0; k < 2; ++k) {
    gl::Tensor v = gl::ones({E.shape()[1], 1});
    for (int it = 0; it < 200; ++it) {
      v = cov.matmul(v);
      v = v / gl::sqrt((v * v).sum());
    }
    gl::Tensor proj = X.matmul(v);
    out.push_back(proj.to_vector());
    cov = cov - cov.matmul(v).matmul(v.t());  // remove that direction
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    std::vector<std::string> words = gl::load_words();
    gl::WordSplit split = gl::split_words(words, 42);
    lesson.step(fmt("%.0f lower-case words from /usr/share/dict (Debian's wamerican), ", words.size()) +
                fmt("shuffled with seed 42:\n%.0f to train on, %.0f to tune (dev), %.0f to test.\n",
                    split.train.size(), split.dev.size(), split.test.size()) +
                "The first few: " + split.train[0] + ", " + split.train[1] + ", " + split.train[2] +
                ".\nA model of words learns which character comes next; '.' marks a word's start "
                "and end.\nThese are English words, not the lecture's 32,033 names: longer, with other "
                "letters\nin other places, so the losses below are not the lecture's (its 2.17 is on "
                "names).");
    lesson.check(words.size() == 63875, "the word list has 63,875 lower-case words");

    // --- the bigram: count which character follows which ---------------------------------
    Examples tr1 = words_data::examples(split.train, 1), dev1 = words_data::examples(split.dev, 1);
    std::vector<double> n(kVocab * kVocab, 0.0);
    for (std::int64_t i = 0; i < tr1.Y.numel(); ++i)
      n[static_cast<std::size_t>(tr1.X.data()[i] * kVocab + tr1.Y.data()[i])] += 1;
    gl::Tensor N = gl::tensor(n, {kVocab, kVocab});
    std::vector<std::string> cells, names;
    for (std::int64_t i = 0; i < kVocab; ++i) {
      names.push_back(std::string(1, letter(i)));
      for (std::int64_t j = 0; j < kVocab; ++j) cells.push_back(std::string{letter(i), letter(j)});
    }
    lesson.step(fmt("Count every pair (this character, the next one) in the %.0f training pairs: ",
                    tr1.Y.numel()) +
                    "N (27, 27).\nRow '.' says how words start, column '.' how they end;\n"
                    "'es' and 'ng' are common, 'qx' never happens.",
                [&](const std::string& png) {
                  gl::viz::plot_heatmap(png, N, {.title = "bigram counts of the training words",
                                                 .cell_labels = cells, .colorbar_label = "count",
                                                 .cell_size = 36});
                });
    // Probabilities: each row divided by its sum. keepdim keeps (27, 1), which
    // broadcasts along the rows; without it (27) would divide the columns.
    gl::Tensor P = (N + 1.0) / (N + 1.0).sum(1, true);
    gl::Tensor wrong = (N + 1.0) / (N + 1.0).sum(1);
    lesson.step("P = (N + 1) / (N + 1).sum(1, keepdim=true): (27, 27) / (27, 1) broadcasts\n"
                "each row's sum over its row.\n" +
                fmt("Rows of P sum to %.6f. Without keepdim the sum is (27), broadcast as a row:\n",
                    P.sum(1).data()[5]) +
                fmt("it divides columns instead, and row 'e' sums to %.3f. (The + 1 is smoothing.)",
                    wrong.sum(1).data()[5]));
    lesson.check(std::abs(P.sum(1).data()[5] - 1) < 1e-12 && std::abs(wrong.sum(1).data()[5] - 1) > 0.01,
                 "keepdim: rows sum to 1; without it they do not");
    gl::manual_seed(2147483647);
    std::vector<std::string> samples;
    for (int k = 0; k < 12; ++k)
      samples.push_back(words_data::sample_word(1, [&](const gl::Tensor& c) {
        return P.select(0, static_cast<std::int64_t>(c.item()));
      }));
    lesson.step("Sampling: start at '.', draw the next character from its row of P (multinomial),\n"
                "repeat until '.' comes. Bigram words are word-shaped, not words:\n" + wrap(samples));

    // --- how good is it: the likelihood, as a loss ----------------------------------------
    auto bigram_loss = [&](const gl::Tensor& probs, const Examples& e) {
      double nll = 0;
      for (std::int64_t i = 0; i < e.Y.numel(); ++i)
        nll -= std::log(probs.data()[static_cast<std::size_t>(e.X.data()[i] * kVocab + e.Y.data()[i])]);
      return nll / static_cast<double>(e.Y.numel());
    };
    std::string table = "  smoothing  train loss   dev loss\n";
    double bigram_dev = 0, counted_train = 0, best_dev = INFINITY, best_k = 0, dev_at_10 = 0;
    double low = INFINITY, high = 0;  // the dev loss from 0.01 to 1
    for (double k : {0.0, 0.01, 0.1, 1.0, 10.0, 100.0}) {
      gl::Tensor Pk = (N + k) / (N + k).sum(1, true);
      double d = bigram_loss(Pk, dev1), t = bigram_loss(Pk, tr1);
      table += fmt("  %9g  %10.4f  %9.4f\n", k, t, d);
      if (k == 1.0) bigram_dev = d;
      if (k == 0.0) counted_train = t;
      if (k == 10.0) dev_at_10 = d;
      if (d < best_dev) best_dev = d, best_k = k;
      if (k > 0 && k <= 1) low = std::min(low, d), high = std::max(high, d);
    }
    lesson.step("A model is as good as the probability it gives to the data: the likelihood, the\n"
                "product of P[this, next] over all pairs. Its log is a sum; negated and averaged it\n"
                "is a loss to minimise (0 is perfect, -log(1/27) = 3.2958 is a uniform guess):\n" +
                table +
                "A pair never seen in training makes the dev loss infinite without smoothing; too\n"
                "much flattens P towards uniform" + fmt(" (%.4f at 10). The dev loss is lowest at %g (%.4f),\n", dev_at_10, best_k, best_dev) +
                fmt("and from 0.01 to 1 it moves by %.4f only: %.0f training pairs leave few pairs rare.\n",
                    high - low, tr1.Y.numel()) +
                "The lecture's + 1 is kept: it costs nothing here.");
    lesson.check(bigram_dev - best_dev < 1e-3, "+ 1 smoothing is within 0.001 of the best dev loss");
    lesson.check(bigram_dev < 2.6, "the smoothed bigram's dev loss is below 2.6");

    // --- the same bigram as a net, learned by gradient descent ----------------------------
    gl::manual_seed(1);
    gl::Tensor W = gl::randn({kVocab, kVocab}).requires_grad_();
    // One-hot(x) @ W picks row x of W: the logits of the next character.
    double per_example = words_data::mean_loss(tr1, [&](const gl::Tensor& X) { return F::embedding(X.reshape({-1}), W); });
    // Every example with the same pair adds the same term: weigh each pair by its count.
    auto grouped = [&] { return -(N * W.log_softmax(1)).sum() / N.sum(); };
    double grouped0 = grouped().item();
    std::vector<double> net_loss;
    for (int it = 0; it < 400; ++it) {
      gl::Tensor loss = grouped();
      W.zero_grad();
      loss.backward();
      gl::NoGradGuard no_grad;
      gl::Tensor g = W.grad();
      for (std::size_t i = 0; i < g.data().size(); ++i) W.data()[i] -= 50.0 * g.data()[i];
      net_loss.push_back(loss.item());
    }
    lesson.step(fmt("The same model as a net: logits = one_hot(x) @ W, W (27, 27) random, probabilities\n"
                    "= softmax(logits), loss = the mean -log probability of the right next character\n"
                    "(%.4f at the start; summed pair by pair, weighted by the counts: %.4f, the same).\n",
                    per_example, grouped0) +
                    fmt("400 steps of gradient descent (lr 50) bring it to %.4f; counting gave %.4f:\n",
                        net_loss.back(), counted_train) +
                    "counting is this net's best W, softmax(W) = N / N.sum(1).",
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{"one-layer net", net_loss, {}},
                                            {"counting (smoothing 0)", {counted_train, counted_train},
                                             {0.0, 399.0}}},
                                      {.title = "the bigram net learns what counting knew",
                                       .y_label = "training loss"});
                });
    lesson.check(std::abs(per_example - grouped0) < 1e-9, "the grouped loss is the per-example loss");
    lesson.check(net_loss.back() - counted_train < 0.01, "the net reaches the counting model's loss");

    // --- an MLP with a learned embedding and a context of three --------------------------
    Examples tr = words_data::examples(split.train, Mlp::kBlock), dev = words_data::examples(split.dev, Mlp::kBlock),
             te = words_data::examples(split.test, Mlp::kBlock);
    // The learning-rate finder: one short run, the rate growing from 1e-3 to 1.
    gl::manual_seed(42);
    Mlp probe;
    std::vector<double> lre, lri;
    course::Progress finding(lesson.out(), "the learning-rate finder", 1000);
    for (int it = 0; it < 1000; ++it) {
      double e = -3.0 + 3.0 * it / 999.0;
      Examples b = words_data::minibatch(tr, 32);
      gl::Tensor loss = F::cross_entropy(probe(b.X), b.Y);
      loss.backward();
      probe.step(std::pow(10.0, e));
      lre.push_back(e);
      lri.push_back(loss.item());
      finding.tick(it + 1);
    }
    finding.finish();
    lesson.step("Bengio et al. 2003: each character becomes a learned vector of 10 numbers (C, 27x10);\n"
                "the last 3 characters' vectors, side by side (30), go through 200 tanh units to 27\n"
                "logits. Which learning rate? Let it grow from 1e-3 to 1 over 1000 steps and watch\n"
                "the loss: it is lowest between 0.1 and 0.3 and climbs again towards 1.",
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{"loss of one minibatch", lri, lre}},
                                      {.title = "learning-rate finder",
                                       .x_label = "log10(learning rate)", .y_label = "loss"});
                });

    gl::manual_seed(42);
    Mlp mlp;
    const int steps = 30000;
    std::vector<double> curve, xs;
    double window = 0;
    // Its first loss, on all of train before a step: a net that knows nothing
    // should guess the 27 alike, -log(1/27).
    auto mlp_logits = [&](const gl::Tensor& X) { return mlp(X); };
    const double first_loss = words_data::mean_loss(tr, mlp_logits);
    course::Progress training(lesson.out(), "training the MLP", steps);
    for (int it = 0; it < steps; ++it) {
      Examples b = words_data::minibatch(tr, 32);
      gl::Tensor loss = F::cross_entropy(mlp(b.X), b.Y);
      loss.backward();
      mlp.step(it < 20000 ? 0.1 : 0.01);
      window += loss.item();
      if ((it + 1) % 500 == 0) {
        curve.push_back(window / 500);
        xs.push_back(it + 1);
        training.tick(it + 1, fmt("loss %.4f (mean of the last 500)", window / 500));
        window = 0;
      }
    }
    const double seconds = training.seconds();
    training.finish();
    course::Progress evaluating(lesson.out(), "the loss on all of train, dev and test", 3);
    double mlp_train = words_data::mean_loss(tr, mlp_logits);
    evaluating.tick(1);
    double mlp_dev = words_data::mean_loss(dev, mlp_logits);
    evaluating.tick(2);
    double mlp_test = words_data::mean_loss(te, mlp_logits);
    evaluating.finish();
    lesson.step(fmt("Its weights start small: W2 by 0.01, so the first logits are nearly equal and the\n"
                    "first guess nearly uniform: loss %.4f against -log(1/27) = %.4f; W1 by (5/3)/sqrt(30),\n",
                    first_loss, -std::log(1.0 / 27)) +
                    "so that its 200 tanh units start in their steep middle, where gradients pass (the\n"
                    "next chapter measures why both matter).\n" +
                    fmt("%.0f steps of minibatches of 32 (lr 0.1, then 0.01 for the last third) in %.1f s.\n",
                    double(steps), seconds) +
                    fmt("Loss on all of train %.4f, dev %.4f, ", mlp_train, mlp_dev) +
                    fmt("test %.4f (bigram: dev %.4f).\n", mlp_test, bigram_dev) +
                    "Train and dev are close: the net is not overfitting yet; a larger one could learn "
                    "more.",
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{"mean minibatch loss over 500 steps", curve, xs},
                                            {"bigram dev loss", {bigram_dev, bigram_dev}, {xs.front(), xs.back()}}},
                                      {.title = "the MLP learning", .y_label = "loss"});
                });
    gl::manual_seed(7);
    samples.clear();
    for (int k = 0; k < 16; ++k)
      samples.push_back(
          words_data::sample_word(Mlp::kBlock, [&](const gl::Tensor& c) { return mlp(c).softmax(1); }));
    lesson.step("Sampling from the MLP, three characters of context at a time:\n" + wrap(samples));
    std::vector<std::vector<double>> pc = two_components(mlp.C.detach());
    lesson.step("The 27 learned vectors, drawn along their two main directions: letters that play\n"
                "alike tend to sit together (look for the vowels), and rare ones like q stand apart.",
                [&](const std::string& png) {
                  gl::viz::plot_scatter(png, pc[0], pc[1], names,
                                        {.title = "the character embedding (first two principal axes)",
                                         .x_label = "axis 1", .y_label = "axis 2"});
                });
    lesson.check(mlp_dev <= 2.15, "the MLP's dev loss is at most 2.15");
    lesson.check(mlp_dev <= bigram_dev - 0.3, "the MLP beats the bigram's dev loss by at least 0.3");
    lesson.check(seconds < 60, "the MLP trains in under a minute");
    lesson.check(std::abs(first_loss - std::log(27.0)) < 0.05, "the MLP's first loss is within 0.05 of -log(1/27)");
    lesson.out() << fmt("bigram_dev_loss: %.4f\nmlp_dev_loss: %.4f\n", bigram_dev, mlp_dev);
  });
}
