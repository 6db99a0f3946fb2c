// SPDX-License-Identifier: MIT
// 18 microgpt on scalar Values: a GPT written with nothing but micrograd's
// Value (tutorials/microgpt.hpp, after Karpathy's microgpt): 1 layer, 16
// numbers per character, 4 heads, a context of 16, RMSNorm, ReLU, Adam, one
// word a step, on chapter 10's words. The graph of one attention score, the
// same model on Tensors giving the same losses, 5,000 steps, the validation
// loss against the bigram's, samples. Ends with `microgpt_val_loss:`.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "microgpt.hpp"

#include "course_page.hpp"

namespace gl = gradlab;
using microgpt::Vec;

namespace {

std::string fmt(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, a, b, c, d);
  return buf;
}

// 4192 -> "4,192", as the text writes numbers.
std::string grouped(double x) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(x))), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One line that redraws itself in a terminal; in a log, a line every 20%.
void progress(std::ostream& out, const char* what, int done, int total, const std::string& tail) {
  static const bool tty = isatty(1);
  if (!tty && done % std::max(1, total / 5) != 0 && done != total) return;
  int filled = 30 * done / total;
  out << (tty ? "\r" : "") << what << " " << done << "/" << total << " ["
      << std::string(static_cast<std::size_t>(filled), '#') << std::string(static_cast<std::size_t>(30 - filled), '.')
      << "] " << tail << (tty && done < total ? "" : "\n") << std::flush;
}

// The bigram by counting (chapter 10): pairs of the training words, + 1
// smoothing, the mean -log p over every pair of the validation words.
double bigram_loss(const std::vector<std::string>& train, const std::vector<std::string>& dev) {
  std::vector<double> n(27 * 27, 1.0), row(27, 27.0);
  for (const std::string& w : train) {
    std::vector<int> t = microgpt::tokens_of(w);
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
      n[static_cast<std::size_t>(t[i] * 27 + t[i + 1])] += 1;
      row[static_cast<std::size_t>(t[i])] += 1;
    }
  }
  double nll = 0, pairs = 0;
  for (const std::string& w : dev) {
    std::vector<int> t = microgpt::tokens_of(w);
    for (std::size_t i = 0; i + 1 < t.size(); ++i, ++pairs)
      nll -= std::log(n[static_cast<std::size_t>(t[i] * 27 + t[i + 1])] / row[static_cast<std::size_t>(t[i])]);
  }
  return nll / pairs;
}

// Names every scalar of one head's attention at one position, for the
// picture: q[j], k<t>[j], v<t>[j], the products and running sums of each
// score, s<t>, the softmax's e<t> and a<t>, and the weighted sum.
void label_attention(const Vec& scores, const Vec& weights, const gl::Value& out) {
  for (std::size_t t = 0; t < scores.size(); ++t) {
    std::string T = std::to_string(t);
    gl::Value s = scores[t];
    s.set_label("s" + T + " = q·k" + T + "/√4");
    gl::Value dot = s.parents()[0];
    s.parents()[1].set_label("1/√4");
    dot.set_label("q·k" + T);
    for (int j = microgpt::kHeadDim - 1; j >= 0; --j) {  // dot = (... + q[j-1]k[j-1]) + q[j]k[j]
      gl::Value product = j > 0 ? dot.parents()[1] : dot;
      std::string J = std::to_string(j);
      product.set_label("q[" + J + "]·k" + T + "[" + J + "]");
      product.parents()[0].set_label("q[" + J + "]");
      product.parents()[1].set_label("k" + T + "[" + J + "]");
      if (j > 0) {
        dot = dot.parents()[0];
        std::string upto = "[0.." + std::to_string(j - 1) + "]";
        if (j > 1) dot.set_label("q" + upto + "·k" + T + upto);
      }
    }
    gl::Value a = weights[t];
    a.set_label("a" + T + " = e" + T + "/Σe");
    gl::Value e = a.parents()[0];
    e.set_label("e" + T + " = exp(s" + T + " - max)");
    e.parents()[0].set_label("s" + T + " - max");
    e.parents()[0].parents()[1].set_label("max");
  }
  gl::Value total = weights[0].parents()[1];
  total.set_label("Σe");
  for (gl::Value partial = total.parents()[0]; partial.op() == "+"; partial = partial.parents()[0])
    partial.set_label("e0 + e1");
  gl::Value acc = out;
  acc.set_label("out[0] = Σ a·v[0]");
  for (std::size_t t = weights.size(); t-- > 0;) {
    gl::Value product = t > 0 ? acc.parents()[1] : acc;
    std::string T = std::to_string(t);
    product.set_label("a" + T + "·v" + T + "[0]");
    product.parents()[1].set_label("v" + T + "[0]");
    if (t > 0) {
      acc = acc.parents()[0];
      if (t > 1) acc.set_label("a0·v0[0] + a1·v1[0]");
    }
  }
}

