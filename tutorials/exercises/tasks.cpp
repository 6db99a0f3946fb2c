// SPDX-License-Identifier: MIT
// The six exercises: each one's cases (the first with fixed numbers, two
// more with other shapes and random numbers) and its three hints, from
// where to look to the formula. The reference is gradlab's gradcheck.
#include <cmath>
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/number_text.hpp>

#include "checker.hpp"

namespace exercises {

namespace {

std::vector<std::string> names_of(const std::string& base, std::size_t rows, std::size_t cols) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      names.push_back(base + "[" + std::to_string(i) + "," + std::to_string(j) + "]");  // A[i,k]
  return names;
}


std::string dims(std::size_t a) { return "(" + std::to_string(a) + ")"; }
std::string dims(std::size_t a, std::size_t b) {
  return "(" + std::to_string(a) + ", " + std::to_string(b) + ")";
}

// --- the six exercises, each with its cases and its three hints ------------

Exercise sigmoid_neuron(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("sigmoid_neuron"), {},
              {"y reaches w[i] only through z = w·x + b: find dy/dz first, then dz/dw[i] "
               "and dz/db.",
               "chain rule: dy/dw[i] = dy/dz · dz/dw[i]; sigmoid(z) = 1 / (1 + e^-z) has the "
               "derivative sigmoid(z) (1 - sigmoid(z)), and dz/dw[i] = x[i], dz/db = 1.",
               "with s = sigmoid(z), z = w·x + b: dy/dw[i] = s (1 - s) x[i], dy/db = s (1 - s); "
               "n + 1 numbers."}};
  auto add = [&](Vec x, Vec w, double b) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < w.size(); ++i) names.push_back("w[" + std::to_string(i) + "]");
    names.push_back("b");
    Vec p = w;
    p.push_back(b);
    ex.cases.push_back({"x, w " + dims(x.size()), [=] { return answers.sigmoid_neuron(x, w, b); },
                        [=] {
                          return gl::gradcheck(
                              [&](const std::vector<gl::Value>& q) {
                                gl::Value z = q.back();
                                for (std::size_t i = 0; i < x.size(); ++i) z = z + q[i] * x[i];
                                return sigmoid(z);
                              },
                              p, {}, names);
                        }});
  };
  add({0.5, -1.2, 2.0}, {0.3, -0.8, 0.1}, 0.2);
  add(rnd(5), rnd(5), rnd.one());
  add(rnd(1), rnd(1), rnd.one());
  return ex;
}

Exercise mlp_weight_grad(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("mlp_weight_grad"), {},
              {"y reaches W1[j,i] only through hidden unit j: a[j] = sum_i W1[j,i] x[i] + b1[j], "
               "h[j] = tanh(a[j]), y = sum_j w2[j] h[j] + b2. Follow that one path.",
               "chain rule, one factor per op on the path: dy/dW1[j,i] = dy/dh[j] · dh[j]/da[j] "
               "· da[j]/dW1[j,i], and tanh'(a) = 1 - tanh(a)².",
               "dy/dW1[j,i] = w2[j] (1 - h[j]²) x[i], at j * D + i (D = x.size(), H rows)."}};
  auto add = [&](Vec x, Vec W1, Vec b1, Vec w2) {
    std::size_t H = b1.size(), D = x.size();
    ex.cases.push_back({"W1 " + dims(H, D) + ", x " + dims(D),
                        [=] { return answers.mlp_weight_grad(x, W1, b1, w2, H); },
                        [=] {
                          return gl::gradcheck(
                              [&](const std::vector<gl::Value>& p) {
                                gl::Value y = 0.3;  // b2
                                for (std::size_t j = 0; j < H; ++j) {
                                  gl::Value a = b1[j];
                                  for (std::size_t i = 0; i < D; ++i) a = a + p[j * D + i] * x[i];
                                  y = y + w2[j] * tanh(a);
                                }
                                return y;
                              },
                              W1, {}, names_of("W1", H, D));
                        }});
  };
  add({1.0, -0.5, 0.25}, {0.2, -0.4, 0.6, -0.3, 0.5, 0.1}, {0.1, -0.2}, {0.7, -1.1});
  add(rnd(2), rnd(6), rnd(3), rnd(3));
  add(rnd(4), rnd(4), rnd(1), rnd(1));
  return ex;
}

