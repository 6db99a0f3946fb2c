// SPDX-License-Identifier: MIT
// What the checker (checker.cpp) and the tasks (tasks.cpp) share: an
// exercise is a title, the cases it runs (shapes and numbers) and three
// hints. Internal to the exercises.
#pragma once

#include <array>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gradlab/gradcheck.hpp>

#include "exercises.hpp"

namespace exercises {

namespace gl = gradlab;

// One run of an exercise: the shapes it is run on, the learner's numbers,
// and the reference (autograd and finite differences, one entry per number).
struct Case {
  std::string shapes;
  std::function<Vec()> yours;
  std::function<gl::GradCheckResult()> reference;
};

// "3. softmax cross-entropy: ... (after chapter 09, Tensor backprop)": the
// exercise's number and title from tutorials/course.txt, the one table.
std::string heading(std::string_view name);

struct Exercise {
  std::string title;  // heading(name)
  std::vector<Case> cases;
  std::array<std::string, 3> hints;  // where to look, the rule, the formula
};

// How much of its hints an exercise shows: `asked` (1 to 3, --hint), raised
// by the runs it has failed in a row, tries[number - 1] when tries is given
// (kept beside the program between runs). after() counts this run in.
struct HintLevel {
  int asked = 1;
  std::vector<int>* tries = nullptr;
  int level(int number) const;
  void after(int number, bool failed) const;
};

// Hint `level` of 3 (where to look, the rule, the formula), wrapped, and how
// to see the next one.
void print_hint(std::ostream& os, int level, const std::array<std::string, 3>& hints);

// The checker's own refusal of an answer (not the learner's code failing).
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Random inputs, the same on every run so that a table can be compared
// with the last one.
class Numbers {
 public:
  Vec operator()(std::size_t n) {
    Vec v(n);
    for (double& x : v) x = std::round(dist_(gen_) * 1000) / 1000;  // three decimals: readable
    return v;
  }
  double one() { return (*this)(1)[0]; }

 private:
  std::mt19937 gen_{20261129};
  std::uniform_real_distribution<double> dist_{-2.0, 2.0};
};

// The six exercises, for the learner's answers (or any others).
std::vector<Exercise> exercises_for(const Answers& answers);

}  // namespace exercises
