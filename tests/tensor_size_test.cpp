// SPDX-License-Identifier: MIT
// Sizes: every shape an op makes is counted with overflow checks and held to
// kMaxTensorBytes (src/tensor_size.cpp), so that no size argument can wrap
// around to a small tensor, read past a buffer or ask malloc for terabytes.
// Each refusal is std::length_error naming the op and the shape, made before
// anything is allocated (so these tests run in a few megabytes).
#include <boost/test/unit_test.hpp>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "tensor/buffer_cache.hpp"
#include "tensor/sizes.hpp"
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
             "conv2d: width + padding (9223372036854775807 + 4611686018427387903)" + kOverflow);
  BOOST_TEST(too_large([&] { F::conv2d(x, w, 1, std::int64_t{1} << 62); }) ==
             "conv2d: twice the padding (2 * 4611686018427387904)" + kOverflow);
  BOOST_TEST(too_large([&] { F::conv2d(x, w, INT64_MAX, 1); }) ==
             "conv2d: width + padding + stride (4 + 9223372036854775807)" + kOverflow);
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

// --- Every size-taking constructor and op, at sizes near 2^63, 2^62, 2^32 ---
// One row per public constructor or op that takes a size, a count, an index
// or a dim: a new one is covered by being listed once. Each row is called
// with every size n below and must end as it says: std::length_error naming
// its op and the size (a shape too large for any tensor), the documented
// std::invalid_argument (an index or dim out of range), or a valid result
// (a slice clamps). Never a crash, a hang, a bare std::bad_alloc or memory
// taken: every refusal comes before anything is allocated.
namespace {

enum class Ends { kTooLarge, kInvalid, kFine };

struct SizeCase {
  const char* op;  // the message starts "op: "
  Ends ends;
  // Takes a single size, so under the limit (n = 2^32 numbers is 32 GiB) it
  // is a legal request: called only with the sizes past kMaxTensorElements.
  bool lone;
  std::function<void(std::int64_t)> call;
};

const std::vector<std::int64_t> kSizes = {
    INT64_MAX, INT64_MAX - 1, std::int64_t{1} << 62, (std::int64_t{1} << 62) + 1,
    6148914691236517206,  // 3 * this wraps around to 2
    std::int64_t{1} << 32, (std::int64_t{1} << 32) + 1, (std::int64_t{1} << 32) - 1};

auto size_of(std::int64_t n) { return static_cast<std::size_t>(n); }
std::string as_double(std::int64_t n) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(n));
  return text;
}

