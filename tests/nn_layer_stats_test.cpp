// SPDX-License-Identifier: MIT
// nn::LayerStats (src/nn/layer_stats.cpp) and its pictures
// (viz/plot_layer_stats.cpp): the numbers worked out by hand, the layers it
// watches, the ratios it records, the PNGs it draws and its errors.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/layer_stats.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using gradlab::testing::error_of;

BOOST_AUTO_TEST_SUITE(nn_layer_stats_test)

BOOST_AUTO_TEST_CASE(tensor_stats_by_hand) {
  nn::TensorStats s = nn::tensor_stats("h", gl::tensor({-1.0, -0.5, 0.5, 0.99}), 0.97, 4);
  BOOST_TEST(s.name == "h");
  BOOST_TEST(s.mean == -0.0025, boost::test_tools::tolerance(1e-12));
  double var = (std::pow(-0.9975, 2) + std::pow(-0.4975, 2) + std::pow(0.5025, 2) + std::pow(0.9925, 2)) / 4;
  BOOST_TEST(s.std == std::sqrt(var), boost::test_tools::tolerance(1e-12));  // biased, over every element
  BOOST_TEST(s.saturated == 0.5);  // -1 and 0.99 are past 0.97
  BOOST_TEST((s.histogram.counts.to_vector() == std::vector<double>{1, 1, 0, 2}));  // bins of 0.4975 from -1
  BOOST_TEST(error_of([] { nn::tensor_stats("empty", gl::Tensor()); }) == "tensor_stats: 'empty' has no elements");
}

BOOST_AUTO_TEST_CASE(watches_each_tanh_and_reads_the_gradients) {
  gl::manual_seed(4);
  nn::Sequential net(nn::Linear(3, 5), nn::Tanh(), nn::Linear(5, 4), nn::Tanh(), nn::Linear(4, 2));
  gl::Tensor x = gl::randn({6, 3});
  nn::LayerStats stats;
  gl::Tensor y = stats.forward(net, x);
  BOOST_TEST(y.to_vector() == net(x).to_vector(), boost::test_tools::per_element());  // the same as net(x)
  BOOST_TEST(stats.watched().size() == 2u);
  BOOST_TEST(stats.watched()[0].first == "layer 2 (Tanh)");
  BOOST_TEST(stats.watched()[1].first == "layer 4 (Tanh)");
  y.sum().backward();
  std::vector<nn::TensorStats> a = stats.activations(), g = stats.gradients();
  gl::Tensor h = stats.watched()[1].second;
  BOOST_TEST(a[1].mean == h.mean().item(), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(g[1].std == gl::std(h.grad().reshape({-1}), 0, false).item(), boost::test_tools::tolerance(1e-12));
  // Only weight matrices: three Linear weights, no biases.
  std::vector<nn::TensorStats> w = stats.weight_gradients(net);
  BOOST_TEST(w.size() == 3u);
  BOOST_TEST(w[0].name == "0.weight");
  gl::Tensor W = net.named_parameters()[0].second;
  double ratio = gl::std(W.grad().reshape({-1}), 0, false).item() / gl::std(W.reshape({-1}), 0, false).item();
  BOOST_TEST(w[0].grad_to_data == ratio, boost::test_tools::tolerance(1e-12));
  // Update ratios: log10(std(lr * grad) / std(data)), one per weight per step.
  stats.record_updates(net, 0.1);
  stats.record_updates(net, 0.01);
  BOOST_TEST(stats.update_ratios().size() == 3u);
  BOOST_TEST(stats.update_ratios()[0].size() == 2u);
  BOOST_TEST(stats.update_ratios()[0][0] == std::log10(0.1 * ratio), boost::test_tools::tolerance(1e-9));
  BOOST_TEST(stats.update_ratios()[0][1] - stats.update_ratios()[0][0] == -1.0, boost::test_tools::tolerance(1e-9));
  nn::Sequential other(nn::Tanh(), nn::Linear(3, 5));  // its weight is "1.weight"
  BOOST_TEST(error_of([&] { stats.record_updates(other.named_parameters(), 0.1); }).find("record the same model") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(draws_histograms_and_update_ratios) {
  gradlab::testing::TempDir dir("nn_layer_stats_test");
  gl::manual_seed(5);
  nn::Sequential net(nn::Linear(3, 8), nn::Tanh(), nn::Linear(8, 2));
  nn::LayerStats stats;
  for (int step = 0; step < 40; ++step) {
    net.zero_grad();
    stats.forward(net, gl::randn({16, 3})).pow(2).mean().backward();
    stats.record_updates(net, 0.1);
  }
  gradlab::viz::plot_histograms(dir.file("h.png"), stats.activations(), "activations", "h", true);
  gradlab::viz::plot_update_ratios(dir.file("u.png"), stats, "updates", 10);
  BOOST_TEST(gradlab::testing::png_size(dir.file("h.png")).first == 900u);
  BOOST_TEST(gradlab::testing::png_size(dir.file("u.png")).first == 900u);
  BOOST_TEST(error_of([&] { gradlab::viz::plot_update_ratios(dir.file("x.png"), nn::LayerStats(), "none"); })
                 .find("nothing recorded") != std::string::npos);
  BOOST_TEST(error_of([&] { gradlab::viz::plot_histograms(dir.file("x.png"), {}, "none"); }) ==
             "plot_histograms: no statistics to draw");
}

BOOST_AUTO_TEST_SUITE_END()
