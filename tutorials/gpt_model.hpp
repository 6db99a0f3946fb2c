// SPDX-License-Identifier: MIT
// The GPT that chapter 19 ends with, reusable for any tokens: nanoGPT's
// model (github.com/karpathy/nanoGPT, model.py) with its parameter names and
// shapes, so a model grown here loads into nanoGPT's PyTorch code unchanged.
// Pre-norm blocks of causal self-attention (every head in one matrix
// product: c_attn holds the queries, keys and values of all heads) and a
// GELU MLP; LayerNorms and Linears without biases; the output layer shares
// the token embedding's weights. generate() samples with a kv-cache. How it
// trains (nanoGPT's schedule and AdamW, the loss over a whole text, a
// progress bar) is gpt_training.hpp.
// B = batch, T = time (positions), C = n_embd, H = heads, V = vocabulary.
// Only gradlab's public API is used.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace gpt {

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;

struct Config {
  std::int64_t vocab_size = 0;
  std::int64_t block_size = 64;  // the longest context
  std::int64_t n_layer = 4, n_head = 4, n_embd = 128;
  double dropout = 0.0;
};

inline std::string text_of(double x, const char* format = "%.4f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

// LayerNorm with a weight and no bias (nanoGPT's LayerNorm(bias=False)).
class LayerNorm : public nn::Module {
 public:
  explicit LayerNorm(std::int64_t n) : Module("LayerNorm"), no_bias_(gl::zeros({n})) {
    weight = register_parameter("weight", gl::ones({n}));
  }
  gl::Tensor forward(gl::Tensor x) override { return F::layer_norm(x, 1, weight, no_bias_, 1e-5); }
  gl::Parameter weight;

 private:
  gl::Tensor no_bias_;  // zeros, a constant: layer_norm's bias slot
};

// What a layer's attention remembers of the positions it has seen: keys and
// values (B, H, t, C / H), so a new position costs one row, not all of them.
struct KVCache {
  gl::Tensor k, v;
  std::int64_t length() const { return k.defined() ? k.shape()[2] : 0; }
};

// Causal self-attention, all heads at once: c_attn makes q, k, v (B, T, 3C),
// each split into H heads of C / H; softmax(q k^T / sqrt(C / H)), masked so
// no position sees a later one, weighs the values; c_proj mixes the heads.
class CausalSelfAttention : public nn::Module {
 public:
  explicit CausalSelfAttention(const Config& c)
      : Module("CausalSelfAttention"), n_head_(c.n_head), n_embd_(c.n_embd), dropout_(c.dropout) {
    if (c.n_embd % c.n_head != 0)
      throw std::invalid_argument("CausalSelfAttention: n_embd " + std::to_string(c.n_embd) +
                                  " is not a multiple of n_head " + std::to_string(c.n_head));
    c_attn = register_module("c_attn", std::make_shared<nn::Linear>(c.n_embd, 3 * c.n_embd, false));
    c_proj = register_module("c_proj", std::make_shared<nn::Linear>(c.n_embd, c.n_embd, false));
    future_ = gl::ones({c.block_size, c.block_size}).triu(1);  // 1 where a key comes after the query
  }

  gl::Tensor forward(gl::Tensor x) override { return attend(x, nullptr); }

  // With a cache: x holds only the new positions, the cache the earlier ones;
  // both take part, and the cache grows by x's positions.
  gl::Tensor attend(const gl::Tensor& x, KVCache* cache, gl::Tensor* weights = nullptr) {
    const std::int64_t B = x.shape()[0], T = x.shape()[1], C = n_embd_, H = n_head_;
    gl::Tensor qkv = c_attn->forward(x);  // (B, T, 3C)
    auto heads = [&](std::int64_t part) {  // (B, T, C) of part -> (B, H, T, C / H)
      return qkv.slice(2, part * C, (part + 1) * C).reshape({B, T, H, C / H}).permute({0, 2, 1, 3});
    };
    gl::Tensor q = heads(0), k = heads(1), v = heads(2);
    std::int64_t past = 0;
    if (cache) {
      past = cache->length();
      if (past > 0) {
        k = gl::cat({cache->k, k}, 2);
        v = gl::cat({cache->v, v}, 2);
      }
      cache->k = k;
      cache->v = v;
    }
    const std::int64_t S = past + T;  // keys: the cached positions, then the new ones
    gl::Tensor att = q.matmul(k.transpose(2, 3)) * (1.0 / std::sqrt(static_cast<double>(C / H)));  // (B, H, T, S)
    if (T > 1) att = att.masked_fill(future_.slice(0, past, S).slice(1, 0, S), -INFINITY);
    att = att.softmax(3);
    if (weights) *weights = att;
    att = F::dropout(att, dropout_, is_training());
    gl::Tensor y = att.matmul(v).permute({0, 2, 1, 3}).reshape({B, T, C});  // heads side by side again
    return F::dropout(c_proj->forward(y), dropout_, is_training());
  }

  std::shared_ptr<nn::Linear> c_attn, c_proj;

 private:
  std::int64_t n_head_, n_embd_;
  double dropout_;
  gl::Tensor future_;
};

// The feed-forward part: C -> 4C, GELU, 4C -> C.
class MLP : public nn::Module {
 public:
  explicit MLP(const Config& c) : Module("MLP"), dropout_(c.dropout) {
    c_fc = register_module("c_fc", std::make_shared<nn::Linear>(c.n_embd, 4 * c.n_embd, false));
    c_proj = register_module("c_proj", std::make_shared<nn::Linear>(4 * c.n_embd, c.n_embd, false));
  }
  gl::Tensor forward(gl::Tensor x) override {
    return F::dropout(c_proj->forward(F::gelu(c_fc->forward(x))), dropout_, is_training());
  }
  std::shared_ptr<nn::Linear> c_fc, c_proj;

 private:
  double dropout_;
};

// x + attention(norm(x)), then + mlp(norm(x)): the residual stream.
class Block : public nn::Module {
 public:
  explicit Block(const Config& c) : Module("Block") {
    ln_1 = register_module("ln_1", std::make_shared<LayerNorm>(c.n_embd));
    attn = register_module("attn", std::make_shared<CausalSelfAttention>(c));
    ln_2 = register_module("ln_2", std::make_shared<LayerNorm>(c.n_embd));
    mlp = register_module("mlp", std::make_shared<MLP>(c));
  }
  gl::Tensor forward(gl::Tensor x) override { return step(x, nullptr); }
  gl::Tensor step(const gl::Tensor& x, KVCache* cache, gl::Tensor* weights = nullptr) {
    gl::Tensor h = x + attn->attend(ln_1->forward(x), cache, weights);
    return h + mlp->forward(ln_2->forward(h));
  }
  std::shared_ptr<LayerNorm> ln_1, ln_2;
  std::shared_ptr<CausalSelfAttention> attn;
  std::shared_ptr<MLP> mlp;
};

// nanoGPT's `transformer` dict: wte, wpe, h (the blocks), ln_f.
class Trunk : public nn::Module {
 public:
  explicit Trunk(const Config& c) : Module("ModuleDict") {
    wte = register_module("wte", std::make_shared<nn::Embedding>(c.vocab_size, c.n_embd));
    wpe = register_module("wpe", std::make_shared<nn::Embedding>(c.block_size, c.n_embd));
    h = register_module("h", std::make_shared<nn::ModuleList>());
    for (std::int64_t l = 0; l < c.n_layer; ++l) {
      blocks.push_back(std::make_shared<Block>(c));
      h->push_back(blocks.back());
    }
    ln_f = register_module("ln_f", std::make_shared<LayerNorm>(c.n_embd));
  }
  std::shared_ptr<nn::Embedding> wte, wpe;
  std::shared_ptr<nn::ModuleList> h;
  std::vector<std::shared_ptr<Block>> blocks;
  std::shared_ptr<LayerNorm> ln_f;
};

class GPT : public nn::Module {
 public:
  explicit GPT(const Config& c) : Module("GPT"), config(c) {
    if (c.vocab_size < 1 || c.block_size < 1 || c.n_layer < 1 || c.n_head < 1 || c.n_embd < 1)
      throw std::invalid_argument("GPT: vocab_size, block_size, n_layer, n_head and n_embd must be at least 1");
    transformer = register_module("transformer", std::make_shared<Trunk>(c));
    // nanoGPT's initialisation: N(0, 0.02) everywhere, the projections into
    // the residual stream N(0, 0.02 / sqrt(2 n_layer)); LayerNorm weights 1.
    for (auto& [name, p] : named_parameters()) {
      if (p.dim() < 2) continue;
      double std = name.ends_with("c_proj.weight") ? 0.02 / std::sqrt(2.0 * static_cast<double>(c.n_layer)) : 0.02;
      nn::init::normal_(p, 0.0, std);
    }
  }

  // idx (B, T) of token ids, T <= block_size -> logits (B, T, V). lm_head
  // is the token embedding read backwards (weight tying).
  gl::Tensor forward(gl::Tensor idx) override { return logits(idx, nullptr, 0); }

  // The mean cross-entropy of the next-token predictions.
  gl::Tensor loss(const gl::Tensor& idx, const gl::Tensor& targets) {
    gl::Tensor out = forward(idx);
    const std::int64_t V = config.vocab_size;
    return F::cross_entropy(out.reshape({-1, V}), targets.reshape({-1}));
  }

  // Writes max_new_tokens after idx (B, T), each drawn from the softmax of
  // the last logits / temperature, only among the top_k largest when top_k >
  // 0 (top_k = 1: the most likely token, greedy). The context is the last
  // block_size tokens. With use_cache, each layer keeps its keys and values
  // (KVCache), so a new token runs through the model alone; once the
  // context is longer than block_size every position moves (the position
  // embedding is absolute), and the window is run again from scratch, as
  // without the cache. Bad arguments are std::invalid_argument naming them.
  gl::Tensor generate(const gl::Tensor& idx, std::int64_t max_new_tokens, double temperature = 1.0,
                      std::int64_t top_k = 0, bool use_cache = true) {
    check_context(idx, "generate");
    if (max_new_tokens < 0)
      throw std::invalid_argument("generate: max_new_tokens must be 0 or more, got " + std::to_string(max_new_tokens));
    if (!(temperature > 0) || !std::isfinite(temperature))
      throw std::invalid_argument("generate: temperature must be a number above 0, got " + gl::number_text(temperature));
    if (top_k < 0 || top_k > config.vocab_size)
      throw std::invalid_argument("generate: top_k must be from 0 (every token) to the vocabulary's size " +
                                  std::to_string(config.vocab_size) + ", got " + std::to_string(top_k));
    gl::NoGradGuard no_grad;
    const bool was_training = is_training();
    eval();
    const std::int64_t B = idx.shape()[0];
    std::vector<std::vector<double>> rows(static_cast<std::size_t>(B));
    for (std::int64_t b = 0; b < B; ++b) rows[static_cast<std::size_t>(b)] = idx.select(0, b).to_vector();
    std::vector<KVCache> caches;
    gl::Tensor last;  // (B, V): the logits of each row's last position
    for (std::int64_t n = 0; n < max_new_tokens; ++n) {
      const auto length = static_cast<std::int64_t>(rows[0].size());
      const std::int64_t start = std::max<std::int64_t>(0, length - config.block_size);
      const bool fresh = !use_cache || caches.empty() || length > config.block_size;
      gl::Tensor input = fresh ? window(rows, start, length) : window(rows, length - 1, length);
      if (use_cache && fresh) caches.assign(static_cast<std::size_t>(config.n_layer), KVCache{});
      gl::Tensor out = logits(input, use_cache ? &caches : nullptr, fresh ? 0 : length - 1);
      const std::int64_t T = out.shape()[1];
      last = out.select(1, T - 1) / temperature;
      gl::Tensor probs = keep_top(last, top_k).softmax(1);
      std::vector<double> next = gl::multinomial(probs, 1, true).to_vector();
      for (std::int64_t b = 0; b < B; ++b) rows[static_cast<std::size_t>(b)].push_back(next[static_cast<std::size_t>(b)]);
    }
    if (was_training) train();
    return window(rows, 0, static_cast<std::int64_t>(rows[0].size()));
  }

  // The attention weights (B, H, T, T) of every layer for idx, as the model
  // runs it (eval mode, no graph).
  std::vector<gl::Tensor> attention_maps(const gl::Tensor& idx) {
    check_context(idx, "attention_maps");
    gl::NoGradGuard no_grad;
    std::vector<gl::Tensor> maps(static_cast<std::size_t>(config.n_layer));
    logits(idx, nullptr, 0, &maps);
    return maps;
  }

  // The parameters under nanoGPT's names, lm_head.weight included (the same
  // tensor as transformer.wte.weight): what save_safetensors writes.
  gl::NamedTensors nanogpt_state_dict() const {
    gl::NamedTensors out;
    for (auto& [name, p] : named_parameters()) out.push_back({name, p});
    out.push_back({"lm_head.weight", transformer->wte->weight});
    return out;
  }

  // nanoGPT's configure_optimizers: weight decay on the matrices (every
  // parameter of 2 or more dims), none on the LayerNorm weights.
  std::vector<gl::Tensor> decayed() const { return pick(true); }
  std::vector<gl::Tensor> not_decayed() const { return pick(false); }

  Config config;
  std::shared_ptr<Trunk> transformer;

 private:
  void check_context(const gl::Tensor& idx, const char* what) const {
    const std::string w = what;
    if (idx.dim() != 2 || idx.shape()[0] < 1 || idx.shape()[1] < 1)
      throw std::invalid_argument(w + ": idx must be (batch, time) with at least one token, got shape " +
                                  gl::to_string(idx.shape()));
    if (idx.shape()[1] > config.block_size)
      throw std::invalid_argument(w + ": the context has " + std::to_string(idx.shape()[1]) +
                                  " tokens, more than block_size " + std::to_string(config.block_size));
    for (double t : idx.to_vector())
      if (!(t >= 0 && t < static_cast<double>(config.vocab_size) && t == std::floor(t)))
        throw std::invalid_argument(w + ": token id " + gl::number_text(t) + " is not a whole number from 0 to " +
                                    std::to_string(config.vocab_size - 1));
  }

  gl::Tensor logits(const gl::Tensor& idx, std::vector<KVCache>* caches, std::int64_t first_position,
                    std::vector<gl::Tensor>* maps = nullptr) {
    const std::int64_t T = idx.shape()[1];
    if (idx.dim() != 2 || first_position + T > config.block_size)
      throw std::invalid_argument("GPT: idx must be (B, T) with T at most block_size " +
                                  std::to_string(config.block_size) + ", got " + gl::to_string(idx.shape()));
    gl::Tensor pos = gl::arange(static_cast<double>(first_position), static_cast<double>(first_position + T));
    gl::Tensor x = transformer->wte->forward(idx) + transformer->wpe->forward(pos);  // (B, T, C)
    x = F::dropout(x, config.dropout, is_training());
    for (std::size_t l = 0; l < transformer->blocks.size(); ++l)
      x = transformer->blocks[l]->step(x, caches ? &(*caches)[l] : nullptr, maps ? &(*maps)[l] : nullptr);
    x = transformer->ln_f->forward(x);
    return F::linear(x, transformer->wte->weight);  // (B, T, V)
  }

  // rows[b][from .. to) as a (B, to - from) tensor.
  static gl::Tensor window(const std::vector<std::vector<double>>& rows, std::int64_t from, std::int64_t to) {
    std::vector<double> out;
    for (const auto& r : rows) out.insert(out.end(), r.begin() + from, r.begin() + to);
    return gl::tensor(std::move(out), {static_cast<std::int64_t>(rows.size()), to - from});
  }

  // logits (B, V) with all but each row's k largest set to -inf (ties kept).
  static gl::Tensor keep_top(const gl::Tensor& logits, std::int64_t k) {
    if (k == 0) return logits;
    const std::int64_t B = logits.shape()[0], V = logits.shape()[1];
    std::vector<double> v = logits.to_vector();
    for (std::int64_t b = 0; b < B; ++b) {
      auto row = v.begin() + b * V;
      std::vector<double> sorted(row, row + V);
      std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
      const double kth = sorted[static_cast<std::size_t>(k - 1)];
      for (auto it = row; it != row + V; ++it)
        if (*it < kth) *it = -INFINITY;
    }
    return gl::tensor(std::move(v), {B, V});
  }

  std::vector<gl::Tensor> pick(bool matrices) const {
    std::vector<gl::Tensor> out;
    for (auto& [name, p] : named_parameters())
      if ((p.dim() >= 2) == matrices) out.push_back(p);
    return out;
  }
};

}  // namespace gpt
