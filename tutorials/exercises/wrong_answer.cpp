// SPDX-License-Identifier: MIT
// A deliberately wrong answer, for the tests: the solutions, except for two
// of the most common slips. The softmax cross-entropy gradient forgets to
// subtract 1 at the target class, and the softplus op's backward forgets to
// multiply by out.grad (right only when the op is the last one). The
// checker must report both as FAIL with a hint.
#include "exercises.hpp"

#include <cmath>

#include <gradlab/op.hpp>

namespace exercises {

namespace gl = gradlab;

gl::Value softplus_forgetting_out_grad(const gl::Value& a) {
  double data = std::log1p(std::exp(a.data()));  // forward
  static constexpr gl::Op op{"softplus", [](gl::Node& n) {  // backward
    auto [out, a] = gl::unary_slots(n);
    a.grad += 1 / (1 + std::exp(-a.data));  // wrong: "* out.grad" is missing
  }, &gl::kScalarKind};
  return gl::make_result(data, op, a);
}

Answers wrong_answers() {
  Answers a = solutions();
  a.softmax_cross_entropy = [](const Vec& z, std::size_t) {
    double sum = 0;
    for (double zi : z) sum += std::exp(zi);
    Vec d;
    for (double zi : z) d.push_back(std::exp(zi) / sum);  // softmax alone: "- [i == k]" is missing
    return d;
  };
  a.softplus_value = [](const gl::Value& x) { return softplus_forgetting_out_grad(x); };
  a.whole_step = whole_step_wrong_answers();
  return a;
}

}  // namespace exercises
