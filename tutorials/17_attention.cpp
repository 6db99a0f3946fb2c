// SPDX-License-Identifier: MIT
// 15 self-attention, step by step, on four tokens: queries, keys and values,
// the scores, the causal mask, softmax, the output; then backward one op at a
// time, and the softmax Jacobian derived by hand against autograd and finite
// differences. Shapes: T = 4 tokens, D = 3 numbers per token; X is (T, D).
#include <cmath>
#include <sstream>
#include <string>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"

namespace gl = gradlab;
namespace F = gradlab::nn::functional;

namespace {

std::string show(const std::string& name, const gl::Tensor& t) {
  std::ostringstream os;
  os << name << " = " << t.detach() << "\n";
  return os.str();
}

double max_abs_diff(const gl::Tensor& a, const gl::Tensor& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.data().size(); ++i) m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
  return m;
}

const std::vector<std::string> kTokens{"the", "cat", "sat", "down"};

// A (T, T) matrix as a labelled heat map; scores get their own colour range.
std::function<void(const std::string&)> heat_map(const gl::Tensor& m, const std::string& title, double low = 0,
                                                 double high = 1) {
  return [=](const std::string& png) {
    gl::viz::plot_heatmaps(png, m.detach(), {title}, kTokens, kTokens,
                           {.cell = 70, .show_values = true, .low = low, .high = high});
  };
}

