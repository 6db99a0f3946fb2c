// SPDX-License-Identifier: MIT
// The checker: runs each exercise's cases (tasks.cpp) and puts the
// learner's numbers beside autograd's and the finite difference (both from
// gradlab's gradcheck), with a hint when they differ that gives more away
// on later tries.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include <gradlab/gradlab.hpp>

#include "checker.hpp"
#include "course_table.hpp"

namespace exercises {

namespace {

enum class Result { pass, fail, not_written };

void print_table(const Vec& yours, const gl::GradCheckResult& ref, std::ostream& os) {
  char line[200];
  std::snprintf(line, sizeof line, "  %-10s %13s %13s %13s %11s  %s\n", "parameter", "yours", "autograd",
                "finite diff", "difference", "check");
  os << line;
  for (std::size_t i = 0; i < yours.size(); ++i) {
    const gl::GradCheckEntry& e = ref.entries[i];
    double diff = std::abs(yours[i] - e.autograd);
    bool pass = diff <= 1e-6 + 1e-5 * std::abs(e.autograd) && e.ok;  // false for NaN
    std::snprintf(line, sizeof line, "  %-10s %13.8f %13.8f %13.8f %11.2e  %s\n", e.name.c_str(),
                  yours[i], e.autograd, e.numeric, diff, pass ? "pass" : "FAIL");
    os << line;
  }
}

// Text wrapped to lines of at most 96 columns, the first starting with
// `first`, the others indented by `indent` spaces.
std::string wrapped(const std::string& first, const std::string& text, std::size_t indent) {
  std::string out = first, word;
  std::size_t column = first.size();
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    word = text.substr(i, end - i);
    if (column + word.size() + 1 > 96 && column > indent) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();  // bytes: a '²' counts twice, which only wraps a little early
    i = end + 1;
  }
  return out + "\n";
}

// One case: true when every row passes. Its table is printed when `show`
// is set, or when it fails and `show_failing` is set.
Result run_case(const Case& c, bool show, bool show_failing, std::ostream& os) {
  Vec yours;
  try {
    yours = c.yours();
  } catch (const Todo& todo) {
    os << "  " << todo.what() << " (in tutorials/exercises/my_gradients.cpp)\n";
    return Result::not_written;
  } catch (const Refused& e) {
    os << "  on " << c.shapes << ": FAIL: " << e.what() << "\n";
    return Result::fail;
  } catch (const std::exception& e) {  // the learner's code failed: say so, check the rest
    os << "  on " << c.shapes << ": FAIL: your code threw: " << e.what() << "\n";
    return Result::fail;
  }
  gl::GradCheckResult ref = c.reference();
  if (yours.size() != ref.entries.size()) {
    os << "  on " << c.shapes << ": FAIL: your answer has " << yours.size()
       << " numbers, expected " << ref.entries.size() << "\n";
    return Result::fail;
  }
  bool ok = true;
  for (std::size_t i = 0; i < yours.size(); ++i) {
    const gl::GradCheckEntry& e = ref.entries[i];
    ok = ok && std::abs(yours[i] - e.autograd) <= 1e-6 + 1e-5 * std::abs(e.autograd) && e.ok;
  }
  show = show || (!ok && show_failing);
  os << "  on " << c.shapes << ":" << (ok ? (show ? "" : " pass") : " FAIL") << "\n";
  if (show) print_table(yours, ref, os);
  return ok ? Result::pass : Result::fail;
}

Result check_one(const Exercise& ex, int level, std::ostream& os) {  // level: of the hint
  os << "\n" << ex.title << "\n";
  bool ok = true;
  for (std::size_t k = 0; k < ex.cases.size(); ++k) {
    // The first shape's table, and the first failing shape's: enough to see why.
    Result r = run_case(ex.cases[k], k == 0, ok, os);
    if (r == Result::not_written) return r;  // the other shapes would say the same
    ok = ok && r == Result::pass;
  }
  if (ok) return Result::pass;
  print_hint(os, level, ex.hints);
  return Result::fail;
}

}  // namespace

int HintLevel::level(int number) const {
  int failed_before = tries && number >= 1 && static_cast<std::size_t>(number) <= tries->size()
                          ? (*tries)[static_cast<std::size_t>(number - 1)]
                          : 0;
  return std::clamp(std::max(asked, failed_before + 1), 1, 3);
}

