// SPDX-License-Identifier: MIT
// Autograd as a LibTorch user meets it (LibTorch 1.13): gradients of a few
// expressions, requires_grad, a vector-Jacobian product, no_grad, and two
// functions with their own backward. Kept beside its gradlab port
// (autograd.cpp); scripts/libtorch-port.sh counts the difference.
#include <torch/torch.h>

#include <iostream>

using namespace torch::autograd;

// y = x^3, with its own backward: dy/dx = 3 x^2.
class Cube : public Function<Cube> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    auto x = ctx->get_saved_variables()[0];
    return {grad_outputs[0] * 3 * x * x};
  }
};

// y = factor * x for a number factor, which takes no gradient.
class Scale : public Function<Scale> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor x, double factor) {
    ctx->saved_data["factor"] = factor;
    return x * factor;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["factor"].toDouble(), torch::Tensor()};
  }
};

void basics() {
  auto x = torch::ones({2, 2}, torch::requires_grad());
  auto y = x + 2;
  auto z = y * y * 3;
  auto out = z.mean();
  out.backward();
  std::cout << "d(out)/dx[0][0] = " << x.grad()[0][0].item<double>() << std::endl;  // 4.5

  auto a = torch::randn({2, 2});
  a = ((a * 3) / (a - 1));
  std::cout << "a requires grad: " << a.requires_grad() << std::endl;
  a.requires_grad_(true);
  auto b = (a * a).sum();
  std::cout << "b requires grad: " << b.requires_grad() << std::endl;

  auto v = torch::randn(3, torch::requires_grad());
  auto w = v * 2;
  while (w.norm().item<double>() < 1000) {
    w = w * 2;
  }
  auto g = torch::tensor({0.1, 1.0, 0.0001});
  w.backward(g);
  std::cout << "v.grad / g = " << (v.grad() / g)[0].item<double>() << std::endl;  // a power of 2

  {
    torch::NoGradGuard no_grad;
    std::cout << "under no_grad: " << v.pow(2).requires_grad() << std::endl;
  }
  std::cout << "detached: " << v.detach().requires_grad() << std::endl;
}

void custom() {
  auto x = torch::randn({2, 3}, torch::requires_grad());
  auto y = Scale::apply(Cube::apply(x), 0.5);
  y.sum().backward();
  auto expected = 1.5 * x * x;
  std::cout << "custom backward matches: " << torch::allclose(x.grad(), expected) << std::endl;
}

int main() {
  torch::manual_seed(0);
  basics();
  custom();
}
