// SPDX-License-Identifier: MIT
// gradlab's main demo (`make demo`): micrograd's neuron graph and its
// two-moons training run on the scalar engine, with the pictures written to
// out/ (or the folder given as the first argument).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/plot.hpp>
#include <gradlab/viz/render.hpp>

namespace gl = gradlab;

// micrograd's neuron: o = tanh(x1*w1 + x2*w2 + b), drawn after backward.
void draw_neuron(const std::string& path) {
  gl::Value x1(2.0, "x1"), x2(0.0, "x2");
  gl::Value w1(-3.0, "w1"), w2(1.0, "w2");
  gl::Value b(6.8813735870195432, "b");
  gl::Value x1w1 = (x1 * w1).set_label("x1*w1");
  gl::Value x2w2 = (x2 * w2).set_label("x2*w2");
  gl::Value n = (x1w1 + x2w2 + b).set_label("n");
  gl::Value o = tanh(n).set_label("o");
  o.backward();
  gl::viz::render(o, path, {.dot = {.title = "o = tanh(x1*w1 + x2*w2 + b) after backward()"}});
  std::cout << "neuron: o = " << o << "\n"
            << "        dx1 = " << x1.grad() << ", dw1 = " << w1.grad()
            << ", dx2 = " << x2.grad() << ", dw2 = " << w2.grad() << "\n";
}

int main(int argc, char** argv) {
  std::string out = argc > 1 ? argv[1] : "out";
  if (out == "--help" || out == "-h" || argc > 2) {
    (argc > 2 ? std::cerr : std::cout)
        << "usage: moons_demo [folder for the pictures]   (default: out)\n"
           "  Draws micrograd's neuron after backward, then trains Net(2, {16, 16, 1}) on two moons.\n";
    return argc > 2 ? 2 : (std::cout.flush() ? 0 : 1);
  }
  std::filesystem::create_directories(out);
  try {
    draw_neuron(out + "/neuron.png");

    gl::manual_seed(1337);
    gl::Dataset2d moons = gl::make_moons(100, 0.1);
    gl::Net net(2, {16, 16, 1});
    std::cout << net << ", " << net.nparams() << " parameters\n";

    std::vector<double> losses, accuracies;
    const int steps = 100;
    for (int k = 0; k < steps; ++k) {
      auto [loss, accuracy] = gl::max_margin_loss(net, moons.x, moons.y);
      net.zero_grad();
      loss.backward();
      double lr = 1.0 - 0.9 * k / steps;
      for (gl::Value p : net.parameters()) p.data() -= lr * p.grad();
      losses.push_back(loss.data());
      accuracies.push_back(accuracy);
      if (k % 10 == 0 || k == steps - 1)
        std::printf("step %3d  loss %.4f  accuracy %5.1f%%\n", k, loss.data(), 100 * accuracy);
    }
    auto [final_loss, final_accuracy] = gl::max_margin_loss(net, moons.x, moons.y);
    std::printf("trained: loss %.4f, training accuracy %.1f%%\n", final_loss.data(),
                100 * final_accuracy);

    gl::viz::plot_lines(out + "/loss.png",
                        {{.name = "loss", .y = losses}, {.name = "accuracy", .y = accuracies}},
                        {.title = "Net(2, [16, 16, 1]) on two moons: max-margin loss + L2, SGD",
                         .x_label = "step"});
    gl::viz::plot_decision_boundary(
        out + "/moons_boundary.png", moons.x, moons.y,
        [&](double x, double y) {
          gl::NoGradGuard no_grad;
          return net(std::vector<double>{x, y})[0].data();
        },
        {.title = "decision boundary after 100 steps"});
    std::cout << "wrote " << out << "/neuron.png, " << out << "/loss.png, " << out
              << "/moons_boundary.png\n";
    return final_accuracy == 1.0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "moons_demo: " << e.what() << "\n";
    return 1;
  }
}
