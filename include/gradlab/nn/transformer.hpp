// SPDX-License-Identifier: MIT
// The transformer's parts, PyTorch's names and defaults: the sinusoidal
// PositionalEncoding, TransformerEncoderLayer (self-attention and a
// feed-forward block, each with a residual and a LayerNorm, after (post-LN,
// the default) or before (pre-LN) it), TransformerEncoder (a stack of them)
// and the causal mask. Batch first: (N, L, E). A decoder-only (GPT-style)
// model is an encoder stack run with the causal mask. No encoder-decoder
// Transformer and no key padding masks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/nn/attention.hpp>
#include <gradlab/nn/container.hpp>
#include <gradlab/nn/layers.hpp>

namespace gradlab::nn {

// pe[pos, 2i] = sin(pos / 10000^(2i / d_model)), pe[pos, 2i + 1] = cos(same):
// "Attention Is All You Need", section 3.5. forward(x) adds the first L rows
// to x (N, L, d_model). The table is fixed, not a parameter.
class PositionalEncoding : public Module {
 public:
  explicit PositionalEncoding(std::int64_t d_model, std::int64_t max_len = 5000);
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  const Tensor& pe() const { return pe_; }  // (max_len, d_model)

 private:
  Tensor pe_;
};

// TransformerEncoderLayerOptions(d_model, nhead).dim_feedforward(128).norm_first(true)
struct TransformerEncoderLayerOptions {
  TransformerEncoderLayerOptions(std::int64_t d_model, std::int64_t nhead) : d_model_(d_model), nhead_(nhead) {}
  TransformerEncoderLayerOptions& dim_feedforward(std::int64_t v) { dim_feedforward_ = v; return *this; }
  TransformerEncoderLayerOptions& dropout(double v) { dropout_ = v; return *this; }
  TransformerEncoderLayerOptions& activation(std::string v) { activation_ = std::move(v); return *this; }  // "relu" | "gelu"
  TransformerEncoderLayerOptions& layer_norm_eps(double v) { layer_norm_eps_ = v; return *this; }
  TransformerEncoderLayerOptions& norm_first(bool v) { norm_first_ = v; return *this; }
  std::int64_t d_model() const { return d_model_; }
  std::int64_t nhead() const { return nhead_; }
  std::int64_t dim_feedforward() const { return dim_feedforward_; }
  double dropout() const { return dropout_; }
  const std::string& activation() const { return activation_; }
  double layer_norm_eps() const { return layer_norm_eps_; }
  bool norm_first() const { return norm_first_; }

 private:
  std::int64_t d_model_, nhead_;
  std::int64_t dim_feedforward_ = 2048;
  double dropout_ = 0.1;
  std::string activation_ = "relu";
  double layer_norm_eps_ = 1e-5;
  bool norm_first_ = false;
};

// post-LN (default):  x = norm1(x + sa(x));  x = norm2(x + ff(x))
// pre-LN:             x = x + sa(norm1(x));  x = x + ff(norm2(x))
// sa(x) = dropout1(self_attn(x, x, x, mask)), ff(x) = dropout2(linear2(dropout(act(linear1(x))))).
// Parameters: self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*, as PyTorch's.
class TransformerEncoderLayer : public Module {
 public:
  explicit TransformerEncoderLayer(const TransformerEncoderLayerOptions& options);
  Tensor forward(Tensor src) override { return forward(src, Tensor()); }
  Tensor forward(const Tensor& src, const Tensor& src_mask);  // src (N, L, E), mask [L, S] or Tensor()
  const TransformerEncoderLayerOptions& options() const { return options_; }

  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1, linear2;
  std::shared_ptr<Dropout> dropout, dropout1, dropout2;
  std::shared_ptr<LayerNorm> norm1, norm2;

 private:
  TransformerEncoderLayerOptions options_;
};

// num_layers encoder layers, one after another (layers.0.*, layers.1.*, ...).
// Each layer is made afresh, so each starts from its own random weights
// (PyTorch deep-copies one layer, so all start equal).
class TransformerEncoder : public Module {
 public:
  TransformerEncoder(const TransformerEncoderLayerOptions& layer, std::int64_t num_layers);
  Tensor forward(Tensor src) override { return forward(src, Tensor()); }
  Tensor forward(const Tensor& src, const Tensor& mask);
  std::size_t size() const { return layers_.size(); }
  TransformerEncoderLayer& operator[](std::size_t i) const { return *layers_.at(i); }

 private:
  std::vector<std::shared_ptr<TransformerEncoderLayer>> layers_;
};

// Only the mask of PyTorch's nn.Transformer, the encoder-decoder itself is not here.
struct Transformer {
  // [n, n]: 0 on and below the diagonal, -inf above it, so position i
  // attends to positions 0..i only (add it to the scores: attn_mask).
  static Tensor generate_square_subsequent_mask(std::int64_t n);
};

}  // namespace gradlab::nn
