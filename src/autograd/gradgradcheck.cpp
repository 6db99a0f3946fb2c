// SPDX-License-Identifier: MIT
// Checking gradients of gradients against finite differences of gradients:
// every second derivative d2f/dxi dxj from grad(grad(f)) beside
// (g_i(x + h e_j) - g_i(x - h e_j)) / 2h, where g = grad(f) on numbers.

#include <gradlab/gradcheck.hpp>

#include <gradlab/grad.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "tensor/tensor_internal.hpp"

namespace gradlab {

namespace {

void check_options(const char* who, const GradCheckOptions& options, std::size_t inputs,
                   const std::vector<std::string>& names) {
  if (!(options.step > 0))
    throw std::invalid_argument(std::string(who) + ": step must be positive, got " + number_text(options.step));
  if (!names.empty() && names.size() != inputs)
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(names.size()) + " names for " +
                                std::to_string(inputs) + " inputs");
}

GradCheckEntry entry(std::string name, double input, double numeric, double autograd,
                     const GradCheckOptions& options) {
  GradCheckEntry e{std::move(name), input, numeric, autograd, std::abs(numeric - autograd), 0, false};
  double scale = std::max(std::abs(numeric), std::abs(autograd));
  e.rel_diff = scale > 0 ? e.abs_diff / scale : 0;
  e.ok = e.abs_diff <= options.atol + options.rtol * std::abs(numeric);
  return e;
}

// "d2f/dx dy" from the two inputs' names.
std::string second(const std::string& a, const std::string& b) { return "d2f/d" + a + " d" + b; }

// The gradient of f at x, as numbers.
std::vector<double> gradient_at(const ScalarFunction& f, const std::vector<double>& x) {
  std::vector<Value> xs(x.begin(), x.end());
  std::vector<double> g;
  for (const Value& d : grad(f(xs), xs)) g.push_back(d.data());
  return g;
}

}  // namespace

GradCheckResult gradgradcheck(const ScalarFunction& f, const std::vector<double>& inputs,
                              const GradCheckOptions& options, const std::vector<std::string>& names) {
  check_options("gradgradcheck", options, inputs.size(), names);
  const std::size_t n = inputs.size();
  auto name = [&](std::size_t i) {
    return names.empty() ? std::string("x").append(std::to_string(i)) : names[i];
  };
  GradCheckResult result;
  std::vector<Value> xs(inputs.begin(), inputs.end());
  Value y = f(xs);
  result.value = y.data();
  std::vector<Value> g = grad(y, xs, true);  // first derivatives, as nodes
  std::vector<std::vector<double>> autograd(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const Value& d : grad(g[i], xs)) autograd[i].push_back(d.data());
  for (std::size_t j = 0; j < n; ++j) {  // column j: g moved along x_j
    std::vector<double> up = inputs, down = inputs;
    up[j] += options.step;
    down[j] -= options.step;
    std::vector<double> gu = gradient_at(f, up), gd = gradient_at(f, down);
    for (std::size_t i = 0; i < n; ++i) {
      double numeric = (gu[i] - gd[i]) / (2 * options.step);
      result.entries.push_back(entry(second(name(i), name(j)), inputs[j], numeric, autograd[i][j], options));
    }
  }
  return result;
}

GradCheckResult gradgradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                              const GradCheckOptions& options, const std::vector<std::string>& names) {
  check_options("gradgradcheck", options, inputs.size(), names);
  // Every element of every input, flattened: (input, element).
  std::vector<std::pair<std::size_t, std::int64_t>> elements;
  for (std::size_t p = 0; p < inputs.size(); ++p)
    for (std::int64_t e = 0; e < inputs[p].numel(); ++e) elements.emplace_back(p, e);
  auto element = [&](std::size_t k) {
    auto [p, e] = elements[k];
    std::string base = names.empty() ? std::string("x").append(std::to_string(p)) : names[p];
    return detail::element_name(base, inputs[p].shape(), e);
  };
  auto leaves = [&](const std::vector<std::vector<double>>& numbers) {
    std::vector<Tensor> xs;
    for (std::size_t p = 0; p < inputs.size(); ++p)
      xs.push_back(tensor(numbers[p], inputs[p].shape()).requires_grad_());
    return xs;
  };
  auto one_number = [](const Tensor& y) {
    if (y.numel() != 1)
      throw std::invalid_argument("gradgradcheck: f must return one number, got shape " + to_string(y.shape()));
  };
  std::vector<std::vector<double>> x0;
  for (const Tensor& t : inputs) x0.push_back(t.data());
  // The gradient at some numbers, flattened like `elements`.
  auto gradient_at = [&](const std::vector<std::vector<double>>& numbers) {
    std::vector<Tensor> xs = leaves(numbers);
    Tensor y = f(xs);
    one_number(y);
    std::vector<Tensor> d = autograd::grad({y}, xs, {}, std::nullopt, false, true);
    std::vector<double> flat;
    for (std::size_t p = 0; p < xs.size(); ++p)
      if (d[p].defined()) flat.insert(flat.end(), d[p].data().begin(), d[p].data().end());
      else flat.resize(flat.size() + static_cast<std::size_t>(xs[p].numel()), 0.0);  // unused: 0
    return flat;
  };
  GradCheckResult result;
  std::vector<Tensor> xs = leaves(x0);
  Tensor y = f(xs);
  one_number(y);
  result.value = y.data()[0];
  std::vector<Tensor> g = autograd::grad({y}, xs, {}, true, true, true);
  const std::size_t n = elements.size();
  std::vector<std::vector<double>> autograd(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) {  // row i: the gradient of g_i
    auto [p, e] = elements[i];
    if (!g[p].defined() || !g[p].requires_grad()) continue;  // g_i is a constant: its row is 0
    std::vector<double> pick(static_cast<std::size_t>(g[p].numel()), 0.0);
    pick[static_cast<std::size_t>(e)] = 1;
    std::vector<Tensor> row =
        autograd::grad({g[p]}, xs, {tensor(pick, g[p].shape())}, true, false, true);
    std::size_t j = 0;
    for (std::size_t q = 0; q < xs.size(); ++q)
      for (std::int64_t k = 0; k < xs[q].numel(); ++k, ++j)
        autograd[i][j] = row[q].defined() ? row[q].data()[static_cast<std::size_t>(k)] : 0.0;
  }
  for (std::size_t j = 0; j < n; ++j) {
    auto [q, k] = elements[j];
    std::vector<std::vector<double>> up = x0, down = x0;
    up[q][static_cast<std::size_t>(k)] += options.step;
    down[q][static_cast<std::size_t>(k)] -= options.step;
    std::vector<double> gu = gradient_at(up), gd = gradient_at(down);
    for (std::size_t i = 0; i < n; ++i) {
      double numeric = (gu[i] - gd[i]) / (2 * options.step);
      result.entries.push_back(entry(second(element(i), element(j)),
                                     inputs[q].data()[static_cast<std::size_t>(k)], numeric, autograd[i][j],
                                     options));
    }
  }
  return result;
}

}  // namespace gradlab
