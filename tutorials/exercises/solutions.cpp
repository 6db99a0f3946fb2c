// SPDX-License-Identifier: MIT
// The solutions, each derivation in its comment. Try the exercises first.
#include "exercises.hpp"

#include <cmath>

namespace exercises {

Answers solutions() {
  Answers a;
  // y = s(z), z = w·x + b, s' = s(1 - s): dy/dw_i = s(1 - s) x_i, dy/db = s(1 - s).
  a.sigmoid_neuron = [](const Vec& x, const Vec& w, double b) {
    double z = b;
    for (std::size_t i = 0; i < x.size(); ++i) z += w[i] * x[i];
    double s = 1 / (1 + std::exp(-z));
    Vec d;
    for (double xi : x) d.push_back(s * (1 - s) * xi);
    d.push_back(s * (1 - s));
    return d;
  };
  // y = sum_j w2_j h_j, h_j = tanh(a_j), a_j = sum_i W1_ji x_i + b1_j:
  // dy/dW1_ji = w2_j (1 - h_j²) x_i.
  a.mlp_weight_grad = [](const Vec& x, const Vec& W1, const Vec& b1, const Vec& w2,
                         std::size_t H) {
    std::size_t D = x.size();
    Vec d(H * D);
    for (std::size_t j = 0; j < H; ++j) {
      double aj = b1[j];
      for (std::size_t i = 0; i < D; ++i) aj += W1[j * D + i] * x[i];
      double hj = std::tanh(aj);
      for (std::size_t i = 0; i < D; ++i) d[j * D + i] = w2[j] * (1 - hj * hj) * x[i];
    }
    return d;
  };
  // L = -z_k + log sum_j e^z_j: dL/dz_i = softmax(z)_i - [i == k].
  a.softmax_cross_entropy = [](const Vec& z, std::size_t k) {
    double m = z[0], sum = 0;
    for (double zi : z) m = std::max(m, zi);  // subtract the max: no overflow
    for (double zi : z) sum += std::exp(zi - m);
    Vec d;
    for (std::size_t i = 0; i < z.size(); ++i) d.push_back(std::exp(z[i] - m) / sum - (i == k));
    return d;
  };
  // out_ij = A_ij + b_j: dL/dA = G; b_j is used in every row, so dL/db_j = sum_i G_ij.
  a.broadcast_add = [](const Vec& G, std::size_t N, std::size_t D) {
    Vec d = G;
    for (std::size_t j = 0; j < D; ++j) {
      double s = 0;
      for (std::size_t i = 0; i < N; ++i) s += G[i * D + j];
      d.push_back(s);
    }
    return d;
  };
  // C_ij = sum_k A_ik B_kj: dL/dA = G B^T (N, K), dL/dB = A^T G (K, M).
  a.matmul = [](const Vec& A, const Vec& B, const Vec& G, std::size_t N, std::size_t K,
                std::size_t M) {
    Vec d(N * K + K * M, 0.0);
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < M; ++j) {
          d[i * K + k] += G[i * M + j] * B[k * M + j];
          d[N * K + k * M + j] += A[i * K + k] * G[i * M + j];
        }
    return d;
  };
  a.whole_step = whole_step_solutions();
  return a;
}

}  // namespace exercises
