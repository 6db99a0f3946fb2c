// SPDX-License-Identifier: MIT
// Exercises 7-10 (numbered in tutorials/course.txt): backprop by hand through a whole training step, at tensor
// level, of the language model's MLP (chapter 10) with BatchNorm (chapter 11) (N examples, a context of 3
// characters, E = 10 numbers per character, H = 64 hidden units, 27 classes):
//
//   emb      = C[X]                            X (N, 3) indices, C (27, E): (N, 3, E)
//   embcat   = emb.reshape(N, 3E)
//   hprebn   = embcat @ W1 + b1                W1 (3E, H), b1 (H): (N, H)
//   bnmean   = hprebn.mean(0, keepdim)         (1, H)
//   bndiff   = hprebn - bnmean
//   bndiff2  = bndiff^2
//   bnvar    = bndiff2.sum(0, keepdim) / (N - 1)   Bessel's correction, as in training
//   bnvar_inv = (bnvar + 1e-5)^-0.5
//   bnraw    = bndiff * bnvar_inv
//   hpreact  = bngain * bnraw + bnbias         bngain, bnbias (1, H)
//   h        = tanh(hpreact)
//   logits   = h @ W2 + b2                     W2 (H, 27), b2 (27): (N, 27)
//   logit_maxes = logits.max(1, keepdim)       subtracted for stability only
//   norm_logits = logits - logit_maxes
//   counts   = exp(norm_logits)
//   counts_sum = counts.sum(1, keepdim)
//   counts_sum_inv = counts_sum^-1
//   probs    = counts * counts_sum_inv
//   logprobs = log(probs)
//   loss     = -mean over i of logprobs[i, Y[i]]
//
// Every tensor of the step is given to you as plain numbers (no graph): use
// gradlab's Tensor ops (matmul, t(), sum, *, ...) to compute gradients,
// never backward(). Write your answers in my_whole_step.cpp.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>

#include <gradlab/gradlab.hpp>

namespace exercises {

namespace gl = gradlab;

// The step's numbers, named as above (Y holds the target class of each row).
using Step = std::map<std::string, gl::Tensor>;
// Gradients of the loss, named "d" + the tensor's name: "dlogprobs", "dW1".
using Grads = std::map<std::string, gl::Tensor>;

// The names of the step's tensors, from the loss back to the parameters:
// the order exercise 7 asks for their gradients in.
const std::vector<std::string>& step_names();
// The parameters, in the order exercise 10 updates them.
const std::vector<std::string>& parameter_names();

struct WholeStep {
  // 7. Atom by atom: d of every tensor of the step_names() list
  //    ("dlogprobs" ... "dC"), each from the one after it in the forward.
  std::function<Grads(const Step& s)> atoms;
  // 8. Cross-entropy in one go: dlogits (N, 27) from logits and Y alone.
  std::function<gl::Tensor(const gl::Tensor& logits, const gl::Tensor& Y)> cross_entropy;
  // 9. BatchNorm in one go: dhprebn (N, H) from hprebn, bngain and dhpreact
  //    (the batch statistics with Bessel's correction, eps 1e-5).
  std::function<gl::Tensor(const gl::Tensor& hprebn, const gl::Tensor& bngain, const gl::Tensor& dhpreact)>
      batch_norm;
  // 10. The parameters' gradients of one step ("dC", "dW1", "db1",
  //    "dbngain", "dbnbias", "dW2", "db2"), with 8 and 9 inside: the checker
  //    trains the net with them, no autograd, beside an autograd twin.
  std::function<Grads(const Step& s)> step_backward;
};

WholeStep my_whole_step();         // my_whole_step.cpp: yours
WholeStep whole_step_solutions();  // whole_step_solutions.cpp
// The solutions with a classic slip: BatchNorm's variance gradient divides
// by N where the forward divided by N - 1.
WholeStep whole_step_wrong_answers();

// How many exercises check_whole_step runs.
inline constexpr int kWholeStepExercises = 4;
// The hints (whole_step_hints.cpp): of an atom ("bndiff2"), naming it, and
// of exercises 8-10 ("cross_entropy", "batch_norm", "step_backward").
std::array<std::string, 3> atom_hints(const std::string& name);
std::array<std::string, 3> exercise_hints(const std::string& name);

struct HintLevel;
// Runs exercises 7-10 and prints their tables (numbered as course.txt says),
// each failing one with its hint at the level `hints` gives it; returns how
// many failed, and adds to *not_written those not written yet.
int check_whole_step(const WholeStep& answers, std::ostream& os, const HintLevel& hints, int* not_written);

}  // namespace exercises
