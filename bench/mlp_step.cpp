// SPDX-License-Identifier: MIT
// One epoch of an MLP 784-128-64-10 (ReLU, cross-entropy, SGD, batch 64) on
// the 8,000 MNIST training digits (bench_data.hpp), on gradlab's tensors;
// bench/torch_compare.py runs the same in PyTorch on the same digits. Prints `name: value unit` lines. Run with OPENBLAS_NUM_THREADS=1
// for one thread, as PyTorch's side uses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

#include "bench_data.hpp"

namespace gl = gradlab;

int main() {
  gl::manual_seed(0);
  const std::int64_t n = 8000, batch = 64;
  bench::TrainingSet data = bench::training_set();
  gl::Tensor images = data.images, targets = data.labels;
  gl::nn::MLP model({784, 128, 64, 10});  // Linear layers with ReLU between, as PyTorch's side
  gl::nn::CrossEntropyLoss loss_fn;
  gl::optim::SGD optimizer(model.parameters(), gl::optim::SGDOptions(0.1));

  double best = 1e30, last_loss = 0;
  for (int epoch = 0; epoch < 3; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t start = 0; start < n; start += batch) {
      std::int64_t end = std::min(start + batch, n);
      gl::Tensor x = images.slice(0, start, end), y = targets.slice(0, start, end);
      gl::Tensor loss = loss_fn(model(x), y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      last_loss = loss.item();
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("mlp_epoch_gradlab: %.3f s/epoch (784-128-64-10, batch 64, 8000 %s inputs, last loss %.3f)\n",
              best, data.source.c_str(), last_loss);
  return 0;
}
