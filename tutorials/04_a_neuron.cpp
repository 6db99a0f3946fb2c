// SPDX-License-Identifier: MIT
// 04 a neuron: o = tanh(x1·w1 + x2·w2 + b), micrograd's neuron. The chain
// rule written out for every input, next to what backward() finds and what
// finite differences measure.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::Value x1(2.0, "x1"), x2(0.0, "x2"), w1(-3.0, "w1"), w2(1.0, "w2");
    gl::Value b(6.8813735870195432, "b");  // chosen so that n = 0.8814 and o = 1/√2
    gl::Value x1w1 = (x1 * w1).set_label("x1*w1");
    gl::Value x2w2 = (x2 * w2).set_label("x2*w2");
    gl::Value sum = (x1w1 + x2w2).set_label("x1*w1 + x2*w2");
    gl::Value n = (sum + b).set_label("n");
    gl::Value o = tanh(n).set_label("o");
    char text[600];
    std::snprintf(text, sizeof text,
                  "A neuron: weigh the inputs, add a bias, squash with tanh.\n"
                  "n = x1·w1 + x2·w2 + b = %.4f, o = tanh(n) = %.4f", n.data(), o.data());
    lesson.step(text, o, {.show_grad = false, .title = "o = tanh(x1·w1 + x2·w2 + b)"});

    // The chain rule by hand. tanh'(n) = 1 - tanh(n)² = 1 - o².
    double do_dn = 1 - o.data() * o.data();
    struct Row {
      gl::Value v;
      const char* rule;
      double by_hand;
    };
    std::vector<Row> rows{
        {x1, "do/dn · w1", do_dn * w1.data()},
        {w1, "do/dn · x1", do_dn * x1.data()},
        {x2, "do/dn · w2", do_dn * w2.data()},
        {w2, "do/dn · x2", do_dn * x2.data()},
        {b, "do/dn · 1", do_dn},
    };
    std::snprintf(text, sizeof text,
                  "By hand: do/dn = 1 - o² = %.4f. n is a sum, so each product gets do/dn\n"
                  "unchanged, and each factor of a product gets do/dn times the other factor.",
                  do_dn);
    lesson.step(text);

    std::vector<gl::TapeStep> tape = lesson.backward(o, "backward()");

    gl::GradCheckResult numeric = gl::gradcheck(
        [](const std::vector<gl::Value>& v) { return tanh(v[0] * v[1] + v[2] * v[3] + v[4]); },
        {x1.data(), w1.data(), x2.data(), w2.data(), b.data()}, {}, {"x1", "w1", "x2", "w2", "b"});
    std::string table = "input  chain rule        by hand   autograd   finite difference\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      char line[120];
      std::snprintf(line, sizeof line, "%-6s %-15s %9.4f  %9.4f  %12.6f\n",
                    rows[i].v.label().c_str(), rows[i].rule, rows[i].by_hand, rows[i].v.grad(),
                    numeric.entries[i].numeric);
      table += line;
      lesson.check_near("do/d" + rows[i].v.label() + " autograd vs chain rule", rows[i].v.grad(),
                        rows[i].by_hand);
      lesson.check_near("do/d" + rows[i].v.label() + " finite difference", numeric.entries[i].numeric,
                        rows[i].by_hand, 1e-6);
    }
    std::ostringstream os;
    os << tape;
    lesson.step("Side by side: the chain rule, backward() and central differences.\n" + table +
                    "\nThe tape of backward():\n" + os.str(),
                o, {.title = "the neuron after backward()"});
    lesson.check_near("o", o.data(), std::sqrt(0.5), 1e-12);
  });
}
