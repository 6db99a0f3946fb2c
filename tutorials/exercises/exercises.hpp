// SPDX-License-Identifier: MIT
// The exercises: five gradients to write by hand with plain loops over
// std::vector, and one op to write as gradlab's own ops are written. Each
// task is stated here; write your answers in my_gradients.cpp and run
// `make exercise`. The checker compares them with backward() and with
// finite differences, on several shapes and random numbers, so an answer
// must work for any size. Matrices are row-major vectors: A (N, K) holds
// A[i,k] at A[i * K + k].
// Exercises 7-10, a whole training step at tensor level, are in whole_step.hpp.
// Their numbers and titles, as the checker prints them: tutorials/course.txt.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

#include "whole_step.hpp"

namespace exercises {

using Vec = std::vector<double>;

// 1. A sigmoid neuron: y = sigmoid(z), z = w·x + b = sum_i w[i] x[i] + b,
//    sigmoid(z) = 1 / (1 + e^-z). x and w have n numbers.
//    Return dy/dw[0] .. dy/dw[n-1], then dy/db (n + 1 numbers).
using SigmoidNeuron = std::function<Vec(const Vec& x, const Vec& w, double b)>;

// 2. A 2-layer MLP: a[j] = sum_i W1[j,i] x[i] + b1[j], h[j] = tanh(a[j]),
//    y = sum_j w2[j] h[j] + b2, with W1 (H, D), x (D), b1 and w2 (H).
//    Return dy/dW1, (H, D) row-major: dy/dW1[j,i] at j * D + i.
using MlpWeightGrad =
    std::function<Vec(const Vec& x, const Vec& W1, const Vec& b1, const Vec& w2, std::size_t H)>;

// 3. Softmax cross-entropy: L = -log softmax(z)[k], with
//    softmax(z)[i] = e^z[i] / sum_j e^z[j], z of any length, k the target.
//    Return dL/dz (one number per z[i]).
using SoftmaxCrossEntropy = std::function<Vec(const Vec& z, std::size_t k)>;

// 4. A broadcasting add: out[i,j] = A[i,j] + b[j], A (N, D), b (D) added to
//    every row. With L = sum_ij G[i,j] out[i,j] (so G[i,j] = dL/dout[i,j]),
//    return dL/dA (N·D numbers) then dL/db (D numbers).
using BroadcastAdd = std::function<Vec(const Vec& G, std::size_t N, std::size_t D)>;

// 5. A matmul: C[i,j] = sum_k A[i,k] B[k,j], A (N, K), B (K, M). With
//    L = sum_ij G[i,j] C[i,j] (G[i,j] = dL/dC[i,j], G is (N, M)), return
//    dL/dA (N·K numbers) then dL/dB (K·M numbers).
using Matmul = std::function<Vec(const Vec& A, const Vec& B, const Vec& G, std::size_t N,
                                 std::size_t K, std::size_t M)>;

// 6. Your own op (chapter 13): softplus(a) = log(1 + e^a), as ONE op node
//    named "softplus" with its own forward and backward, written with
//    gradlab's public API for ops (<gradlab/op.hpp>): once for a Value, once
//    for a Tensor (elementwise, any shape). The checker calls each on a
//    leaf, checks the op node and its forward, then backpropagates
//    L = sum_i g[i] softplus(x)[i] through it.
using ValueOp = std::function<gradlab::Value(const gradlab::Value& a)>;
using TensorOp = std::function<gradlab::Tensor(const gradlab::Tensor& a)>;

struct Answers {
  SigmoidNeuron sigmoid_neuron;
  MlpWeightGrad mlp_weight_grad;
  SoftmaxCrossEntropy softmax_cross_entropy;
  BroadcastAdd broadcast_add;
  Matmul matmul;
  ValueOp softplus_value;
  TensorOp softplus_tensor;
  WholeStep whole_step;  // exercises 7-10
};

// Thrown by an exercise not written yet.
struct Todo : std::runtime_error {
  explicit Todo(const std::string& name) : std::runtime_error(name + " is not written yet") {}
};

Answers my_answers();        // my_gradients.cpp: yours
Answers solutions();         // solutions.cpp
Answers wrong_answers();     // wrong_answer.cpp: the solutions with two classic mistakes
Answers blank_answers();     // checker.cpp: nothing written, as my_gradients.cpp is at first

// What check() found: how many exercises fail, and how many are not
// written yet (Todo); with none written at all, it says how to begin.
struct Outcome {
  int exercises = 0;
  int failed = 0;       // FAIL, including not written
  int not_written = 0;  // threw Todo
};

// Checks every answer against backward() and finite differences on several
// shapes and prints one table per exercise. hint_level (1 to 3) decides how
// much a failing exercise's hint gives away: 1 where to look, 2 the rule,
// 3 the formula; tries[e], when given, raises it for exercise e (the number
// of earlier runs it failed in), and is updated.
Outcome check(const Answers& answers, std::ostream& os, int hint_level = 1,
              std::vector<int>* tries = nullptr);

}  // namespace exercises
