// SPDX-License-Identifier: MIT
// Batch normalisation: functional::batch_norm and the BatchNorm modules.
// Built from tensor ops (mean, var, sqrt, broadcasting), so its backward is
// theirs, chained by the engine; the exercise in tutorials/exercises/ writes
// it by hand in one go. The running statistics change outside the graph.

#include <cstdio>
#include <stdexcept>

#include <gradlab/grad_mode.hpp>
#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/layers.hpp>

#include <gradlab/number_text.hpp>

#include "tensor/sizes.hpp"

namespace gradlab::nn {

namespace functional {

namespace {

// x (N, C, *) as (rows, C) with the channels last, and back: the
// statistics of channel c are those of column c.
std::vector<std::int64_t> channels_last_order(std::int64_t rank) {
  std::vector<std::int64_t> order{0};
  for (std::int64_t d = 2; d < rank; ++d) order.push_back(d);
  order.push_back(1);
  return order;
}

Tensor to_rows(const Tensor& x) {
  if (x.dim() == 2) return x;
  return reshape(permute(x, channels_last_order(x.dim())), {-1, x.shape()[1]});
}

Tensor from_rows(const Tensor& rows, const Shape& x_shape) {
  if (x_shape.size() == 2) return rows;
  std::vector<std::int64_t> order = channels_last_order(static_cast<std::int64_t>(x_shape.size()));
  Shape last;  // x's shape with the channels moved last
  for (std::int64_t d : order) last.push_back(x_shape[static_cast<std::size_t>(d)]);
  std::vector<std::int64_t> back(order.size());  // the inverse permutation
  for (std::size_t i = 0; i < order.size(); ++i) back[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  return permute(reshape(rows, last), back);
}

void check_channel_tensor(const char* what, const Tensor& t, std::int64_t C) {
  if (t.numel() != 0 && t.shape() != Shape{C})
    throw std::invalid_argument(std::string("batch_norm: ") + what + " has shape " + to_string(t.shape()) +
                                ", expected [" + std::to_string(C) + "] (one number per channel)");
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum, double eps) {
  if (x.dim() < 2)
    throw std::invalid_argument("batch_norm: expected an input (N, C) or (N, C, *), got shape " +
                                to_string(x.shape()));
  const std::int64_t C = x.shape()[1];
  check_channel_tensor("running_mean", running_mean, C);
  check_channel_tensor("running_var", running_var, C);
  check_channel_tensor("weight", weight, C);
  check_channel_tensor("bias", bias, C);
  if ((running_mean.numel() == 0) != (running_var.numel() == 0))
    throw std::invalid_argument("batch_norm: give both running_mean and running_var, or neither");
  if (!(eps > 0)) throw std::invalid_argument("batch_norm: eps must be > 0, got " + number_text(eps));
  if (!(momentum >= 0 && momentum <= 1))
    throw std::invalid_argument("batch_norm: momentum must be in [0, 1], got " + number_text(momentum));
  const bool batch_stats = training || running_mean.numel() == 0;
  Tensor rows = to_rows(x);  // (M, C): M = N * (the sizes after C)
  const std::int64_t M = rows.shape()[0];
  Tensor xhat;
  if (batch_stats) {
    if (M < 2)
      throw std::invalid_argument("batch_norm: expected more than 1 value per channel when training, got input of shape " +
                                  to_string(x.shape()));
    Tensor mu = mean(rows, 0, true);                          // (1, C)
    Tensor var_b = var(rows, 0, /*unbiased=*/false, true);    // (1, C), divides by M
    xhat = (rows - mu) / sqrt(var_b + eps);
    if (training && running_mean.numel() != 0) {  // PyTorch's update, with the unbiased variance
      double unbias = static_cast<double>(M) / static_cast<double>(M - 1);
      Tensor rm = running_mean, rv = running_var;
      for (std::int64_t c = 0; c < C; ++c) {
        auto i = static_cast<std::size_t>(c);
        rm.data()[i] = (1 - momentum) * rm.data()[i] + momentum * mu.data()[i];
        rv.data()[i] = (1 - momentum) * rv.data()[i] + momentum * var_b.data()[i] * unbias;
      }
    }
  } else {
    xhat = (rows - running_mean.detach()) / sqrt(running_var.detach() + eps);
  }
  Tensor y = xhat;
  if (weight.numel()) y = y * weight;
  if (bias.numel()) y = y + bias;
  return from_rows(y, x.shape());
}

}  // namespace functional

BatchNormBase::BatchNormBase(const char* name, std::int64_t num_features, double eps, double momentum,
                             bool affine, bool track_running_stats)
    : Module(name), num_features_(num_features), eps_(eps), momentum_(momentum) {
  if (num_features < 1)
    throw std::invalid_argument(std::string(name) + ": num_features must be at least 1, got " +
                                std::to_string(num_features));
  if (!(eps > 0)) throw std::invalid_argument(std::string(name) + ": eps must be > 0, got " + number_text(eps));
  detail::checked_numel(name, {num_features});  // before ones() and zeros() would name themselves
  if (!(momentum >= 0 && momentum <= 1))
    throw std::invalid_argument(std::string(name) + ": momentum must be in [0, 1], got " +
                                number_text(momentum));
  if (affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}));
  }
}

Tensor BatchNormBase::forward(Tensor x) {
  check_input(x);
  if (x.shape()[1] != num_features_)
    throw std::invalid_argument(name() + ": expected " + std::to_string(num_features_) +
                                " channels (dim 1), got input of shape " + to_string(x.shape()));
  Tensor y = functional::batch_norm(x, running_mean, running_var, weight, bias, is_training(), momentum_, eps_);
  if (is_training() && num_batches_tracked.numel()) num_batches_tracked.data()[0] += 1;
  return y;
}

std::string BatchNormBase::extra_repr() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%lld, eps=%g, momentum=%g, affine=%s, track_running_stats=%s",
                static_cast<long long>(num_features_), eps_, momentum_, weight.numel() ? "True" : "False",
                running_mean.numel() ? "True" : "False");
  return buf;
}

void BatchNorm1d::check_input(const Tensor& x) const {
  if (x.dim() != 2 && x.dim() != 3)
    throw std::invalid_argument("BatchNorm1d: expected a 2-d (N, C) or 3-d (N, C, L) input, got shape " +
                                to_string(x.shape()));
}

void BatchNorm2d::check_input(const Tensor& x) const {
  if (x.dim() != 4)
    throw std::invalid_argument("BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape " + to_string(x.shape()));
}

}  // namespace gradlab::nn
