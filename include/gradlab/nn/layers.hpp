// SPDX-License-Identifier: MIT
// The layers, each a Module over one op of nn/functional.hpp: constructed
// with LibTorch's arguments, initialised as PyTorch initialises them (from
// gradlab's generator, so manual_seed repeats a run), printed like PyTorch.
#pragma once

#include <cstdint>

#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/module.hpp>
#include <gradlab/nn/options.hpp>

namespace gradlab::nn {

// y = x @ weight^T + bias. weight (out, in) and bias (out) start uniform in
// [-1/sqrt(in), 1/sqrt(in)] (PyTorch's Kaiming-uniform with a = sqrt(5)).
class Linear : public Module {
 public:
  Linear* operator->() { return this; }
  Linear(std::int64_t in_features, std::int64_t out_features, bool bias = true);
  explicit Linear(const LinearOptions& o) : Linear(o.in_features(), o.out_features(), o.bias()) {}
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;  // bias is empty ([0]) without a bias
};

// 2-d convolution; weight (out, in, k, k) and bias (out) start uniform in
// [-1/sqrt(fan_in), 1/sqrt(fan_in)], fan_in = in * k * k.
class Conv2d : public Module {
 public:
  Conv2d* operator->() { return this; }
  Conv2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         std::int64_t stride = 1, std::int64_t padding = 0, bool bias = true);
  explicit Conv2d(const Conv2dOptions& o)
      : Conv2d(o.in_channels(), o.out_channels(), o.kernel_size(), o.stride(), o.padding(), o.bias()) {}
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;

 private:
  std::int64_t stride_, padding_;
};

// 1-d convolution over (N, C_in, L) inputs (functional::conv1d); weight
// (out, in, k) and bias (out) start uniform in [-1/sqrt(fan_in),
// 1/sqrt(fan_in)], fan_in = in * k, as PyTorch's. (PyTorch's groups and
// padding modes are left out, so bias comes right after dilation.)
class Conv1d : public Module {
 public:
  Conv1d* operator->() { return this; }
  Conv1d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
         std::int64_t stride = 1, std::int64_t padding = 0, std::int64_t dilation = 1, bool bias = true);
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;  // bias is empty ([0]) without a bias

 private:
  std::int64_t stride_, padding_, dilation_;
};

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(std::int64_t kernel_size, std::int64_t stride = 0);  // 0: = kernel_size
  explicit MaxPool2d(const MaxPool2dOptions& o) : MaxPool2d(o.kernel_size(), o.stride()) {}
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;

 private:
  std::int64_t kernel_, stride_;
};

class ReLU : public Module {
 public:
  ReLU() : Module("ReLU") {}
  Tensor forward(Tensor x) override { return relu(x); }
};

class Tanh : public Module {
 public:
  Tanh() : Module("Tanh") {}
  Tensor forward(Tensor x) override { return tanh(x); }
};

class Sigmoid : public Module {
 public:
  Sigmoid() : Module("Sigmoid") {}
  Tensor forward(Tensor x) override { return sigmoid(x); }
};

class Softmax : public Module {
 public:
  explicit Softmax(std::int64_t dim) : Module("Softmax"), dim_(dim) {}
  Tensor forward(Tensor x) override { return softmax(x, dim_); }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }

 private:
  std::int64_t dim_;
};

// Flattens dims start_dim..end_dim: (N, C, H, W) -> (N, C * H * W) by default.
class Flatten : public Module {
 public:
  explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1)
      : Module("Flatten"), start_(start_dim), end_(end_dim) {}
  Tensor forward(Tensor x) override { return flatten(x, start_, end_); }
  std::string extra_repr() const override;

 private:
  std::int64_t start_, end_;
};

// WaveNet's fusing of neighbours (the lecture "makemore part 5"): (B, T, C)
// -> (B, T / n, C * n), each n consecutive positions' vectors side by side;
// a middle dim of 1 is dropped, (B, C * n), as the lecture's does.
class FlattenConsecutive : public Module {
 public:
  explicit FlattenConsecutive(std::int64_t n);
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override { return "n=" + std::to_string(n_); }

 private:
  std::int64_t n_;
};

// Dropout of elements (Dropout), of channels of (N, C, L) (Dropout1d) or of
// (N, C, H, W) (Dropout2d); only in training (train()/eval()).
class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5) : Dropout("Dropout", p) {}
  explicit Dropout(const DropoutOptions& o) : Dropout("Dropout", o.p()) {}
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;

 protected:
  Dropout(const char* name, double p);
  double p_;
};

