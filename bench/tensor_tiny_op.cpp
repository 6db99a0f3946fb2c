// SPDX-License-Identifier: MIT
// The fixed cost of one tensor op: forward + backward + free of ops on
// one-element tensors, where the arithmetic is nothing and the bookkeeping
// is everything. Prints `name: value unit` lines.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

int main() {
  gl::Tensor x = gl::tensor({1.0}).requires_grad_();
  gl::Tensor c = gl::tensor({0.999});
  const int ops = 10000, rounds = 7;
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    {
      gl::Tensor y = x;
      for (int i = 0; i < ops / 2; ++i) y = y * c + c;  // two ops a step
      y.backward();
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("tensor_tiny_op: %.3f us/op (forward + backward + free)\n", 1e6 * best / ops);
  return 0;
}
