// SPDX-License-Identifier: MIT
// 09 tensor backprop by hand: a linear layer, softmax and cross-entropy.
// Each gradient derived as a matrix formula and computed with Tensor ops
// on detached tensors, next to what backward() gives. Shapes: N = 2 examples,
// D = 3 features, C = 4 classes; X is (N, D), W (D, C), b (C).
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

double max_abs_diff(const gl::Tensor& a, const gl::Tensor& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.data().size(); ++i)
    m = std::max(m, std::abs(a.data()[i] - b.data()[i]));
  return m;
}

std::string show(const std::string& name, const gl::Tensor& t) {
  std::ostringstream os;
  os << name << " = " << t << "\n";
  return os.str();
}

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::manual_seed(9);
    gl::Tensor X = gl::randn({2, 3}).requires_grad_().set_label("X");
    gl::Tensor W = gl::randn({3, 4}).requires_grad_().set_label("W");
    gl::Tensor b = gl::randn({4}).requires_grad_().set_label("b");
    gl::Tensor target = gl::tensor({1.0, 3.0}, {2, 1});  // the right class of each example
    // The mean cross-entropy of softmax(logits) against the targets.
    // Every node labelled, so that the steps below can name what the pictures show.
    auto cross_entropy = [&](const gl::Tensor& logits) {
      gl::Tensor logp = logits.log_softmax(1).set_label("logp");            // (N, C)
      gl::Tensor picked = logp.gather(1, target).set_label("logp[target]");  // (N, 1)
      return -picked.mean().set_label("mean");
    };
    gl::Tensor XW = X.matmul(W).set_label("X@W");        // (N, C)
    gl::Tensor logits = (XW + b).set_label("logits");   // b broadcast over the rows
    gl::Tensor loss = cross_entropy(logits).set_label("loss");
    char number[64];
    std::snprintf(number, sizeof number, "%.4f", loss.item());
    lesson.step("logits = X @ W + b, loss = mean over rows of -log softmax(logits)[target].\n" +
                    show("logits", logits.detach()) + "loss = " + number,
                loss, {.rankdir = gl::viz::RankDir::TB,
                               .title = "a linear layer and cross-entropy, as Tensors"});
    // backward(), one tensor op at a time: each step's picture shows what the
    // op passes to its operands (one number per element, summarised).
    lesson.backward(loss, "backward through the tensor graph");

    // By hand, on detached tensors: plain numbers, so no graph is built.
    // 1. Softmax + cross-entropy: dloss/dlogits = (softmax(logits) - onehot(target)) / N.
    gl::Tensor onehot = gl::eq(gl::arange(0, 4).reshape({1, 4}), target);  // (N, C)
    gl::Tensor dlogits = (logits.detach().softmax(1) - onehot) / 2.0;
    gl::Tensor row_sums = dlogits.sum(1);
    char sums[300];
    std::snprintf(sums, sizeof sums,
                  "Each row of softmax - onehot sums to 1 - 1 = 0 (here %.1e and %.1e:\n"
                  "rounding; the mean of about -7e-18 in the backward steps is this 0), so\n"
                  "the gradient only moves the logits of a row against each other.\n",
                  row_sums.data()[0], row_sums.data()[1]);
    lesson.step("Softmax with cross-entropy has the kindest gradient there is. For one row\n"
                "z with target t, and s = softmax(z):\n"
                "  loss = -log s_t = -z_t + log sum_k e^z_k\n"
                "  dloss/dz_j = -[j = t] + e^z_j / sum_k e^z_k = s_j - [j = t]\n"
                "  and the mean over the N rows divides each row's by N:\n"
                "dloss/dlogits = (softmax(logits) - onehot(target)) / N\n" +
                show("by hand ", dlogits) + show("autograd", logits.grad()) + sums,
                loss, {.rankdir = gl::viz::RankDir::TB,
                               .title = "after backward(): dloss/dlogits is logits' grad"});
    lesson.check(max_abs_diff(dlogits, logits.grad()) < 1e-12, "dloss/dlogits by hand = autograd");
    lesson.check(std::abs(row_sums.data()[0]) < 1e-12 && std::abs(row_sums.data()[1]) < 1e-12,
                 "each row of dlogits sums to 0");

    // 2. The broadcasting add: b was added to every row, so its gradient sums the rows.
    gl::Tensor db = dlogits.sum(0);
    // The picture: the add exploded into scalars, each b[j] feeding N adds.
    gl::Tensor bb = b.detach().requires_grad_().set_label("b");
    gl::ExplodedGraph add = gl::explode((X.matmul(W).detach().set_label("XW") + bb).sum());
    lesson.step("logits = (X @ W) + b adds b to each of the N rows: b is used N times,\n"
                "so (05) its gradient is the sum of the rows: db = dlogits.sum(0)\n" +
                show("by hand ", db) + show("autograd", b.grad()),
                add.output[0], {.show_grad = false, .title = "(XW + b).sum() exploded: "
                                                             "each b[j] feeds both rows"});
    lesson.check(max_abs_diff(db, b.grad()) < 1e-12, "db by hand = autograd");

    // 3. The matmul: logits_ij = sum_k X_ik W_kj, so dW_kj = sum_i X_ik dlogits_ij.
    gl::Tensor dW = X.detach().t().matmul(dlogits);  // (D, N) @ (N, C) = (D, C)
    gl::Tensor dX = dlogits.matmul(W.detach().t());  // (N, C) @ (C, D) = (N, D)
    lesson.step("X @ W: each W_kj meets X_ik in row i, so dW = X^T @ dlogits (D, C);\n"
                "likewise dX = dlogits @ W^T (N, D). The shapes say which way round.\n" +
                show("dW by hand ", dW) + show("dW autograd", W.grad()) +
                show("dX by hand ", dX) + show("dX autograd", X.grad()));
    lesson.check(max_abs_diff(dW, W.grad()) < 1e-12, "dW by hand = autograd");
    lesson.check(max_abs_diff(dX, X.grad()) < 1e-12, "dX by hand = autograd");

    gl::GradCheckResult numeric = gl::gradcheck(
        [&](const std::vector<gl::Tensor>& in) { return cross_entropy(in[0].matmul(in[1]) + in[2]); },
        {X.detach(), W.detach(), b.detach()}, {}, {"X", "W", "b"});
    std::ostringstream os;
    os << numeric;
    lesson.step("And finite differences agree with both, element by element (W[k,j] is row k,\n"
                "column j of W):\n" + os.str());
    lesson.check(numeric.ok(), "autograd = finite differences for X, W and b");
  });
}
