// SPDX-License-Identifier: MIT
// Attention: scaled_dot_product_attention, softmax(q k^T / sqrt(d) + mask) v,
// built from the tensor ops a learner already knows (matmul, transpose, *,
// +, softmax), and MultiheadAttention with PyTorch's parameters and names.
// Shapes: N = batch, L = query length, S = key/value length, E = embed_dim,
// H = num_heads, d = E / H per head. Batch first: (N, L, E), as PyTorch's
// batch_first=True (LibTorch's C++ module takes (L, N, E) instead).
#pragma once

#include <cstdint>
#include <memory>
#include <tuple>

#include <gradlab/nn/layers.hpp>
#include <gradlab/nn/module.hpp>

namespace gradlab::nn {

namespace functional {

// q (..., L, d), k (..., S, d), v (..., S, dv) -> (..., L, dv), with any
// leading batch/head dims (broadcast as matmul broadcasts them).
// attn_mask, when given, is added to the scores (0 to keep, -inf to hide) and
// broadcasts to (..., L, S); is_causal hides every key after its query
// (position j > i). An empty Tensor() is no mask.
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                    const Tensor& attn_mask = Tensor(), bool is_causal = false);

// The attention weights alone: softmax(q k^T / sqrt(d) + mask) over the last
// dim, (..., L, S). scaled_dot_product_attention is these weights @ v.
Tensor attention_weights(const Tensor& q, const Tensor& k, const Tensor& attn_mask = Tensor(),
                         bool is_causal = false);

}  // namespace functional

// Multi-head attention (Vaswani et al. 2017), PyTorch's layout: one packed
// input projection in_proj_weight (3E, E) = [W_q; W_k; W_v] (xavier-uniform)
// and in_proj_bias (3E) (zeros), then out_proj, a Linear(E, E) whose bias
// starts at zero. A state dict moves between this and PyTorch unchanged.
class MultiheadAttention : public Module {
 public:
  // std::invalid_argument unless embed_dim is a multiple of num_heads.
  // `dropout` is applied to the attention weights in training.
  MultiheadAttention(std::int64_t embed_dim, std::int64_t num_heads, double dropout = 0.0);

  // query (N, L, E), key and value (N, S, E) (or all three without the N).
  // attn_mask: [L, S] or [N * H, L, S], added to every head's scores.
  // Returns the output (N, L, E) and the attention weights, (N, L, S)
  // averaged over the heads or (N, H, L, S) per head; Tensor() when
  // need_weights is false. std::invalid_argument names the shapes of any
  // input that does not fit.
  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const Tensor& attn_mask = Tensor(), bool need_weights = true,
                                     bool average_attn_weights = true);
  // Module's forward(Tensor), which attention has not (it needs query, key
  // and value): mha(x) throws std::logic_error naming the module.
  using Module::forward;

  std::int64_t embed_dim() const { return embed_dim_; }
  std::int64_t num_heads() const { return num_heads_; }

  Parameter in_proj_weight, in_proj_bias;
  std::shared_ptr<Linear> out_proj;

 private:
  std::int64_t embed_dim_, num_heads_;
  double dropout_;
};

}  // namespace gradlab::nn
