// SPDX-License-Identifier: MIT
// save/load in LibTorch's argument order (src/save_load.cpp): a model with
// its buffers (BatchNorm's running statistics) and an optimizer's state
// make the round trip; a file that does not fit changes nothing.
#include <boost/test/unit_test.hpp>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using gl::Tensor;
using gradlab::testing::error_of;
using gradlab::testing::TempDir;

BOOST_AUTO_TEST_SUITE(save_load_test)

BOOST_AUTO_TEST_CASE(a_model_and_its_running_statistics_round_trip) {
  TempDir dir("save_load_test");
  gl::manual_seed(1);
  nn::Sequential model(nn::Conv2d(1, 2, 3), nn::BatchNorm2d(2), nn::ReLU());
  model(gl::randn({4, 1, 5, 5}));  // moves the running statistics
  gl::save(model, dir.file("model.gl"));
  gl::manual_seed(2);
  nn::Sequential fresh(nn::Conv2d(1, 2, 3), nn::BatchNorm2d(2), nn::ReLU());
  gl::load(fresh, dir.file("model.gl"));
  auto a = model.named_buffers(), b = fresh.named_buffers();
  BOOST_TEST(b.size() == 3u);
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST((a[i].second.to_vector() == b[i].second.to_vector()));
  BOOST_TEST(b[2].second.item() == 1.0);  // num_batches_tracked
  for (std::size_t i = 0; i < model.parameters().size(); ++i)
    BOOST_TEST((model.parameters()[i].to_vector() == fresh.parameters()[i].to_vector()));
  fresh.eval();
  model.eval();
  Tensor x = gl::randn({2, 1, 5, 5});
  BOOST_TEST((fresh(x).to_vector() == model(x).to_vector()));
  // Another architecture: refused, nothing changed.
  nn::Sequential other(nn::Conv2d(1, 3, 3), nn::BatchNorm2d(3));
  std::vector<double> before = other.parameters()[0].to_vector();
  BOOST_TEST(error_of([&] { gl::load(other, dir.file("model.gl")); }).find("load: ") == 0u);
  BOOST_TEST((other.parameters()[0].to_vector() == before));
}

BOOST_AUTO_TEST_CASE(an_optimizers_state_round_trips) {
  TempDir dir("save_load_test_optim");
  gl::manual_seed(3);
  nn::Linear fc(3, 2);
  gl::optim::Adam adam(fc.parameters(), gl::optim::AdamOptions(0.01));
  gl::mse_loss(fc(gl::randn({4, 3})), gl::zeros({4, 2})).backward();
  adam.step();
  gl::save(adam, dir.file("adam.gl"));
  gl::optim::Adam again(fc.parameters(), gl::optim::AdamOptions(0.5));
  gl::load(again, dir.file("adam.gl"));
  BOOST_TEST(again.lr() == 0.01);
  auto a = adam.named_state(), b = again.named_state();
  BOOST_TEST(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].first == b[i].first);
    BOOST_TEST((a[i].second.to_vector() == b[i].second.to_vector()));
  }
  gl::optim::SGD sgd(fc.parameters(), gl::optim::SGDOptions(0.1).momentum(0.9));
  BOOST_TEST(error_of([&] { gl::load(sgd, dir.file("adam.gl")); }).find("load: " + dir.file("adam.gl") + ": ") == 0u);
  BOOST_TEST(sgd.lr() == 0.1);
}

BOOST_AUTO_TEST_SUITE_END()
