// SPDX-License-Identifier: MIT
// The buffer cache: large buffers come back to the next request that fits,
// small ones are left to malloc, the cache stays bounded by freeing its
// oldest buffers first, and a tensor's buffers return to it when the tensor
// dies.
#include <boost/test/unit_test.hpp>

#include <thread>

#include <gradlab/tensor.hpp>

#include "tensor/buffer_cache.hpp"

namespace gl = gradlab;
namespace detail = gradlab::detail;

BOOST_AUTO_TEST_SUITE(buffer_cache_test)

BOOST_AUTO_TEST_CASE(a_large_buffer_is_handed_out_again) {
  std::vector<double> v = detail::buffer(100000, 2.0);
  const double* memory = v.data();
  BOOST_TEST(v[99999] == 2.0);
  std::size_t before = detail::cached_bytes();
  detail::recycle(std::move(v));
  BOOST_TEST(v.empty());
  BOOST_TEST(detail::cached_bytes() == before + 100000 * sizeof(double));
  std::vector<double> again = detail::buffer(90000);  // fits (and is not twice too big)
  BOOST_TEST(again.data() == memory);
  BOOST_TEST(again.size() == 90000u);
  BOOST_TEST(again[89999] == 0.0);  // filled as asked
  BOOST_TEST(detail::cached_bytes() == before);
  detail::recycle(std::move(again));
  std::vector<double> small = detail::buffer(1000);  // far smaller: not the big one
  BOOST_TEST(small.data() != memory);
  std::vector<double> reused = detail::buffer_for_overwrite(100000);
  BOOST_TEST(reused.data() == memory);
  BOOST_TEST(reused[5] == 0.0);  // the old numbers are still there (the caller overwrites them)
}

BOOST_AUTO_TEST_CASE(small_buffers_are_not_kept_and_the_cache_is_bounded) {
  std::size_t before = detail::cached_bytes();
  detail::recycle(std::vector<double>(100));
  BOOST_TEST(detail::cached_bytes() == before);
  for (int i = 0; i < 200; ++i) detail::recycle(std::vector<double>(1 << 20));  // 8 MiB each
  BOOST_TEST(detail::cached_bytes() <= std::size_t{256} << 20);  // the per-thread limit
  while (detail::cached_bytes() > 0) (void)detail::buffer_for_overwrite(1 << 20);  // drain
}

BOOST_AUTO_TEST_CASE(a_full_cache_frees_its_oldest_buffers_for_new_ones) {
  // An 8 MiB buffer first (a small model's), then forty of 24 MiB (a big
  // model's): the 256 MiB hold ten of those, so the oldest must make room.
  detail::recycle(std::vector<double>(std::size_t{1} << 20));
  const double* newest = nullptr;
  for (int i = 0; i < 40; ++i) {
    std::vector<double> big((std::size_t{3} << 20) + (i == 39 ? 1 : 0));  // the last one a number larger
    newest = big.data();
    detail::recycle(std::move(big));
  }
  BOOST_TEST(detail::cached_bytes() <= std::size_t{256} << 20);
  BOOST_TEST(detail::cached_bytes() >= std::size_t{240} << 20);  // full of the new ones
  std::size_t before = detail::cached_bytes();
  std::vector<double> small = detail::buffer_for_overwrite(std::size_t{1} << 20);
  BOOST_TEST(detail::cached_bytes() == before);  // the 8 MiB one was freed: nothing fitted
  std::vector<double> last = detail::buffer_for_overwrite((std::size_t{3} << 20) + 1);
  BOOST_TEST(last.data() == newest);  // the newest was kept
  for (int i = 0; i < 10; ++i) (void)detail::buffer_for_overwrite(std::size_t{3} << 20);  // drain
}

BOOST_AUTO_TEST_CASE(a_dying_tensor_gives_its_buffers_back) {
  std::size_t before = detail::cached_bytes();
  {
    gl::Tensor t = gl::zeros({300, 300}).requires_grad_();
    (t * 2.0).sum().backward();  // t gets a gradient buffer too
  }
  BOOST_TEST(detail::cached_bytes() >= before + 2 * 90000 * sizeof(double));
  gl::Tensor u = gl::ones({300, 300}) * 3.0;  // made from kept memory, with the right numbers
  BOOST_TEST(u.to_vector()[89999] == 3.0);
}

BOOST_AUTO_TEST_CASE(each_thread_has_its_own_cache) {
  std::size_t here = detail::cached_bytes(), there = 1;
  detail::recycle(std::vector<double>(50000));
  std::thread([&] { there = detail::cached_bytes(); }).join();
  BOOST_TEST(there == 0u);
  BOOST_TEST(detail::cached_bytes() == here + 50000 * sizeof(double));
}

BOOST_AUTO_TEST_SUITE_END()
