// SPDX-License-Identifier: MIT
// The same tiny MLP twice: as scalar Values (Net) and as Tensors, from the
// same weights. Prints both outputs and every weight gradient side by side,
// and draws both graphs to out/ (or the folder given): the same computation
// at two granularities. Exits non-zero if the two disagree.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/render.hpp>

namespace gl = gradlab;

int main(int argc, char** argv) {
  std::string out = argc > 1 ? argv[1] : "out";
  if (out == "--help" || out == "-h" || argc > 2) {
    (argc > 2 ? std::cerr : std::cout)
        << "usage: scalars_meet_tensors [folder for the pictures]   (default: out)\n"
           "  The same small net as scalar Values and as Tensors: equal gradients, two pictures.\n";
    return argc > 2 ? 2 : (std::cout.flush() ? 0 : 1);
  }
  std::filesystem::create_directories(out);
  gl::manual_seed(5);
  gl::Net net(2, {3, 1}, gl::Activation::tanh, gl::Activation::linear);  // 2 -> 3 (tanh) -> 1
  std::vector<double> x{0.5, -1.5};

  // Scalars: every weight is a Value, every multiply a node.
  gl::Value y = net(x)[0];
  y.set_label("y");
  y.backward();

  // Tensors: the same weights as matrices; one node per layer op.
  const gl::Layer& L1 = net.layers()[0];
  const gl::Layer& L2 = net.layers()[1];
  std::vector<double> W1 = L1.weight_matrix(), b1 = L1.bias_vector();
  std::vector<double> W2 = L2.weight_matrix(), b2 = L2.bias_vector();
  gl::Tensor tW1 = gl::tensor(W1, {3, 2}).requires_grad_().set_label("W1");
  gl::Tensor tb1 = gl::tensor(b1, {3}).requires_grad_().set_label("b1");
  gl::Tensor tW2 = gl::tensor(W2, {1, 3}).requires_grad_().set_label("W2");
  gl::Tensor tb2 = gl::tensor(b2, {1}).requires_grad_().set_label("b2");
  gl::Tensor tx = gl::tensor(x, {1, 2}).set_label("x");
  gl::Tensor h = gl::tanh(tx.matmul(tW1.t()) + tb1);        // (1, 3)
  gl::Tensor ty = (h.matmul(tW2.t()) + tb2).sum().set_label("y");  // (1, 1) -> scalar
  ty.backward();

  std::printf("output: Values %.12f, Tensors %.12f\n\n", y.data(), ty.item());
  std::printf("%-10s %18s %18s\n", "weight", "Value grad", "Tensor grad");
  bool same = std::abs(y.data() - ty.item()) < 1e-12;
  std::vector<double> g1 = tW1.grad().to_vector();
  std::size_t k = 0;
  for (std::size_t j = 0; j < 3; ++j)
    for (std::size_t i = 0; i < 2; ++i, ++k) {
      double gv = net.layers()[0].neurons()[j].weights()[i].grad();
      std::printf("W1[%zu, %zu]   %18.12f %18.12f\n", j, i, gv, g1[k]);
      same = same && std::abs(gv - g1[k]) < 1e-12;
    }
  std::vector<double> g2 = tW2.grad().to_vector();
  for (std::size_t j = 0; j < 3; ++j) {
    double gv = net.layers()[1].neurons()[0].weights()[j].grad();
    std::printf("W2[0, %zu]   %18.12f %18.12f\n", j, gv, g2[j]);
    same = same && std::abs(gv - g2[j]) < 1e-12;
  }
  gl::viz::render(y, out + "/mlp_values.png", {.dot = {.title = "Net(2, [3, 1]) as Values: one box per scalar op"}});
  gl::viz::render(ty, out + "/mlp_tensors.png", {.dot = {.title = "the same net as Tensors: one box per tensor op"}});
  std::printf("\n%s; wrote %s/mlp_values.png and %s/mlp_tensors.png\n",
              same ? "same output, same gradients" : "THE TWO DISAGREE", out.c_str(), out.c_str());
  return same ? 0 : 1;
}