class Dropout1d : public Dropout {
 public:
  explicit Dropout1d(double p = 0.5) : Dropout("Dropout1d", p) {}
  explicit Dropout1d(const DropoutOptions& o) : Dropout("Dropout1d", o.p()) {}
  Tensor forward(Tensor x) override;
};

class Dropout2d : public Dropout {
 public:
  explicit Dropout2d(double p = 0.5) : Dropout("Dropout2d", p) {}
  explicit Dropout2d(const DropoutOptions& o) : Dropout("Dropout2d", o.p()) {}
  Tensor forward(Tensor x) override;
};

// Normalises over the trailing dims `normalized_shape`; weight starts at 1,
// bias at 0.
class LayerNorm : public Module {
 public:
  LayerNorm* operator->() { return this; }
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5);
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;

 private:
  Shape shape_;
  double eps_;
};

// Batch normalisation (functional::batch_norm) as a module: weight starts at
// 1, bias at 0 (with affine), running_mean at 0 and running_var at 1 (with
// track_running_stats). train(): batch statistics, which also update the
// running ones; eval(): the running statistics (the batch's without them).
// The running statistics are buffers (named_buffers), as in PyTorch.
// BatchNormBase holds it all; each subclass only says which inputs it takes.
class BatchNormBase : public Module {
 public:
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;                               // empty without affine
  Tensor running_mean, running_var, num_batches_tracked;  // empty without tracking

 protected:
  BatchNormBase(const char* name, std::int64_t num_features, double eps, double momentum, bool affine,
                bool track_running_stats);
  // Throws std::invalid_argument unless x is an input this layer takes.
  virtual void check_input(const Tensor& x) const = 0;

 private:
  std::int64_t num_features_;
  double eps_, momentum_;
};

// Over (N, C) or (N, C, L) inputs.
class BatchNorm1d : public BatchNormBase {
 public:
  BatchNorm1d* operator->() { return this; }
  explicit BatchNorm1d(std::int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                       bool affine = true, bool track_running_stats = true)
      : BatchNormBase("BatchNorm1d", num_features, eps, momentum, affine, track_running_stats) {}
  explicit BatchNorm1d(const BatchNormOptions& o)
      : BatchNorm1d(o.num_features(), o.eps(), o.momentum(), o.affine(), o.track_running_stats()) {}

 protected:
  void check_input(const Tensor& x) const override;
};

// Over (N, C, H, W) inputs: one mean and variance per channel C, taken over
// N, H and W (a DCGAN's layers).
class BatchNorm2d : public BatchNormBase {
 public:
  BatchNorm2d* operator->() { return this; }
  explicit BatchNorm2d(std::int64_t num_features, double eps = 1e-5, double momentum = 0.1,
                       bool affine = true, bool track_running_stats = true)
      : BatchNormBase("BatchNorm2d", num_features, eps, momentum, affine, track_running_stats) {}
  explicit BatchNorm2d(const BatchNormOptions& o)
      : BatchNorm2d(o.num_features(), o.eps(), o.momentum(), o.affine(), o.track_running_stats()) {}

 protected:
  void check_input(const Tensor& x) const override;
};

// The transposed convolution (functional::conv_transpose2d), which grows an
// image: weight (in, out, k, k) and bias (out) start uniform in
// [-1/sqrt(fan_in), 1/sqrt(fan_in)], fan_in = out * k * k, as PyTorch's.
class ConvTranspose2d : public Module {
 public:
  ConvTranspose2d* operator->() { return this; }
  explicit ConvTranspose2d(const ConvTranspose2dOptions& options);
  ConvTranspose2d(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size,
                  std::int64_t stride = 1, std::int64_t padding = 0, std::int64_t output_padding = 0,
                  bool bias = true)
      : ConvTranspose2d(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)
                            .stride(stride).padding(padding).output_padding(output_padding).bias(bias)) {}
  Tensor forward(Tensor x) override;
  std::string extra_repr() const override;
  Parameter weight, bias;

 private:
  std::int64_t stride_, padding_, output_padding_;
};

// A table of num_embeddings vectors of embedding_dim numbers, N(0, 1) at
// first; forward(index) picks rows by the whole numbers in index.
class Embedding : public Module {
 public:
  Embedding* operator->() { return this; }
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim);
  Tensor forward(Tensor index) override { return functional::embedding(index, weight); }
  std::string extra_repr() const override;
  Parameter weight;
};

}  // namespace gradlab::nn
