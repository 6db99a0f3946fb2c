// SPDX-License-Identifier: MIT
// The solutions, each derivation in its comment. Try the exercises first.
#include "exercises.hpp"

#include <cmath>

#include <gradlab/op.hpp>

namespace exercises {

namespace gl = gradlab;

// softplus(a) = log(1 + e^a), one op node with its own backward, as
// value_ops.cpp writes tanh. For a > 0, a + log(1 + e^-a) is the same
// number and e^a cannot overflow.
double softplus(double a) { return a > 0 ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a)); }

gl::Value softplus(const gl::Value& a) {
  double data = softplus(a.data());  // forward
  static constexpr gl::Op op{"softplus", [](gl::Node& n) {  // backward
    auto [out, a] = gl::unary_slots(n);
    a.grad += out.grad / (1 + std::exp(-a.data));  // d softplus(a)/da = sigmoid(a)
  }, &gl::kScalarKind};
  return gl::make_result(data, op, a);
}

gl::Tensor softplus(const gl::Tensor& a) {
  std::vector<double> out;  // forward
  for (double x : a.data()) out.push_back(softplus(x));
  static constexpr gl::Op op{"softplus", [](gl::Node& n) {  // backward
    gl::TensorSlot out = gl::tensor_slot(n), x = gl::tensor_slot(n.parent(0));
    if (!x.grad) return;  // a constant input takes no gradient
    for (std::size_t i = 0; i < x.data.size(); ++i)
      x.grad[i] += out.grad[i] / (1 + std::exp(-x.data[i]));  // d softplus(a)/da = sigmoid(a)
  }, &gl::kTensorKind};
  return gl::make_result(a.shape(), std::move(out), op, {a});
}

Answers solutions() {
  Answers a;
  // y = s(z), z = w·x + b, s' = s(1 - s): dy/dw[i] = s(1 - s) x[i], dy/db = s(1 - s).
  a.sigmoid_neuron = [](const Vec& x, const Vec& w, double b) {
    double z = b;
    for (std::size_t i = 0; i < x.size(); ++i) z += w[i] * x[i];
    double s = 1 / (1 + std::exp(-z));
    Vec d;
    for (double xi : x) d.push_back(s * (1 - s) * xi);
    d.push_back(s * (1 - s));
    return d;
  };
  // y = sum_j w2[j] h[j], h[j] = tanh(a[j]), a[j] = sum_i W1[j,i] x[i] + b1[j]:
  // dy/dW1[j,i] = w2[j] (1 - h[j]²) x[i].
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
  // L = -z[k] + log sum_j e^z[j]: dL/dz[i] = softmax(z)[i] - [i == k].
  a.softmax_cross_entropy = [](const Vec& z, std::size_t k) {
    double m = z[0], sum = 0;
    for (double zi : z) m = std::max(m, zi);  // subtract the max: no overflow
    for (double zi : z) sum += std::exp(zi - m);
    Vec d;
    for (std::size_t i = 0; i < z.size(); ++i) d.push_back(std::exp(z[i] - m) / sum - (i == k));
    return d;
  };
  // out[i,j] = A[i,j] + b[j]: dL/dA = G; b[j] is used in every row, so dL/db[j] = sum_i G[i,j].
  a.broadcast_add = [](const Vec& G, std::size_t N, std::size_t D) {
    Vec d = G;
    for (std::size_t j = 0; j < D; ++j) {
      double s = 0;
      for (std::size_t i = 0; i < N; ++i) s += G[i * D + j];
      d.push_back(s);
    }
    return d;
  };
  // C[i,j] = sum_k A[i,k] B[k,j]: dL/dA = G B^T (N, K), dL/dB = A^T G (K, M).
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
  a.softplus_value = [](const gl::Value& x) { return softplus(x); };
  a.softplus_tensor = [](const gl::Tensor& x) { return softplus(x); };
  a.whole_step = whole_step_solutions();
  return a;
}

}  // namespace exercises
