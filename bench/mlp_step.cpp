// SPDX-License-Identifier: MIT
// One epoch of an MLP 784-128-64-10 (ReLU, cross-entropy, SGD, batch 64) on
// 8,000 MNIST-shaped inputs, on gradlab's tensors. The data are random (the
// speed does not depend on the pixels); bench/torch_compare.py runs the same
// in PyTorch. Prints `name: value unit` lines. Run with OPENBLAS_NUM_THREADS=1
// for one thread, as PyTorch's side uses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

namespace {

struct Linear {
  gl::Tensor w, b;  // w is (out, in), b is (out)
  Linear(std::int64_t in, std::int64_t out) {
    double bound = 1.0 / std::sqrt(static_cast<double>(in));  // PyTorch's default range
    w = ((gl::rand({out, in}) * 2.0 - 1.0) * bound).detach().requires_grad_();
    b = ((gl::rand({out}) * 2.0 - 1.0) * bound).detach().requires_grad_();
  }
  gl::Tensor operator()(const gl::Tensor& x) const { return x.matmul(w.t()) + b; }  // x is (B, in)
};

// Mean cross-entropy of logits (B, C) against class indices (B, 1).
gl::Tensor cross_entropy(const gl::Tensor& logits, const gl::Tensor& target) {
  return -gl::log_softmax(logits, 1).gather(1, target).mean();
}

}  // namespace

int main() {
  gl::manual_seed(0);
  const std::int64_t n = 8000, batch = 64;
  gl::Tensor images = gl::rand({n, 784});
  std::vector<double> labels(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<double>(i % 10);
  gl::Tensor targets = gl::tensor(labels, {n, 1});
  Linear l1(784, 128), l2(128, 64), l3(64, 10);
  std::vector<gl::Tensor*> params{&l1.w, &l1.b, &l2.w, &l2.b, &l3.w, &l3.b};

  double best = 1e30, last_loss = 0;
  for (int epoch = 0; epoch < 3; ++epoch) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t start = 0; start < n; start += batch) {
      std::int64_t end = std::min(start + batch, n);
      gl::Tensor x = images.slice(0, start, end), y = targets.slice(0, start, end);
      gl::Tensor loss = cross_entropy(l3(gl::relu(l2(gl::relu(l1(x))))), y);
      for (gl::Tensor* p : params) p->zero_grad();
      loss.backward();
      for (gl::Tensor* p : params) {  // SGD, lr 0.1, in place
        std::vector<double>& w = p->data();
        const std::vector<double>& g = p->node()->grad;
        for (std::size_t i = 0; i < w.size(); ++i) w[i] -= 0.1 * g[i];
      }
      last_loss = loss.item();
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("mlp_epoch_gradlab: %.3f s/epoch (784-128-64-10, batch 64, 8000 inputs, last loss %.3f)\n",
              best, last_loss);
  return 0;
}
