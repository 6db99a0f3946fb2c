// SPDX-License-Identifier: MIT
// The checker of the whole step's exercises (7-10 in tutorials/course.txt): runs the step of whole_step.hpp with
// autograd, hands the learner its numbers, and compares every gradient the
// way the lecture's cmp does: exact, close (|a - b| <= 1e-8 + 1e-5 |b|), the
// largest difference and where it is (dW1[3,7]). Then trains two twins.
#include <cmath>
#include <cstdio>
#include <ostream>

#include "checker.hpp"
#include "course_table.hpp"
#include "words_data.hpp"
#include "exercises.hpp"
#include "whole_step.hpp"

namespace exercises {

namespace {

constexpr std::int64_t kN = 32, kBlock = 3, kE = 10, kH = 64, kV = 27;
constexpr int kTrainSteps = 200;  // exercise 10's training, both twins

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

// Where the batches come from: 32 contexts of the language model's words (its
// split's training words) when the word list is installed; else synthetic
// contexts, whose next character is the first of the context (or, one time
// in five, the second): something a net can learn quickly. Said so.
class Batches {
 public:
  Batches() {
    try {
      words_ = words_data::examples(gl::split_words(gl::load_words(), 42).train, kBlock);
    } catch (const std::exception& e) {
      why_not_ = e.what();
    }
  }
  std::string source() const {
    return why_not_.empty() ? "the real words: 32 contexts a batch from the training words of " +
                                  course::ref("language_model")
                            : "synthetic contexts (the word list is not there: " + why_not_ + ")";
  }
  void next(std::int64_t n, gl::Tensor& X, gl::Tensor& Y) const {
    if (why_not_.empty()) {
      words_data::Examples b = words_data::minibatch(words_, n);
      X = b.X;
      Y = b.Y;
      return;
    }
    std::vector<double> x, y;
    for (std::int64_t i = 0; i < n; ++i) {
      double a = std::floor(gl::uniform(0, kV)), b = std::floor(gl::uniform(0, kV)),
             c = std::floor(gl::uniform(0, kV));
      x.insert(x.end(), {a, b, c});
      y.push_back(gl::uniform() < 0.2 ? b : a);
    }
    X = gl::tensor(x, {n, kBlock});
    Y = gl::tensor(y, {n});
  }

 private:
  words_data::Examples words_;
  std::string why_not_;
};

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

// The first failing row's name ("dbndiff2"), or empty.
struct Rows {
  bool ok = true;
  std::string first_fail;
  void add(bool pass, const std::string& name) {
    if (!pass && first_fail.empty()) first_fail = name;
    ok = ok && pass;
  }
};

int check_whole_step(const WholeStep& answers, std::ostream& os, const HintLevel& hints, int* not_written) {
  const Batches batches;
  Step p = make_parameters(6);
  gl::Tensor X, Y;
  batches.next(kN, X, Y);
  Step s = forward(p, X, Y);
  s["loss"].backward();  // autograd's answers: every tensor keeps its gradient
  const Step numbers = detached(s);
  int failed = 0;
  // Prints the exercise's hint at its level when it failed (not when it is
  // not written yet: no hint, no try), and counts it.
  int todo_before = *not_written;
  auto verdict = [&](const char* name, bool ok, const std::array<std::string, 3>& hint) {
    const int number = course::exercise(name).number;
    const bool todo = *not_written > todo_before;
    todo_before = *not_written;
    if (!ok && !todo) print_hint(os, hints.level(number), hint);
    hints.after(number, !ok && !todo);
    failed += !ok;
  };

  os << "\n" << heading("atoms") << "\n  The step runs on " << batches.source() << ".\n";
  Grads atoms;
  Rows rows;
  rows.ok = attempt([&] { atoms = answers.atoms(numbers); }, os, "my_whole_step.cpp", not_written);
  if (rows.ok)  // every atom, as the lecture's cmp lists them, the failing ones too
    for (const std::string& n : step_names()) rows.add(cmp("d" + n, atoms, s[n].grad(), os), n);
  verdict("atoms", rows.ok, atom_hints(rows.first_fail.empty() ? "logprobs" : rows.first_fail));

  os << "\n" << heading("cross_entropy") << "\n";
  Grads one;
  bool ok = attempt([&] { one["dlogits"] = answers.cross_entropy(numbers.at("logits"), Y); }, os,
                    "my_whole_step.cpp", not_written) &&
            cmp("dlogits", one, s["logits"].grad(), os);
  verdict("cross_entropy", ok, exercise_hints("cross_entropy"));

  os << "\n" << heading("batch_norm") << "\n";
  ok = attempt([&] { one["dhprebn"] = answers.batch_norm(numbers.at("hprebn"), numbers.at("bngain"),
                                                        s["hpreact"].grad()); }, os, "my_whole_step.cpp",
               not_written) &&
       cmp("dhprebn", one, s["hprebn"].grad(), os);
  verdict("batch_norm", ok, exercise_hints("batch_norm"));

  os << "\n" << heading("step_backward") << "\n";
  // First the parameters' gradients of the step above, each compared; then
  // the training.
  Grads mine_once;
  rows = Rows{};
  rows.ok = attempt([&] { mine_once = answers.step_backward(numbers); }, os, "my_whole_step.cpp", not_written);
  if (rows.ok)
    for (const std::string& n : kParams) rows.add(cmp("d" + n, mine_once, s[n].grad(), os), n);
  Step mine = detached(make_parameters(9)), twin = make_parameters(9);
  std::vector<double> my_loss, twin_loss;
  ok = rows.ok && attempt([&] {
    for (int step = 0; step < kTrainSteps; ++step) {
      gl::Tensor bx, by;
      batches.next(kN, bx, by);
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
    // The two curves, step by step, and the mean of each 40 steps to show.
    double worst = 0;
    for (std::size_t i = 0; i < my_loss.size(); ++i) worst = std::max(worst, std::abs(my_loss[i] - twin_loss[i]));
    auto mean = [](const std::vector<double>& v, std::size_t from, std::size_t n) {
      double sum = 0;
      for (std::size_t i = from; i < from + n; ++i) sum += v[i];
      return sum / static_cast<double>(n);
    };
    char line[160];
    os << "  steps     your loss   autograd's   (mean of 40 steps)\n";
    for (std::size_t i = 0; i + 40 <= my_loss.size(); i += 40) {
      std::snprintf(line, sizeof line, "  %3zu-%-3zu   %9.6f   %9.6f\n", i, i + 39, mean(my_loss, i, 40),
                    mean(twin_loss, i, 40));
      os << line;
    }
    const std::size_t last = my_loss.size() - 40;
    ok = worst < 1e-8 && mean(my_loss, last, 40) < mean(my_loss, 0, 40);
    std::snprintf(line, sizeof line, "  %s  the same loss curve, falling: largest difference %.1e over %d steps\n",
                  ok ? "pass" : "FAIL", worst, kTrainSteps);
    os << line;
  }
  std::array<std::string, 3> hint = exercise_hints("step_backward");
  if (!rows.first_fail.empty()) hint[0] = "d" + rows.first_fail + " is the first gradient that FAILs above. " + hint[0];
  verdict("step_backward", ok, hint);
  return failed;
}

}  // namespace exercises
