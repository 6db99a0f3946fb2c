// SPDX-License-Identifier: MIT
// 13 MNIST with an MLP: 784 pixels -> 128 -> 64 -> 10 classes, ReLU between,
// cross-entropy, Adam (or SGD with momentum: --optimizer sgd), batch 64, five
// epochs over 8,000 real digits. Needs the digits: `make data`.
//   build/tutorials/14_mnist_mlp [--epochs 5] [--optimizer adam|sgd] [--out out/14_mnist_mlp]
// Ends with `test_accuracy: 0.xxxx` on the 2,000 test digits.

#include "mnist_training.hpp"

namespace gl = gradlab;

int main(int argc, char** argv) {
  auto c = mnist_training::parse_args(argc, argv, {.name = GRADLAB_CHAPTER, .optimizer = "adam"});
  gl::manual_seed(0);
  gl::nn::MLP model({784, 128, 64, 10});
  auto optimizer = mnist_training::make_optimizer(c, model.parameters(), 5e-3, 0.05);
  // The MLP reads each image as one row of 784 numbers, as it comes.
  return mnist_training::run(c, model, *optimizer, [](const gl::Tensor& x) { return x; });
}
