// SPDX-License-Identifier: MIT
// 12 your own op: a new op written the way gradlab's own are (op.hpp), with
// its forward and its backward side by side: silu(a) = a · sigmoid(a), first
// as a Value op, then as a Tensor op, each checked by gradcheck, and a wrong
// backward caught by it; then the same op as LibTorch writes one, an
// autograd::Function. An exercise (`make exercise`) asks for softplus.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/op.hpp>
#include <gradlab/viz/lesson.hpp>

#include "course_page.hpp"


namespace gl = gradlab;

double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }

// silu(a) = a s(a) with s = sigmoid: d silu/da = s + a s (1 - s).
gl::Value silu(const gl::Value& a) {
  double data = a.data() * sigmoid(a.data());  // forward
  static constexpr gl::Op op{"silu", [](gl::Node& n) {  // backward
    auto [out, a] = gl::unary_slots(n);
    double s = sigmoid(a.data);
    a.grad += (s + a.data * s * (1 - s)) * out.grad;  // d silu(a)/da = s + a s (1 - s)
  }, &gl::kScalarKind};
  return gl::make_result(data, op, a);
}

// The same op with a classic slip: only the derivative of the sigmoid
// factor is kept, the product rule's other term is lost.
gl::Value silu_wrong(const gl::Value& a) {
  double data = a.data() * sigmoid(a.data());  // forward
  static constexpr gl::Op op{"silu", [](gl::Node& n) {  // backward
    auto [out, a] = gl::unary_slots(n);
    double s = sigmoid(a.data);
    a.grad += s * out.grad;  // wrong: "+ a s (1 - s)" is missing
  }, &gl::kScalarKind};
  return gl::make_result(data, op, a);
}

// silu for every element of a tensor: the same derivative, once per element.
gl::Tensor silu(const gl::Tensor& a) {
  std::vector<double> out;  // forward
  for (double x : a.data()) out.push_back(x * sigmoid(x));
  static constexpr gl::Op op{"silu", [](gl::Node& n) {  // backward
    gl::TensorSlot out = gl::tensor_slot(n), x = gl::tensor_slot(n.parent(0));
    if (!x.grad) return;  // a constant takes no gradient
    for (std::size_t i = 0; i < x.data.size(); ++i) {
      double s = sigmoid(x.data[i]);
      x.grad[i] += (s + x.data[i] * s * (1 - s)) * out.grad[i];  // d silu(a)/da, elementwise
    }
  }, &gl::kTensorKind, [](gl::Replay& r) {
    // Its replay, for explode(): the same function on each element, as Values.
    r.each([](const gl::Value& v) { return v * gl::sigmoid(v); });
  }};
  return gl::make_result(a.shape(), std::move(out), op, {a});
}

// The same op in LibTorch's words (autograd_function.hpp): forward keeps
// what backward needs in a context, and apply() records one node, "SiLU".
struct SiLU : gl::autograd::Function<SiLU> {
  static gl::Tensor forward(gl::autograd::AutogradContext* ctx, gl::Tensor a) {
    ctx->save_for_backward({a});
    return a * a.sigmoid();
  }
  static gl::autograd::variable_list backward(gl::autograd::AutogradContext* ctx,
                                              gl::autograd::variable_list grad_outputs) {
    gl::Tensor a = ctx->get_saved_variables()[0], s = a.sigmoid();
    return {grad_outputs[0] * (s + a * s * (1.0 - s))};  // d silu(a)/da = s + a s (1 - s)
  }
};

