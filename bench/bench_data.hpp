// SPDX-License-Identifier: MIT
// What the tensor epochs train on, and the epoch itself: the 8,000 real
// MNIST training digits when `make data` has fetched them
// (bench/torch_compare.py reads the same files in the same order), else
// random images of the same shape; SGD, batch 64, cross-entropy.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>

namespace bench {

struct TrainingSet {
  gradlab::Tensor images;  // (8000, 784), pixels in [0, 1]
  gradlab::Tensor labels;  // (8000)
  std::string source;      // "mnist" or "random"
};

inline TrainingSet training_set() {
  namespace gl = gradlab;
  std::string dir = gl::default_mnist_dir();
  if (std::filesystem::exists(dir + "/9.json")) {
    gl::Mnist m = gl::load_mnist(dir);
    return {m.train_images, m.train_labels, "mnist"};
  }
  const std::int64_t n = 8000;
  std::vector<double> labels(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
  return {gl::rand({n, 784}), gl::tensor(labels, {n}), "random"};
}

struct EpochResult {
  double seconds;    // the fastest of the rounds
  double last_loss;
};

// `rounds` epochs of SGD (lr) over images (n, ...) in batches of 64.
inline EpochResult best_epoch(gradlab::nn::Module& model, const gradlab::Tensor& images,
                              const gradlab::Tensor& targets, double lr, int rounds) {
  namespace gl = gradlab;
  const std::int64_t n = images.shape()[0], batch = 64;
  gl::nn::CrossEntropyLoss loss_fn;
  gl::optim::SGD optimizer(model.parameters(), gl::optim::SGDOptions(lr));
  EpochResult r{1e30, 0};
  for (int round = 0; round < rounds; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t start = 0; start < n; start += batch) {
      std::int64_t end = std::min(start + batch, n);
      gl::Tensor loss = loss_fn(model(images.slice(0, start, end)), targets.slice(0, start, end));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      r.last_loss = loss.item();
    }
    r.seconds = std::min(r.seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return r;
}

}  // namespace bench
