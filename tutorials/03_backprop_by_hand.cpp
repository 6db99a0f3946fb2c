// SPDX-License-Identifier: MIT
// 03 backprop by hand: L = (a·b + c)·f, every gradient filled in manually,
// from L back to the leaves, with the chain rule at each node. Then
// backward() does the same sweep one node at a time, and the two agree.
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
    gl::Value a(2.0, "a"), b(-3.0, "b"), c(10.0, "c"), f(-2.0, "f");
    gl::Value e = (a * b).set_label("e");
    gl::Value d = (e + c).set_label("d");
    gl::Value L = (d * f).set_label("L");
    const gl::viz::DotOptions by_hand{.title = "L = (a·b + c)·f, gradients by hand"};
    lesson.step("The forward pass: e = a·b = -6, d = e + c = 4, L = d·f = -8.\n"
                "Every grad is 0: nothing is known yet about how L depends on anything.",
                L, by_hand);

    // By hand, from the output back. Each line is the chain rule:
    // dL/d(operand) = dL/d(result) * d(result)/d(operand).
    L.grad() = 1.0;  // dL/dL = 1
    lesson.step("dL/dL = 1: moving L moves L one for one.", L, by_hand);

    d.grad() = f.data() * L.grad();  // L = d·f, so dL/dd = f
    f.grad() = d.data() * L.grad();  // and dL/df = d
    lesson.step("L = d·f: dL/dd = f = -2 and dL/df = d = 4 (the other factor).", L, by_hand);

    e.grad() = 1.0 * d.grad();  // d = e + c: a + passes the gradient on unchanged
    c.grad() = 1.0 * d.grad();
    lesson.step("d = e + c: dd/de = dd/dc = 1, so a + passes dL/dd = -2 to both:\n"
                "dL/de = dL/dc = -2.", L, by_hand);

    a.grad() = b.data() * e.grad();  // e = a·b: dL/da = b · dL/de
    b.grad() = a.data() * e.grad();  // dL/db = a · dL/de
    lesson.step("e = a·b: dL/da = b · dL/de = (-3)(-2) = 6, dL/db = a · dL/de = (2)(-2) = -4.\n"
                "Every gradient is filled in.", L, by_hand);

    std::vector<gl::Value> nodes{a, b, c, f, e, d, L};
    std::vector<double> hand;
    for (const gl::Value& v : nodes) hand.push_back(v.grad());

    // Now the engine: clear the leaves (they accumulate) and sweep. The
    // pictures show each node as backward reaches it.
    for (gl::Value leaf : {a, b, c, f}) leaf.zero_grad();
    std::vector<gl::TapeStep> tape = lesson.backward(L, "backward()");

    std::string text = "By hand and by backward(), side by side:\n  node      by hand    autograd\n";
    char line[80];
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      std::snprintf(line, sizeof line, "  dL/d%-4s %8.4f    %8.4f\n", nodes[i].label().c_str(),
                    hand[i], nodes[i].grad());
      text += line;
    }
    text += "The tape of the sweep:\n";
    std::ostringstream table;
    table << tape;
    lesson.step(text + table.str(), L, {.title = "L = (a·b + c)·f after backward()"});
    for (std::size_t i = 0; i < nodes.size(); ++i)
      lesson.check_near("dL/d" + nodes[i].label() + " autograd vs by hand", nodes[i].grad(),
                        hand[i]);
    lesson.check(tape.size() == 3, "backward took 3 steps, one per op (L, d, e)");
  });
}
