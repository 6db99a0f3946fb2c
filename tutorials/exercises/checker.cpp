// SPDX-License-Identifier: MIT
// The checker: runs each exercise on fixed numbers and puts the learner's
// gradient beside autograd's and the finite difference (both from gradlab's
// gradcheck), with a hint when they differ.
#include "exercises.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

#include <gradlab/gradlab.hpp>

namespace exercises {

namespace {

namespace gl = gradlab;

struct Exercise {
  std::string title;
  std::function<Vec()> yours;              // the learner's gradient
  std::function<gl::GradCheckResult()> reference;  // autograd and finite differences
  std::string hint;
};

std::vector<Exercise> exercises_for(const Answers& answers) {
  std::vector<Exercise> all;

  Vec x{0.5, -1.2, 2.0}, w{0.3, -0.8, 0.1};
  double b = 0.2;
  all.push_back({"1. a sigmoid neuron: y = sigmoid(w·x + b), dy/dw and dy/db",
                 [=] { return answers.sigmoid_neuron(x, w, b); },
                 [=] {
                   return gl::gradcheck(
                       [&](const std::vector<gl::Value>& p) {
                         gl::Value z = p[3];
                         for (std::size_t i = 0; i < 3; ++i) z = z + p[i] * x[i];
                         return sigmoid(z);
                       },
                       {w[0], w[1], w[2], b}, {}, {"w[0]", "w[1]", "w[2]", "b"});
                 },
                 "sigmoid'(z) = s(1 - s) with s = sigmoid(z); dy/dw_i = s(1 - s)·x_i, "
                 "dy/db = s(1 - s)"});

  Vec x2{1.0, -0.5, 0.25}, W1{0.2, -0.4, 0.6, -0.3, 0.5, 0.1}, b1{0.1, -0.2}, w2{0.7, -1.1};
  all.push_back({"2. a 2-layer MLP: y = w2·tanh(W1 x + b1) + b2, dy/dW1",
                 [=] { return answers.mlp_weight_grad(x2, W1, b1, w2, 2); },
                 [=] {
                   return gl::gradcheck(
                       [&](const std::vector<gl::Value>& p) {
                         gl::Value y = 0.3;  // b2
                         for (std::size_t j = 0; j < 2; ++j) {
                           gl::Value a = b1[j];
                           for (std::size_t i = 0; i < 3; ++i) a = a + p[j * 3 + i] * x2[i];
                           y = y + w2[j] * tanh(a);
                         }
                         return y;
                       },
                       W1, {}, {"W1[0,0]", "W1[0,1]", "W1[0,2]", "W1[1,0]", "W1[1,1]", "W1[1,2]"});
                 },
                 "chain rule, one factor per op: dy/dh_j = w2_j, dh_j/da_j = 1 - h_j², "
                 "da_j/dW1[j,i] = x_i"});

  Vec z{1.0, 2.0, 0.5, -1.0};
  all.push_back({"3. softmax cross-entropy: L = -log softmax(z)[1], dL/dz",
                 [=] { return answers.softmax_cross_entropy(z, 1); },
                 [=] {
                   return gl::gradcheck(
                       [](const std::vector<gl::Tensor>& p) {
                         return -p[0].log_softmax(0).select(0, 1);
                       },
                       {gl::tensor(z, {4})}, {}, {"z"});
                 },
                 "dL/dz_i = softmax(z)_i - 1 at the target class i = k, softmax(z)_i "
                 "elsewhere: is the 1 subtracted at the target?"});

  Vec A{0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, bias{0.1, 0.2, 0.3}, G{1.0, -2.0, 0.5, 3.0, 1.0, -1.5};
  all.push_back({"4. a broadcasting add: out = A + b, A (2, 3), b (3), L = sum(G * out)",
                 [=] { return answers.broadcast_add(G, 2, 3); },
                 [=] {
                   gl::Tensor g = gl::tensor(G, {2, 3});
                   return gl::gradcheck(
                       [g](const std::vector<gl::Tensor>& p) { return ((p[0] + p[1]) * g).sum(); },
                       {gl::tensor(A, {2, 3}), gl::tensor(bias, {3})}, {}, {"A", "b"});
                 },
                 "dL/dA is G itself; b is added to every row, so (tutorial 05) its "
                 "gradient adds up over the rows: dL/db_j = sum_i G[i,j]"});

  Vec B{1.0, 0.5, -0.5, 2.0, 0.25, -1.0}, Gm{1.0, -1.0, 0.5, 2.0};  // B (3, 2), G (2, 2)
  all.push_back({"5. a matmul: C = A B, A (2, 3), B (3, 2), L = sum(G * C)",
                 [=] { return answers.matmul(A, B, Gm, 2, 3, 2); },
                 [=] {
                   gl::Tensor g = gl::tensor(Gm, {2, 2});
                   return gl::gradcheck(
                       [g](const std::vector<gl::Tensor>& p) { return (p[0].matmul(p[1]) * g).sum(); },
                       {gl::tensor(A, {2, 3}), gl::tensor(B, {3, 2})}, {}, {"A", "B"});
                 },
                 "dL/dA = G B^T (2, 3) and dL/dB = A^T G (3, 2): let the shapes tell you "
                 "which matrix is transposed and on which side"});
  return all;
}

// One exercise's table; true when every row passes.
bool check_one(const Exercise& ex, std::ostream& os) {
  os << "\n" << ex.title << "\n";
  Vec yours;
  try {
    yours = ex.yours();
  } catch (const Todo& todo) {
    os << "  TODO: " << todo.what()
       << ". Write it in tutorials/exercises/my_gradients.cpp, then `make exercise` again.\n";
    return false;
  } catch (const std::exception& e) {  // the learner's code failed: say so, check the rest
    os << "  FAIL: your code threw: " << e.what() << "\n  hint: " << ex.hint << "\n";
    return false;
  }
  gl::GradCheckResult ref = ex.reference();
  if (yours.size() != ref.entries.size()) {
    os << "  FAIL: your answer has " << yours.size() << " numbers, expected "
       << ref.entries.size() << "\n  hint: " << ex.hint << "\n";
    return false;
  }
  char line[200];
  std::snprintf(line, sizeof line, "  %-9s %13s %13s %13s %11s  %s\n", "parameter", "yours",
                "autograd", "finite diff", "difference", "check");
  os << line;
  bool ok = true;
  for (std::size_t i = 0; i < yours.size(); ++i) {
    const gl::GradCheckEntry& e = ref.entries[i];
    double diff = std::abs(yours[i] - e.autograd);
    bool pass = diff <= 1e-6 + 1e-5 * std::abs(e.autograd) && e.ok;  // false for NaN
    ok = ok && pass;
    std::snprintf(line, sizeof line, "  %-9s %13.8f %13.8f %13.8f %11.2e  %s\n", e.name.c_str(),
                  yours[i], e.autograd, e.numeric, diff, pass ? "pass" : "FAIL");
    os << line;
  }
  if (!ok) os << "  hint: " << ex.hint << "\n";
  return ok;
}

}  // namespace

int check(const Answers& answers, std::ostream& os) {
  std::vector<Exercise> all = exercises_for(answers);
  int failed = 0;
  for (const Exercise& ex : all) failed += !check_one(ex, os);
  failed += check_whole_step(answers.whole_step, os, static_cast<int>(all.size()) + 1);
  const std::size_t total = all.size() + 4;
  if (failed == 0)
    os << "\nall " << total << " exercises pass: your gradients match autograd and finite "
       << "differences.\n";
  else
    os << "\n" << failed << " of " << total << " exercises not passing yet (FAIL or not "
       << "done); the hints above say where to look.\n";
  return failed;
}

}  // namespace exercises
