// SPDX-License-Identifier: MIT
// PositionalEncoding, the encoder layer and its stack, the causal mask: each
// a composition of modules and ops with their own backward already.

#include <gradlab/nn/transformer.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <gradlab/nn/activation.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab::nn {

PositionalEncoding::PositionalEncoding(std::int64_t d_model, std::int64_t max_len)
    : Module("PositionalEncoding") {
  if (d_model < 1 || max_len < 1)
    throw std::invalid_argument("PositionalEncoding: d_model and max_len must be at least 1, got " +
                                std::to_string(d_model) + " and " + std::to_string(max_len));
  // The table (max_len, d_model), counted before it is allocated: a size
  // like 3 * 6148914691236517206 would wrap around to a small buffer.
  std::vector<double> pe = detail::numbers_for_overwrite("PositionalEncoding", {max_len, d_model});
  for (std::int64_t pos = 0; pos < max_len; ++pos)
    for (std::int64_t i = 0; i < d_model; i += 2) {
      // 1 / 10000^(i / d_model), written as PyTorch's tutorial writes it: exp(i * -ln(10000) / d_model)
      double angle = static_cast<double>(pos) *
                     std::exp(static_cast<double>(i) * (-std::log(10000.0) / static_cast<double>(d_model)));
      pe[static_cast<std::size_t>(pos * d_model + i)] = std::sin(angle);
      if (i + 1 < d_model) pe[static_cast<std::size_t>(pos * d_model + i + 1)] = std::cos(angle);
    }
  pe_ = tensor(std::move(pe), {max_len, d_model});
}

Tensor PositionalEncoding::forward(Tensor x) {
  const std::int64_t max_len = pe_.shape()[0], d = pe_.shape()[1];
  if (x.dim() < 2 || x.shape().back() != d || x.shape()[x.shape().size() - 2] > max_len)
    throw std::invalid_argument("PositionalEncoding: input of shape " + to_string(x.shape()) +
                                " does not fit (expected (..., L, " + std::to_string(d) + ") with L <= " +
                                std::to_string(max_len) + ")");
  const std::int64_t L = x.shape()[x.shape().size() - 2];
  return x + (L == max_len ? pe_ : slice(pe_, 0, 0, L));  // (L, d) broadcast over the batch
}

std::string PositionalEncoding::extra_repr() const {
  return "d_model=" + std::to_string(pe_.shape()[1]) + ", max_len=" + std::to_string(pe_.shape()[0]);
}

TransformerEncoderLayer::TransformerEncoderLayer(const TransformerEncoderLayerOptions& o)
    : Module("TransformerEncoderLayer"), options_(o) {
  if (o.activation() != "relu" && o.activation() != "gelu")
    throw std::invalid_argument("TransformerEncoderLayer: activation must be \"relu\" or \"gelu\", got \"" +
                                o.activation() + "\"");
  if (o.dim_feedforward() < 1)
    throw std::invalid_argument("TransformerEncoderLayer: dim_feedforward must be at least 1, got " +
                                std::to_string(o.dim_feedforward()));
  // Registered in PyTorch's order, so parameters are listed in its order too.
  self_attn = register_module("self_attn", std::make_shared<MultiheadAttention>(o.d_model(), o.nhead(), o.dropout()));
  linear1 = register_module("linear1", std::make_shared<Linear>(o.d_model(), o.dim_feedforward()));
  dropout = register_module("dropout", std::make_shared<Dropout>(o.dropout()));
  linear2 = register_module("linear2", std::make_shared<Linear>(o.dim_feedforward(), o.d_model()));
  norm1 = register_module("norm1", std::make_shared<LayerNorm>(Shape{o.d_model()}, o.layer_norm_eps()));
  norm2 = register_module("norm2", std::make_shared<LayerNorm>(Shape{o.d_model()}, o.layer_norm_eps()));
  dropout1 = register_module("dropout1", std::make_shared<Dropout>(o.dropout()));
  dropout2 = register_module("dropout2", std::make_shared<Dropout>(o.dropout()));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask) {
  auto sa = [&](const Tensor& x) {  // self-attention: queries, keys and values all from x
    return dropout1->forward(std::get<0>(self_attn->forward(x, x, x, src_mask, /*need_weights=*/false)));
  };
  auto ff = [&](const Tensor& x) {  // the same two-layer MLP at every position
    Tensor h = linear1->forward(x);
    h = options_.activation() == "gelu" ? functional::gelu(h) : relu(h);
    return dropout2->forward(linear2->forward(dropout->forward(h)));
  };
  Tensor x = src;
  if (options_.norm_first()) {
    x = x + sa(norm1->forward(x));
    x = x + ff(norm2->forward(x));
  } else {
    x = norm1->forward(x + sa(x));
    x = norm2->forward(x + ff(x));
  }
  return x;
}

TransformerEncoder::TransformerEncoder(const TransformerEncoderLayerOptions& layer, std::int64_t num_layers)
    : Module("TransformerEncoder") {
  if (num_layers < 1)
    throw std::invalid_argument("TransformerEncoder: num_layers must be at least 1, got " + std::to_string(num_layers));
  auto list = register_module("layers", std::make_shared<ModuleList>());
  for (std::int64_t i = 0; i < num_layers; ++i) {
    layers_.push_back(std::make_shared<TransformerEncoderLayer>(layer));
    list->push_back(layers_.back());
    if (i == 0) {  // the whole stack's parameters, counted once the first layer shows its size
      const std::string what = "num_layers = " + std::to_string(num_layers) + " copies of a layer's " +
                               std::to_string(layers_[0]->num_parameters()) + " parameters";
      detail::check_count("TransformerEncoder",
                          detail::checked_mul("TransformerEncoder", num_layers, layers_[0]->num_parameters(),
                                              what.c_str()),
                          what);
    }
  }
}

Tensor TransformerEncoder::forward(const Tensor& src, const Tensor& mask) {
  Tensor x = src;
  for (auto& layer : layers_) x = layer->forward(x, mask);
  return x;
}

Tensor Transformer::generate_square_subsequent_mask(std::int64_t n) {
  if (n < 0) throw std::invalid_argument("generate_square_subsequent_mask: size must be >= 0, got " + std::to_string(n));
  detail::checked_numel("generate_square_subsequent_mask", {n, n});
  return triu(full({n, n}, -INFINITY), 1);
}

}  // namespace gradlab::nn
