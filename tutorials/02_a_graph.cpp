// SPDX-License-Identifier: MIT
// 02 a graph: d = a·b + c as the graph gradlab builds while it computes.
// Each Value remembers the op that made it and its operands; reading the
// picture from left to right is the forward pass.
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::Value a(2.0, "a"), b(-3.0, "b"), c(10.0, "c");
    lesson.step("Three leaves: a = 2, b = -3, c = 10. Leaves are where a graph starts:\n"
                "inputs and parameters, made by no op.",
                c, {.show_grad = false, .title = "a leaf"});

    gl::Value e = (a * b).set_label("e");
    gl::Value d = (e + c).set_label("d");
    char text[400];
    std::snprintf(text, sizeof text,
                  "e = a * b = %.4f, then d = e + c = %.4f. Each result is a node that\n"
                  "remembers its op (the oval) and its operands (the arrows in).",
                  e.data(), d.data());
    lesson.step(text, d, {.show_grad = false, .title = "d = a·b + c: the forward pass"});
    lesson.check_near("e", e.data(), -6.0);
    lesson.check_near("d", d.data(), 4.0);

    std::string order = "The graph in topological order (every node after its operands),\n"
                        "as the picture numbers them and as backward will walk it in reverse:\n";
    for (const gl::Node* n : gl::engine::topological_order(d)) {
      std::string label = gl::node_label(*n);
      order += "  " + label + (n->is_leaf() ? "  (leaf)\n" : "  = " + std::string(n->op->name) + "\n");
    }
    lesson.step(order);
    lesson.check(d.parents().size() == 2 && d.parents()[0].label() == "e" && d.op() == "+",
                 "d = e + c: op + with operands e, c");

    // How much does d move when a moves? Measure it, as in 01.
    double h = 1e-6;
    gl::Value d2 = (a.data() + h) * b + c;
    double slope = (d2.data() - d.data()) / h;
    std::snprintf(text, sizeof text,
                  "Nudge a by h = 1e-6: d goes from %.6f to %.6f, a slope of %.4f.\n"
                  "That is b: d depends on a through a·b. The next tutorial gets every such\n"
                  "slope from the graph, by hand and then with backward().",
                  d.data(), d2.data(), slope);
    lesson.step(text);
    lesson.check_near("dd/da measured", slope, b.data(), 1e-6);
  });
}
