// SPDX-License-Identifier: MIT
// LibTorch's spellings of what Tensor already does (tensor.hpp): item<T>,
// size(d), mm, argmax, eq, all, any, norm, the compound assignments and the
// factories with options. Each is one line over gradlab's own op, so a
// picture of the graph shows the op that ran (view is reshape, mm matmul).

#include <gradlab/tensor.hpp>

#include <gradlab/nn/functional.hpp>
#include <gradlab/op.hpp>

#include <cmath>
#include <stdexcept>

#include "tensor/tensor_internal.hpp"

namespace gradlab {

std::int64_t Tensor::size(std::int64_t dim) const {
  return shape()[static_cast<std::size_t>(detail::wrap_dim("size", dim, this->dim()))];
}

Tensor Tensor::mm(const Tensor& other) const {
  if (dim() != 2 || other.dim() != 2)
    throw std::invalid_argument("mm: expected two 2-d tensors, got shapes " + to_string(shape()) + " and " +
                                to_string(other.shape()) + " (matmul takes other ranks)");
  return matmul(other);
}

Tensor Tensor::argmax() const { return gradlab::argmax(reshape({-1}), 0); }
Tensor Tensor::argmax(std::int64_t dim, bool keepdim) const { return gradlab::argmax(*this, dim, keepdim); }
Tensor Tensor::eq(const Tensor& other) const { return gradlab::eq(*this, other); }
Tensor Tensor::eq(double other) const { return gradlab::eq(*this, scalar_tensor(other)); }

Tensor Tensor::all() const {
  bool all = true;
  for (double x : data()) all = all && x != 0;
  return scalar_tensor(all ? 1.0 : 0.0);
}

Tensor Tensor::any() const {
  bool any = false;
  for (double x : data()) any = any || x != 0;
  return scalar_tensor(any ? 1.0 : 0.0);
}

// The 2-norm as one op, so that its gradient at 0 is PyTorch's 0 (composed
// as sqrt(sum(x*x)) it would be sqrt's infinite slope times 0: NaN).
Tensor Tensor::norm() const {
  static constexpr Op op{"norm", [](Node& n) {
    TensorSlot out = tensor_slot(n), a = tensor_slot(n.parent(0));
    if (a.grad == nullptr || out.data[0] == 0) return;  // at 0, PyTorch's subgradient 0
    for (std::size_t i = 0; i < a.data.size(); ++i)
      a.grad[i] += out.grad[0] * a.data[i] / out.data[0];  // d|a|/da_i = a_i / |a|
  }, &kTensorKind, nullptr, [](Node& n, GradientGraph& g) {  // the same on Tensors (create_graph)
    Tensor a = tensor_of(n.parent(0)), out = tensor_of(n), dout = gradient_of(n, g);
    // At 0 the subgradient 0, as PyTorch's, still made from a and dout: a
    // node of the graph, to differentiate again (to 0).
    pass(g, n, 0, out.item() == 0 ? a * (dout * 0.0) : dout * a / out);
  }};
  double sum_of_squares = 0;
  for (double x : data()) sum_of_squares += x * x;
  return make_result({}, {std::sqrt(sum_of_squares)}, op, {*this});
}

Tensor& Tensor::operator+=(const Tensor& other) { return *this = *this + other; }
Tensor& Tensor::operator-=(const Tensor& other) { return *this = *this - other; }
Tensor& Tensor::operator*=(const Tensor& other) { return *this = *this * other; }
Tensor& Tensor::operator/=(const Tensor& other) { return *this = *this / other; }
Tensor& Tensor::operator+=(double other) { return *this = *this + other; }
Tensor& Tensor::operator-=(double other) { return *this = *this - other; }
Tensor& Tensor::operator*=(double other) { return *this = *this * other; }
Tensor& Tensor::operator/=(double other) { return *this = *this / other; }

namespace {

Tensor with(Tensor t, const TensorOptions& options) {
  if (options.requires_grad()) t.requires_grad_();
  return t;
}

}  // namespace

Tensor zeros(const Shape& shape, const TensorOptions& options) { return with(zeros(shape), options); }
Tensor ones(const Shape& shape, const TensorOptions& options) { return with(ones(shape), options); }
Tensor full(const Shape& shape, double value, const TensorOptions& options) {
  return with(full(shape, value), options);
}
Tensor randn(const Shape& shape, const TensorOptions& options) { return with(randn(shape), options); }
Tensor rand(const Shape& shape, const TensorOptions& options) { return with(rand(shape), options); }
Tensor tensor(std::vector<double> data, Shape shape, const TensorOptions& options) {
  return with(tensor(std::move(data), std::move(shape)), options);
}
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  if (a.shape() != b.shape()) return false;
  for (std::size_t i = 0; i < a.data().size(); ++i)
    if (!(std::abs(a.data()[i] - b.data()[i]) <= atol + rtol * std::abs(b.data()[i]))) return false;
  return true;
}

Tensor zeros_like(const Tensor& a, const TensorOptions& options) { return zeros(a.shape(), options); }
Tensor ones_like(const Tensor& a, const TensorOptions& options) { return ones(a.shape(), options); }
Tensor randn_like(const Tensor& a, const TensorOptions& options) { return randn(a.shape(), options); }
Tensor rand_like(const Tensor& a, const TensorOptions& options) { return rand(a.shape(), options); }

}  // namespace gradlab

namespace gradlab {

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const Tensor& weight, Reduction reduction) {
  if (weight.defined())
    throw std::invalid_argument("nll_loss: class weights are not supported (got weight of shape " +
                                to_string(weight.shape()) + "); pass Tensor() or {}");
  return nn::functional::nll_loss(log_probs, target, reduction);
}

}  // namespace gradlab
