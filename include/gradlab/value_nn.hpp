// SPDX-License-Identifier: MIT
// Neuron, Layer and Net (alias MLP) on scalar Values, as in micrograd's nn.py:
// every weight is its own Value, so a whole network is one visible graph.
// Initialisation draws from gradlab's generator (manual_seed to repeat a run).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include <gradlab/value.hpp>

namespace gradlab {

enum class Activation { linear, relu, tanh, sigmoid };

std::string to_string(Activation activation);
std::ostream& operator<<(std::ostream& os, Activation activation);
Value activate(const Value& x, Activation activation);

// The parameters of any module, and the two things every module does with them.
class Module {
 public:
  virtual ~Module() = default;
  virtual std::vector<Value> parameters() const = 0;
  std::size_t nparams() const { return parameters().size(); }
  void zero_grad() const {
    for (Value p : parameters()) p.zero_grad();
  }
};

// activation(b + sum_i w_i x_i), weights uniform in [-1, 1), bias 0 (micrograd's).
class Neuron : public Module {
 public:
  explicit Neuron(std::size_t n_in, Activation activation = Activation::relu);
  Value operator()(const std::vector<Value>& x) const;
  Value operator()(const std::vector<double>& x) const;  // inputs as constants
  std::vector<Value> parameters() const override;        // w_0 .. w_{n-1}, b

  const std::vector<Value>& weights() const { return w_; }
  const Value& bias() const { return b_; }
  Activation activation() const { return activation_; }

 private:
  std::vector<Value> w_;
  Value b_;
  Activation activation_;
};

// n_out neurons that all see the same n_in inputs.
class Layer : public Module {
 public:
  Layer(std::size_t n_in, std::size_t n_out, Activation activation = Activation::relu);
  std::vector<Value> operator()(const std::vector<Value>& x) const;
  std::vector<Value> operator()(const std::vector<double>& x) const;
  std::vector<Value> parameters() const override;

  std::size_t n_in() const { return n_in_; }
  std::size_t n_out() const { return neurons_.size(); }
  // The numbers of the weights as a matrix (n_out, n_in), row-major, and of
  // the biases (n_out): what a Tensor version of this layer starts from.
  std::vector<double> weight_matrix() const;
  std::vector<double> bias_vector() const;
  const std::vector<Neuron>& neurons() const { return neurons_; }

 private:
  std::size_t n_in_;
  std::vector<Neuron> neurons_;
};

// A multi-layer perceptron: Net(2, {16, 16, 1}) has layers 2->16->16->1.
// Hidden layers use `hidden`, the last layer `last` (linear by default, so
// the output is a score, as in micrograd's MLP).
class Net : public Module {
 public:
  Net(std::size_t n_in, const std::vector<std::size_t>& sizes,
      Activation hidden = Activation::relu, Activation last = Activation::linear);
  std::vector<Value> operator()(const std::vector<Value>& x) const;
  std::vector<Value> operator()(const std::vector<double>& x) const;
  std::vector<Value> parameters() const override;

  const std::vector<Layer>& layers() const { return layers_; }

 private:
  std::vector<Layer> layers_;
};
using MLP = Net;

// micrograd's demo loss for labels y_i = +-1: the mean hinge loss
// relu(1 - y_i * score_i) over the points, plus alpha * sum of squared
// parameters (L2). Accuracy counts sign(score_i) == y_i.
struct LossAndAccuracy {
  Value loss;
  double accuracy;
};
LossAndAccuracy max_margin_loss(const Net& net, const std::vector<std::vector<double>>& x,
                                const std::vector<double>& y, double alpha = 1e-4);

// Neuron(N_in=2, activation=tanh), Layer(N_in=3, N_out=10), Net([3, 100, 200, 2]).
std::ostream& operator<<(std::ostream& os, const Neuron& neuron);
std::ostream& operator<<(std::ostream& os, const Layer& layer);
std::ostream& operator<<(std::ostream& os, const Net& net);

}  // namespace gradlab
