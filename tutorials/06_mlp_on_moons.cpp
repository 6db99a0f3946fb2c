// SPDX-License-Identifier: MIT
// 06 an MLP on two moons: the scalar engine end to end. Net(2, [16, 16, 1])
// learns to separate two interleaved half circles with micrograd's
// max-margin loss and plain SGD; the loss curve and the decision boundary
// before and after. (The whole net's graph is ~1,000 nodes a point, so only
// one neuron of it is drawn.)
#include <cstdio>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::manual_seed(1337);
    gl::Dataset2d moons = gl::make_moons(100, 0.1);
    gl::Net net(2, {16, 16, 1});
    auto boundary = [&](const std::string& title) {
      return [&, title](const std::string& png) {
        gl::viz::plot_decision_boundary(png, moons.x, moons.y, [&](double x, double y) {
          gl::NoGradGuard no_grad;  // pictures need values only: no graph is built
          return net(std::vector<double>{x, y})[0].data();
        }, {.title = title});
      };
    };
    auto [loss0, accuracy0] = gl::max_margin_loss(net, moons.x, moons.y);
    char text[400];
    std::snprintf(text, sizeof text,
                  "100 points, two classes (y = -1, +1). %s has %zu parameters, all random.\n"
                  "Its score's sign is its guess; untrained, it gets %.0f%% right (loss %.4f).",
                  "Net(2, [16, 16, 1])", net.nparams(), 100 * accuracy0, loss0.data());
    lesson.step(text, boundary("before training"));

    gl::Value h = net.layers()[0].neurons()[0](
        std::vector<gl::Value>{gl::Value::constant(moons.x[0][0]), gl::Value::constant(moons.x[0][1])});
    lesson.step("One of the 33 neurons on the first point: relu(w·x + b). The loss is\n"
                "thousands of these nodes; backward() walks all of them each step.",
                h, {.show_grad = false, .title = "neuron 0 of layer 0 on point 0"});

    std::vector<double> losses, accuracies;
    std::string log;
    const int steps = 100;
    for (int k = 0; k < steps; ++k) {
      auto [loss, accuracy] = gl::max_margin_loss(net, moons.x, moons.y);
      net.zero_grad();  // leaves accumulate (05): clear them first
      loss.backward();
      double lr = 1.0 - 0.9 * k / steps;  // micrograd's schedule
      for (gl::Value p : net.parameters()) p.data() -= lr * p.grad();  // downhill
      losses.push_back(loss.data());
      accuracies.push_back(accuracy);
      if (k % 20 == 0 || k == steps - 1) {
        std::snprintf(text, sizeof text, "  step %3d  loss %.4f  accuracy %5.1f%%\n", k,
                      loss.data(), 100 * accuracy);
        log += text;
      }
    }
    lesson.step("Training: loss, zero_grad, backward, p -= lr · grad, 100 times.\n" + log,
                [&](const std::string& png) {
                  gl::viz::plot_lines(png, {{.name = "loss", .y = losses},
                                            {.name = "accuracy", .y = accuracies}},
                                      {.title = "max-margin loss + L2 and accuracy, per step"});
                });

    auto [loss1, accuracy1] = gl::max_margin_loss(net, moons.x, moons.y);
    std::snprintf(text, sizeof text, "Trained: loss %.4f, %.0f%% of the points right.",
                  loss1.data(), 100 * accuracy1);
    lesson.step(text, boundary("after 100 steps of SGD"));
    lesson.check(loss1.data() < loss0.data() / 5, "the loss fell at least 5-fold");
    lesson.check(accuracy1 >= 0.98, "training accuracy at least 98%");
  });
}
