// SPDX-License-Identifier: MIT
// Your answers. Replace each `throw Todo(...)` with what the comment in
// exercises.hpp asks for, then run `make exercise`; each exercise is checked
// as soon as it is written. Stuck? The hints say more on every try (or
// `build/tutorials/exercises/exercise --hint 3`); solutions.cpp has the rest.
#include "exercises.hpp"

#include <cmath>

#include <gradlab/op.hpp>

namespace exercises {

namespace gl = gradlab;

// 6. Your own op (chapter 13, your own op, writes silu this way): softplus(a) = log(1 + e^a).
gl::Value my_softplus(const gl::Value& a) {
  (void)a;
  throw Todo("softplus as a Value op");  // TODO: a static gl::Op and gl::make_result
}

gl::Tensor my_softplus(const gl::Tensor& a) {
  (void)a;
  throw Todo("softplus as a Tensor op");  // TODO: the same, for every element
}

Answers my_answers() {
  Answers a;
  a.sigmoid_neuron = [](const Vec& x, const Vec& w, double b) -> Vec {
    (void)x, (void)w, (void)b;
    throw Todo("sigmoid_neuron");  // TODO: dy/dw[i], then dy/db
  };
  a.mlp_weight_grad = [](const Vec& x, const Vec& W1, const Vec& b1, const Vec& w2,
                         std::size_t H) -> Vec {
    (void)x, (void)W1, (void)b1, (void)w2, (void)H;
    throw Todo("mlp_weight_grad");  // TODO: dy/dW1[j,i]
  };
  a.softmax_cross_entropy = [](const Vec& z, std::size_t k) -> Vec {
    (void)z, (void)k;
    throw Todo("softmax_cross_entropy");  // TODO: dL/dz[i]
  };
  a.broadcast_add = [](const Vec& G, std::size_t N, std::size_t D) -> Vec {
    (void)G, (void)N, (void)D;
    throw Todo("broadcast_add");  // TODO: dL/dA, then dL/db
  };
  a.matmul = [](const Vec& A, const Vec& B, const Vec& G, std::size_t N, std::size_t K,
                std::size_t M) -> Vec {
    (void)A, (void)B, (void)G, (void)N, (void)K, (void)M;
    throw Todo("matmul");  // TODO: dL/dA, then dL/dB
  };
  a.softplus_value = [](const gl::Value& x) { return my_softplus(x); };
  a.softplus_tensor = [](const gl::Tensor& x) { return my_softplus(x); };
  a.whole_step = my_whole_step();
  return a;
}

}  // namespace exercises