// A word drawn from the model one character at a time (logits / temperature).
std::string sample(microgpt::ScalarGpt& model, double temperature) {
  gl::NoGradGuard no_grad;
  model.reset();
  std::string word;
  int token = 0;
  for (int pos = 0; pos < microgpt::kBlock; ++pos) {
    Vec logits = model.forward(token, pos);
    std::vector<double> p;
    double largest = -INFINITY, total = 0;
    for (const gl::Value& l : logits) largest = std::max(largest, l.data());
    for (const gl::Value& l : logits) total += p.emplace_back(std::exp((l.data() - largest) / temperature));
    double r = gl::uniform() * total;
    token = 0;
    while (token < microgpt::kVocab - 1 && r >= p[static_cast<std::size_t>(token)]) r -= p[static_cast<std::size_t>(token++)];
    if (token == 0) break;
    word += static_cast<char>('a' + token - 1);
  }
  model.reset();
  return word;
}

}  // namespace

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    const int steps = 5000, compared = 100;
    std::vector<std::string> words = gl::load_words();
    gl::WordSplit split = gl::split_words(words, 42);
    const double bigram = bigram_loss(split.train, split.dev);
    std::vector<microgpt::Matrix> init = microgpt::initial_weights(42);
    microgpt::ScalarGpt model(init);
    const double n_params = static_cast<double>(model.parameters().size());
    lesson.step(
        "microgpt: a GPT written with Value alone, the scalar of chapter 2. Each character\n"
        "becomes 16 numbers (its row of wte plus its position's row of wpe), RMSNorm scales\n"
        "them, and one transformer block follows: 4 attention heads of 4 numbers each look at\n"
        "every earlier position (a context of up to 16), a ReLU MLP of 64 units, two residual\n"
        "connections; lm_head turns the 16 numbers into 27 logits. No biases. " + grouped(n_params) +
        " weights,\neach its own Value, drawn from N(0, 0.08²). One word a step: '.', its letters, '.';\n"
        "the loss is the mean -log p(next character) over its positions; Adam (lr 0.01, β 0.85 /\n"
        "0.99) with the rate falling linearly to 0 over " + grouped(steps) + " steps. The words are chapter 10's:\n" +
        grouped(double(split.train.size())) + " to train on (the first " + grouped(steps) + " are used, one a step), " +
        grouped(double(split.dev.size())) + " to validate.");
    lesson.check(n_params == 4192, "the model has 4,192 weights");

    // --- one score, its softmax, the weighted sum: the scalar graph ------------------------
    {
      const std::string word = "cat";
      std::vector<int> tokens = microgpt::tokens_of(word);
      model.reset();
      for (int pos = 0; pos < 3; ++pos) model.forward(tokens[static_cast<std::size_t>(pos)], pos);
      // Head 0 at position 2 ('a', after ". c"): its numbers as labelled leaves.
      auto leaves = [](const Vec& full) {
        Vec out;
        for (int j = 0; j < microgpt::kHeadDim; ++j) out.emplace_back(full[static_cast<std::size_t>(j)].data());
        return out;
      };
      Vec q = leaves(model.query());
      std::vector<Vec> k, v;
      for (std::size_t t = 0; t < 3; ++t) {
        k.push_back(leaves(model.keys()[t]));
        v.push_back(leaves(model.values()[t]));
      }
      model.reset();
      Vec scores, weights;
      Vec out = microgpt::attend(q, k, v, 0, &scores, &weights);
      gl::Value root = out[0];
      label_attention(scores, weights, root);
      root.backward();
      lesson.step(
          "Attention on scalars: the word 'cat', head 0 at position 2 (it has read '.', 'c', 'a').\n"
          "Each score is a dot product of the query with one key, s_t = q·k_t / √4; softmax turns\n"
          "the three scores into weights a_t (shifted by their max, a constant, so exp cannot\n"
          "overflow); the head's output is Σ a_t v_t. Drawn: the first of its 4 outputs, every\n" +
              fmt("scalar labelled, after its backward: out[0] = %.4f, a = (%.4f, %.4f, %.4f).", root.data(),
                  weights[0].data(), weights[1].data(), weights[2].data()),
          root, {.rankdir = gl::viz::RankDir::TB, .title = "one head's attention at one position, as scalars"});
      lesson.check_near("a0 + a1 + a2", weights[0].data() + weights[1].data() + weights[2].data(), 1.0, 1e-12);
    }

    // --- a whole step: how many nodes --------------------------------------------------------
    {
      std::vector<int> tokens = microgpt::tokens_of(split.train[0]);
      std::int64_t before = gl::live_nodes();
      gl::Value loss = model.loss(tokens);
      const double nodes = static_cast<double>(gl::live_nodes() - before);
      std::int64_t before_position = gl::live_nodes();
      double one_position;
      {
        Vec logits = model.forward(tokens[0], 0);
        one_position = static_cast<double>(gl::live_nodes() - before_position);
        model.reset();
      }
      lesson.step("A whole step is that picture, grown: the first training word, '" + split.train[0] + "' (" +
                  fmt("%.0f positions),\n", microgpt::positions(tokens)) + "builds a graph of " + grouped(nodes) +
                  fmt(" Value nodes from the weights to its loss (%.4f). Position 0\n", loss.data()) +
                  "alone, up to its logits, takes " + grouped(one_position) +
                  ": a linear layer of m outputs is m nodes, each output\n"
                  "one dot product (gl::dot: one node whose parents are the row of weights and the input,\n"
                  "where products and sums would make 2n - 1). Attention, built as in the picture, grows\n"
                  "with the positions read and is most of the rest. Backward visits each node once, in\n"
                  "reverse creation order; the graph is freed when the loss goes.");
      lesson.check(nodes > 10000, "a step builds over ten thousand nodes");
    }

    // --- the same model on Tensors -------------------------------------------------------------
    std::vector<std::vector<int>> train_tokens;
    for (int i = 0; i < steps; ++i) train_tokens.push_back(microgpt::tokens_of(split.train[static_cast<std::size_t>(i)]));
    microgpt::Adam adam(model.parameters().size(), steps);
    std::vector<double> losses, xs;
    auto t0 = std::chrono::steady_clock::now();
    for (int step = 0; step < compared; ++step) losses.push_back(microgpt::train_step(model, adam, train_tokens[step], step));
    const double scalar_seconds = since(t0);
    microgpt::TensorGpt tensors(init);
    microgpt::Adam tensor_adam(model.parameters().size(), steps);
    double worst = 0;
    std::vector<double> tensor_losses;
    t0 = std::chrono::steady_clock::now();
    for (int step = 0; step < compared; ++step) {
      tensor_losses.push_back(microgpt::train_step(tensors, tensor_adam, train_tokens[step], step));
      worst = std::max(worst, std::abs(tensor_losses.back() - losses[static_cast<std::size_t>(step)]));
    }
    const double tensor_seconds = since(t0);
    std::string table = "   step   Values loss   Tensors loss\n";
    for (int s : {1, 2, 10, 50, 100})
      table += fmt("  %5.0f  %12.9f  %13.9f\n", s, losses[static_cast<std::size_t>(s - 1)],
                   tensor_losses[static_cast<std::size_t>(s - 1)]);
    lesson.step("The same model on Tensors (x is (T, 16) for a word of T positions, each head one\n"
                "(T, T) score matrix with the future masked), from the same " + grouped(n_params) +
                " numbers, trained by\nthe same Adam on the same words:\n" +
                table +
                fmt("At each of the first %.0f steps the two losses differ by at most %.1e: both engines\n",
                    compared, worst) +
                fmt("compute the same function and its gradient. The Values took %.3f s, the Tensors %.3f s.",
                    scalar_seconds,
                    tensor_seconds));
    lesson.check(worst < 1e-9, "Values and Tensors give the same loss to 1e-9 at each of the first 100 steps");

    // --- training ----------------------------------------------------------------------------
    double window = 0;
    std::vector<double> curve;
    for (std::size_t i = 0; i < losses.size(); ++i) {  // the 100 steps above
      window += losses[i];
      if ((i + 1) % 100 == 0) {
        curve.push_back(window / 100);
        xs.push_back(static_cast<double>(i + 1));
        window = 0;
      }
    }
    t0 = std::chrono::steady_clock::now();
    for (int step = compared; step < steps; ++step) {
      double loss = microgpt::train_step(model, adam, train_tokens[step], step);
      losses.push_back(loss);
      window += loss;
      if ((step + 1) % 100 == 0) {
        curve.push_back(window / 100);
        xs.push_back(step + 1);
        window = 0;
      }
      if ((step + 1) % 250 == 0)
        progress(lesson.out(), "training: step", step + 1, steps, fmt("loss (last 100 words) %.4f", curve.back()));
    }
    const double seconds = scalar_seconds + since(t0);
    const double first = losses[0];

    // --- validation -------------------------------------------------------------------------
    double nll = 0, scored = 0, pairs = 0;
    {
      gl::NoGradGuard no_grad;
      for (std::size_t i = 0; i < split.dev.size(); ++i) {
        std::vector<int> t = microgpt::tokens_of(split.dev[i]);
        int n = microgpt::positions(t);
        nll += model.loss(t).data() * n;
        scored += n;
        pairs += static_cast<double>(t.size() - 1);
        if ((i + 1) % 1000 == 0 || i + 1 == split.dev.size())
          progress(lesson.out(), "validation: word", static_cast<int>(i + 1), static_cast<int>(split.dev.size()), "");
      }
    }
    const double val = nll / scored;
    lesson.step(grouped(steps) + fmt(" steps, one word each, in %.1f s ", seconds) +
                    fmt("(%.2f ms a step; bench/microgpt_step times the parts).\n", 1000 * seconds / steps) +
                    fmt("The first step's loss was %.4f (a uniform guess is -log(1/27) = %.4f); the mean of\n",
                        first, std::log(27.0)) +
                    fmt("the last 100 steps' losses is %.4f. On the ", curve.back()) + grouped(double(split.dev.size())) +
                    " validation words, never trained on, the mean\n" +
                    fmt("-log p is %.4f, against the bigram's %.4f (chapter 10: counted on all training words,\n",
                        val, bigram) +
                    "+ 1 smoothing). A word's first 16 positions are scored: " + grouped(scored) + " of the " +
                    grouped(pairs) + " pairs.",
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{"mean loss over 100 words", curve, xs},
                                            {"bigram validation loss", {bigram, bigram}, {xs.front(), xs.back()}},
                                            {"microgpt validation loss", {val, val}, {xs.front(), xs.back()}}},
                                      {.title = "microgpt on Values, one word a step", .x_label = "step",
                                       .y_label = "loss"});
                });
    lesson.check(std::abs(first - std::log(27.0)) < 0.2, "the first loss is within 0.2 of -log(1/27)");
    lesson.check(val < bigram, "the validation loss is below the bigram's");

    gl::manual_seed(7);
    std::string samples;
    for (int i = 0; i < 16; ++i) samples += (i % 8 == 0 ? "\n  " : "  ") + sample(model, 0.5);
    lesson.step("Words sampled from it, one character at a time, at temperature 0.5 (logits / 0.5: the\n"
                "likely characters more likely still):" + samples);
    lesson.out() << fmt("microgpt_val_loss: %.4f\n", val);
  });
}
