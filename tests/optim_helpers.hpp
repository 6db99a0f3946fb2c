// SPDX-License-Identifier: MIT
// What the optimizer suites share: a parameter, a gradient set through
// backward, and element-by-element comparison with hand-computed numbers.
#pragma once

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <gradlab/optim/optimizer.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::testing {

inline Tensor parameter(std::vector<double> values) {
  Shape shape{static_cast<std::int64_t>(values.size())};
  return tensor(std::move(values), shape).requires_grad_();
}

// Makes p's gradient exactly g: d/dp sum(p * g) = g.
inline void give_grad(Tensor p, const std::vector<double>& g) {
  p.zero_grad();
  (p * tensor(g, p.shape())).sum().backward();
}

// Each element within 1e-12 (relative to its size, at least absolute).
inline void check_close(const std::vector<double>& actual, const std::vector<double>& expected) {
  BOOST_TEST_REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i)
    BOOST_TEST(std::abs(actual[i] - expected[i]) <= 1e-12 * std::max(1.0, std::abs(expected[i])),
               "element " << i << ": " << actual[i] << " vs expected " << expected[i]);
}

// Runs `steps` steps of `opt` on f(p) = sum (p - target)^2 with target
// [1, 2, -1] (p has three elements) and returns p - target: what is left.
inline std::vector<double> distance_after(optim::Optimizer& opt, Tensor p, int steps) {
  Tensor target = tensor({1, 2, -1});
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    (p - target).pow(2).sum().backward();
    opt.step();
  }
  return (p - target).to_vector();
}

}  // namespace gradlab::testing
