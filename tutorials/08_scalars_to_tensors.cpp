// SPDX-License-Identifier: MIT
// 08 scalars to tensors: one tiny MLP built twice from the same weights, as
// Values (a node per multiply) and as Tensors (a node per matrix op), on the
// same engine. explode() shows the scalars inside one tensor op. Same
// output, same gradients.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

namespace gl = gradlab;

int main(int argc, char** argv) {
  return gl::viz::Lesson::run("08_scalars_to_tensors", argc, argv, [](gl::viz::Lesson& lesson) {
    gl::manual_seed(5);
    gl::Net net(2, {2, 1}, gl::Activation::tanh);  // 2 -> 2 (tanh) -> 1: 9 parameters
    std::vector<double> x{0.5, -1.5};
    gl::Value y = net(x)[0].set_label("y");
    y.backward();
    lesson.step("Net(2, [2, 1]) as Values: every weight a Value, every multiply a node.",
                y, {.title = "the net as Values"});

    // The same weights as matrices: layer 1 computes tanh(x @ W1^T + b1),
    // layer 2 (the last, linear) h @ W2^T + b2.
    const gl::Layer& L1 = net.layers()[0];
    const gl::Layer& L2 = net.layers()[1];
    gl::Tensor W1 = gl::tensor(L1.weight_matrix(), {2, 2}).requires_grad_().set_label("W1");
    gl::Tensor b1 = gl::tensor(L1.bias_vector(), {2}).requires_grad_().set_label("b1");
    gl::Tensor W2 = gl::tensor(L2.weight_matrix(), {1, 2}).requires_grad_().set_label("W2");
    gl::Tensor b2 = gl::tensor(L2.bias_vector(), {1}).requires_grad_().set_label("b2");
    gl::Tensor tx = gl::tensor(x, {1, 2}).set_label("x");
    gl::Tensor xw = tx.matmul(W1.t()).set_label("x@W1^T");  // (1, 2)
    gl::Tensor h = gl::tanh(xw + b1).set_label("h");
    gl::Tensor ty = (h.matmul(W2.t()) + b2).sum().set_label("y");
    ty.backward();
    char text[300];
    std::snprintf(text, sizeof text,
                  "The same net as Tensors: a node per matrix op. y = %.12f as Values,\n"
                  "%.12f as Tensors.", y.data(), ty.item());
    lesson.step(text, *ty.node(), {.title = "the same net as Tensors"});
    lesson.check_near("output, Tensors vs Values", ty.item(), y.data(), 1e-12);

    gl::ExplodedGraph inside = gl::explode(xw.sum());
    inside.output[0].backward();
    lesson.step("Inside one tensor op: explode() replays x @ W1^T (summed) element by\n"
                "element. It is the 4 multiplies and 2 adds the Value net has too.",
                inside.output[0], {.title = "explode(sum(x @ W1^T))"});
    lesson.check(inside.of(W1).size() == 4, "the exploded W1 has 4 scalar leaves");

    std::string table = "weight       Value grad      Tensor grad\n";
    std::vector<double> g1 = W1.grad().to_vector(), g2 = W2.grad().to_vector();
    auto row = [&](const std::string& name, double by_value, double by_tensor) {
      char line[80];
      std::snprintf(line, sizeof line, "%-10s %14.10f %16.10f\n", name.c_str(), by_value, by_tensor);
      table += line;
      lesson.check_near("d y/d " + name + ", Tensors vs Values", by_tensor, by_value, 1e-12);
    };
    for (std::size_t j = 0; j < 2; ++j)
      for (std::size_t i = 0; i < 2; ++i)
        row("W1[" + std::to_string(j) + "," + std::to_string(i) + "]",
            L1.neurons()[j].weights()[i].grad(), g1[j * 2 + i]);
    for (std::size_t j = 0; j < 2; ++j)
      row("W2[0," + std::to_string(j) + "]", L2.neurons()[0].weights()[j].grad(), g2[j]);
    row("b2", L2.neurons()[0].bias().grad(), b2.grad().item());
    lesson.step("Same gradients, at both granularities:\n" + table);
  });
}
