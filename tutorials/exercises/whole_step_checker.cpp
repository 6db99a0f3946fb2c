// SPDX-License-Identifier: MIT
// The checker of the whole step's exercises (7-10 in tutorials/course.txt): runs the step of whole_step.hpp with
// autograd, hands the learner its numbers, and compares every gradient the
// way the lecture's cmp does: exact, close (|a - b| <= 1e-8 + 1e-5 |b|), the
// largest difference and where it is (dW1[3,7]). Then trains two twins.
#include <cmath>
#include <cstdio>
#include <ostream>

#include "checker.hpp"
#include "exercises.hpp"
#include "whole_step.hpp"

namespace exercises {

namespace {

constexpr std::int64_t kN = 32, kBlock = 3, kE = 10, kH = 64, kV = 27;

const std::vector<std::string> kParams = {"C", "W1", "b1", "bngain", "bnbias", "W2", "b2"};

// Parameters of a fresh net, as leaves that take gradients.
Step make_parameters(std::uint64_t seed) {
  gl::manual_seed(seed);
  Step p;
  p["C"] = gl::randn({kV, kE});
  p["W1"] = gl::randn({kBlock * kE, kH}) * (5.0 / 3.0 / std::sqrt(30.0));
  p["b1"] = gl::randn({kH}) * 0.1;  // useless before BatchNorm, but there: its gradient is ~0
  p["bngain"] = gl::randn({1, kH}) * 0.1 + 1.0;
  p["bnbias"] = gl::randn({1, kH}) * 0.1;
  p["W2"] = gl::randn({kH, kV}) * 0.1;
  p["b2"] = gl::randn({kV}) * 0.1;
  for (auto& [name, t] : p) t.requires_grad_();
  return p;
}

// A batch: random contexts; the next character is the first of the context
// (or, one time in five, the second): something a net can learn quickly.
void make_batch(std::int64_t n, gl::Tensor& X, gl::Tensor& Y) {
  std::vector<double> x, y;
  for (std::int64_t i = 0; i < n; ++i) {
    double a = std::floor(gl::uniform(0, kV)), b = std::floor(gl::uniform(0, kV)), c = std::floor(gl::uniform(0, kV));
    x.insert(x.end(), {a, b, c});
    y.push_back(gl::uniform() < 0.2 ? b : a);
  }
  X = gl::tensor(x, {n, kBlock});
  Y = gl::tensor(y, {n});
}

// The forward of whole_step.hpp, line by line; every tensor kept by name.
Step forward(const Step& p, const gl::Tensor& X, const gl::Tensor& Y) {
  Step s = p;
  const double N = static_cast<double>(X.shape()[0]);
  s["X"] = X;
  s["Y"] = Y;
  s["emb"] = gl::nn::functional::embedding(X, p.at("C"));
  s["embcat"] = s["emb"].reshape({X.shape()[0], kBlock * kE});
  s["hprebn"] = s["embcat"].matmul(p.at("W1")) + p.at("b1");
  s["bnmean"] = s["hprebn"].mean(0, true);
  s["bndiff"] = s["hprebn"] - s["bnmean"];
  s["bndiff2"] = s["bndiff"].pow(2);
  s["bnvar"] = s["bndiff2"].sum(0, true) / (N - 1);
  s["bnvar_inv"] = (s["bnvar"] + 1e-5).pow(-0.5);
  s["bnraw"] = s["bndiff"] * s["bnvar_inv"];
  s["hpreact"] = p.at("bngain") * s["bnraw"] + p.at("bnbias");
  s["h"] = s["hpreact"].tanh();
  s["logits"] = s["h"].matmul(p.at("W2")) + p.at("b2");
  s["logit_maxes"] = s["logits"].max(1, true);
  s["norm_logits"] = s["logits"] - s["logit_maxes"];
  s["counts"] = s["norm_logits"].exp();
  s["counts_sum"] = s["counts"].sum(1, true);
  s["counts_sum_inv"] = s["counts_sum"].pow(-1);
  s["probs"] = s["counts"] * s["counts_sum_inv"];
  s["logprobs"] = s["probs"].log();
  s["loss"] = -s["logprobs"].gather(1, Y.reshape({-1, 1})).mean();
  return s;
}

Step detached(const Step& s) {
  Step out;
  for (auto& [name, t] : s) out[name] = t.detach();
  return out;
}

// "dW1[3,7]": where in a tensor of `shape` the flat index i is.
std::string at_index(const std::string& name, const gl::Shape& shape, std::size_t i) {
  std::string idx;
  for (std::size_t d = shape.size(); d-- > 0;) {
    auto size = static_cast<std::size_t>(shape[d]);
    idx = std::to_string(i % size) + (idx.empty() ? "" : "," + idx);
    i /= size;
  }
  return name + "[" + idx + "]";
}

// One row of cmp; true when close.
bool cmp(const std::string& name, const Grads& yours, const gl::Tensor& want, std::ostream& os) {
  char line[200];
  auto it = yours.find(name);
  if (it == yours.end() || it->second.shape() != want.shape()) {
    std::snprintf(line, sizeof line, "  FAIL  %-16s %s (expected shape %s)\n", name.c_str(),
                  it == yours.end() ? "missing" : ("has shape " + gl::to_string(it->second.shape())).c_str(),
                  gl::to_string(want.shape()).c_str());
    os << line;
    return false;
  }
  bool exact = true, close = true;
  double worst = 0;
  std::size_t where = 0;
  const std::vector<double>&a = it->second.data(), &b = want.data();
  for (std::size_t i = 0; i < a.size(); ++i) {
    double diff = std::abs(a[i] - b[i]);
    exact = exact && a[i] == b[i];
    close = close && diff <= 1e-8 + 1e-5 * std::abs(b[i]);  // false for NaN
    if (!(diff <= worst)) worst = diff, where = i;
  }
  std::snprintf(line, sizeof line, "  %s  %-16s exact %-3s  close %-3s  max diff %8.1e at %s\n",
                close ? "pass" : "FAIL", name.c_str(), exact ? "yes" : "no", close ? "yes" : "no", worst,
                at_index(name, want.shape(), where).c_str());
  os << line;
  return close;
}

// Runs f, printing TODO or the exception instead of failing hard; counts
// the exercises not written yet.
template <class F>
bool attempt(F f, std::ostream& os, const char* file, int* not_written) {
  try {
    f();
    return true;
  } catch (const Todo& todo) {
    ++*not_written;
    os << "  TODO: " << todo.what() << ".\n  Write it in tutorials/exercises/" << file
       << ", then `make exercise` again.\n";
  } catch (const std::exception& e) {
    os << "  FAIL: your code threw: " << e.what() << "\n";
  }
  return false;
}

}  // namespace

const std::vector<std::string>& step_names() {
  static const std::vector<std::string> names = {
      "logprobs", "probs", "counts_sum_inv", "counts_sum", "counts", "norm_logits", "logit_maxes",
      "logits", "h", "W2", "b2", "hpreact", "bngain", "bnbias", "bnraw", "bnvar_inv", "bnvar",
      "bndiff2", "bndiff", "bnmean", "hprebn", "embcat", "W1", "b1", "emb", "C"};
  return names;
}
const std::vector<std::string>& parameter_names() { return kParams; }

int check_whole_step(const WholeStep& answers, std::ostream& os, int* not_written) {
  Step p = make_parameters(6);
  gl::Tensor X, Y;
  make_batch(kN, X, Y);
  Step s = forward(p, X, Y);
  s["loss"].backward();  // autograd's answers: every tensor keeps its gradient
  const Step numbers = detached(s);
  int failed = 0;
  auto title = [&](const char* name) { os << "\n" << heading(name) << "\n"; };

  title("atoms");
  Grads atoms;
  bool ok = attempt([&] { atoms = answers.atoms(numbers); }, os, "my_whole_step.cpp", not_written);
  for (const std::string& n : step_names())
    if (ok) ok = cmp("d" + n, atoms, s[n].grad(), os) && ok;
  if (!ok) os << "  hint: each gradient is the next one's times one local derivative; a tensor\n"
                 "  used twice (counts, bndiff) adds both; a broadcast operand sums over the\n"
                 "  broadcast dim; bnvar divided by N - 1\n";
  failed += !ok;

  title("cross_entropy");
  Grads one;
  ok = attempt([&] { one["dlogits"] = answers.cross_entropy(numbers.at("logits"), Y); }, os, "my_whole_step.cpp", not_written) &&
       cmp("dlogits", one, s["logits"].grad(), os);
  if (!ok) os << "  hint: softmax(logits) - one_hot(Y), divided by N (the loss is a mean)\n";
  failed += !ok;

  title("batch_norm");
  ok = attempt([&] { one["dhprebn"] = answers.batch_norm(numbers.at("hprebn"), numbers.at("bngain"),
                                                        s["hpreact"].grad()); }, os, "my_whole_step.cpp", not_written) &&
       cmp("dhprebn", one, s["hprebn"].grad(), os);
  if (!ok) os << "  hint: bngain * bnvar_inv / N * (N dh - sum(dh) - N/(N-1) bnraw sum(dh bnraw)),\n"
                 "  the sums over the batch\n";
  failed += !ok;

  title("step_backward");
  Step mine = detached(make_parameters(9)), twin = make_parameters(9);
  std::vector<double> my_loss, twin_loss;
  ok = attempt([&] {
    for (int step = 0; step < 150; ++step) {
      gl::Tensor bx, by;
      make_batch(kN, bx, by);
      Step t = forward(twin, bx, by);
      for (auto& name : kParams) twin[name].zero_grad();
      t["loss"].backward();
      twin_loss.push_back(t["loss"].item());
      Step m;
      {
        gl::NoGradGuard no_grad;
        m = forward(mine, bx, by);
      }
      my_loss.push_back(m["loss"].item());
      Grads g = answers.step_backward(m);
      for (auto& name : kParams) {
        gl::Tensor dp = g.at("d" + name), grad = twin[name].grad();
        for (std::size_t i = 0; i < dp.data().size(); ++i) {
          mine[name].data()[i] -= 0.1 * dp.data()[i];
          twin[name].data()[i] -= 0.1 * grad.data()[i];
        }
      }
    }
  }, os, "my_whole_step.cpp", not_written);
  if (ok) {
    double worst = 0;
    for (std::size_t i = 0; i < my_loss.size(); ++i) worst = std::max(worst, std::abs(my_loss[i] - twin_loss[i]));
    char line[160];
    os << "  step   your loss   autograd's\n";
    for (std::size_t i : {0, 30, 60, 90, 120, 149}) {
      std::snprintf(line, sizeof line, "  %4zu   %9.6f   %9.6f\n", i, my_loss[i], twin_loss[i]);
      os << line;
    }
    ok = worst < 1e-8 && my_loss.back() < my_loss.front() - 1.0;
    std::snprintf(line, sizeof line, "  %s  the same loss curve: largest difference %.1e over 150 steps\n",
                  ok ? "pass" : "FAIL", worst);
    os << line;
  }
  if (!ok) os << "  hint: step_backward gives dC, dW1, db1, dbngain, dbnbias, dW2 and db2:\n"
                 "  8 and 9, then the linear, tanh and embedding backwards of 7\n";
  failed += !ok;
  return failed;
}

}  // namespace exercises
