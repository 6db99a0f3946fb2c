// SPDX-License-Identifier: MIT
// 07 minimise: gradient descent on f(x, y) = (x - y)³ + e^y, the function
// of the armeetjatyani micrograd demo. backward() gives both partial
// derivatives; a step goes against them. The path of x, y and f, as pictures.
#include <cmath>
#include <cstdio>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

gl::Value f(const gl::Value& x, const gl::Value& y) { return pow(x - y, 3) + exp(y); }

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::Value x(1.0, "x"), y(0.5, "y");
    gl::Value z = f(x, y).set_label("f");
    z.backward();
    char text[500];
    std::snprintf(text, sizeof text,
                  "f(x, y) = (x - y)³ + e^y at (x, y) = (1, 0.5): f = %.4f.\n"
                  "By hand: df/dx = 3(x - y)² = %.4f, df/dy = -3(x - y)² + e^y = %.4f.\n"
                  "backward():  df/dx = %.4f, df/dy = %.4f.",
                  z.data(), 3 * 0.25, -3 * 0.25 + std::exp(0.5), x.grad(), y.grad());
    lesson.step(text, z, {.title = "f(x, y) = (x - y)³ + e^y after backward()"});

    const double lr = 0.05;
    std::vector<double> xs, ys, fs;
    bool downhill = true, exact = true;
    for (int k = 0; k < 60; ++k) {
      x.zero_grad(), y.zero_grad();
      gl::Value loss = f(x, y);
      loss.backward();
      double d = x.data() - y.data();
      exact = exact && std::abs(x.grad() - 3 * d * d) < 1e-9 &&
              std::abs(y.grad() - (-3 * d * d + std::exp(y.data()))) < 1e-9;
      downhill = downhill && (fs.empty() || loss.data() < fs.back());
      xs.push_back(x.data()), ys.push_back(y.data()), fs.push_back(loss.data());
      x.data() -= lr * x.grad();  // one step against the gradient
      y.data() -= lr * y.grad();
    }
    std::snprintf(text, sizeof text,
                  "60 steps of x -= %.2f·df/dx, y -= %.2f·df/dy. f went from %.4f to %.4f;\n"
                  "(x, y) from (%.2f, %.2f) to (%.4f, %.4f). e^y pulls y down and 3(x - y)²\n"
                  "pulls x after it. f has no lowest point, so the walk would go on for ever.",
                  lr, lr, fs.front(), fs.back(), xs.front(), ys.front(), xs.back(), ys.back());
    lesson.step(text, [&](const std::string& png) {
      gl::viz::plot_lines(png, {{.name = "x", .y = xs}, {.name = "y", .y = ys},
                                {.name = "f(x, y)", .y = fs}},
                          {.title = "gradient descent on (x - y)³ + e^y"});
    });
    lesson.step("The same path in the (x, y) plane, from the top right.",
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{.name = "(x, y)", .y = ys, .x = xs}},
                                      {.title = "the path of (x, y)", .x_label = "x",
                                       .y_label = "y"});
                });
    lesson.check(exact, "backward() matched the hand-derived gradient at all 60 points (1e-9)");
    lesson.check(downhill, "f fell at every step");
  });
}
