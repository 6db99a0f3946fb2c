// SPDX-License-Identifier: MIT
// A deliberately wrong answer, for the tests: the solutions, except that the
// softmax cross-entropy gradient forgets to subtract 1 at the target class
// (the most common slip). The checker must report it as FAIL with a hint.
#include "exercises.hpp"

#include <cmath>

namespace exercises {

Answers wrong_answers() {
  Answers a = solutions();
  a.softmax_cross_entropy = [](const Vec& z, std::size_t) {
    double sum = 0;
    for (double zi : z) sum += std::exp(zi);
    Vec d;
    for (double zi : z) d.push_back(std::exp(zi) / sum);  // softmax alone: "- [i == k]" is missing
    return d;
  };
  a.whole_step = whole_step_wrong_answers();
  return a;
}

}  // namespace exercises
