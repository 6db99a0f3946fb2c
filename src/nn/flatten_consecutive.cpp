// SPDX-License-Identifier: MIT
// nn::FlattenConsecutive, WaveNet's fusing of neighbours as the lecture
// "makemore part 5" writes it: a reshape, so its gradient is reshape's.
// Shapes: x is (B, T, C); the result is (B, T / n, C * n), or (B, C * n)
// when T / n is 1.

#include <gradlab/nn/layers.hpp>

#include <stdexcept>
#include <string>

namespace gradlab::nn {

FlattenConsecutive::FlattenConsecutive(std::int64_t n) : Module("FlattenConsecutive"), n_(n) {
  if (n < 1) throw std::invalid_argument("FlattenConsecutive: n must be at least 1, got " + std::to_string(n));
}

Tensor FlattenConsecutive::forward(Tensor x) {
  if (x.dim() != 3)
    throw std::invalid_argument("FlattenConsecutive: expected a (B, T, C) input, got " + to_string(x.shape()));
  const std::int64_t B = x.shape()[0], T = x.shape()[1], C = x.shape()[2];
  if (T % n_ != 0)
    throw std::invalid_argument("FlattenConsecutive: cannot fuse " + std::to_string(n_) +
                                " consecutive positions of input " + to_string(x.shape()) + ": T = " +
                                std::to_string(T) + " is not a multiple of " + std::to_string(n_));
  // Row-major (B, T, C) already holds positions t, t + 1, ... side by side:
  // viewing it as (B, T / n, C * n) puts each group of n in one row.
  x = x.reshape({B, T / n_, C * n_});
  return T / n_ == 1 ? x.squeeze(1) : x;
}

}  // namespace gradlab::nn
