// SPDX-License-Identifier: MIT
// Neuron, Layer and Net on Values: micrograd's nn.py, with sizes checked.

#include <gradlab/value_nn.hpp>

#include <ostream>
#include <stdexcept>

#include <gradlab/random.hpp>

#include "tensor/sizes.hpp"

namespace gradlab {

namespace {

// The Values of n_out neurons of n_in weights and a bias, (n_in + 1) * n_out,
// counted with overflow checks before any is made (sizes.hpp).
std::int64_t values_in(const char* who, std::size_t n_in, std::size_t n_out) {
  const std::int64_t weights = detail::checked_product(who, n_in, n_out, "n_out neurons of n_in weights");
  return detail::checked_add(who, weights, detail::checked_product(who, n_out, 1, "n_out biases"),
                             "the weights and biases");
}

}  // namespace

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::linear: return "linear";
    case Activation::relu: return "relu";
    case Activation::tanh: return "tanh";
    case Activation::sigmoid: return "sigmoid";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, Activation activation) {
  return os << to_string(activation);
}

Value activate(const Value& x, Activation activation) {
  switch (activation) {
    case Activation::linear: return x;
    case Activation::relu: return relu(x);
    case Activation::tanh: return tanh(x);
    case Activation::sigmoid: return sigmoid(x);
  }
  return x;
}

namespace {
std::vector<Value> constants(const std::vector<double>& x) {
  std::vector<Value> out;
  out.reserve(x.size());
  for (double xi : x) out.push_back(Value::constant(xi));
  return out;
}
void append(std::vector<Value>& to, const std::vector<Value>& from) {
  to.insert(to.end(), from.begin(), from.end());
}
}  // namespace

Neuron::Neuron(std::size_t n_in, Activation activation) : b_(0.0), activation_(activation) {
  if (n_in == 0) throw std::invalid_argument("Neuron: n_in must be at least 1");
  detail::check_count("Neuron", values_in("Neuron", n_in, 1), "n_in = " + std::to_string(n_in) + " weights and a bias");
  w_.reserve(n_in);
  for (std::size_t i = 0; i < n_in; ++i) w_.emplace_back(uniform(-1.0, 1.0));
  // Marked as what the net learns, so pictures colour them apart from inputs.
  for (Value& w : w_) w.node()->flags |= kParameter;
  b_.node()->flags |= kParameter;
}

Value Neuron::operator()(const std::vector<Value>& x) const {
  if (x.size() != w_.size())
    throw std::invalid_argument("Neuron: expected " + std::to_string(w_.size()) +
                                " inputs, got " + std::to_string(x.size()));
  Value act = b_;
  for (std::size_t i = 0; i < w_.size(); ++i) act = act + w_[i] * x[i];
  return activate(act, activation_);
}

Value Neuron::operator()(const std::vector<double>& x) const { return (*this)(constants(x)); }

std::vector<Value> Neuron::parameters() const {
  std::vector<Value> p = w_;
  p.push_back(b_);
  return p;
}

Layer::Layer(std::size_t n_in, std::size_t n_out, Activation activation) : n_in_(n_in) {
  if (n_out == 0) throw std::invalid_argument("Layer: n_out must be at least 1");
  detail::check_count("Layer", values_in("Layer", n_in, n_out),
                      "n_out = " + std::to_string(n_out) + " neurons of n_in = " + std::to_string(n_in) +
                          " weights and a bias");
  neurons_.reserve(n_out);
  for (std::size_t i = 0; i < n_out; ++i) neurons_.emplace_back(n_in, activation);
}

std::vector<Value> Layer::operator()(const std::vector<Value>& x) const {
  if (x.size() != n_in_)
    throw std::invalid_argument("Layer: expected " + std::to_string(n_in_) + " inputs, got " +
                                std::to_string(x.size()));
  std::vector<Value> out;
  out.reserve(neurons_.size());
  for (const Neuron& n : neurons_) out.push_back(n(x));
  return out;
}

std::vector<Value> Layer::operator()(const std::vector<double>& x) const {
  return (*this)(constants(x));
}

std::vector<double> Layer::weight_matrix() const {
  std::vector<double> w;
  for (const Neuron& n : neurons_)
    for (const Value& v : n.weights()) w.push_back(v.data());
  return w;
}

std::vector<double> Layer::bias_vector() const {
  std::vector<double> b;
  for (const Neuron& n : neurons_) b.push_back(n.bias().data());
  return b;
}

std::vector<Value> Layer::parameters() const {
  std::vector<Value> p;
  for (const Neuron& n : neurons_) append(p, n.parameters());
  return p;
}

Net::Net(std::size_t n_in, const std::vector<std::size_t>& sizes, Activation hidden,
         Activation last) {
  if (sizes.empty()) throw std::invalid_argument("Net: needs at least one layer size");
  std::int64_t values = 0;  // every layer's weights and biases, counted before the first is made
  for (std::size_t i = 0, in = n_in; i < sizes.size(); in = sizes[i++])
    values = detail::checked_add("Net", values, values_in("Net", in, sizes[i]), "the layers' weights and biases");
  detail::check_count("Net", values, "the layers' weights and biases");
  std::size_t in = n_in;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    layers_.emplace_back(in, sizes[i], i + 1 == sizes.size() ? last : hidden);
    in = sizes[i];
  }
}

std::vector<Value> Net::operator()(const std::vector<Value>& x) const {
  std::vector<Value> h = x;
  for (const Layer& layer : layers_) h = layer(h);
  return h;
}

std::vector<Value> Net::operator()(const std::vector<double>& x) const {
  return (*this)(constants(x));
}

std::vector<Value> Net::parameters() const {
  std::vector<Value> p;
  for (const Layer& layer : layers_) append(p, layer.parameters());
  return p;
}

LossAndAccuracy max_margin_loss(const Net& net, const std::vector<std::vector<double>>& x,
                                const std::vector<double>& y, double alpha) {
  if (x.size() != y.size() || x.empty())
    throw std::invalid_argument("max_margin_loss: " + std::to_string(x.size()) + " inputs and " +
                                std::to_string(y.size()) + " labels");
  Value data_loss = Value::constant(0.0);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<Value> out = net(x[i]);
    if (out.size() != 1)
      throw std::invalid_argument("max_margin_loss: the net must have one output, not " +
                                  std::to_string(out.size()));
    const Value& score = out[0];
    data_loss = data_loss + relu(1.0 - y[i] * score);
    correct += (score.data() > 0) == (y[i] > 0);
  }
  data_loss = data_loss * (1.0 / static_cast<double>(x.size()));
  Value reg_loss = Value::constant(0.0);
  for (const Value& p : net.parameters()) reg_loss = reg_loss + p * p;
  return {data_loss + alpha * reg_loss, static_cast<double>(correct) / static_cast<double>(x.size())};
}

std::ostream& operator<<(std::ostream& os, const Neuron& neuron) {
  return os << "Neuron(N_in=" << neuron.weights().size()
            << ", activation=" << to_string(neuron.activation()) << ")";
}

std::ostream& operator<<(std::ostream& os, const Layer& layer) {
  return os << "Layer(N_in=" << layer.n_in() << ", N_out=" << layer.n_out() << ")";
}

std::ostream& operator<<(std::ostream& os, const Net& net) {
  os << "Net([" << net.layers().front().n_in();
  for (const Layer& layer : net.layers()) os << ", " << layer.n_out();
  return os << "])";
}

}  // namespace gradlab
