// SPDX-License-Identifier: MIT
// torch_compat.hpp: devices and dtypes are accepted and change nothing, a
// move to CUDA is refused by name, and whole-number dtypes make whole numbers
// (refusing NaN, inf and what is beyond the integer type).
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

BOOST_AUTO_TEST_CASE(integer_dtypes_refuse_what_no_integer_holds) {
  // NaN, inf and 1e300 used to stay as they were, though kLong promises whole numbers.
  auto refusal = [](std::vector<double> values, torch::ScalarType dtype) {
    return error_of<std::domain_error>([&] { torch::tensor(values, {static_cast<std::int64_t>(values.size())}).to(dtype); });
  };
  BOOST_TEST(refusal({1, NAN}, torch::kLong) ==
             "Tensor::to(kLong): element 1 is nan, which has no int64 value (the whole part must be in [-2^63, 2^63))");
  BOOST_TEST(refusal({INFINITY}, torch::kLong) ==
             "Tensor::to(kLong): element 0 is inf, which has no int64 value (the whole part must be in [-2^63, 2^63))");
  BOOST_TEST(refusal({0, 0, -INFINITY}, torch::kInt64).find("element 2 is -inf") != std::string::npos);
  BOOST_TEST(refusal({1e300}, torch::kLong).find("element 0 is 1e+300, which has no int64 value") != std::string::npos);
  BOOST_TEST(refusal({0x1p63}, torch::kLong).find("element 0 is 9.22337e+18") != std::string::npos);  // 2^63 itself
  BOOST_TEST(refusal({0x1p31}, torch::kInt) ==
             "Tensor::to(kInt): element 0 is 2.14748e+09, which has no int32 value (the whole part must be in [-2^31, 2^31))");
  // The edges themselves, and what truncates into range, convert.
  BOOST_TEST((torch::tensor({-0x1p63, 0x1p63 - 1024, -0.5}).to(torch::kLong).to_vector() ==
              std::vector<double>{-0x1p63, 0x1p63 - 1024, 0}));
  BOOST_TEST((torch::tensor({-0x1p31 - 0.5, 0x1p31 - 0.5}).to(torch::kInt).to_vector() ==
              std::vector<double>{-0x1p31, 0x1p31 - 1}));
  // kBool and the float dtypes take any number, as PyTorch's.
  BOOST_TEST((torch::tensor({NAN, 0.0}).to(torch::kBool).to_vector() == std::vector<double>{1, 0}));
  BOOST_TEST(std::isinf(torch::tensor({INFINITY}).to(torch::kFloat).item()));
}

BOOST_AUTO_TEST_SUITE_END()
