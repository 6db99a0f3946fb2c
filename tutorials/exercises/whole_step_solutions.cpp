// SPDX-License-Identifier: MIT
// The solutions of exercises 7-10, each line's derivative in its comment.
// Try them first. (whole_step.hpp names every tensor.)
#include "exercises.hpp"

namespace exercises {

namespace {

// (N, 27) with 1 at (i, Y[i]): where the target classes are.
gl::Tensor one_hot(const gl::Tensor& Y, std::int64_t classes) {
  return gl::eq(gl::arange(0, static_cast<double>(classes)).reshape({1, classes}), Y.reshape({Y.numel(), 1}));
}

// The embedding's backward is a scatter-add: row X[i, j] of C was used for
// emb[i, j], so it collects demb[i, j] (a character used twice gets both).
gl::Tensor embedding_backward(const gl::Tensor& X, const gl::Tensor& demb, const gl::Tensor& C) {
  gl::Tensor dC = gl::zeros(C.shape());
  const std::int64_t E = C.shape()[1];
  for (std::int64_t k = 0; k < X.numel(); ++k) {
    auto row = static_cast<std::int64_t>(X.data()[static_cast<std::size_t>(k)]);
    for (std::int64_t e = 0; e < E; ++e)
      dC.data()[static_cast<std::size_t>(row * E + e)] += demb.data()[static_cast<std::size_t>(k * E + e)];
  }
  return dC;
}

// Linear, tanh and embedding backward from dhprebn and dlogits: what 7 and
// 10 share.
void tail_backward(const Step& s, const gl::Tensor& dhprebn, Grads& d) {
  d["dembcat"] = dhprebn.matmul(s.at("W1").t());  // hprebn = embcat @ W1 + b1
  d["dW1"] = s.at("embcat").t().matmul(dhprebn);
  d["db1"] = dhprebn.sum(0);
  d["demb"] = d["dembcat"].reshape(s.at("emb").shape());
  d["dC"] = embedding_backward(s.at("X"), d["demb"], s.at("C"));
}

void head_backward(const Step& s, const gl::Tensor& dlogits, Grads& d) {
  d["dh"] = dlogits.matmul(s.at("W2").t());  // logits = h @ W2 + b2
  d["dW2"] = s.at("h").t().matmul(dlogits);
  d["db2"] = dlogits.sum(0);
  d["dhpreact"] = (1.0 - s.at("h") * s.at("h")) * d["dh"];  // tanh' = 1 - tanh^2
  d["dbngain"] = (s.at("bnraw") * d["dhpreact"]).sum(0, true);  // hpreact = bngain * bnraw + bnbias
  d["dbnbias"] = d["dhpreact"].sum(0, true);
}

}  // namespace

WholeStep whole_step_solutions() {
  WholeStep a;
  a.atoms = [](const Step& s) {
    Grads d;
    const gl::Tensor &Y = s.at("Y"), &logits = s.at("logits"), &counts = s.at("counts");
    const double N = static_cast<double>(Y.numel());
    const gl::Tensor ones_h = gl::ones(s.at("hprebn").shape());
    d["dlogprobs"] = one_hot(Y, 27) * (-1.0 / N);              // loss = -mean of the picked ones
    d["dprobs"] = d["dlogprobs"] / s.at("probs");               // log' = 1 / x
    d["dcounts_sum_inv"] = (counts * d["dprobs"]).sum(1, true);  // broadcast along a row: sum it
    d["dcounts"] = s.at("counts_sum_inv") * d["dprobs"];        // the first use of counts
    d["dcounts_sum"] = -s.at("counts_sum").pow(-2) * d["dcounts_sum_inv"];  // (1/x)' = -1/x^2
    d["dcounts"] = d["dcounts"] + gl::ones(counts.shape()) * d["dcounts_sum"];  // the second use
    d["dnorm_logits"] = counts * d["dcounts"];                  // exp' = exp
    d["dlogit_maxes"] = -d["dnorm_logits"].sum(1, true);
    // logits feed norm_logits directly and through the max (to the winner only).
    d["dlogits"] = d["dnorm_logits"] + one_hot(gl::argmax(logits, 1), 27) * d["dlogit_maxes"];
    head_backward(s, d["dlogits"], d);
    d["dbnraw"] = s.at("bngain") * d["dhpreact"];
    d["dbnvar_inv"] = (s.at("bndiff") * d["dbnraw"]).sum(0, true);  // bnraw = bndiff * bnvar_inv
    d["dbndiff"] = s.at("bnvar_inv") * d["dbnraw"];             // the first use of bndiff
    d["dbnvar"] = -0.5 * (s.at("bnvar") + 1e-5).pow(-1.5) * d["dbnvar_inv"];
    d["dbndiff2"] = ones_h * d["dbnvar"] / (N - 1);             // Bessel: the forward divided by N - 1
    d["dbndiff"] = d["dbndiff"] + 2.0 * s.at("bndiff") * d["dbndiff2"];  // the second use, squared
    d["dbnmean"] = -d["dbndiff"].sum(0, true);                  // bndiff = hprebn - bnmean
    d["dhprebn"] = d["dbndiff"] + ones_h * d["dbnmean"] / N;    // mean' = 1 / N to every row
    tail_backward(s, d["dhprebn"], d);
    return d;
  };
  // softmax - one_hot, averaged: every term of the atoms above, added up.
  a.cross_entropy = [](const gl::Tensor& logits, const gl::Tensor& Y) {
    return (logits.softmax(1) - one_hot(Y, 27)) / static_cast<double>(Y.numel());
  };
  // With xhat = bnraw and v = the Bessel-corrected variance:
  // dhprebn = bngain / sqrt(v + eps) / N * (N dhpreact - sum(dhpreact)
  //           - N / (N - 1) xhat sum(dhpreact xhat)), sums over the batch.
  a.batch_norm = [](const gl::Tensor& hprebn, const gl::Tensor& bngain, const gl::Tensor& dhpreact) {
    const double N = static_cast<double>(hprebn.shape()[0]);
    gl::Tensor diff = hprebn - hprebn.mean(0, true);
    gl::Tensor var_inv = ((diff * diff).sum(0, true) / (N - 1) + 1e-5).pow(-0.5);
    gl::Tensor xhat = diff * var_inv;
    return bngain * var_inv / N *
           (N * dhpreact - dhpreact.sum(0, true) - N / (N - 1) * xhat * (dhpreact * xhat).sum(0, true));
  };
  a.step_backward = [ce = a.cross_entropy, bn = a.batch_norm](const Step& s) {
    Grads d;
    head_backward(s, ce(s.at("logits"), s.at("Y")), d);
    tail_backward(s, bn(s.at("hprebn"), s.at("bngain"), d["dhpreact"]), d);
    return d;
  };
  return a;
}

WholeStep whole_step_wrong_answers() {
  WholeStep a = whole_step_solutions();
  auto atoms = a.atoms;
  a.atoms = [atoms](const Step& s) {
    Grads d = atoms(s);
    const double N = static_cast<double>(s.at("Y").numel());
    d["dbndiff2"] = d["dbndiff2"] * ((N - 1) / N);  // divides by N: the biased variance's gradient
    return d;
  };
  return a;
}

}  // namespace exercises
