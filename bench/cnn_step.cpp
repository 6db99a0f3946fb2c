// SPDX-License-Identifier: MIT
// One epoch of the small MNIST CNN (Conv2d(1,8,3)-ReLU-MaxPool2d(2)-
// Conv2d(8,16,3)-ReLU-MaxPool2d(2)-Linear(400,10), cross-entropy, SGD, batch
// 64) on the 8,000 MNIST training digits (bench_data.hpp), on gradlab's
// tensors; bench/torch_compare.py runs the same in PyTorch on the same digits.
// Prints `name: value unit`. Run with OPENBLAS_NUM_THREADS=1 for one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

#include "bench_data.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;

int main() {
  gl::manual_seed(0);
  const std::int64_t n = 8000, batch = 64;
  bench::TrainingSet data = bench::training_set();
  gl::Tensor images = data.images.reshape({n, 1, 28, 28}), targets = data.labels;
  nn::Sequential model(nn::Conv2d(1, 8, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(8, 16, 3), nn::ReLU(),
                       nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 10));
  nn::CrossEntropyLoss loss_fn;
  gl::optim::SGD optimizer(model.parameters(), gl::optim::SGDOptions(0.01));
  double best = 1e30, last_loss = 0;
  for (int epoch = 0; epoch < 2; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t start = 0; start < n; start += batch) {
      std::int64_t end = std::min(start + batch, n);
      gl::Tensor loss = loss_fn(model(images.slice(0, start, end)), targets.slice(0, start, end));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      last_loss = loss.item();
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("cnn_epoch_gradlab: %.3f s/epoch (conv 8-16, batch 64, 8000 %s inputs, last loss %.3f)\n", best,
              data.source.c_str(), last_loss);
  return 0;
}
