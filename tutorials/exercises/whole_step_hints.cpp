// SPDX-License-Identifier: MIT
// The hints of the whole step's exercises (whole_step.hpp), three for each
// atom and for each exercise: where to look, the rule, the formula. The
// checker shows the first failing atom's, one level more on each run it
// still fails.
#include <map>
#include <stdexcept>

#include "course_table.hpp"
#include "whole_step.hpp"

namespace exercises {

namespace {

struct AtomHints {
  const char* where;    // the forward line(s) the tensor appears in
  const char* rule;     // the derivative that applies
  const char* formula;  // the answer
};

const std::map<std::string, AtomHints>& atom_table() {
  static const std::map<std::string, AtomHints> table = {
      {"logprobs",
       {"loss = -mean over i of logprobs[i, Y[i]]: which entries of logprobs does the loss read?",
        "only the N picked entries get a gradient, each -1/N (a mean of N, negated); every other is 0.",
        "dlogprobs = zeros (N, 27), then dlogprobs[i, Y[i]] = -1/N for every row i."}},
      {"probs",
       {"logprobs = log(probs), element by element.", "d log(p)/dp = 1/p.",
        "dprobs = dlogprobs / probs (elementwise)."}},
      {"counts_sum_inv",
       {"probs = counts * counts_sum_inv: counts_sum_inv is (N, 1), broadcast along each row of 27.",
        "d(a*b)/db = a; a broadcast operand gets the sum over the dim it was broadcast along.",
        "dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=true)."}},
      {"counts_sum",
       {"counts_sum_inv = counts_sum^-1.", "d x^-1/dx = -x^-2.",
        "dcounts_sum = -counts_sum.pow(-2) * dcounts_sum_inv."}},
      {"counts",
       {"counts is used twice: probs = counts * counts_sum_inv and counts_sum = counts.sum(1, keepdim).",
        "a tensor used twice adds both uses' gradients; a sum passes its gradient unchanged to every summand.",
        "dcounts = counts_sum_inv * dprobs + dcounts_sum (each (N, 1) broadcast along the row)."}},
      {"norm_logits",
       {"counts = exp(norm_logits).", "d e^x/dx = e^x, which is counts itself.",
        "dnorm_logits = counts * dcounts."}},
      {"logit_maxes",
       {"norm_logits = logits - logit_maxes: logit_maxes is (N, 1), broadcast along each row.",
        "d(a - b)/db = -1, summed over the broadcast dim (the result is ~0: the max changes no probability).",
        "dlogit_maxes = -dnorm_logits.sum(1, keepdim=true)."}},
      {"logits",
       {"logits is used twice: norm_logits = logits - logit_maxes and logit_maxes = logits.max(1).",
        "add both uses; max passes its gradient only to the entry that was the largest of its row.",
        "dlogits = dnorm_logits + one_hot(argmax of each row of logits) * dlogit_maxes."}},
      {"h",
       {"logits = h @ W2 + b2, h (N, H), W2 (H, 27).", "C = A @ B gives dA = dC @ Bᵀ (shapes tell the order).",
        "dh = dlogits @ W2.t()."}},
      {"W2",
       {"logits = h @ W2 + b2.", "C = A @ B gives dB = Aᵀ @ dC.", "dW2 = h.t() @ dlogits."}},
      {"b2",
       {"logits = h @ W2 + b2: b2 (27) is added to every one of the N rows.",
        "a broadcast operand gets the sum over the rows it was added to.", "db2 = dlogits.sum(0)."}},
      {"hpreact",
       {"h = tanh(hpreact).", "d tanh(x)/dx = 1 - tanh(x)^2, and tanh(hpreact) is h.",
        "dhpreact = (1 - h * h) * dh."}},
      {"bngain",
       {"hpreact = bngain * bnraw + bnbias: bngain (1, H) is broadcast over the N rows.",
        "d(a*b)/da = b, summed over the broadcast rows.", "dbngain = (bnraw * dhpreact).sum(0, keepdim=true)."}},
      {"bnbias",
       {"hpreact = bngain * bnraw + bnbias: bnbias (1, H) is broadcast over the N rows.",
        "an added operand passes the gradient on, summed over the broadcast rows.",
        "dbnbias = dhpreact.sum(0, keepdim=true)."}},
      {"bnraw",
       {"hpreact = bngain * bnraw + bnbias.", "d(a*b)/db = a, with bngain broadcast over the rows.",
        "dbnraw = bngain * dhpreact."}},
      {"bnvar_inv",
       {"bnraw = bndiff * bnvar_inv: bnvar_inv (1, H) is broadcast over the N rows.",
        "d(a*b)/db = a, summed over the broadcast rows.", "dbnvar_inv = (bndiff * dbnraw).sum(0, keepdim=true)."}},
      {"bnvar",
       {"bnvar_inv = (bnvar + 1e-5)^-0.5.", "d x^-0.5/dx = -0.5 x^-1.5 (with x = bnvar + 1e-5).",
        "dbnvar = -0.5 * (bnvar + 1e-5).pow(-1.5) * dbnvar_inv."}},
      {"bndiff2",
       {"bnvar = bndiff2.sum(0, keepdim) / (N - 1): Bessel's correction divides by N - 1, not N.",
        "a sum passes its gradient to every summand, then the division by N - 1 scales it.",
        "dbndiff2 = ones (N, H) * dbnvar / (N - 1) (dbnvar broadcast over the rows)."}},
      {"bndiff",
       {"bndiff is used twice: bnraw = bndiff * bnvar_inv and bndiff2 = bndiff^2.",
        "add both uses: d(a*b)/da = b, and d x^2/dx = 2x.", "dbndiff = bnvar_inv * dbnraw + 2 * bndiff * dbndiff2."}},
      {"bnmean",
       {"bndiff = hprebn - bnmean: bnmean (1, H) is broadcast over the N rows.",
        "d(a - b)/db = -1, summed over the broadcast rows.", "dbnmean = -dbndiff.sum(0, keepdim=true)."}},
      {"hprebn",
       {"hprebn is used twice: bndiff = hprebn - bnmean and bnmean = hprebn.mean(0, keepdim).",
        "add both uses; a mean over N rows passes 1/N of its gradient to every row.",
        "dhprebn = dbndiff + dbnmean / N (dbnmean broadcast over the rows)."}},
      {"embcat",
       {"hprebn = embcat @ W1 + b1, embcat (N, 3E), W1 (3E, H).", "C = A @ B gives dA = dC @ Bᵀ.",
        "dembcat = dhprebn @ W1.t()."}},
      {"W1", {"hprebn = embcat @ W1 + b1.", "C = A @ B gives dB = Aᵀ @ dC.", "dW1 = embcat.t() @ dhprebn."}},
      {"b1",
       {"hprebn = embcat @ W1 + b1: b1 (H) is added to every row (BatchNorm then removes it: its gradient is ~0).",
        "a broadcast operand gets the sum over the rows.", "db1 = dhprebn.sum(0)."}},
      {"emb",
       {"embcat = emb.reshape(N, 3E): the same numbers, another shape.",
        "a reshape moves no number: its backward is the reshape back.", "demb = dembcat.reshape({N, 3, E})."}},
      {"C",
       {"emb = C[X]: row X[i,j] of C is copied to emb[i,j], and a character can be picked many times.",
        "a lookup's backward adds each picked place's gradient into the row it came from (a scatter-add).",
        "dC = zeros (27, E), then dC[X[i,j]] += demb[i,j] for every i and j."}},
  };
  return table;
}

}  // namespace

std::array<std::string, 3> atom_hints(const std::string& name) {
  auto it = atom_table().find(name);
  if (it == atom_table().end()) throw std::out_of_range("no hint for the atom '" + name + "'");
  const AtomHints& h = it->second;
  const std::string d = "d" + name;
  return {d + " is the first FAIL from the loss back: " + name + " appears in " + h.where +
              " Its gradient is what each use passes back.",
          d + ": " + h.rule, d + ": " + h.formula};
}

std::array<std::string, 3> exercise_hints(const std::string& name) {
  const std::string atoms = course::exercise_ref("atoms"), ce = course::exercise_ref("cross_entropy"),
                    bn = course::exercise_ref("batch_norm");
  if (name == "cross_entropy")
    return {"dlogits from the loss at once: the atoms of " + atoms + " from dlogprobs down to dlogits, "
            "collapsed into one expression (the max subtraction changes nothing).",
            "d(-log softmax(l)[y]) / dl[j] = softmax(l)[j] - (1 if j == y else 0), for each row; the loss "
            "is the mean over N rows.",
            "dlogits = (softmax(logits, 1) - one_hot(Y, 27)) / N."};
  if (name == "batch_norm")
    return {"dhprebn from dhpreact through bnraw, bnvar_inv, bnvar, bndiff and bnmean of " + atoms + ", "
            "collapsed: every row's gradient depends on all rows, since the batch's mean and variance do.",
            "with dbnraw = bngain * dhpreact: the direct path dbnraw * bnvar_inv, minus its mean over the "
            "batch (through bnmean), minus bnraw times the batch's sum of dbnraw * bnraw (through bnvar, "
            "over N - 1).",
            "dhprebn = bngain * bnvar_inv / N * (N * dhpreact - dhpreact.sum(0) - N / (N - 1) * bnraw * "
            "(dhpreact * bnraw).sum(0)), the sums keeping dim 0."};
  if (name == "step_backward")
    return {"the first gradient that FAILs above is where to look: step_backward returns dC, dW1, db1, "
            "dbngain, dbnbias, dW2 and db2, each from the step's numbers alone.",
            ce + "'s dlogits, then dW2, db2, dh and tanh's dhpreact; dbngain and dbnbias; " + bn +
                "'s dhprebn; then dW1, db1, dembcat, demb and dC as in " + atoms + ".",
            "dW2 = h.t() @ dlogits, db2 = dlogits.sum(0), dhpreact = (1 - h*h) * (dlogits @ W2.t()), "
            "dbngain = (bnraw * dhpreact).sum(0, keepdim), dbnbias = dhpreact.sum(0, keepdim), "
            "dW1 = embcat.t() @ dhprebn, db1 = dhprebn.sum(0), dC: demb scattered into the rows X picked."};
  throw std::out_of_range("no hints for the exercise '" + name + "'");
}

}  // namespace exercises
