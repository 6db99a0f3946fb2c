// SPDX-License-Identifier: MIT
// LibTorch's options objects for the layers, beside their positional
// constructors: Conv2d(Conv2dOptions(1, 64, 4).stride(2).padding(1).bias(false))
// is Conv2d(1, 64, 4, 2, 1, false). Only what gradlab's layers do is here
// (no dilation, groups or padding modes); a setter sets, a getter reads.
#pragma once

#include <cstdint>

namespace gradlab::nn {

struct LinearOptions {
  LinearOptions(std::int64_t in_features, std::int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  LinearOptions& in_features(std::int64_t v) { in_features_ = v; return *this; }
  std::int64_t in_features() const { return in_features_; }
  LinearOptions& out_features(std::int64_t v) { out_features_ = v; return *this; }
  std::int64_t out_features() const { return out_features_; }
  LinearOptions& bias(bool v) { bias_ = v; return *this; }
  bool bias() const { return bias_; }

 private:
  std::int64_t in_features_, out_features_;
  bool bias_ = true;
};

struct Conv2dOptions {
  Conv2dOptions(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  Conv2dOptions& in_channels(std::int64_t v) { in_channels_ = v; return *this; }
  std::int64_t in_channels() const { return in_channels_; }
  Conv2dOptions& out_channels(std::int64_t v) { out_channels_ = v; return *this; }
  std::int64_t out_channels() const { return out_channels_; }
  Conv2dOptions& kernel_size(std::int64_t v) { kernel_size_ = v; return *this; }
  std::int64_t kernel_size() const { return kernel_size_; }
  Conv2dOptions& stride(std::int64_t v) { stride_ = v; return *this; }
  std::int64_t stride() const { return stride_; }
  Conv2dOptions& padding(std::int64_t v) { padding_ = v; return *this; }
  std::int64_t padding() const { return padding_; }
  Conv2dOptions& bias(bool v) { bias_ = v; return *this; }
  bool bias() const { return bias_; }

 private:
  std::int64_t in_channels_, out_channels_, kernel_size_, stride_ = 1, padding_ = 0;
  bool bias_ = true;
};

struct ConvTranspose2dOptions {
  ConvTranspose2dOptions(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  ConvTranspose2dOptions& in_channels(std::int64_t v) { in_channels_ = v; return *this; }
  std::int64_t in_channels() const { return in_channels_; }
  ConvTranspose2dOptions& out_channels(std::int64_t v) { out_channels_ = v; return *this; }
  std::int64_t out_channels() const { return out_channels_; }
  ConvTranspose2dOptions& kernel_size(std::int64_t v) { kernel_size_ = v; return *this; }
  std::int64_t kernel_size() const { return kernel_size_; }
  ConvTranspose2dOptions& stride(std::int64_t v) { stride_ = v; return *this; }
  std::int64_t stride() const { return stride_; }
  ConvTranspose2dOptions& padding(std::int64_t v) { padding_ = v; return *this; }
  std::int64_t padding() const { return padding_; }
  ConvTranspose2dOptions& output_padding(std::int64_t v) { output_padding_ = v; return *this; }
  std::int64_t output_padding() const { return output_padding_; }
  ConvTranspose2dOptions& bias(bool v) { bias_ = v; return *this; }
  bool bias() const { return bias_; }

 private:
  std::int64_t in_channels_, out_channels_, kernel_size_, stride_ = 1, padding_ = 0, output_padding_ = 0;
  bool bias_ = true;
};

struct MaxPool2dOptions {
  MaxPool2dOptions(std::int64_t kernel_size) : kernel_size_(kernel_size) {}  // implicit, as LibTorch's
  MaxPool2dOptions& kernel_size(std::int64_t v) { kernel_size_ = v; return *this; }
  std::int64_t kernel_size() const { return kernel_size_; }
  MaxPool2dOptions& stride(std::int64_t v) { stride_ = v; return *this; }  // 0: kernel_size
  std::int64_t stride() const { return stride_; }

 private:
  std::int64_t kernel_size_, stride_ = 0;
};

// For Dropout, Dropout1d and Dropout2d.
struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // implicit, as LibTorch's
  DropoutOptions& p(double v) { p_ = v; return *this; }
  double p() const { return p_; }
  DropoutOptions& inplace(bool v) { inplace_ = v; return *this; }  // accepted; gradlab never works in place
  bool inplace() const { return inplace_; }

 private:
  double p_;
  bool inplace_ = false;
};

// For BatchNorm1d and BatchNorm2d.
struct BatchNormOptions {
  BatchNormOptions(std::int64_t num_features) : num_features_(num_features) {}  // implicit, as LibTorch's
  BatchNormOptions& num_features(std::int64_t v) { num_features_ = v; return *this; }
  std::int64_t num_features() const { return num_features_; }
  BatchNormOptions& eps(double v) { eps_ = v; return *this; }
  double eps() const { return eps_; }
  BatchNormOptions& momentum(double v) { momentum_ = v; return *this; }
  double momentum() const { return momentum_; }
  BatchNormOptions& affine(bool v) { affine_ = v; return *this; }
  bool affine() const { return affine_; }
  BatchNormOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  std::int64_t num_features_;
  double eps_ = 1e-5, momentum_ = 0.1;
  bool affine_ = true, track_running_stats_ = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;
using Dropout2dOptions = DropoutOptions;

struct LeakyReLUOptions {
  LeakyReLUOptions& negative_slope(double v) { negative_slope_ = v; return *this; }
  double negative_slope() const { return negative_slope_; }
  LeakyReLUOptions& inplace(bool v) { inplace_ = v; return *this; }  // accepted; gradlab never works in place
  bool inplace() const { return inplace_; }

 private:
  double negative_slope_ = 0.01;
  bool inplace_ = false;
};

}  // namespace gradlab::nn