const std::vector<SizeCase>& size_cases() {
  using E = Ends;
  static const std::vector<SizeCase> cases = {
      // factories
      {"zeros", E::kTooLarge, false, [](auto n) { gl::zeros({n, n}); }},
      {"ones", E::kTooLarge, false, [](auto n) { gl::ones({n, n}); }},
      {"full", E::kTooLarge, false, [](auto n) { gl::full({n, n}, 1.0); }},
      {"rand", E::kTooLarge, false, [](auto n) { gl::rand({n, n}); }},
      {"randn", E::kTooLarge, false, [](auto n) { gl::randn({n, n}); }},
      {"tensor", E::kTooLarge, false, [](auto n) { gl::tensor({}, {n, n}); }},
      {"zeros", E::kTooLarge, false, [](auto n) { gl::zeros({n, n}, gl::TensorOptions().requires_grad(true)); }},
      {"zeros", E::kTooLarge, true, [](auto n) { gl::zeros(n); }},
      {"randn", E::kTooLarge, true, [](auto n) { gl::randn({n}); }},
      {"arange", E::kTooLarge, true, [](auto n) { gl::arange(0, static_cast<double>(n)); }},
      // shapes, indices and dims
      {"reshape", E::kTooLarge, false, [](auto n) { gl::ones({4}).reshape({n, n}); }},
      {"reshape", E::kTooLarge, false, [](auto n) { gl::ones({4}).view({2, n, n}); }},
      {"select", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).select(1, n); }},
      {"select", E::kInvalid, false, [](auto n) { gl::ones({2, 3})[n]; }},
      {"slice", E::kFine, false, [](auto n) { gl::slice(gl::ones({2, 3}), 1, -n, n, n); }},
      {"index_select", E::kInvalid, false,
       [](auto n) { gl::index_select(gl::ones({2, 3}), 1, gl::tensor({static_cast<double>(n)})); }},
      {"gather", E::kInvalid, false,
       [](auto n) { gl::gather(gl::ones({2, 3}), 1, gl::full({2, 1}, static_cast<double>(n))); }},
      {"sum", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).sum(n); }},
      {"softmax", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).softmax(n); }},
      {"transpose", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).transpose(n, 0); }},
      {"flatten", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).flatten(n); }},
      {"unsqueeze", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).unsqueeze(n); }},
      {"cat", E::kInvalid, false, [](auto n) { gl::cat({gl::ones({2}), gl::ones({2})}, n); }},
      {"stack", E::kInvalid, false, [](auto n) { gl::stack({gl::ones({2}), gl::ones({2})}, n); }},
      {"size", E::kInvalid, false, [](auto n) { gl::ones({2, 3}).size(n); }},
      {"triu", E::kFine, false, [](auto n) { gl::triu(gl::ones({3, 3}), n); }},
      {"tril", E::kFine, false, [](auto n) { gl::tril(gl::ones({3, 3}), -n); }},
      // counting and drawing
      {"histogram", E::kTooLarge, true, [](auto n) { gl::histogram(gl::ones({3}), n); }},
      {"multinomial", E::kTooLarge, true, [](auto n) { gl::multinomial(gl::ones({4, 3}), n, true); }},
      {"multinomial", E::kInvalid, false, [](auto n) { gl::multinomial(gl::ones({3}), n, false); }},
      // functional
      {"conv2d", E::kTooLarge, false, [](auto n) { F::conv2d(gl::ones({1, 1, 1, 1}), gl::ones({1, 1, 1, 1}), 1, n); }},
      {"conv_transpose2d", E::kTooLarge, false,
       [](auto n) { F::conv_transpose2d(gl::ones({1, 1, 2, 2}), gl::ones({1, 1, 1, 1}), n); }},
      {"max_pool2d", E::kInvalid, false, [](auto n) { F::max_pool2d(gl::ones({1, 1, 2, 2}), n); }},
      {"layer_norm", E::kInvalid, false, [](auto n) { F::layer_norm(gl::ones({2, 3}), n, gl::ones({3}), gl::zeros({3})); }},
      {"embedding", E::kInvalid, false,
       [](auto n) { F::embedding(gl::tensor({static_cast<double>(n)}), gl::ones({2, 3})); }},
      // modules
      {"Linear", E::kTooLarge, false, [](auto n) { nn::Linear(n, n); }},
      {"Conv2d", E::kTooLarge, false, [](auto n) { nn::Conv2d(n, n, n); }},
      {"conv2d", E::kTooLarge, false, [](auto n) { nn::Conv2d(1, 1, 1, 1, n)(gl::ones({1, 1, 1, 1})); }},
      {"ConvTranspose2d", E::kTooLarge, false, [](auto n) { nn::ConvTranspose2d(n, n, n); }},
      {"Embedding", E::kTooLarge, false, [](auto n) { nn::Embedding(n, n); }},
      {"LayerNorm", E::kTooLarge, false, [](auto n) { nn::LayerNorm({n, n}); }},
      {"LayerNorm", E::kTooLarge, true, [](auto n) { nn::LayerNorm({n}); }},
      {"BatchNorm1d", E::kTooLarge, true, [](auto n) { nn::BatchNorm1d{n}; }},
      {"BatchNorm2d", E::kTooLarge, true, [](auto n) { nn::BatchNorm2d{n}; }},
      {"max_pool2d", E::kInvalid, false, [](auto n) { nn::MaxPool2d{n}(gl::ones({1, 1, 2, 2})); }},
      {"Linear", E::kTooLarge, false, [](auto n) { nn::MLP({n, n}); }},
      {"MultiheadAttention", E::kTooLarge, false, [](auto n) { nn::MultiheadAttention(n, 1); }},
      {"MultiheadAttention", E::kTooLarge, false, [](auto n) { nn::MultiheadAttention(n, n); }},
      {"PositionalEncoding", E::kTooLarge, false, [](auto n) { nn::PositionalEncoding(n, n); }},
      {"PositionalEncoding", E::kTooLarge, true, [](auto n) { nn::PositionalEncoding(3, n); }},
      {"PositionalEncoding", E::kTooLarge, true, [](auto n) { nn::PositionalEncoding(n, 3); }},
      {"MultiheadAttention", E::kTooLarge, false,
       [](auto n) { nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(n, 1)); }},
      {"Linear", E::kTooLarge, true,
       [](auto n) { nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(2, 1).dim_feedforward(n)); }},
      {"TransformerEncoder", E::kTooLarge, false,
       [](auto n) { nn::TransformerEncoder(nn::TransformerEncoderLayerOptions(2, 1).dim_feedforward(4), n); }},
      {"generate_square_subsequent_mask", E::kTooLarge, false,
       [](auto n) { nn::Transformer::generate_square_subsequent_mask(n); }},
      {"LayerStats", E::kTooLarge, true, [](auto n) { nn::LayerStats(0.97, n); }},
      // the scalar world and the rest
      {"Neuron", E::kTooLarge, true, [](auto n) { gl::Neuron(size_of(n)); }},
      {"Layer", E::kTooLarge, false, [](auto n) { gl::Layer(size_of(n), size_of(n)); }},
      {"Net", E::kTooLarge, false, [](auto n) { gl::Net(size_of(n), {size_of(n)}); }},
      {"make_moons", E::kTooLarge, true, [](auto n) { gl::make_moons(size_of(n)); }},
      {"DataLoader", E::kFine, false,
       [](auto n) {
         gl::DataLoader loader(gl::ones({3, 1}), gl::ones({3}), gl::DataLoaderOptions(n));
         std::size_t batches = 0;
         for (auto& batch : loader) batches += batch.data.shape()[0] == 3;
         if (loader.size() != 1 || batches != 1) throw std::logic_error("DataLoader: not one batch of 3");
       }},
      {"StepLR", E::kFine, false,
       [](auto n) {
         gl::Tensor w = gl::ones({1}).requires_grad_();
         gl::optim::SGD sgd({w}, gl::optim::SGDOptions(0.1));
         gl::optim::StepLR(sgd, n).step();
       }},
      {"explode", E::kFine, false, [](auto n) { gl::explode(gl::ones({2}).requires_grad_().sum(), size_of(n)); }},
  };
  return cases;
}

