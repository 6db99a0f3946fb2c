// SPDX-License-Identifier: MIT
// Finite-difference gradient checking for functions of Values.

#include <gradlab/gradcheck.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <stdexcept>

#include <gradlab/grad_mode.hpp>

#include "tensor/tensor_internal.hpp"

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

// One row of the report: the central difference from f(x+h) and f(x-h).
GradCheckEntry entry(std::string name, double input, double up, double down, double autograd,
                     const GradCheckOptions& options) {
  GradCheckEntry e;
  e.name = std::move(name);
  e.input = input;
  e.numeric = (up - down) / (2 * options.step);
  e.autograd = autograd;
  e.abs_diff = std::abs(e.numeric - e.autograd);
  double scale = std::max(std::abs(e.numeric), std::abs(e.autograd));
  e.rel_diff = scale > 0 ? e.abs_diff / scale : 0.0;
  e.ok = e.abs_diff <= options.atol + options.rtol * std::abs(e.numeric);  // false for NaN
  return e;
}

void check_arguments(const GradCheckOptions& options, std::size_t names, std::size_t inputs) {
  if (!(options.step > 0)) throw std::invalid_argument("gradcheck: step must be positive");
  if (names != 0 && names != inputs)
    throw std::invalid_argument("gradcheck: " + std::to_string(names) + " names for " +
                                std::to_string(inputs) + " inputs");
}

}  // namespace

GradCheckResult gradcheck(const ScalarFunction& f, const std::vector<double>& inputs,
                          const GradCheckOptions& options, const std::vector<std::string>& names) {
  check_arguments(options, names.size(), inputs.size());
  GradCheckResult result;
  std::vector<Value> x(inputs.begin(), inputs.end());
  Value y = f(x);
  result.value = y.data();
  if (y.requires_grad()) y.backward();  // otherwise f ignores x: every gradient is 0

  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> plus = inputs, minus = inputs;
    plus[i] += options.step;
    minus[i] -= options.step;
    result.entries.push_back(entry(names.empty() ? std::string("x").append(std::to_string(i)) : names[i],
                                   inputs[i], evaluate(f, plus), evaluate(f, minus), x[i].grad(),
                                   options));
  }
  return result;
}

GradCheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& options, const std::vector<std::string>& names) {
  check_arguments(options, names.size(), inputs.size());
  // Fresh leaves, so the caller's tensors and their gradients stay as they were.
  std::vector<Tensor> x;
  for (const Tensor& t : inputs) x.push_back(t.detach().requires_grad_());
  GradCheckResult result;
  Tensor y = f(x);
  result.value = y.item();
  if (y.requires_grad()) y.backward();
  // Probes move one element of a private copy of the inputs, then put it back.
  std::vector<Tensor> probe_inputs;
  for (const Tensor& t : x) probe_inputs.push_back(t.detach());
  auto probe = [&](std::size_t i, std::size_t j, double delta) {
    NoGradGuard no_grad;
    double keep = probe_inputs[i].data()[j];
    probe_inputs[i].data()[j] = keep + delta;
    double y = f(probe_inputs).item();
    probe_inputs[i].data()[j] = keep;
    return y;
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<double> grad = x[i].grad().to_vector();
    std::string base = names.empty() ? std::string("x").append(std::to_string(i)) : names[i];
    for (std::size_t j = 0; j < grad.size(); ++j) {  // rows named W[i,k], as explode names leaves
      std::string name = detail::element_name(base, x[i].shape(), static_cast<std::int64_t>(j));
      result.entries.push_back(entry(name, x[i].data()[j], probe(i, j, options.step),
                                     probe(i, j, -options.step), grad[j], options));
    }
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
