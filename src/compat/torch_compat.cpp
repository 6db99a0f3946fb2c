// SPDX-License-Identifier: MIT
// The device and dtype words of torch_compat.hpp: parsed, checked, ignored.

#include <gradlab/torch_compat.hpp>

#include <cmath>
#include <stdexcept>

#include <gradlab/nn/module.hpp>

#include <gradlab/number_text.hpp>

namespace gradlab {

Device::Device(const std::string& name) : type_(DeviceType::CPU), index_(-1) {
  std::string kind = name.substr(0, name.find(':'));
  if (kind == "cuda") type_ = DeviceType::CUDA;
  else if (kind != "cpu")
    throw std::invalid_argument("Device: expected \"cpu\", \"cuda\" or \"cuda:N\", got \"" + name + "\"");
  if (kind.size() < name.size()) {
    std::string digits = name.substr(kind.size() + 1);
    if (digits.empty() || digits.size() > 4 || digits.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("Device: bad device index in \"" + name + "\"");
    index_ = std::stoi(digits);
  }
}

std::string Device::str() const {
  std::string s = is_cuda() ? "cuda" : "cpu";
  return index_ >= 0 ? s + ":" + std::to_string(index_) : s;
}

namespace {

void check_cpu(const char* what, const Device& device) {
  if (device.is_cuda())
    throw std::invalid_argument(std::string(what) + ": gradlab computes on the CPU only, so it cannot move to " +
                                device.str() + " (cuda::is_available() is false)");
}

}  // namespace

Tensor Tensor::to(const Device& device, bool) const {
  check_cpu("Tensor::to", device);
  return *this;
}

namespace {

// The whole numbers an integer dtype holds, as doubles: [-2^63, 2^63) for
// int64, [-2^31, 2^31) for int32; 2^63 itself is a double but no int64.
struct IntegerRange {
  const char* dtype;  // as the caller spelled it
  const char* type;   // the C++ integer
  const char* bounds;
  double lo, hi;  // x fits when lo <= trunc(x) < hi
};
IntegerRange integer_range(ScalarType dtype) {
  if (dtype == ScalarType::Int) return {"kInt", "int32", "[-2^31, 2^31)", -0x1p31, 0x1p31};
  return {"kLong", "int64", "[-2^63, 2^63)", -0x1p63, 0x1p63};
}

// Converting NaN, an infinity or a number beyond the integer type is
// undefined in C++ and in PyTorch (it gives whatever the CPU does):
// refused, naming the op, the element and its value.
void check_integers(const Tensor& t, ScalarType dtype) {
  const IntegerRange r = integer_range(dtype);
  const std::vector<double>& x = t.data();
  for (std::size_t i = 0; i < x.size(); ++i) {
    double whole = std::trunc(x[i]);
    if (!(whole >= r.lo && whole < r.hi))  // NaN fails both
      throw std::domain_error(std::string("Tensor::to(") + r.dtype + "): element " + std::to_string(i) + " is " +
                              number_text(x[i]) + ", which has no " + r.type +
                              " value (the whole part must be in " + r.bounds + ")");
  }
}

}  // namespace

Tensor Tensor::to(ScalarType dtype) const {
  if (dtype == ScalarType::Double || dtype == ScalarType::Float) return *this;  // float64 stays float64
  if (dtype == ScalarType::Long || dtype == ScalarType::Int) check_integers(*this, dtype);
  bool whole = true;
  for (double x : data()) whole = whole && (dtype == ScalarType::Bool ? (x == 0 || x == 1) : std::trunc(x) == x);
  if (whole) return *this;
  // As LibTorch converts: toward zero for integers, any non-zero to 1 for bool;
  // a new tensor outside the graph (whole numbers have no gradient).
  std::vector<double> out = data();
  for (double& x : out) x = dtype == ScalarType::Bool ? (x != 0 ? 1.0 : 0.0) : std::trunc(x);
  return tensor(std::move(out), shape());
}

Tensor Tensor::to(const Device& device, ScalarType dtype) const {
  check_cpu("Tensor::to", device);
  return to(dtype);
}

namespace nn {

void Module::to(const Device& device, bool) { check_cpu("Module::to", device); }
void Module::to(ScalarType, bool) {}  // parameters stay float64
void Module::to(const Device& device, ScalarType, bool) { check_cpu("Module::to", device); }

}  // namespace nn

}  // namespace gradlab
