// SPDX-License-Identifier: MIT
// Attention from ops a learner knows: scores = q @ k^T / sqrt(d), plus the
// mask, softmax over the keys, then @ v. No op of its own and so no backward
// of its own: the engine chains matmul's, softmax's and the rest, and
// stepping through the graph shows each. MultiheadAttention splits E into
// H heads of d numbers, attends in each, and joins them again.

#include <gradlab/nn/attention.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include <gradlab/nn/init.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab::nn {

namespace {

bool given(const Tensor& t) { return !(t.dim() == 1 && t.numel() == 0); }  // Tensor() is "none"

}  // namespace

namespace functional {

Tensor attention_weights(const Tensor& q, const Tensor& k, const Tensor& attn_mask, bool is_causal) {
  if (q.dim() < 2 || k.dim() < 2 || q.shape().back() != k.shape().back())
    throw std::invalid_argument("scaled_dot_product_attention: query of shape " + to_string(q.shape()) +
                                " and key of shape " + to_string(k.shape()) +
                                " do not fit (expected (..., L, d) and (..., S, d))");
  const std::int64_t L = q.shape()[q.shape().size() - 2], S = k.shape()[k.shape().size() - 2];
  const double d = static_cast<double>(q.shape().back());
  // scores[..., i, j] = q_i . k_j / sqrt(d): how well query i matches key j (..., L, S).
  Tensor scores = matmul(q, transpose(k, -2, -1)) * (1.0 / std::sqrt(d));
  if (given(attn_mask)) {
    if (attn_mask.dim() < 2 || attn_mask.shape()[attn_mask.shape().size() - 2] != L ||
        attn_mask.shape().back() != S)
      throw std::invalid_argument("scaled_dot_product_attention: attn_mask of shape " +
                                  to_string(attn_mask.shape()) + " does not fit scores of shape " +
                                  to_string(scores.shape()) + " (expected (..., " + std::to_string(L) + ", " +
                                  std::to_string(S) + "))");
    scores = scores + attn_mask;  // -inf where a key is hidden: exp(-inf) = 0 below
  }
  if (is_causal)  // hide key j from query i when j > i: the strict upper triangle
    scores = masked_fill(scores, triu(ones({L, S}), 1), -INFINITY);
  return softmax(scores, -1);  // each query's weights over the keys sum to 1
}

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& attn_mask,
                                    bool is_causal) {
  if (v.dim() < 2 || k.dim() < 2 || v.shape()[v.shape().size() - 2] != k.shape()[k.shape().size() - 2])
    throw std::invalid_argument("scaled_dot_product_attention: key of shape " + to_string(k.shape()) +
                                " and value of shape " + to_string(v.shape()) +
                                " differ in length (expected (..., S, d) and (..., S, dv))");
  return matmul(attention_weights(q, k, attn_mask, is_causal), v);  // (..., L, S) @ (..., S, dv)
}

}  // namespace functional

MultiheadAttention::MultiheadAttention(std::int64_t embed_dim, std::int64_t num_heads, double dropout)
    : Module("MultiheadAttention"), embed_dim_(embed_dim), num_heads_(num_heads), dropout_(dropout) {
  if (embed_dim < 1 || num_heads < 1 || embed_dim % num_heads != 0)
    throw std::invalid_argument("MultiheadAttention: embed_dim " + std::to_string(embed_dim) +
                                " is not divisible by num_heads " + std::to_string(num_heads));
  if (!(dropout >= 0 && dropout <= 1))
    throw std::invalid_argument("MultiheadAttention: dropout must be in [0, 1], got " + std::to_string(dropout));
  // in_proj_weight is (3 * embed_dim, embed_dim): counted before anything is made.
  detail::checked_numel("MultiheadAttention",
                        {detail::checked_mul("MultiheadAttention", 3, embed_dim, "in_proj_weight's rows"), embed_dim});
  // PyTorch's order: out_proj is made first (a Linear's own init), then
  // in_proj_weight is xavier-uniform and both biases are zeroed.
  Tensor w = zeros({3 * embed_dim, embed_dim});
  auto out = std::make_shared<Linear>(embed_dim, embed_dim);
  in_proj_weight = register_parameter("in_proj_weight", init::xavier_uniform_(w));
  in_proj_bias = register_parameter("in_proj_bias", zeros({3 * embed_dim}));
  init::zeros_(out->bias);
  out_proj = register_module("out_proj", out);
}

