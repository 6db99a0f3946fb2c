// SPDX-License-Identifier: MIT
// Checking autograd against finite differences: for f of n Values, compares
// each df/dx_i from backward() with the central difference
// (f(x + h e_i) - f(x - h e_i)) / 2h, and reports both side by side.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

struct GradCheckOptions {
  double step = 1e-6;  // h
  double atol = 1e-6;  // an input passes when |numeric - autograd| <= atol + rtol * |numeric|
  double rtol = 1e-5;
};

struct GradCheckEntry {
  std::string name;  // the name given, or x0, x1, ...
  double input;      // x_i
  double numeric;    // central difference
  double autograd;   // from backward()
  double abs_diff;   // |numeric - autograd|
  double rel_diff;   // abs_diff / max(|numeric|, |autograd|), 0 when both are 0
  bool ok;
};

struct GradCheckResult {
  double value = 0;  // f(x)
  std::vector<GradCheckEntry> entries;
  bool ok() const;
};

using ScalarFunction = std::function<Value(const std::vector<Value>& x)>;

// Evaluates f at `inputs` with autograd and by central differences. `names`,
// when given, must have one name per input. Throws std::invalid_argument for
// a non-positive step or a names/inputs mismatch; f's own errors propagate.
GradCheckResult gradcheck(const ScalarFunction& f, const std::vector<double>& inputs,
                          const GradCheckOptions& options = {},
                          const std::vector<std::string>& names = {});

// The same for a function of tensors that returns a one-element tensor: one
// entry per input element, named by its index: x0[0], x0[1], ... for a
// vector, W[i,k] for a matrix (or the name given, then the index).
using TensorFunction = std::function<Tensor(const std::vector<Tensor>& x)>;
GradCheckResult gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& options = {},
                          const std::vector<std::string>& names = {});

// Gradients of gradients (grad.hpp), checked the same way: every second
// derivative d2f/dxi dxj, from differentiating f's gradient again, beside
// the central difference of the gradient itself along x_j. One entry per
// pair, named "d2f/dxi dxj" (inputs named as above); `input` is x_j. For
// tensors, every element pair of every input (keep them small: n^2 entries).
GradCheckResult gradgradcheck(const ScalarFunction& f, const std::vector<double>& inputs,
                              const GradCheckOptions& options = {},
                              const std::vector<std::string>& names = {});
GradCheckResult gradgradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs,
                              const GradCheckOptions& options = {},
                              const std::vector<std::string>& names = {});

// A table: input, value, numeric, autograd, abs diff, rel diff, pass/FAIL.
std::ostream& operator<<(std::ostream& os, const GradCheckResult& result);

}  // namespace gradlab
