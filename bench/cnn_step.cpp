// SPDX-License-Identifier: MIT
// One epoch of the small MNIST CNN (Conv2d(1,8,3)-ReLU-MaxPool2d(2)-
// Conv2d(8,16,3)-ReLU-MaxPool2d(2)-Linear(400,10), cross-entropy, SGD, batch
// 64) on the 8,000 MNIST training digits (bench_data.hpp), on gradlab's
// tensors; bench/torch_compare.py runs the same in PyTorch on the same digits.
// Prints `name: value unit`. Run with OPENBLAS_NUM_THREADS=1 for one thread.
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

#include "bench_data.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;

int main() {
  gl::manual_seed(0);
  bench::TrainingSet data = bench::training_set();
  gl::Tensor images = data.images.reshape({-1, 1, 28, 28}), targets = data.labels;
  nn::Sequential model(nn::Conv2d(1, 8, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(8, 16, 3), nn::ReLU(),
                       nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 10));
  bench::EpochResult r = bench::best_epoch(model, images, targets, 0.01, 2);
  std::printf("cnn_epoch_gradlab: %.3f s/epoch (conv 8-16, batch 64, 8000 %s inputs, last loss %.3f)\n", r.seconds,
              data.source.c_str(), r.last_loss);
  return 0;
}
