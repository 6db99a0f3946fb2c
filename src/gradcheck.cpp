// SPDX-License-Identifier: MIT
// Finite-difference gradient checking for functions of Values.

#include <gradlab/gradcheck.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include <gradlab/grad_mode.hpp>

namespace gradlab {

bool GradCheckResult::ok() const {
  return std::all_of(entries.begin(), entries.end(), [](const GradCheckEntry& e) { return e.ok; });
}

namespace {
double evaluate(const ScalarFunction& f, const std::vector<double>& x) {
  NoGradGuard no_grad;  // probes need values only
  std::vector<Value> in(x.begin(), x.end());
  return f(in).data();
}
}  // namespace

GradCheckResult gradcheck(const ScalarFunction& f, const std::vector<double>& inputs,
                          const GradCheckOptions& options, const std::vector<std::string>& names) {
  if (!(options.step > 0)) throw std::invalid_argument("gradcheck: step must be positive");
  if (!names.empty() && names.size() != inputs.size())
    throw std::invalid_argument("gradcheck: " + std::to_string(names.size()) + " names for " +
                                std::to_string(inputs.size()) + " inputs");
  GradCheckResult result;
  std::vector<Value> x(inputs.begin(), inputs.end());
  Value y = f(x);
  result.value = y.data();
  if (y.requires_grad()) y.backward();  // otherwise f ignores x: every gradient is 0

  const double h = options.step;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> plus = inputs, minus = inputs;
    plus[i] += h;
    minus[i] -= h;
    GradCheckEntry e;
    e.name = names.empty() ? std::string("x").append(std::to_string(i)) : names[i];
    e.input = inputs[i];
    e.numeric = (evaluate(f, plus) - evaluate(f, minus)) / (2 * h);
    e.autograd = x[i].grad();
    e.abs_diff = std::abs(e.numeric - e.autograd);
    double scale = std::max(std::abs(e.numeric), std::abs(e.autograd));
    e.rel_diff = scale > 0 ? e.abs_diff / scale : 0.0;
    e.ok = e.abs_diff <= options.atol + options.rtol * std::abs(e.numeric);  // false for NaN
    result.entries.push_back(e);
  }
  return result;
}

std::ostream& operator<<(std::ostream& os, const GradCheckResult& result) {
  char line[160];
  std::snprintf(line, sizeof line, "%-10s %12s %14s %14s %10s %10s  %s\n", "input", "value",
                "numeric", "autograd", "abs diff", "rel diff", "check");
  os << line;
  for (const GradCheckEntry& e : result.entries) {
    std::snprintf(line, sizeof line, "%-10s %12.6g %14.8g %14.8g %10.2e %10.2e  %s\n",
                  e.name.c_str(), e.input, e.numeric, e.autograd, e.abs_diff, e.rel_diff,
                  e.ok ? "pass" : "FAIL");
    os << line;
  }
  return os;
}

}  // namespace gradlab
