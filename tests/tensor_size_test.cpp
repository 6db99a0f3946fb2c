// SPDX-License-Identifier: MIT
// Sizes: every shape an op makes is counted with overflow checks and held to
// kMaxTensorBytes (src/tensor_size.cpp), so that no size argument can wrap
// around to a small tensor, read past a buffer or ask malloc for terabytes.
// Each refusal is std::length_error naming the op and the shape, made before
// anything is allocated (so these tests run in a few megabytes).
#include <boost/test/unit_test.hpp>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "tensor/buffer_cache.hpp"
#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
namespace F = gradlab::nn::functional;
using gl::Tensor;
using gradlab::testing::error_of;

namespace {

constexpr std::int64_t kBig = std::int64_t{1} << 32;  // kBig * kBig overflows int64
constexpr std::int64_t kMega = std::int64_t{1} << 20;

// The message of the std::length_error f() throws ("(no error)" if none).
template <class Fn>
std::string too_large(Fn f) {
  return error_of<std::length_error>(f);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const std::string kOverflow = " overflows 64-bit size arithmetic (too large for any tensor)";
const std::string kLimit = " numbers, more than the limit of 137438953472 numbers (2^40 bytes, gradlab::kMaxTensorBytes)";

}  // namespace

BOOST_AUTO_TEST_SUITE(tensor_size_test)

BOOST_AUTO_TEST_CASE(the_limit_is_2_to_the_40_bytes) {
  BOOST_TEST(gl::kMaxTensorBytes == std::int64_t{1} << 40);
  BOOST_TEST(gl::kMaxTensorElements == std::int64_t{1} << 37);
}

BOOST_AUTO_TEST_CASE(creation_refuses_before_allocating) {
  // zeros({2^32, 2^32}) used to be a tensor of 0 numbers.
  BOOST_TEST(too_large([] { gl::zeros({kBig, kBig}); }) == "zeros: shape [4294967296, 4294967296]" + kOverflow);
  BOOST_TEST(too_large([] { gl::zeros({INT64_MAX, 2}); }) ==
             "zeros: shape [9223372036854775807, 2]" + kOverflow);
  // zeros({2^31, 2^31}) used to say "cannot create std::vector larger than max_size()".
  BOOST_TEST(too_large([] { gl::zeros({kBig / 2, kBig / 2}); }) ==
             "zeros: shape [2147483648, 2147483648] spans 4611686018427387904" + kLimit);
  BOOST_TEST(too_large([] { gl::ones({gl::kMaxTensorElements + 1}); }) ==
             "ones: shape [137438953473] spans 137438953473" + kLimit);
  BOOST_TEST(starts_with(too_large([] { gl::full({kBig, kBig}, 2.0); }), "full: shape [4294967296, 4294967296]"));
  BOOST_TEST(starts_with(too_large([] { gl::rand({kBig, kBig, 3}); }), "rand: shape [4294967296, 4294967296, 3]"));
  BOOST_TEST(starts_with(too_large([] { gl::randn({kMega, kMega}); }), "randn: shape [1048576, 1048576] spans"));
  // tensor(): an overflowing shape can no longer pass for the empty data it wraps to.
  BOOST_TEST(too_large([] { gl::tensor({}, {kBig, kBig}); }) == "tensor: shape [4294967296, 4294967296]" + kOverflow);
  BOOST_TEST(error_of<std::invalid_argument>([] { gl::zeros({2, -1}); }) ==
             "zeros: negative dimension in shape [2, -1]");
  // A shape with a 0 holds nothing, but its other dims are still walked
  // (strides, the shape of a sum over the 0): they are held to the limit too.
  BOOST_TEST(starts_with(too_large([] { gl::zeros({std::int64_t{1} << 62, 4, 0}); }),
                         "zeros: shape [4611686018427387904, 4, 0]"));
  Tensor empty = gl::zeros({0, std::int64_t{1} << 36});
  BOOST_TEST(empty.numel() == 0);
}

BOOST_AUTO_TEST_CASE(arange_counts_first) {
  // arange(0, 1e13) used to take 16 GB before a bare bad_alloc.
  BOOST_TEST(too_large([] { gl::arange(0, 1e13); }) ==
             "arange: from 0 to 1e+13 in steps of 1 is 1e+13 numbers, more than the limit of 137438953472 "
             "(2^40 bytes, kMaxTensorBytes)");
  BOOST_TEST(starts_with(too_large([] { gl::arange(0, 1, 1e-300); }), "arange: from 0 to 1 in steps of 1e-300"));
  BOOST_TEST(starts_with(too_large([] { gl::arange(-1e308, 1e308); }), "arange: from -1e+308 to 1e+308"));
  BOOST_TEST(gl::arange(0, 1, 0.1).numel() == 10);
  BOOST_TEST(gl::arange(5, 0).numel() == 0);
  BOOST_TEST((gl::arange(2, -1, -1).to_vector() == std::vector<double>{2, 1, 0}));
}

BOOST_AUTO_TEST_CASE(reshape_counts_with_overflow_checks) {
  // [2^62 + 1, 4] wraps to 4 elements: it used to be accepted, and
  // select(0, 1) then read past the buffer.
  BOOST_TEST(too_large([] { gl::ones({4}).reshape({(std::int64_t{1} << 62) + 1, 4}); }) ==
             "reshape: shape [4611686018427387905, 4]" + kOverflow);
  BOOST_TEST(too_large([] { gl::ones({4}).reshape({-1, std::int64_t{1} << 62, 4}); }) ==
             "reshape: shape [1, 4611686018427387904, 4]" + kOverflow);
  BOOST_TEST(starts_with(too_large([] { gl::ones({4}).reshape({kMega, kMega}); }), "reshape: shape [1048576, 1048576] spans"));
  BOOST_TEST(error_of<std::invalid_argument>([] { gl::ones({4}).reshape({-1, 0}); }) ==
             "reshape: cannot view shape [4] (4 elements) as [-1, 0]");
  BOOST_TEST((gl::ones({4}).reshape({-1, 2}).shape() == gl::Shape{2, 2}));
  BOOST_TEST((gl::zeros({0, 3}).reshape({3, 0}).shape() == gl::Shape{3, 0}));
}

BOOST_AUTO_TEST_CASE(broadcasting_and_matmul_count_their_result) {
  Tensor column = gl::zeros({kMega, 1}), row = gl::zeros({1, kMega});  // 8 MB each
  // Their sum or product would be 2^40 numbers: 8 TiB.
  BOOST_TEST(too_large([&] { column + row; }) == "add: shape [1048576, 1048576] spans 1099511627776" + kLimit);
  BOOST_TEST(starts_with(too_large([&] { column * row; }), "mul: shape [1048576, 1048576]"));
  BOOST_TEST(starts_with(too_large([&] { gl::lt(column, row); }), "lt: shape [1048576, 1048576]"));
  BOOST_TEST(too_large([&] { gl::matmul(column, row); }) ==
             "matmul: shape [1048576, 1048576] spans 1099511627776" + kLimit);
  // Batches broadcast too: [2^20, 1] with [2^20] is 2^40 matrices.
  BOOST_TEST(starts_with(too_large([&] { gl::matmul(gl::zeros({kMega, 1, 1, 1}), gl::zeros({kMega, 1, 1})); }),
                         "matmul: shape [1048576, 1048576]"));
}

BOOST_AUTO_TEST_CASE(joining_counts_the_joined_dim) {
  Tensor block = gl::zeros({kMega});  // 8 MB, joined with itself 2^18 times: 2 TiB
  std::vector<Tensor> many(std::size_t{1} << 18, block);
  BOOST_TEST(too_large([&] { gl::cat(many); }) == "cat: shape [274877906944] spans 274877906944" + kLimit);
  BOOST_TEST(too_large([&] { gl::stack(many); }) == "stack: shape [262144, 1048576] spans 274877906944" + kLimit);
}

BOOST_AUTO_TEST_CASE(slices_and_selections_stay_inside) {
  // A step of INT64_MAX used to overflow the index and return garbage.
  Tensor t = gl::arange(0, 20).reshape({2, 10}).requires_grad_();
  Tensor s = gl::slice(t, 1, 1, 10, INT64_MAX);
  BOOST_TEST((s.shape() == gl::Shape{2, 1}));
  BOOST_TEST((s.to_vector() == std::vector<double>{1, 11}));
  s.sum().backward();
  std::vector<double> want(20, 0.0);
  want[1] = want[11] = 1;
  BOOST_TEST(t.grad().to_vector() == want);
  BOOST_TEST((gl::slice(t, 1, 3, 10, INT64_MAX - 1).to_vector() == std::vector<double>{3, 13}));
  BOOST_TEST((gl::slice(t, 1, -INT64_MAX, INT64_MAX, 4).to_vector() == std::vector<double>{0, 4, 8, 10, 14, 18}));
  BOOST_TEST(gl::slice(t, 1, INT64_MAX, INT64_MIN, 3).numel() == 0);
  BOOST_TEST((gl::slice(t, 0, 1, INT64_MAX).shape() == gl::Shape{1, 10}));
  // index_select may repeat rows: 2^18 picks of 2^20-number rows is 2 TiB.
  Tensor rows = gl::zeros({2, kMega});
  Tensor picks = gl::zeros({std::int64_t{1} << 18});
  BOOST_TEST(too_large([&] { gl::index_select(rows, 0, picks); }) ==
             "index_select: shape [262144, 1048576] spans 274877906944" + kLimit);
  BOOST_TEST(starts_with(too_large([&] { F::embedding(picks, rows); }), "embedding: shape [262144, 1048576]"));
}

BOOST_AUTO_TEST_CASE(conv2d_geometry_is_checked) {
  Tensor x = gl::ones({1, 1, 1, 1}), w = gl::ones({1, 1, 1, 1});
  // Padding 2^62 - 1 on a 1x1 input used to write past a buffer in im2col.
  BOOST_TEST(too_large([&] { F::conv2d(x, w, 1, (std::int64_t{1} << 62) - 1); }) ==
             "conv2d: width + padding" + kOverflow);
  BOOST_TEST(too_large([&] { F::conv2d(x, w, 1, std::int64_t{1} << 62); }) == "conv2d: twice the padding" + kOverflow);
  BOOST_TEST(too_large([&] { F::conv2d(x, w, INT64_MAX, 1); }) == "conv2d: width + padding + stride" + kOverflow);
  // Padding 1e9 (Conv2d's too) used to end in "vector::_M_default_append".
  const std::string padded = "conv2d: input [1, 1, 28, 28], weight [4, 1, 3, 3], stride 1 and padding 1000000000 "
                             "give an output [1, 4, 2000000026, 2000000026], more than the limit of "
                             "137438953472 numbers (2^40 bytes, kMaxTensorBytes)";
  BOOST_TEST(too_large([] { F::conv2d(gl::ones({1, 1, 28, 28}), gl::ones({4, 1, 3, 3}), 1, 1000000000); }) == padded);
  nn::Conv2d conv(1, 4, 3, 1, 1000000000);
  BOOST_TEST(too_large([&] { conv(gl::ones({1, 1, 28, 28})); }) == padded);
  // Within the limits nothing changes: a large stride and padding still work.
  Tensor y = F::conv2d(gl::ones({1, 1, 3, 3}), gl::ones({1, 1, 2, 2}), std::int64_t{1} << 40, 1);
  BOOST_TEST((y.shape() == gl::Shape{1, 1, 1, 1}));
  BOOST_TEST(y.item() == 1.0);  // the top-left window: one input number, three of padding
}

BOOST_AUTO_TEST_CASE(layers_check_their_parameter_shapes) {
  // nn::Linear(2^32, 2^32) used to have 0 parameters.
  BOOST_TEST(too_large([] { nn::Linear(kBig, kBig, false); }) == "Linear: shape [4294967296, 4294967296]" + kOverflow);
  BOOST_TEST(starts_with(too_large([] { nn::Linear(kMega, kMega); }), "Linear: shape [1048576, 1048576] spans"));
  BOOST_TEST(starts_with(too_large([] { nn::Conv2d(kMega, kMega, 1024); }), "Conv2d: shape [1048576, 1048576, 1024, 1024]"));
  BOOST_TEST(starts_with(too_large([] { nn::Embedding(kBig, kBig); }), "Embedding: shape [4294967296, 4294967296]"));
  BOOST_TEST(starts_with(too_large([] { nn::LayerNorm({kMega, kMega}); }), "LayerNorm: shape [1048576, 1048576] spans"));
  BOOST_TEST(starts_with(too_large([] { nn::MLP({kBig, kBig}); }), "Linear: shape [4294967296, 4294967296]"));
  Tensor x = gl::zeros({kMega, 1});  // a linear layer's output is counted too
  BOOST_TEST(starts_with(too_large([&] { F::linear(x, gl::zeros({kMega, 1})); }), "linear: shape [1048576, 1048576] spans"));
}

BOOST_AUTO_TEST_CASE(buffers_past_the_limit_are_never_allocated) {
  namespace detail = gl::detail;
  const auto past = static_cast<std::size_t>(gl::kMaxTensorElements) + 1;
  BOOST_TEST(starts_with(too_large([&] { detail::buffer(past); }), "buffer: a tensor buffer spans 137438953473"));
  BOOST_TEST(starts_with(too_large([&] { detail::buffer_for_overwrite(SIZE_MAX / 8); }), "buffer: a tensor buffer spans"));
  BOOST_TEST(starts_with(too_large([&] { detail::index_buffer_for_overwrite(past); }), "buffer:"));
  BOOST_TEST(detail::buffer(3, 1.5).size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_op_leaves_no_node_behind) {
  Tensor column = gl::zeros({kMega, 1}).requires_grad_(), row = gl::zeros({1, kMega});
  const std::int64_t before = gl::live_nodes();
  BOOST_TEST(too_large([&] { column + row; }) != "(no error)");
  BOOST_TEST(too_large([&] { column.reshape({kBig, kBig}); }) != "(no error)");
  BOOST_TEST(too_large([&] { gl::matmul(column, row); }) != "(no error)");
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_SUITE_END()