// A (T, T) matrix with finite numbers as plot_heatmap draws it: each number
// in its cell, tokens along both axes, a colour bar (blue-white-red when the
// numbers have both signs, as every heat map of the course).
std::function<void(const std::string&)> labelled_map(const gl::Tensor& m, const std::string& title,
                                                     const std::string& bar) {
  return [=](const std::string& png) {
    gl::viz::plot_heatmap(png, m.detach(), {.title = title, .row_labels = kTokens, .col_labels = kTokens,
                                            .value_format = "%.2f", .colorbar_label = bar, .cell_size = 70});
  };
}

}  // namespace

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::manual_seed(12);
    const double D = 3;
    gl::Tensor X = gl::randn({4, 3}).set_label("X");  // one row per token: "the cat sat down"
    gl::Tensor Wq = gl::randn({3, 3}).requires_grad_().set_label("Wq");
    gl::Tensor Wk = gl::randn({3, 3}).requires_grad_().set_label("Wk");
    gl::Tensor Wv = gl::randn({3, 3}).requires_grad_().set_label("Wv");
    lesson.step("Four tokens, each a row of D = 3 numbers (an embedding): X is (T, D) = (4, 3).\n" + show("X", X) +
                "Attention lets each token gather information from the others. Three learned\n"
                "matrices turn every token into a query (what am I looking for?), a key (what do\n"
                "I contain?) and a value (what do I pass on?).");

    gl::Tensor q = X.matmul(Wq).set_label("q"), k = X.matmul(Wk).set_label("k"), v = X.matmul(Wv).set_label("v");
    lesson.step("q = X @ Wq, k = X @ Wk, v = X @ Wv: each (4, 3).\n" + show("q", q) + show("k", k) + show("v", v));

    gl::Tensor scores = (q.matmul(k.t()) * (1 / std::sqrt(D))).set_label("scores");
    lesson.step("scores = q @ k^T / sqrt(D): row i, column j says how well query i matches key j.\n"
                "Dividing by sqrt(D) keeps the scores' spread near 1 whatever D is, so softmax\n"
                "does not saturate.\n" + show("scores", scores),
                labelled_map(scores, "scores = q k^T / sqrt(D)", "score"));

    gl::Tensor mask = gl::nn::Transformer::generate_square_subsequent_mask(4);
    gl::Tensor masked = (scores + mask).set_label("masked");
    lesson.step("The causal mask: a token may look at itself and the tokens before it, never\n"
                "after (a language model must not peek at the word it is predicting). Adding\n"
                "-inf above the diagonal does it: exp(-inf) = 0 in the softmax.\n" + show("mask", mask) +
                    show("scores + mask", masked),
                heat_map(masked, "scores + causal mask (hatched: -inf)", -3, 3));

    gl::Tensor weights = masked.softmax(1).set_label("weights");
    lesson.step("softmax over each row turns scores into weights: positive, summing to 1.\n"
                "Row 0 ('the') can only look at itself: weight 1. The masked half is exactly 0.\n" +
                    show("weights", weights),
                labelled_map(weights, "attention weights (rows: queries, columns: keys)", "weight"));
    bool rows_sum_to_one = true, upper_empty = true;
    for (int i = 0; i < 4; ++i) {
      double s = 0;
      for (int j = 0; j < 4; ++j) {
        s += weights.data()[static_cast<std::size_t>(i * 4 + j)];
        if (j > i) upper_empty = upper_empty && weights.data()[static_cast<std::size_t>(i * 4 + j)] == 0.0;
      }
      rows_sum_to_one = rows_sum_to_one && std::abs(s - 1) < 1e-12;
    }
    lesson.check(rows_sum_to_one, "each row of weights sums to 1");
    lesson.check(upper_empty, "no token attends to a later one");

    gl::Tensor out = weights.matmul(v).set_label("out");
    lesson.step("out = weights @ v: each token's output is a weighted average of the values of\n"
                "the tokens it attends to.\n" + show("out", out));
    gl::Tensor same = F::scaled_dot_product_attention(q, k, v, gl::Tensor(), /*is_causal=*/true);
    lesson.check(max_abs_diff(same, out) < 1e-15, "nn::functional::scaled_dot_product_attention gives the same");

    // Backward, op by op: the loss is a weighted sum of the outputs.
    gl::Tensor loss = (out * gl::tensor({1.0, -1.0, 0.5, 2.0, 0.0, 1.0, -0.5, 1.0, 1.0, 0.5, -1.0, 0.25}, {4, 3}))
                          .sum()
                          .set_label("loss");
    lesson.backward(loss, "backward through attention");

    // The softmax Jacobian by hand, for the last row s (all four weights in play):
    // s_k = e^{a_k} / sum_j e^{a_j}, so ds_k/da_j = s_k (delta_kj - s_j): J = diag(s) - s s^T.
    gl::Tensor s = weights.detach().select(0, 3);
    std::vector<double> by_hand(16);
    for (std::size_t a = 0; a < 4; ++a)
      for (std::size_t b = 0; b < 4; ++b) by_hand[a * 4 + b] = s.data()[a] * ((a == b) - s.data()[b]);
    gl::Tensor J = gl::tensor(by_hand, {4, 4});
    // Autograd's: the backward of each s_k alone gives row k of J.
    gl::Tensor row = masked.detach().select(0, 3).requires_grad_();
    std::vector<double> by_autograd;
    for (int kk = 0; kk < 4; ++kk) {
      row.zero_grad();
      row.softmax(0).select(0, kk).backward();
      for (double g : row.grad().to_vector()) by_autograd.push_back(g);
    }
    gl::Tensor J_autograd = gl::tensor(by_autograd, {4, 4});
    // And finite differences, one input at a time.
    std::vector<double> by_fd;
    for (int kk = 0; kk < 4; ++kk) {
      gl::GradCheckResult r = gl::gradcheck([kk](const std::vector<gl::Tensor>& in) { return in[0].softmax(0).select(0, kk); },
                                            {row.detach()});
      for (auto& e : r.entries) by_fd.push_back(e.numeric);
    }
    gl::Tensor J_fd = gl::tensor(by_fd, {4, 4});
    lesson.step("The softmax Jacobian, derived by hand. With s_k = e^{a_k} / sum_j e^{a_j}:\n"
                "  ds_k/da_k = s_k - s_k^2,  ds_k/da_j = -s_k s_j (j != k),  so  J = diag(s) - s s^T.\n"
                "For the last row of the scores:\n" + show("s", s) + show("J by hand      ", J) +
                    show("J by autograd  ", J_autograd) + show("J by finite diff", J_fd) +
                    "Each row of J sums to 0: adding a constant to every score changes nothing.",
                labelled_map(J, "softmax Jacobian J = diag(s) - s s^T", "ds_k / da_j"));
    lesson.check(max_abs_diff(J, J_autograd) < 1e-15, "J by hand = J by autograd");
    lesson.check(max_abs_diff(J, J_fd) < 1e-8, "J by hand = J by finite differences");
    // What backward did for that row: d(scores) = J^T d(weights) (J is symmetric).
    gl::Tensor dweights = weights.grad().select(0, 3), dscores = J.matmul(dweights);
    lesson.step("What softmax's backward passed to the scores of row 3 is J^T @ d(weights):\n" +
                show("J^T @ dweights", dscores) + show("autograd       ", masked.grad().select(0, 3)));
    lesson.check(max_abs_diff(dscores, masked.grad().select(0, 3)) < 1e-14, "softmax's backward is J^T @ upstream");
  });
}
