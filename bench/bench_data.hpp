// SPDX-License-Identifier: MIT
// What the tensor epochs train on: the 8,000 real MNIST training digits when
// `make data` has fetched them (bench/torch_compare.py reads the same files
// in the same order), else random images of the same shape.
#pragma once

#include <filesystem>
#include <string>

#include <gradlab/gradlab.hpp>

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

}  // namespace bench