namespace {

// (N, L, E) -> (N, H, L, d): each head's slice of the features, as its own matrix.
Tensor split_heads(const Tensor& x, std::int64_t H) {
  const Shape& s = x.shape();
  return permute(reshape(x, {s[0], s[1], H, s[2] / H}), {0, 2, 1, 3});
}

}  // namespace

std::tuple<Tensor, Tensor> MultiheadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                                       const Tensor& attn_mask, bool need_weights,
                                                       bool average_attn_weights) {
  const std::int64_t E = embed_dim_, H = num_heads_;
  if (query.dim() == 2 && key.dim() == 2 && value.dim() == 2) {  // unbatched: (L, E), as one batch of 1
    auto [out, w] = forward(unsqueeze(query, 0), unsqueeze(key, 0), unsqueeze(value, 0), attn_mask,
                            need_weights, average_attn_weights);  // a 3-d mask is then (H, L, S)
    return {squeeze(out, 0), need_weights ? squeeze(w, 0) : w};
  }
  auto expect = [&](const char* what, const Tensor& t) {
    if (t.dim() != 3 || t.shape()[2] != E || t.shape()[0] != query.shape()[0])
      throw std::invalid_argument("MultiheadAttention: " + std::string(what) + " of shape " + to_string(t.shape()) +
                                  " does not fit embed_dim " + std::to_string(E) + " (expected (N, " +
                                  (what[0] == 'q' ? "L" : "S") + ", " + std::to_string(E) +
                                  ") with the query's N, batch first)");
  };
  if (query.dim() != 3 || query.shape()[2] != E)
    throw std::invalid_argument("MultiheadAttention: query of shape " + to_string(query.shape()) +
                                " does not fit embed_dim " + std::to_string(E) + " (expected (N, L, " +
                                std::to_string(E) + "), batch first)");
  expect("key", key);
  expect("value", value);
  if (key.shape()[1] != value.shape()[1])
    throw std::invalid_argument("MultiheadAttention: key of shape " + to_string(key.shape()) + " and value of shape " +
                                to_string(value.shape()) + " differ in length");
  const std::int64_t N = query.shape()[0], L = query.shape()[1], S = key.shape()[1];
  Tensor mask = attn_mask;
  if (given(mask)) {
    bool fits = (mask.dim() == 2 && mask.shape() == Shape{L, S}) ||
                (mask.dim() == 3 && mask.shape() == Shape{N * H, L, S});
    if (!fits)
      throw std::invalid_argument("MultiheadAttention: attn_mask of shape " + to_string(mask.shape()) +
                                  " does not fit query length " + std::to_string(L) + " and key length " +
                                  std::to_string(S) + " (expected " + to_string({L, S}) + " or " +
                                  to_string({N * H, L, S}) + ")");
    if (mask.dim() == 3) mask = reshape(mask, {N, H, L, S});  // one mask per (batch, head)
  }

  // The projections: q = query W_q^T + b_q, and so on. When query, key and
  // value are one tensor (self-attention), one GEMM makes all three.
  Tensor q, k, v;
  if (query.node() == key.node() && key.node() == value.node()) {
    Tensor qkv = functional::linear(query, in_proj_weight, in_proj_bias);  // (N, L, 3E)
    // (N, L, 3, H, d) -> (3, N, H, L, d): q, k and v, each split into heads.
    Tensor heads = permute(reshape(qkv, {N, L, 3, H, E / H}), {2, 0, 3, 1, 4});
    q = select(heads, 0, 0);
    k = select(heads, 0, 1);
    v = select(heads, 0, 2);
  } else {
    auto project = [&](const Tensor& x, std::int64_t part) {
      Tensor w = slice(in_proj_weight, 0, part * E, (part + 1) * E);
      Tensor b = slice(in_proj_bias, 0, part * E, (part + 1) * E);
      return split_heads(functional::linear(x, w, b), H);
    };
    q = project(query, 0);
    k = project(key, 1);
    v = project(value, 2);
  }
  Tensor weights = functional::attention_weights(q, k, mask);  // (N, H, L, S)
  Tensor attended = functional::dropout(weights, dropout_, is_training());
  Tensor heads_out = matmul(attended, v);                                   // (N, H, L, d)
  Tensor joined = reshape(permute(heads_out, {0, 2, 1, 3}), {N, L, E});     // heads side by side
  Tensor out = out_proj->forward(joined);
  if (!need_weights) return {out, Tensor()};
  // The weights as the values were weighed (after dropout), as PyTorch returns them.
  return {out, average_attn_weights ? mean(attended, 1) : attended};
}

}  // namespace gradlab::nn
