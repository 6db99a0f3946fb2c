// SPDX-License-Identifier: MIT
// One epoch of an MLP 784-128-64-10 (ReLU, cross-entropy, SGD, batch 64) on
// the 8,000 MNIST training digits (bench_data.hpp), on gradlab's tensors;
// bench/torch_compare.py runs the same in PyTorch on the same digits. Prints `name: value unit` lines. Run with OPENBLAS_NUM_THREADS=1
// for one thread, as PyTorch's side uses.
#include <cstdio>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

#include "bench_data.hpp"

namespace gl = gradlab;

int main() {
  gl::manual_seed(0);
  bench::TrainingSet data = bench::training_set();
  gl::Tensor images = data.images, targets = data.labels;
  gl::nn::MLP model({784, 128, 64, 10});  // Linear layers with ReLU between, as PyTorch's side
  bench::EpochResult r = bench::best_epoch(model, images, targets, 0.1, 3);
  std::printf("mlp_epoch_gradlab: %.3f s/epoch (784-128-64-10, batch 64, 8000 %s inputs, last loss %.3f)\n",
              r.seconds, data.source.c_str(), r.last_loss);
  return 0;
}