Exercise softmax_cross_entropy(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("softmax_cross_entropy"), {},
              {"write L without the softmax: L = -z[k] + log sum_j e^z[j], and differentiate "
               "each of the two terms by z[i].",
               "d/dz[i] of log sum_j e^z[j] is e^z[i] / sum_j e^z[j] = softmax(z)[i]; the term "
               "-z[k] adds -1, but only for i = k.",
               "dL/dz[i] = softmax(z)[i] - (i == k ? 1 : 0); subtract the largest z[j] before "
               "exp so that nothing overflows."}};
  auto add = [&](Vec z, std::size_t k) {
    ex.cases.push_back({"z " + dims(z.size()) + ", k = " + std::to_string(k),
                        [=] { return answers.softmax_cross_entropy(z, k); },
                        [=] {
                          auto n = static_cast<std::int64_t>(z.size()), t = static_cast<std::int64_t>(k);
                          return gl::gradcheck(
                              [t](const std::vector<gl::Tensor>& p) {
                                return -p[0].log_softmax(0).select(0, t);
                              },
                              {gl::tensor(z, {n})}, {}, {"z"});
                        }});
  };
  add({1.0, 2.0, 0.5, -1.0}, 1);
  add(rnd(6), 5);
  add(rnd(2), 0);
  return ex;
}

Exercise broadcast_add(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("broadcast_add"), {},
              {"out[i,j] = A[i,j] + b[j]: each A[i,j] is used once, each b[j] once in every "
               "row i (tutorial 05: the uses add up).",
               "G[i,j] = dL/dout[i,j]; each use of an operand passes its G[i,j] back times the "
               "local derivative 1, so dL/dA[i,j] = G[i,j] and b[j] collects one share per row.",
               "dL/dA = G (N·D numbers, row-major), then dL/db[j] = sum over i of G[i,j] "
               "(D numbers)."}};
  auto add = [&](Vec A, Vec bias, Vec G, std::size_t N, std::size_t D) {
    auto n = static_cast<std::int64_t>(N), d = static_cast<std::int64_t>(D);
    std::vector<std::string> names = names_of("A", N, D);
    for (std::size_t j = 0; j < D; ++j) names.push_back("b[" + std::to_string(j) + "]");
    ex.cases.push_back({"A " + dims(N, D) + ", b " + dims(D),
                        [=] { return answers.broadcast_add(G, N, D); },
                        [=] {
                          gl::Tensor g = gl::tensor(G, {n, d});
                          gl::GradCheckResult r = gl::gradcheck(
                              [g](const std::vector<gl::Tensor>& p) { return ((p[0] + p[1]) * g).sum(); },
                              {gl::tensor(A, {n, d}), gl::tensor(bias, {d})}, {}, {"A", "b"});
                          for (std::size_t i = 0; i < r.entries.size(); ++i) r.entries[i].name = names[i];
                          return r;
                        }});
  };
  add({0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, {0.1, 0.2, 0.3}, {1.0, -2.0, 0.5, 3.0, 1.0, -1.5}, 2, 3);
  add(rnd(6), rnd(2), rnd(6), 3, 2);
  add(rnd(4), rnd(4), rnd(4), 1, 4);
  return ex;
}

Exercise matmul(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("matmul"), {},
              {"C[i,j] = sum_k A[i,k] B[k,j]: A[i,k] appears in every C[i,j] of row i, B[k,j] "
               "in every C[i,j] of column j, and the uses add up.",
               "with G[i,j] = dL/dC[i,j]: dL/dA[i,k] = sum_j G[i,j] B[k,j] and "
               "dL/dB[k,j] = sum_i A[i,k] G[i,j].",
               "as matrices, dL/dA = G B^T (N, K) and dL/dB = A^T G (K, M): the shapes say which "
               "is transposed; return dL/dA, then dL/dB, each row-major."}};
  auto add = [&](Vec A, Vec B, Vec G, std::size_t N, std::size_t K, std::size_t M) {
    auto n = static_cast<std::int64_t>(N), k = static_cast<std::int64_t>(K), m = static_cast<std::int64_t>(M);
    ex.cases.push_back({"A " + dims(N, K) + ", B " + dims(K, M),
                        [=] { return answers.matmul(A, B, G, N, K, M); },
                        [=] {
                          gl::Tensor g = gl::tensor(G, {n, m});
                          return gl::gradcheck(
                              [g](const std::vector<gl::Tensor>& p) { return (p[0].matmul(p[1]) * g).sum(); },
                              {gl::tensor(A, {n, k}), gl::tensor(B, {k, m})}, {}, {"A", "B"});
                        }});
  };
  add({0.5, -1.0, 2.0, 1.5, 0.25, -0.75}, {1.0, 0.5, -0.5, 2.0, 0.25, -1.0}, {1.0, -1.0, 0.5, 2.0},
      2, 3, 2);
  add(rnd(3), rnd(4), rnd(12), 3, 1, 4);
  add(rnd(2), rnd(6), rnd(3), 1, 2, 3);
  return ex;
}

// softplus from gradlab's own ops: the reference the learner's op is held to.
gl::Value softplus_reference(const gl::Value& a) { return log(1 + exp(a)); }
gl::Tensor softplus_reference(const gl::Tensor& a) { return gl::log(1.0 + gl::exp(a)); }