// How a call ended: "length_error: <message>", "invalid_argument: ...",
// "fine", or what else it threw (which fails the test).
std::string how_it_ends(const SizeCase& c, std::int64_t n) {
  try {
    c.call(n);
  } catch (const std::length_error& e) {
    return std::string("length_error: ") + e.what();
  } catch (const std::invalid_argument& e) {
    return std::string("invalid_argument: ") + e.what();
  } catch (const std::bad_alloc& e) {
    return std::string("bad_alloc: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("another exception: ") + e.what();
  }
  return "fine";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_size_taking_call_refuses_huge_sizes_by_name) {
  const std::int64_t before = gl::live_nodes();
  int calls = 0;
  for (const SizeCase& c : size_cases())
    for (std::int64_t n : kSizes) {
      if (c.lone && n <= gl::kMaxTensorElements) continue;
      ++calls;
      const std::string ended = how_it_ends(c, n);
      BOOST_TEST_CONTEXT(c.op << " with n = " << n << ": " << ended) {
        const std::string named = std::string(c.op) + ": ";
        switch (c.ends) {
          case Ends::kTooLarge:
            BOOST_TEST(ended.rfind("length_error: " + named, 0) == 0u);
            // the size itself is in the message (arange's as the double it
            // takes), or the size it makes (conv_transpose2d's n + 1)
            BOOST_TEST((ended.find(std::to_string(n)) != std::string::npos ||
                        ended.find(as_double(n)) != std::string::npos ||
                        ended.find(std::to_string(static_cast<std::uint64_t>(n) + 1)) != std::string::npos));
            break;
          case Ends::kInvalid: BOOST_TEST(ended.rfind("invalid_argument: " + named, 0) == 0u); break;
          case Ends::kFine: BOOST_TEST(ended == "fine"); break;
        }
      }
    }
  BOOST_TEST(calls > 400);
  BOOST_TEST(gl::live_nodes() == before);  // no refusal leaves a node behind
}

BOOST_AUTO_TEST_CASE(positional_encoding_counts_its_table) {
  // 3 * 6148914691236517206 wrapped around to 2: a heap write past a 2-number table.
  BOOST_TEST(too_large([] { nn::PositionalEncoding(3, 6148914691236517206); }) ==
             "PositionalEncoding: shape [6148914691236517206, 3]" + kOverflow);
  // (2^32, 2^32) wrapped to 0 and wrote through a null pointer.
  BOOST_TEST(too_large([] { nn::PositionalEncoding(kBig, kBig); }) ==
             "PositionalEncoding: shape [4294967296, 4294967296]" + kOverflow);
  // (2^20, 2^20) was a bare std::bad_alloc.
  BOOST_TEST(too_large([] { nn::PositionalEncoding(kMega, kMega); }) ==
             "PositionalEncoding: shape [1048576, 1048576] spans 1099511627776" + kLimit);
  BOOST_TEST((nn::PositionalEncoding(4, 3).forward(gl::zeros({1, 3, 4})).shape() == gl::Shape{1, 3, 4}));
}

BOOST_AUTO_TEST_CASE(a_machine_short_of_memory_is_named_too) {
  namespace detail = gl::detail;
  // Under the limit, but more than malloc gives: OutOfMemory, a std::bad_alloc that names the op.
  std::string message = error_of<std::bad_alloc>([] { detail::out_of_memory("zeros", "for a tensor of shape [3] (24 bytes)"); });
  BOOST_TEST(message == "zeros: out of memory for a tensor of shape [3] (24 bytes) (std::bad_alloc)");
  BOOST_TEST(detail::numbers_for("histogram", {3}, 2.0) == std::vector<double>(3, 2.0));
  BOOST_TEST(starts_with(too_large([] { detail::numbers_for("histogram", {kBig, kBig}); }),
                         "histogram: shape [4294967296, 4294967296]"));
}

BOOST_AUTO_TEST_SUITE_END()
