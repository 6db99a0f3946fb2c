// SPDX-License-Identifier: MIT
// A Hessian-vector product of the MNIST MLP's loss (784-128-64-10, ReLU,
// cross-entropy over 1,000 digits) without forming the Hessian: the
// gradient with create_graph, its dot product with v, and the gradient of
// that (double backward). bench/torch_compare.py does the same in PyTorch.
// Prints `name: value unit` lines; run with OPENBLAS_NUM_THREADS=1.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <gradlab/gradlab.hpp>

#include "bench_data.hpp"

namespace gl = gradlab;

int main() {
  gl::manual_seed(0);
  bench::TrainingSet data = bench::training_set();
  gl::Tensor images = data.images.slice(0, 0, 1000), targets = data.labels.slice(0, 0, 1000);
  gl::nn::MLP model({784, 128, 64, 10});
  std::vector<gl::Tensor> params = model.parameters();
  std::vector<gl::Tensor> v;
  for (const gl::Tensor& p : params) v.push_back(gl::randn(p.shape()));
  double best = 1e30, norm = 0;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    gl::Tensor loss = gl::nn::functional::cross_entropy(model(images), targets);
    std::vector<gl::Tensor> g = gl::autograd::grad({loss}, params, {}, true, true);
    gl::Tensor dot = (g[0] * v[0]).sum();
    for (std::size_t i = 1; i < g.size(); ++i) dot = dot + (g[i] * v[i]).sum();
    std::vector<gl::Tensor> hv = gl::autograd::grad({dot}, params);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    norm = 0;
    for (const gl::Tensor& h : hv) norm += (h * h).sum().item();
  }
  std::printf("hvp_mlp_gradlab: %.4f s (784-128-64-10 loss on 1000 %s digits, |Hv| %.4g)\n", best,
              data.source.c_str(), std::sqrt(norm));
  return 0;
}
