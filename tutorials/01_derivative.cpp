// SPDX-License-Identifier: MIT
// 01 derivative: what a derivative is, measured. Nudge x by a small h and see
// how much f moves: the slope (f(x + h) - f(x)) / h. No graph yet; the
// last step lets a Value compute the same slope exactly.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

double f(double x) { return 3 * x * x - 4 * x + 5; }  // micrograd's first function
double slope(double x, double h) { return (f(x + h) - f(x)) / h; }

// Every number printed one way, with four decimals.
std::string four(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4f", x);
  return buf;
}

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    std::vector<double> xs, ys;
    for (double x = -5; x <= 5.0001; x += 0.25) xs.push_back(x), ys.push_back(f(x));
    lesson.step("f(x) = 3x² - 4x + 5. A derivative asks: if x moves a little, how much does f move?\n"
                "f(3) = " + four(f(3)),
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{.name = "f(x)", .y = ys, .x = xs}},
                                      {.title = "f(x) = 3x² - 4x + 5", .x_label = "x"});
                });

    char line[400];
    std::string text = "At x = 3, nudge x by h and divide the change of f by h:\n";
    for (double h : {1.0, 0.1, 0.001, 1e-6, 1e-9, 1e-11, 1e-13, 1e-15, 1e-16}) {
      std::snprintf(line, sizeof line, "  h = %-6g  (f(3 + h) - f(3)) / h = %s\n", h,
                    four(slope(3, h)).c_str());
      text += line;
    }
    text += "As h shrinks the ratio settles at 14: the slope of f at 3. (By calculus\n"
            "f'(x) = 6x - 4 = 14.) Then, below h = 1e-9, it drifts away again: a double\n"
            "holds about 16 significant digits, so f(3 + h) - f(3) keeps only the few\n"
            "digits of h's effect that fit after the 20, and dividing by a tiny h blows\n"
            "their rounding up. At h = 1e-16, 3 + h is exactly 3: nothing moves at all.\n"
            "Too small an h loses digits to rounding.";
    lesson.step(text);
    lesson.check_near("slope at 3 with h = 1e-6", slope(3, 1e-6), 14.0, 1e-5);
    lesson.check(std::abs(slope(3, 1e-15) - 14.0) > 0.1,
                 "with h = 1e-15 rounding is visible: the ratio is " + four(slope(3, 1e-15)));
    lesson.check(slope(3, 1e-16) == 0.0, "with h = 1e-16, 3 + h == 3: the ratio is 0");

    text = "The slope at a few points, measured and from calculus:\n";
    text += "        x   measured (h = 1e-6)     6x - 4\n";
    std::vector<double> points{-2.0, 0.0, 2.0 / 3.0, 3.0};
    for (double x : points) {
      std::snprintf(line, sizeof line, "%9s   %19s   %8s\n", four(x).c_str(),
                    four(slope(x, 1e-6)).c_str(), four(6 * x - 4).c_str());
      text += line;
    }
    text += "At x = 2/3 the slope is 0: f is at its lowest there.";
    std::vector<gl::viz::Series> lines{{.name = "f(x)", .y = ys, .x = xs}};
    for (double x0 : points) {  // the tangent y = f(x0) + f'(x0) (x - x0), drawn near x0
      std::vector<double> tx{x0 - 1, x0 + 1}, ty;
      for (double x : tx) ty.push_back(f(x0) + slope(x0, 1e-6) * (x - x0));
      // The legend gives the slope itself, and where it was measured.
      std::string name = "slope " + four(slope(x0, 1e-6)) + " at x = " + four(x0);
      lines.push_back({.name = name, .y = ty, .x = tx});
    }
    lesson.step(text, [&](const std::string& png) {
      gl::viz::plot_lines(png, lines, {.title = "f and its measured slopes", .x_label = "x"});
    });
    for (double x : points)
      lesson.check_near("slope at x = " + four(x), slope(x, 1e-6), 6 * x - 4, 1e-5);

    gl::Value x(3.0, "x");
    gl::Value y = 3 * x * x - 4 * x + 5;
    y.backward();
    std::snprintf(line, sizeof line,
                  "A Value remembers how f was computed, so backward() gives the slope\n"
                  "exactly, with no h: f(3) = %.4f, df/dx = %.4f. The next tutorials open\n"
                  "that up.", y.data(), x.grad());
    lesson.step(line, y, {.title = "f(x) = 3x² - 4x + 5 at x = 3, after backward()"});
    lesson.check_near("df/dx at 3 by backward()", x.grad(), 14.0, 1e-12);
  });
}
