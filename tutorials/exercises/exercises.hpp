// SPDX-License-Identifier: MIT
// The exercises: five gradients to write by hand, with plain loops over
// std::vector. Each task is stated here; write your answers in
// my_gradients.cpp and run `make exercise`. The checker compares them with
// backward() and with finite differences. Matrices are row-major vectors.
// Exercises 6-9, a whole training step at tensor level, are in whole_step.hpp.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "whole_step.hpp"

namespace exercises {

using Vec = std::vector<double>;

// 1. A sigmoid neuron: y = sigmoid(w·x + b), sigmoid(z) = 1 / (1 + e^-z).
//    Return dy/dw_0 .. dy/dw_{n-1}, then dy/db (n + 1 numbers).
using SigmoidNeuron = std::function<Vec(const Vec& x, const Vec& w, double b)>;

// 2. A 2-layer MLP: h = tanh(W1 x + b1) with W1 (H, D), y = w2·h + b2.
//    Return dy/dW1, (H, D) row-major.
using MlpWeightGrad =
    std::function<Vec(const Vec& x, const Vec& W1, const Vec& b1, const Vec& w2, std::size_t H)>;

// 3. Softmax cross-entropy: L = -log softmax(z)[k], softmax(z)_i = e^z_i / sum_j e^z_j.
//    Return dL/dz.
using SoftmaxCrossEntropy = std::function<Vec(const Vec& z, std::size_t k)>;

// 4. A broadcasting add: out = A + b, A (N, D), b (D) added to every row.
//    With L = sum_ij G_ij out_ij (G is dL/dout), return dL/dA then dL/db
//    (N·D + D numbers).
using BroadcastAdd = std::function<Vec(const Vec& G, std::size_t N, std::size_t D)>;

// 5. A matmul: C = A B, A (N, K), B (K, M). With L = sum_ij G_ij C_ij,
//    return dL/dA then dL/dB (N·K + K·M numbers).
using Matmul = std::function<Vec(const Vec& A, const Vec& B, const Vec& G, std::size_t N,
                                 std::size_t K, std::size_t M)>;

struct Answers {
  SigmoidNeuron sigmoid_neuron;
  MlpWeightGrad mlp_weight_grad;
  SoftmaxCrossEntropy softmax_cross_entropy;
  BroadcastAdd broadcast_add;
  Matmul matmul;
  WholeStep whole_step;  // exercises 6-9
};

// Thrown by an exercise not written yet.
struct Todo : std::runtime_error {
  explicit Todo(const std::string& name) : std::runtime_error(name + " is not written yet") {}
};

Answers my_answers();        // my_gradients.cpp: yours
Answers solutions();         // solutions.cpp
Answers wrong_answers();     // wrong_answer.cpp: the solutions with one classic mistake

// Checks every answer against backward() and finite differences and prints
// one table per exercise. Returns how many exercises failed (0: all pass).
int check(const Answers& answers, std::ostream& os);

}  // namespace exercises
