// SPDX-License-Identifier: MIT
// torch_compat.hpp: devices and dtypes are accepted and change nothing, a
// move to CUDA is refused by name, and whole-number dtypes make whole numbers.
#include <boost/test/unit_test.hpp>

#include <gradlab/gradlab.hpp>
#include <gradlab/torch_compat.hpp>

#include "test_helpers.hpp"

namespace torch = gradlab;
using gradlab::testing::error_of;

BOOST_AUTO_TEST_SUITE(torch_compat_test)

BOOST_AUTO_TEST_CASE(devices_are_the_cpu) {
  BOOST_TEST(!torch::cuda::is_available());
  BOOST_TEST(torch::cuda::device_count() == 0);
  torch::Device device(torch::cuda::is_available() ? torch::kCUDA : torch::kCPU);
  BOOST_TEST(device.is_cpu());
  BOOST_TEST(device.str() == "cpu");
  BOOST_TEST(torch::Device("cuda:1").is_cuda());
  BOOST_TEST(torch::Device("cuda:1").index() == 1);
  BOOST_TEST(torch::Device("cuda:1").str() == "cuda:1");
  BOOST_TEST(error_of([] { torch::Device("tpu"); }) == "Device: expected \"cpu\", \"cuda\" or \"cuda:N\", got \"tpu\"");
  BOOST_TEST(error_of([] { torch::Device("cuda:x"); }) == "Device: bad device index in \"cuda:x\"");
  torch::Tensor x = torch::ones({2, 3}).requires_grad_();
  torch::Tensor same = x.to(device);
  BOOST_TEST(same.node() == x.node());  // the same tensor: nothing moved
  BOOST_TEST(error_of([&] { x.to(torch::Device(torch::kCUDA)); }) ==
             "Tensor::to: gradlab computes on the CPU only, so it cannot move to cuda (cuda::is_available() is false)");
  torch::nn::Linear model(3, 2);
  model.to(device);
  model.to(torch::kFloat);
  BOOST_TEST(model.weight.numel() == 6);
  BOOST_TEST(error_of([&] { model.to(torch::Device("cuda:0")); }).find("Module::to: gradlab computes on the CPU only") == 0u);
}

BOOST_AUTO_TEST_CASE(dtypes_keep_float64_storage) {
  torch::Tensor x = torch::tensor({1.5, -2.5, 3.0});
  BOOST_TEST(x.to(torch::kFloat).node() == x.node());  // no rounding to float32
  BOOST_TEST(x.to(torch::kDouble).node() == x.node());
  BOOST_TEST((x.to(torch::kLong).to_vector() == std::vector<double>{1, -2, 3}));  // toward zero, as LibTorch
  BOOST_TEST((x.to(torch::kBool).to_vector() == std::vector<double>{1, 1, 1}));
  torch::Tensor whole = torch::tensor({0.0, 7.0});
  BOOST_TEST(whole.to(torch::kLong).node() == whole.node());  // already whole: the same tensor
  BOOST_TEST(whole.to(torch::Device(torch::kCPU), torch::kInt64).node() == whole.node());
  torch::Tensor w = torch::randn({2, 2}, torch::dtype(torch::kFloat).requires_grad(true));
  BOOST_TEST(w.requires_grad());
}

BOOST_AUTO_TEST_SUITE_END()
