// SPDX-License-Identifier: MIT
// Opt-in: the device and dtype words of a LibTorch program, so that it ports
// with `namespace torch = gradlab;`. gradlab computes in float64 on the CPU,
// always; these names are accepted and change nothing: cuda::is_available()
// is false, to(kCPU) and to(kFloat) return the same tensor (no rounding to
// float32), to(kLong) makes the numbers whole (still stored as doubles).
// Moving to a CUDA device is refused, and so is to(kLong) or to(kInt) of NaN,
// an infinity or a number beyond int64 (int32): std::domain_error naming the
// element and its value, where a cast would be undefined. The teaching API never needs this file.
#pragma once

#include <cstdint>
#include <string>

#include <gradlab/autograd_function.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab {

enum class DeviceType : std::int8_t { CPU, CUDA };
inline constexpr DeviceType kCPU = DeviceType::CPU;
inline constexpr DeviceType kCUDA = DeviceType::CUDA;

// A device, as LibTorch names one: Device(kCPU), Device("cuda:0").
struct Device {
  Device(DeviceType type, int index = -1) : type_(type), index_(index) {}  // implicit, as LibTorch's
  explicit Device(const std::string& name);  // "cpu", "cuda", "cuda:1"; std::invalid_argument otherwise
  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool is_cpu() const { return type_ == DeviceType::CPU; }
  bool is_cuda() const { return type_ == DeviceType::CUDA; }
  std::string str() const;  // "cpu", "cuda:0"

 private:
  DeviceType type_;
  int index_;
};

// The dtypes LibTorch programs name. Storage stays float64 whatever is asked.
enum class ScalarType : std::int8_t { Double, Float, Long, Int, Bool };
inline constexpr ScalarType kDouble = ScalarType::Double;
inline constexpr ScalarType kFloat64 = ScalarType::Double;
inline constexpr ScalarType kFloat = ScalarType::Float;
inline constexpr ScalarType kFloat32 = ScalarType::Float;
inline constexpr ScalarType kLong = ScalarType::Long;
inline constexpr ScalarType kInt64 = ScalarType::Long;
inline constexpr ScalarType kInt = ScalarType::Int;
inline constexpr ScalarType kInt32 = ScalarType::Int;
inline constexpr ScalarType kBool = ScalarType::Bool;
inline TensorOptions dtype(ScalarType type) { return TensorOptions().dtype(type); }

namespace cuda {
inline bool is_available() { return false; }  // gradlab runs on the CPU only
inline int device_count() { return 0; }
}  // namespace cuda

}  // namespace gradlab
