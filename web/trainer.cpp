// SPDX-License-Identifier: MIT
// The playground's Train panel, called from the page (embind): micrograd's
// demo live, a scalar Net on two moons, two circles or XOR, trained by SGD
// on the max-margin loss one step at a time; the page reads its loss, its
// decision boundary, one neuron's weights and gradients, and one neuron's
// graph. Built for WebAssembly only (web/CMakeLists.txt).

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <gradlab/datasets.hpp>
#include <gradlab/grad_mode.hpp>
#include <gradlab/random.hpp>
#include <gradlab/value_nn.hpp>
#include <gradlab/viz/dot.hpp>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace gl = gradlab;
using emscripten::val;

namespace {

constexpr std::size_t kPoints = 100;
constexpr std::size_t kMaxWidth = 64, kMaxDepth = 6;

// What the page may ask for; "" when all is well, else what is wrong.
std::string check_settings(const std::string& dataset, const std::vector<int>& hidden,
                           const std::string& activation, double lr, int batch) {
  if (dataset != "moons" && dataset != "circles" && dataset != "xor")
    return "dataset: moons, circles or xor, not '" + dataset + "'";
  if (hidden.empty() || hidden.size() > kMaxDepth)
    return "hidden layers: 1 to " + std::to_string(kMaxDepth) + ", not " +
           std::to_string(hidden.size());
  for (int w : hidden)
    if (w < 1 || w > static_cast<int>(kMaxWidth))
      return "width: 1 to " + std::to_string(kMaxWidth) + " neurons a layer, not " +
             std::to_string(w);
  if (activation != "relu" && activation != "tanh" && activation != "sigmoid")
    return "activation: relu, tanh or sigmoid, not '" + activation + "'";
  if (!(lr > 0 && lr <= 10)) return "learning rate: a number in (0, 10]";
  if (batch < 1 || batch > static_cast<int>(kPoints))
    return "batch size: 1 to " + std::to_string(kPoints) + ", not " + std::to_string(batch);
  return "";
}

gl::Activation activation_of(const std::string& name) {
  return name == "tanh"      ? gl::Activation::tanh
         : name == "sigmoid" ? gl::Activation::sigmoid
                             : gl::Activation::relu;
}

gl::Dataset2d make_data(const std::string& name, std::uint64_t seed) {
  if (name == "circles") return gl::make_circles(kPoints, 0.08, 0.5, seed);
  if (name == "xor") return gl::make_xor(kPoints, 0.05, seed);
  return gl::make_moons(kPoints, 0.1, seed);
}

std::vector<std::size_t> layer_sizes(const std::vector<int>& hidden) {
  std::vector<std::size_t> sizes(hidden.begin(), hidden.end());
  sizes.push_back(1);  // one score: its sign is the class
  return sizes;
}

class Trainer {
 public:
  // The net's weights and the batches come from `seed`, so the same settings
  // and step count give the same net (the page's address holds them).
  Trainer(const std::string& dataset, const val& hidden_widths, const std::string& activation,
          double lr, int batch, int seed)
      : hidden_(emscripten::vecFromJSArray<int>(hidden_widths)),
        data_(make_data(dataset, static_cast<std::uint64_t>(seed))),
        net_(checked_net(dataset, hidden_, activation, lr, batch, seed)),
        params_(net_.parameters()),
        lr_(lr),
        batch_(static_cast<std::size_t>(batch)),
        order_(kPoints),
        shuffle_(static_cast<std::uint64_t>(seed)) {
    std::iota(order_.begin(), order_.end(), std::size_t{0});
  }

  // One step of SGD: the loss of a batch (all points, or the next `batch`
  // of a shuffled order), backward, every parameter moved against its
  // gradient. Returns the loss.
  double step() {
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    for (std::size_t i = 0; i < batch_; ++i) {
      if (batch_ < kPoints && next_ == 0) std::shuffle(order_.begin(), order_.end(), shuffle_);
      const std::size_t k = batch_ < kPoints ? order_[next_] : i;
      next_ = (next_ + 1) % kPoints;
      x.push_back(data_.x[k]);
      y.push_back(data_.y[k]);
    }
    for (gl::Value& p : params_) p.zero_grad();
    gl::LossAndAccuracy result = gl::max_margin_loss(net_, x, y);
    result.loss.backward();
    for (gl::Value& p : params_) p.data() -= lr_ * p.grad();
    ++steps_;
    loss_ = result.loss.data();
    return loss_;
  }

  double run(int steps) {
    for (int k = 0; k < steps; ++k) step();
    return loss_;
  }

  int steps() const { return steps_; }
  double loss() const { return loss_; }
  int parameters() const { return static_cast<int>(params_.size()); }

  // The share of all the points on the right side of the boundary.
  double accuracy() const {
    gl::NoGradGuard no_grad;
    std::size_t right = 0;
    for (std::size_t i = 0; i < kPoints; ++i) right += (score(data_.x[i]) > 0) == (data_.y[i] > 0);
    return static_cast<double>(right) / kPoints;
  }

  // {x0: [...], x1: [...], y: [...]}: the points and their labels (+-1).
  val points() const {
    val x0 = val::array(), x1 = val::array(), y = val::array();
    for (std::size_t i = 0; i < kPoints; ++i) {
      x0.call<void>("push", data_.x[i][0]);
      x1.call<void>("push", data_.x[i][1]);
      y.call<void>("push", data_.y[i]);
    }
    val out = val::object();
    out.set("x0", x0);
    out.set("x1", x1);
    out.set("y", y);
    return out;
  }

