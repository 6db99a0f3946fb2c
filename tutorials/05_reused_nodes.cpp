// SPDX-License-Identifier: MIT
// 05 reused nodes: when a value feeds an op twice, or feeds two ops, its
// gradient is the sum of what each use sends back. An engine that assigns
// (grad = ...) instead of adding (grad += ...) keeps only the last use:
// Karpathy's micrograd lecture ("The spelled-out intro to neural networks
// and backpropagation") shows that bug with b = a + a, and fixes it with +=.
// Both shown, in pictures with edges labelled ×k.
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

// The buggy engine, replayed from a tape: the same sweep, the same local
// derivatives, but every use *assigns* its share, so an operand keeps only
// the share of whichever use the sweep reaches last.
std::map<const gl::Node*, double> overwriting_backward(const std::vector<gl::TapeStep>& tape) {
  std::map<const gl::Node*, double> grad{{tape.front().node, 1.0}};
  for (const gl::TapeStep& s : tape)
    for (const gl::TapeEdge& e : s.edges)
      for (double local : e.local_each) grad[e.operand] = grad[s.node] * local;  // = , not +=
  return grad;
}

// Shows what the buggy engine leaves in the graph's Values.
void show_bug(gl::viz::Lesson& lesson, const std::string& text, const gl::Value& root,
              std::vector<gl::Value> values, const std::vector<gl::TapeStep>& tape,
              const std::string& title) {
  std::vector<double> right;
  std::map<const gl::Node*, double> wrong = overwriting_backward(tape);
  for (gl::Value& v : values) right.push_back(v.grad()), v.grad() = wrong[v.node()];
  lesson.step(text, root, {.title = title});
  for (std::size_t i = 0; i < values.size(); ++i) values[i].grad() = right[i];
}

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    {
      gl::Value a(3.0, "a");
      gl::Value b = (a + a).set_label("b");
      std::vector<gl::TapeStep> tape = lesson.backward(b, "b = a + a");
      lesson.step("b = a + a uses a twice: one edge, labelled ×2. Each use passes back\n"
                  "db/db · 1 = 1, and the two add up: db/da = 1 + 1 = 2 (b = 2a, so that is\n"
                  "right).",
                  b, {.title = "b = a + a: db/da = 1 + 1 = 2"});
      lesson.check_near("db/da for b = a + a", a.grad(), 2.0);
      show_bug(lesson,
               "The bug: an engine that writes a.grad = 1 for each use, instead of\n"
               "a.grad += 1, leaves db/da = 1. Half the gradient is lost, silently.",
               b, {a, b}, tape, "BUG (grad overwritten): b = a + a gives db/da = 1");
      lesson.check_near("overwriting engine's db/da", overwriting_backward(tape)[a.node()], 1.0);
    }

    gl::Value a(3.0, "a");
    gl::Value aa = (a * a).set_label("a*a");
    gl::Value b = (aa + a).set_label("b");
    std::vector<gl::TapeStep> tape = lesson.backward(b, "b = a·a + a");
    std::ostringstream os;
    os << tape;
    lesson.step("b = a·a + a: a feeds * twice and + once. Three uses, three shares:\n"
                "1 from the +, then 3 and 3 from the * (each factor gets the other one,\n"
                "times the upstream 1), arriving one use at a time: 1, 4, 7.\n"
                "db/da = 1 + 3 + 3 = 1 + 2a = 7.\n" + os.str(),
                b, {.title = "b = a·a + a: db/da = 1 + 3 + 3 = 7"});
    lesson.check_near("db/da for b = a·a + a", a.grad(), 7.0);
    const gl::TapeEdge& square = tape.back().edges.front();
    lesson.check_near("local derivative of a·a, first use", square.local_each.at(0), 3.0);
    lesson.check_near("local derivative of a·a, second use", square.local_each.at(1), 3.0);
    show_bug(lesson,
             "With the bug, the share written last wins: the * runs after the +, and\n"
             "writes 3 over the 1, and then 3 over its own first 3. db/da = 3, not 7.",
             b, {a, aa, b}, tape, "BUG (grad overwritten): b = a·a + a gives db/da = 3");
    lesson.check_near("overwriting engine's db/da", overwriting_backward(tape)[a.node()], 3.0);

    // Accumulation has a second side: leaves keep adding across backward()
    // calls, so a training loop clears them first.
    b.backward();
    char text[300];
    std::snprintf(text, sizeof text,
                  "The same rule across calls: a second backward() adds another 7, so\n"
                  "a.grad = %.4f. That is why a training step calls zero_grad() first.",
                  a.grad());
    lesson.step(text, b, {.title = "after a second backward(): a.grad = 14"});
    lesson.check_near("a.grad after two backward() calls", a.grad(), 14.0);
  });
}
