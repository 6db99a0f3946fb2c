// SPDX-License-Identifier: MIT
// 08 scalars to tensors: one tiny MLP built twice from the same weights, as
// Values (a node per multiply) and as Tensors (a node per matrix op), on the
// same engine. explode() shows the scalars inside one tensor op. Same
// output, same gradients.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"

namespace gl = gradlab;

// How many nodes of each op a Value graph has: {"*": 4, "+": 3}.
std::map<std::string, int> count_ops(const gl::Value& root) {
  std::map<std::string, int> ops;
  for (const gl::Node* n : gl::engine::topological_order(root))
    if (!n->is_leaf()) ++ops[n->op->name];
  return ops;
}

std::string entry(const std::string& name, std::size_t row, std::size_t col) {
  return name + "[" + std::to_string(row) + "," + std::to_string(col) + "]";
}

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    gl::manual_seed(5);
    gl::Net net(2, {2, 1}, gl::Activation::tanh);  // 2 -> 2 (tanh) -> 1: 9 parameters
    const gl::Layer& L1 = net.layers()[0];
    const gl::Layer& L2 = net.layers()[1];
    // Each weight labelled as the matrices below name it: neuron j's weight
    // for input i is W1[j,i], its bias b1[j].
    for (std::size_t j = 0; j < 2; ++j) {
      for (std::size_t i = 0; i < 2; ++i) gl::Value(L1.neurons()[j].weights()[i]).set_label(entry("W1", j, i));
      gl::Value(L1.neurons()[j].bias()).set_label("b1[" + std::to_string(j) + "]");
      gl::Value(L2.neurons()[0].weights()[j]).set_label(entry("W2", 0, j));
    }
    gl::Value(L2.neurons()[0].bias()).set_label("b2[0]");
    std::vector<double> x{0.5, -1.5};
    // x is one row, (1, 2), as the Tensor version below takes it.
    std::vector<gl::Value> xs{gl::Value::constant(x[0]).set_label("x[0,0]"),
                              gl::Value::constant(x[1]).set_label("x[0,1]")};
    gl::Value y = net(xs)[0].set_label("y");
    y.backward();
    std::map<std::string, int> value_ops = count_ops(y);
    char text[400];
    std::snprintf(text, sizeof text,
                  "Net(2, [2, 1]) as Values: every weight a Value, every multiply a node.\n"
                  "Each neuron is b + w·x, so the picture has %d multiplies (4 in layer 1,\n"
                  "2 in layer 2) and %d adds (2 per neuron), and 2 tanh.",
                  value_ops["*"], value_ops["+"]);
    lesson.step(text, y, {.title = "the net as Values"});
    lesson.check(value_ops["*"] == 6 && value_ops["+"] == 6, "6 multiplies and 6 adds as Values");

    // The same weights as matrices: layer 1 computes tanh(x @ W1^T + b1),
    // layer 2 (the last, linear) h @ W2^T + b2.
    gl::Tensor W1 = gl::tensor(L1.weight_matrix(), {2, 2}).requires_grad_().set_label("W1");
    gl::Tensor b1 = gl::tensor(L1.bias_vector(), {2}).requires_grad_().set_label("b1");
    gl::Tensor W2 = gl::tensor(L2.weight_matrix(), {1, 2}).requires_grad_().set_label("W2");
    gl::Tensor b2 = gl::tensor(L2.bias_vector(), {1}).requires_grad_().set_label("b2");
    gl::Tensor tx = gl::tensor(x, {1, 2}).set_label("x");
    gl::Tensor xw = tx.matmul(W1.t()).set_label("x@W1^T");  // (1, 2)
    gl::Tensor h = gl::tanh(xw + b1).set_label("h");
    gl::Tensor ty = (h.matmul(W2.t()) + b2).sum().set_label("y");
    ty.backward();
    std::snprintf(text, sizeof text,
                  "The same net as Tensors: a node per matrix op. y = %.12f as Values,\n"
                  "%.12f as Tensors.", y.data(), ty.item());
    lesson.step(text, ty, {.title = "the same net as Tensors"});
    lesson.check_near("y, Tensors vs Values", ty.item(), y.data(), 1e-12);

    // explode() needs a single number to backpropagate from: the sum of the
    // two elements of x @ W1^T. Its gradients are those of that sum, not of y.
    gl::ExplodedGraph inside = gl::explode(xw.sum());
    inside.output[0].backward();
    std::map<std::string, int> exploded = count_ops(inside.output[0]);
    std::snprintf(text, sizeof text,
                  "Inside one tensor op: explode() replays x @ W1^T element by element: %d\n"
                  "multiplies and %d adds (x[0,0]·W1[j,0] + x[0,1]·W1[j,1] for j = 0, 1), the\n"
                  "4 multiplies of layer 1 in the Value net; there each neuron adds its b1[j]\n"
                  "too. sum() adds one more to make one number to backpropagate from, so the\n"
                  "gradients drawn are those of sum(x @ W1^T), not of y: dsum/dW1[j,i] = x[0,i].",
                  exploded["*"], exploded["+"] - 1);
    lesson.step(text, inside.output[0], {.title = "explode(sum(x @ W1^T)), after backward()"});
    lesson.check(inside.of(W1).size() == 4, "the exploded W1 has 4 scalar leaves");
    lesson.check(exploded["*"] == 4 && exploded["+"] == 3, "4 multiplies, 2 + 1 adds, exploded");
    lesson.check_near("dsum/dW1[1,1] = x[0,1]", inside.of(W1)[3].grad(), x[1], 1e-12);

    std::string table = "parameter    Value grad      Tensor grad\n";
    std::vector<double> g1 = W1.grad().to_vector(), gb1 = b1.grad().to_vector();
    std::vector<double> g2 = W2.grad().to_vector();
    std::vector<std::pair<std::string, double>> differences;  // checked once the table is shown
    auto row = [&](const std::string& name, double by_value, double by_tensor) {
      char line[80];
      std::snprintf(line, sizeof line, "%-10s %14.10f %16.10f\n", name.c_str(), by_value, by_tensor);
      table += line;
      differences.emplace_back(name, std::abs(by_tensor - by_value));
    };
    for (std::size_t j = 0; j < 2; ++j)
      for (std::size_t i = 0; i < 2; ++i)
        row(entry("W1", j, i), L1.neurons()[j].weights()[i].grad(), g1[j * 2 + i]);
    for (std::size_t j = 0; j < 2; ++j)
      row("b1[" + std::to_string(j) + "]", L1.neurons()[j].bias().grad(), gb1[j]);
    for (std::size_t j = 0; j < 2; ++j)
      row(entry("W2", 0, j), L2.neurons()[0].weights()[j].grad(), g2[j]);
    row("b2[0]", L2.neurons()[0].bias().grad(), b2.grad().item());
    lesson.step("Same gradients of y, at both granularities (the names are the labels in\n"
                "the first picture):\n" + table);
    for (const auto& [name, difference] : differences)
      lesson.check(difference <= 1e-12, "dy/d" + name + ": Tensors = Values (within 1e-12)");
  });
}