void HintLevel::after(int number, bool failed) const {
  if (!tries || number < 1) return;
  if (tries->size() < static_cast<std::size_t>(number)) tries->resize(static_cast<std::size_t>(number), 0);
  int& n = (*tries)[static_cast<std::size_t>(number - 1)];
  n = failed ? n + 1 : 0;
}

void print_hint(std::ostream& os, int level, const std::array<std::string, 3>& hints) {
  level = std::clamp(level, 1, 3);
  os << wrapped("  hint " + std::to_string(level) + " of 3:", hints[static_cast<std::size_t>(level - 1)], 4);
  if (level < 3)
    os << "  (more on the next try, or now: build/tutorials/exercises/exercise --hint " << level + 1 << ")\n";
}

std::string heading(std::string_view name) {
  const course::Exercise& e = course::exercise(name);
  const course::Chapter& after = course::kChapters[e.after - 1];
  return std::to_string(e.number) + ". " + std::string(e.title) + " (after chapter " + course::number(after) +
         ", " + std::string(after.title) + ")";
}

Answers blank_answers() {
  Answers a;
  a.sigmoid_neuron = [](const Vec&, const Vec&, double) -> Vec { throw Todo("sigmoid_neuron"); };
  a.mlp_weight_grad = [](const Vec&, const Vec&, const Vec&, const Vec&, std::size_t) -> Vec {
    throw Todo("mlp_weight_grad");
  };
  a.softmax_cross_entropy = [](const Vec&, std::size_t) -> Vec { throw Todo("softmax_cross_entropy"); };
  a.broadcast_add = [](const Vec&, std::size_t, std::size_t) -> Vec { throw Todo("broadcast_add"); };
  a.matmul = [](const Vec&, const Vec&, const Vec&, std::size_t, std::size_t, std::size_t) -> Vec {
    throw Todo("matmul");
  };
  a.softplus_value = [](const gl::Value&) -> gl::Value { throw Todo("softplus as a Value op"); };
  a.softplus_tensor = [](const gl::Tensor&) -> gl::Tensor { throw Todo("softplus as a Tensor op"); };
  a.whole_step.atoms = [](const Step&) -> Grads { throw Todo("atoms"); };
  a.whole_step.cross_entropy = [](const gl::Tensor&, const gl::Tensor&) -> gl::Tensor { throw Todo("cross_entropy"); };
  a.whole_step.batch_norm = [](const gl::Tensor&, const gl::Tensor&, const gl::Tensor&) -> gl::Tensor {
    throw Todo("batch_norm");
  };
  a.whole_step.step_backward = [](const Step&) -> Grads { throw Todo("step_backward"); };
  return a;
}

Outcome check(const Answers& answers, std::ostream& os, int hint_level, std::vector<int>* tries) {
  std::vector<Exercise> all = exercises_for(answers);
  Outcome outcome;
  outcome.exercises = static_cast<int>(all.size()) + kWholeStepExercises;
  const HintLevel hints{hint_level, tries};
  for (std::size_t e = 0; e < all.size(); ++e) {
    const int number = std::stoi(all[e].title);  // "3. softmax ...": course.txt's number
    Result r = check_one(all[e], hints.level(number), os);
    outcome.failed += r != Result::pass;
    outcome.not_written += r == Result::not_written;
    hints.after(number, r == Result::fail);
  }
  int whole_step_not_written = 0;
  outcome.failed += check_whole_step(answers.whole_step, os, hints, &whole_step_not_written);
  outcome.not_written += whole_step_not_written;
  if (outcome.failed == 0)
    os << "\nall " << outcome.exercises << " exercises pass: your gradients match autograd and finite "
       << "differences on every shape.\n";
  else if (outcome.not_written == outcome.exercises)
    os << "\nNothing is written yet, so there is nothing to check. To begin, open\n"
          "tutorials/exercises/my_gradients.cpp, replace the first `throw Todo(...)` with\n"
          "your answer (the task is stated in exercises.hpp), and run `make exercise` again.\n"
          "Each exercise is checked as soon as it is written.\n";
  else
    os << "\n" << outcome.failed - outcome.not_written << " of " << outcome.exercises
       << " exercises FAIL, " << outcome.not_written << " not written yet"
       << (outcome.failed > outcome.not_written ? "; each FAIL has its hint above" : "") << ".\n";
  return outcome;
}

}  // namespace exercises