// The learner's op must be one node named "softplus" on the input.
void check_one_op(const std::string& op, const std::vector<gl::Node*>& parents, const gl::Node* x) {
  if (op != "softplus" || parents.size() != 1 || parents[0] != x)
    throw Refused("softplus(x) gave " + (op.empty() ? std::string("a leaf (no op recorded)") : "an op named '" + op + "'") +
                  " with " + std::to_string(parents.size()) + " operand(s); expected one op named "
                  "'softplus' whose one operand is x: write it with make_result (op.hpp), not from "
                  "log and exp");
}

Exercise softplus(const Answers& answers, Numbers& rnd) {
  Exercise ex{heading("softplus"), {},
              {"an op is a static Op {name, backward, kind} and a function that computes the "
               "forward and calls make_result (chapter 13, <gradlab/op.hpp>).",
               "d/da log(1 + e^a) = e^a / (1 + e^a) = sigmoid(a); a backward adds out.grad times "
               "that into a.grad (for a Tensor, element by element, when a.grad is not null).",
               "forward std::log1p(std::exp(a)); backward a.grad += out.grad / (1 + "
               "std::exp(-a.data)), and for a Tensor the same for every i with out.grad[i], "
               "a.data[i], a.grad[i]."}};
  // Rows: the forward values first, then dL/dx with L = sum_i g[i] softplus(x)[i].
  auto forward_entries = [](const Vec& x, const std::string& base) {
    std::vector<gl::GradCheckEntry> rows;
    for (std::size_t i = 0; i < x.size(); ++i) {
      gl::GradCheckEntry e;
      e.name = "f(" + base + (x.size() > 1 ? "[" + std::to_string(i) + "]" : "") + ")";
      e.input = x[i];
      e.autograd = e.numeric = std::log1p(std::exp(x[i]));
      e.ok = true;
      rows.push_back(e);
    }
    return rows;
  };
  for (double x0 : {0.5, -3.0, rnd.one()}) {
    double g = 1.7;  // not 1: a backward must use out.grad
    ex.cases.push_back({"Value x = " + gradlab::number_text(x0), [=] {
                          gl::Value x(x0, "x");
                          gl::Value y = answers.softplus_value(x);
                          std::vector<gl::Node*> parents(y.node()->parents().begin(), y.node()->parents().end());
                          check_one_op(y.op(), parents, x.node());
                          (g * y).backward();
                          return Vec{y.data(), x.grad()};
                        },
                        [=] {
                          gl::GradCheckResult r = gl::gradcheck(
                              [g](const std::vector<gl::Value>& p) { return g * softplus_reference(p[0]); },
                              {x0}, {}, {"x"});
                          std::vector<gl::GradCheckEntry> rows = forward_entries({x0}, "x");
                          for (gl::GradCheckEntry& e : r.entries) rows.push_back(e), rows.back().name = "dL/d" + e.name;
                          r.entries = rows;
                          return r;
                        }});
  }
  for (gl::Shape shape : {gl::Shape{4}, gl::Shape{2, 3}, gl::Shape{1}}) {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;
    Vec x0 = rnd(static_cast<std::size_t>(n)), g = rnd(static_cast<std::size_t>(n));
    ex.cases.push_back({"Tensor x " + gl::to_string(shape), [=] {
                          gl::Tensor x = gl::tensor(x0, shape).requires_grad_();
                          gl::Tensor y = answers.softplus_tensor(x);
                          std::vector<gl::Node*> parents(y.node()->parents().begin(), y.node()->parents().end());
                          check_one_op(y.op(), parents, x.node());
                          if (y.shape() != shape)
                            throw Refused("softplus(x) has shape " + gl::to_string(y.shape()) +
                                          ", expected x's shape " + gl::to_string(shape));
                          (y * gl::tensor(g, shape)).sum().backward();
                          Vec out = y.to_vector(), dx = x.grad().to_vector();
                          out.insert(out.end(), dx.begin(), dx.end());
                          return out;
                        },
                        [=] {
                          gl::Tensor gt = gl::tensor(g, shape);
                          gl::GradCheckResult r = gl::gradcheck(
                              [gt](const std::vector<gl::Tensor>& p) { return (softplus_reference(p[0]) * gt).sum(); },
                              {gl::tensor(x0, shape)}, {}, {"x"});
                          std::vector<gl::GradCheckEntry> rows = forward_entries(x0, "x");
                          for (gl::GradCheckEntry& e : r.entries) rows.push_back(e), rows.back().name = "dL/d" + e.name;
                          r.entries = rows;
                          return r;
                        }});
  }
  return ex;
}

}  // namespace

std::vector<Exercise> exercises_for(const Answers& answers) {
  Numbers rnd;
  return {sigmoid_neuron(answers, rnd), mlp_weight_grad(answers, rnd),
          softmax_cross_entropy(answers, rnd), broadcast_add(answers, rnd), matmul(answers, rnd),
          softplus(answers, rnd)};
}

}  // namespace exercises