  // The net's score on an n x n grid over [x_lo, x_hi] x [y_lo, y_hi], row by
  // row from y_hi down (as an image is drawn): the decision boundary is where
  // it changes sign.
  val boundary(int n, double x_lo, double x_hi, double y_lo, double y_hi) const {
    if (n < 2 || n > 200) throw std::invalid_argument("boundary: n is 2 to 200");
    gl::NoGradGuard no_grad;
    std::vector<double> scores;
    scores.reserve(static_cast<std::size_t>(n) * n);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c)
        scores.push_back(
            score({x_lo + (x_hi - x_lo) * c / (n - 1), y_hi - (y_hi - y_lo) * r / (n - 1)}));
    return val::global("Float64Array")
        .new_(val(emscripten::typed_memory_view(scores.size(), scores.data())));
  }

  // The widths of the layers, inputs first: [2, 16, 16, 1].
  val sizes() const {
    val out = val::array();
    out.call<void>("push", 2);
    for (const gl::Layer& l : net_.layers()) out.call<void>("push", static_cast<int>(l.n_out()));
    return out;
  }

  // Neuron `index` of layer `layer` (0 = the first hidden layer): its
  // incoming weights and bias, and their gradients from the last step.
  val neuron(int layer, int index) const {
    const gl::Neuron& n = pick(layer, index);
    val w = val::array(), g = val::array();
    for (const gl::Value& v : n.weights()) {
      w.call<void>("push", v.data());
      g.call<void>("push", v.grad());
    }
    val out = val::object();
    out.set("weights", w);
    out.set("grads", g);
    out.set("bias", n.bias().data());
    out.set("bias_grad", n.bias().grad());
    out.set("activation", gl::to_string(n.activation()));
    return out;
  }

  // That neuron's own graph on the first point: its inputs as constants (the
  // layer below's outputs there), its weights and bias as leaves holding the
  // live numbers (copies, so the training's gradients stay as they are),
  // backpropagated; DOT text for the page to draw.
  std::string neuron_dot(int layer, int index) const {
    const gl::Neuron& live = pick(layer, index);
    std::vector<double> x = data_.x[0];
    {
      gl::NoGradGuard no_grad;
      for (int l = 0; l < layer; ++l) {
        std::vector<double> next;
        for (const gl::Value& v : net_.layers()[l](x)) next.push_back(v.data());
        x = next;
      }
    }
    gl::Neuron copy(live.weights().size(), live.activation());
    std::vector<gl::Value> p = copy.parameters();
    for (std::size_t i = 0; i < live.weights().size(); ++i) {
      p[i].data() = live.weights()[i].data();
      p[i].set_label("w" + std::to_string(i));
    }
    p.back().data() = live.bias().data();
    p.back().set_label("b");
    gl::Value out = copy(x);
    out.backward();
    return gl::viz::to_dot(out, {.rankdir = gl::viz::RankDir::LR,
                                 .title = "layer " + std::to_string(layer + 1) + ", neuron " +
                                          std::to_string(index + 1) + ", on the first point"});
  }

 private:
  // The settings checked, then the net's weights drawn from `seed`.
  static gl::Net checked_net(const std::string& dataset, const std::vector<int>& hidden,
                             const std::string& activation, double lr, int batch, int seed) {
    std::string problem = check_settings(dataset, hidden, activation, lr, batch);
    if (!problem.empty()) throw std::invalid_argument("Trainer: " + problem);
    gl::manual_seed(static_cast<std::uint64_t>(seed));
    return gl::Net(2, layer_sizes(hidden), activation_of(activation));
  }
  double score(const std::vector<double>& x) const { return net_(x)[0].data(); }
  const gl::Neuron& pick(int layer, int index) const {
    if (layer < 0 || layer >= static_cast<int>(net_.layers().size()))
      throw std::out_of_range("neuron: layer " + std::to_string(layer) + " is not in the net");
    const auto& neurons = net_.layers()[layer].neurons();
    if (index < 0 || index >= static_cast<int>(neurons.size()))
      throw std::out_of_range("neuron: layer " + std::to_string(layer) + " has no neuron " +
                              std::to_string(index));
    return neurons[index];
  }

  std::vector<int> hidden_;
  gl::Dataset2d data_;
  gl::Net net_;
  std::vector<gl::Value> params_;
  double lr_;
  std::size_t batch_;
  std::vector<std::size_t> order_;
  std::mt19937_64 shuffle_;
  std::size_t next_ = 0;
  int steps_ = 0;
  double loss_ = NAN;
};

std::string trainer_problem(const std::string& dataset, const val& hidden,
                            const std::string& activation, double lr, int batch) {
  return check_settings(dataset, emscripten::vecFromJSArray<int>(hidden), activation, lr, batch);
}

}  // namespace

EMSCRIPTEN_BINDINGS(gradlab_trainer) {
  emscripten::function("trainerProblem", &trainer_problem);
  emscripten::class_<Trainer>("Trainer")
      .constructor<const std::string&, const val&, const std::string&, double, int, int>()
      .function("step", &Trainer::step)
      .function("run", &Trainer::run)
      .function("steps", &Trainer::steps)
      .function("loss", &Trainer::loss)
      .function("parameters", &Trainer::parameters)
      .function("accuracy", &Trainer::accuracy)
      .function("points", &Trainer::points)
      .function("boundary", &Trainer::boundary)
      .function("sizes", &Trainer::sizes)
      .function("neuron", &Trainer::neuron)
      .function("neuronDot", &Trainer::neuron_dot);
}