std::string table(const gl::GradCheckResult& r) {
  std::ostringstream os;
  os << r;
  return os.str();
}

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    char text[900];
    {
      gl::Value x(1.5, "x");
      gl::Value y = (x * sigmoid(x)).set_label("y");
      y.backward();
      std::snprintf(text, sizeof text,
                    "silu(x) = x · sigmoid(x) (the activation of many recent networks) can be\n"
                    "built from ops gradlab has: a sigmoid node and a * node, and backward()\n"
                    "finds dy/dx = %.4f through both. Next, the same function as ONE op, with\n"
                    "its forward and its backward written by hand.",
                    x.grad());
      lesson.step(text, y, {.title = "silu from two ops: x * sigmoid(x)"});
    }

    gl::Value x(1.5, "x");
    gl::Value y = silu(x).set_label("y");
    y.backward();
    double s = sigmoid(1.5);
    std::snprintf(text, sizeof text,
                  "An op is a function that computes the forward, a static Op (its name, its\n"
                  "backward, its node kind) and the result node made of both (<gradlab/op.hpp>):\n\n"
                  "  gl::Value silu(const gl::Value& a) {\n"
                  "    double data = a.data() * sigmoid(a.data());  // forward\n"
                  "    static constexpr gl::Op op{\"silu\", [](gl::Node& n) {  // backward\n"
                  "      auto [out, a] = gl::unary_slots(n);\n"
                  "      double s = sigmoid(a.data);\n"
                  "      a.grad += (s + a.data * s * (1 - s)) * out.grad;  // d silu/da\n"
                  "    }, &gl::kScalarKind};\n"
                  "    return gl::make_result(data, op, a);\n"
                  "  }\n\n"
                  "The product rule gives d(a s(a))/da = s + a s (1 - s). The backward ADDS\n"
                  "out.grad times it (tutorial 05: uses add up). One node now: y = %.4f,\n"
                  "dy/dx = %.4f, as before.",
                  y.data(), x.grad());
    lesson.step(text, y, {.title = "silu as one op, after backward()"});
    lesson.check_near("silu(1.5)", y.data(), 1.5 * s, 1e-15);
    lesson.check_near("dsilu/dx at 1.5", x.grad(), s + 1.5 * s * (1 - s), 1e-15);
    lesson.check(y.op() == "silu" && y.parents().size() == 1, "one node, op silu, one operand");

    std::vector<double> points{-2.0, -0.5, 0.0, 1.5, 3.0};
    std::vector<std::string> names;
    for (std::size_t i = 0; i < points.size(); ++i) names.push_back("x[" + std::to_string(i) + "]");
    auto sum_of = [](gl::Value (*f)(const gl::Value&)) {
      return [f](const std::vector<gl::Value>& p) {
        gl::Value total = 0.0;
        for (std::size_t i = 0; i < p.size(); ++i) total = total + (i + 1.0) * f(p[i]);
        return total;
      };
    };
    gl::GradCheckResult good = gl::gradcheck(sum_of(silu), points, {}, names);
    lesson.step("Is the backward right? gradcheck compares it with finite differences,\n"
                "(f(x + h) - f(x - h)) / 2h, at a few points, through L = sum_i (i + 1) silu(x[i])\n"
                "so that every out.grad differs:\n" + table(good));
    lesson.check(good.ok(), "gradcheck passes silu's backward");

    gl::GradCheckResult bad = gl::gradcheck(sum_of(silu_wrong), points, {}, names);
    lesson.step("A slip: a backward that keeps only s, forgetting the product rule's a s (1 - s):\n"
                "  a.grad += s * out.grad;  // wrong\n"
                "The forward is still right, so nothing else would notice. gradcheck does,\n"
                "everywhere but at x = 0 (where the lost term is 0):\n" + table(bad));
    lesson.check(!bad.ok(), "gradcheck catches the wrong backward");
    lesson.check(bad.entries[2].ok && !bad.entries[0].ok, "right at x = 0 only, wrong at x = -2");

    // The Tensor op: the same derivative for every element, in one node.
    gl::Tensor X = gl::tensor({{-2.0, -0.5, 0.0}, {1.5, 3.0, 0.25}}).requires_grad_().set_label("X");
    gl::Tensor w = gl::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}).set_label("w");
    gl::Tensor Y = silu(X).set_label("silu(X)");
    gl::Tensor L = (Y * w).sum().set_label("L");
    L.backward();
    gl::GradCheckResult tensor_check = gl::gradcheck(
        [w](const std::vector<gl::Tensor>& p) { return (silu(p[0]) * w).sum(); },
        {X.detach()}, {}, {"X"});
    lesson.step("As a Tensor op: TensorSlot gives the whole arrays (shape, data, and grad,\n"
                "null for a constant), and the backward runs the same line for every\n"
                "element i:  x.grad[i] += (s + x.data[i] s (1 - s)) * out.grad[i];\n"
                "The picture shows X's gradient, w times silu'(X), element by element.\n"
                "A fourth part, its replay (v * sigmoid(v) on Values), lets explode() draw\n"
                "the op as the scalar steps it stands for, with the same gradients.\n" +
                    table(tensor_check),
                L, {.rankdir = gl::viz::RankDir::TB, .title = "silu as a Tensor op"});
    lesson.check(tensor_check.ok(), "gradcheck passes the Tensor op");
    lesson.check_near("dL/dX[1,0] = 4 silu'(1.5)", X.grad().data()[3], 4 * (s + 1.5 * s * (1 - s)),
                      1e-14);
    // The op's replay (its fourth part) lets explode() show it as scalars:
    // the exploded graph's gradient is the Tensor op's, element by element.
    gl::ExplodedGraph exploded = gl::explode(L);
    exploded.output[0].backward();
    bool same = true;
    for (std::size_t i = 0; i < 6; ++i)
      same = same && std::abs(exploded.of(X)[i].grad() - X.grad().data()[i]) < 1e-14;
    lesson.check(same, "explode() through the op's replay gives the same gradients (to 1e-14)");

    // The same op once more, as LibTorch writes one: autograd::Function.
    gl::Tensor X2 = X.detach().requires_grad_().set_label("X");
    gl::Tensor L2 = (SiLU::apply(X2) * w).sum().set_label("L");
    L2.backward();
    gl::GradCheckResult function_check = gl::gradcheck(
        [w](const std::vector<gl::Tensor>& p) { return (SiLU::apply(p[0]) * w).sum(); }, {X.detach()}, {}, {"X"});
    lesson.step("Coming from LibTorch? The same op as a torch::autograd::Function: forward\n"
                "computes with tensor ops (nothing recorded) and keeps what backward needs,\n"
                "  ctx->save_for_backward({a});  return a * a.sigmoid();\n"
                "and backward gets d(L)/d(out) and returns d(L)/d(a):\n"
                "  return {grad_outputs[0] * (s + a * s * (1.0 - s))};\n"
                "SiLU::apply(X) records ONE node named after the class; its first operand,\n"
                "\"ctx\", is what the context kept, carried by the graph as five numbers, 1 1 1 1 0:\n"
                "1 argument, and it is operand 1 (X); 1 saved tensor, and it is operand 1 (X, from\n"
                "save_for_backward({a})); 0 entries of saved_data. A constant: it takes no gradient.\n"
                "Same gradients:\n" +
                    table(function_check),
                L2, {.rankdir = gl::viz::RankDir::TB, .title = "silu as an autograd::Function"});
    lesson.check(function_check.ok(), "gradcheck passes the Function");
    lesson.check(gl::allclose(X2.grad(), X.grad(), 0, 1e-14), "the Function's gradients are the Tensor op's (to 1e-14)");

    lesson.step("Your turn: " + course::exercise_ref("softplus") +
                " asks for softplus(a) = log(1 + e^a) written the same\n"
                "way, as a Value op and as a Tensor op. Write it in\n"
                "tutorials/exercises/my_gradients.cpp and run `make exercise`; the checker\n"
                "looks for one op node named softplus and runs gradcheck on it.");
  });
}
