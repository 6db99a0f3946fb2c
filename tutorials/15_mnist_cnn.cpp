// SPDX-License-Identifier: MIT
// 14 MNIST with a small CNN: two 3x3 convolutions (8 and 16 channels), each
// followed by ReLU and 2x2 max-pooling, then one Linear layer to 10 classes:
//   (1, 28, 28) -> conv 8 -> (8, 26, 26) -> pool -> (8, 13, 13)
//               -> conv 16 -> (16, 11, 11) -> pool -> (16, 5, 5) = 400 -> 10
// Adam, batch 64, five epochs over 8,000 real digits. Needs `make data`.
// Ends with `test_accuracy: 0.xxxx` on the 2,000 test digits.

#include "mnist_training.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;

int main(int argc, char** argv) {
  auto c = mnist_training::parse_args(argc, argv, {.name = GRADLAB_CHAPTER, .optimizer = "adam"});
  gl::manual_seed(0);
  nn::Sequential model(nn::Conv2d(1, 8, 3), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(8, 16, 3), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Flatten(), nn::Linear(400, 10));
  auto optimizer = mnist_training::make_optimizer(c, model.parameters(), 6e-3, 0.05);
  // The CNN sees each image as a 28 x 28 picture with one channel.
  return mnist_training::run(c, model, *optimizer, [](const gl::Tensor& x) { return x.reshape({-1, 1, 28, 28}); });
}
