// SPDX-License-Identifier: MIT
// Neuron, Layer, Net: shapes, parameters, printing, seeding, and a real
// training run on two moons.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>
#include <utility>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
using gl::Value;

BOOST_AUTO_TEST_SUITE(value_nn_test)

BOOST_AUTO_TEST_CASE(neuron_computes_its_formula) {
  gl::Neuron n(2, gl::Activation::tanh);
  std::vector<Value> w = n.weights();
  w[0].data() = -3.0;
  w[1].data() = 1.0;
  Value b = n.bias();
  b.data() = 6.8813735870195432;
  Value o = n(std::vector<double>{2.0, 0.0});
  BOOST_TEST(o.data() == std::sqrt(0.5), boost::test_tools::tolerance(1e-12));  // tanh(0.8814)
  o.backward();
  // d tanh(n)/dn = 1 - o^2 = 0.5, so dw1 = x1 * 0.5 = 1, dw2 = x2 * 0.5 = 0, db = 0.5.
  BOOST_TEST(w[0].grad() == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(w[1].grad() == 0.0);
  BOOST_TEST(b.grad() == 0.5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(activations) {
  std::vector<std::pair<gl::Activation, double>> cases{
      {gl::Activation::linear, -2.0},
      {gl::Activation::relu, 0.0},
      {gl::Activation::tanh, std::tanh(-2.0)},
      {gl::Activation::sigmoid, 1 / (1 + std::exp(2.0))}};
  for (auto [act, expected] : cases) {
    gl::Neuron n(1, act);
    Value w = n.weights()[0];
    w.data() = 1.0;
    BOOST_TEST(n(std::vector<double>{-2.0}).data() == expected, boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(sizes_and_parameter_counts) {
  gl::Layer layer(3, 10);
  BOOST_TEST(layer.nparams() == 40u);
  BOOST_TEST(layer(std::vector<double>{1, 2, 3}).size() == 10u);
  gl::Net net(3, {100, 200, 2});
  BOOST_TEST(net.nparams() == 3u * 100 + 100 + 100 * 200 + 200 + 200 * 2 + 2);
  BOOST_TEST(net(std::vector<double>{1, 2, 3}).size() == 2u);
  gl::MLP same(2, {16, 16, 1});
  BOOST_TEST(same.nparams() == 337u);
}

BOOST_AUTO_TEST_CASE(a_layer_as_a_matrix) {
  gl::Layer layer(2, 3);
  std::vector<double> w = layer.weight_matrix(), b = layer.bias_vector();
  BOOST_REQUIRE(w.size() == 6u);
  BOOST_TEST(w[1 * 2 + 0] == layer.neurons()[1].weights()[0].data());  // row = neuron
  BOOST_TEST((b == std::vector<double>{0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(last_layer_is_linear_by_default) {
  gl::Net net(2, {4, 1});
  BOOST_TEST(net.layers()[0].neurons()[0].activation() == gl::Activation::relu);
  BOOST_TEST(net.layers()[1].neurons()[0].activation() == gl::Activation::linear);
  gl::Net tanh_net(2, {4, 1}, gl::Activation::tanh, gl::Activation::tanh);
  BOOST_TEST(tanh_net.layers()[1].neurons()[0].activation() == gl::Activation::tanh);
}

BOOST_AUTO_TEST_CASE(prints_like_micrograd) {
  std::ostringstream os;
  os << gl::Layer(3, 10);
  BOOST_TEST(os.str() == "Layer(N_in=3, N_out=10)");
  os.str("");
  os << gl::Net(3, {100, 200, 2});
  BOOST_TEST(os.str() == "Net([3, 100, 200, 2])");
  os.str("");
  os << gl::Neuron(2, gl::Activation::tanh);
  BOOST_TEST(os.str() == "Neuron(N_in=2, activation=tanh)");
}

BOOST_AUTO_TEST_CASE(seeded_initialisation_repeats) {
  gl::manual_seed(7);
  gl::Net a(2, {3, 1});
  gl::manual_seed(7);
  gl::Net b(2, {3, 1});
  gl::Net c(2, {3, 1});  // the generator moved on
  auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
  bool same = true, differ = false;
  for (std::size_t i = 0; i < pa.size(); ++i) {
    same = same && pa[i].data() == pb[i].data();
    differ = differ || pa[i].data() != pc[i].data();
    BOOST_TEST(std::abs(pa[i].data()) <= 1.0);
  }
  BOOST_TEST(same);
  BOOST_TEST(differ);
}

BOOST_AUTO_TEST_CASE(zero_grad_clears_every_parameter) {
  gl::Net net(2, {3, 1});
  Value y = net(std::vector<double>{1.0, -1.0})[0];
  y.backward();
  net.zero_grad();
  for (const Value& p : net.parameters()) BOOST_TEST(p.grad() == 0.0);
}

BOOST_AUTO_TEST_CASE(wrong_input_size_is_an_error) {
  gl::Net net(2, {3, 1});
  try {
    net(std::vector<double>{1.0, 2.0, 3.0});
    BOOST_FAIL("must throw");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "Layer: expected 2 inputs, got 3");
  }
  BOOST_CHECK_THROW(gl::Net(2, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(net_gradients_match_finite_differences) {
  gl::manual_seed(3);
  gl::Net net(2, {4, 1}, gl::Activation::tanh);
  std::vector<Value> params = net.parameters();
  // Perturb each parameter in place and compare the slope with backward().
  auto eval = [&] {
    gl::NoGradGuard no_grad;
    double s = 0;
    for (auto x : {std::vector<double>{0.5, -1.0}, {1.5, 0.3}}) s += std::pow(net(x)[0].data(), 2);
    return s;
  };
  Value total = 0.0;
  for (auto x : {std::vector<double>{0.5, -1.0}, {1.5, 0.3}}) total = total + pow(net(x)[0], 2);
  net.zero_grad();
  total.backward();
  const double h = 1e-6;
  for (Value p : params) {
    double keep = p.data();
    p.data() = keep + h;
    double up = eval();
    p.data() = keep - h;
    double down = eval();
    p.data() = keep;
    BOOST_TEST(p.grad() == (up - down) / (2 * h), boost::test_tools::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(moons_training_reaches_full_accuracy) {
  // The demo's run: Net(2, [16, 16, 1]), max-margin loss + 1e-4 L2, 100 steps of SGD.
  gl::manual_seed(1337);
  gl::Dataset2d moons = gl::make_moons(100, 0.1);
  gl::Net net(2, {16, 16, 1});
  double first_loss = 0;
  for (int k = 0; k < 100; ++k) {
    auto [loss, accuracy] = gl::max_margin_loss(net, moons.x, moons.y);
    if (k == 0) first_loss = loss.data();
    net.zero_grad();
    loss.backward();
    double lr = 1.0 - 0.9 * k / 100;
    for (Value p : net.parameters()) p.data() -= lr * p.grad();
  }
  auto [loss, accuracy] = gl::max_margin_loss(net, moons.x, moons.y);
  BOOST_TEST(accuracy == 1.0);
  BOOST_TEST(loss.data() < 0.1 * first_loss);
}

BOOST_AUTO_TEST_CASE(weights_and_biases_are_marked_as_parameters) {
  gradlab::Neuron n(2);
  for (const gradlab::Value& p : n.parameters()) BOOST_TEST((p.node()->flags & gradlab::kParameter) != 0);
  gradlab::Value x(1.0);
  BOOST_TEST((x.node()->flags & gradlab::kParameter) == 0);  // an input is not
}

BOOST_AUTO_TEST_SUITE_END()
