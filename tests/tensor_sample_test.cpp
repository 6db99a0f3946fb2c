// SPDX-License-Identifier: MIT
// Counting and drawing: histogram against torch.histc's counts (PyTorch
// 1.13, tests/fixtures/make_statistics.py) and its edges; multinomial's
// draws against their probabilities, repeated by a seed; both exact for
// numbers up to the largest double, and sized before they allocate; the errors.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Tensor;
using gradlab::testing::error_of;

BOOST_AUTO_TEST_SUITE(tensor_sample_test)

BOOST_AUTO_TEST_CASE(histogram_counts_as_torch_histc) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/statistics.txt");
  Tensor h = f["h"];
  gl::Histogram all = gl::histogram(h, 100);
  BOOST_TEST(all.counts.to_vector() == f["histc_100"].to_vector(), boost::test_tools::per_element());
  BOOST_TEST((all.edges.shape() == gl::Shape{101}));
  BOOST_TEST(all.edges.data().front() == -(-h).max().item());
  BOOST_TEST(all.edges.data().back() == h.max().item());
  BOOST_TEST(all.counts.sum().item() == 1000.0);
  gl::Histogram part = gl::histogram(h, 7, -1.0, 2.0);  // the rest falls outside and is not counted
  BOOST_TEST(part.counts.to_vector() == f["histc_7_range"].to_vector(), boost::test_tools::per_element());
  BOOST_TEST(part.edges.to_vector() == (std::vector<double>{-1, -4.0 / 7, -1.0 / 7, 2.0 / 7, 5.0 / 7, 8.0 / 7, 11.0 / 7, 2}),
             boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
  BOOST_TEST(gl::histogram(gl::full({5}, 2.0), 3).counts.to_vector() == f["histc_3_constant"].to_vector(),
             boost::test_tools::per_element());
  BOOST_TEST(gl::histogram(gl::full({5}, 2.0), 3).edges.to_vector() == (std::vector<double>{1, 5.0 / 3, 7.0 / 3, 3}),
             boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
  BOOST_TEST(gl::histogram(gl::tensor({0.0, 1.0, 1.0, 2.0, 3.0, 4.0}), 4).counts.to_vector() ==
                 f["histc_4_ints"].to_vector(), boost::test_tools::per_element());
  // NaN is never counted; with a range given it is simply left out.
  BOOST_TEST(gl::histogram(gl::tensor({0.5, NAN, 1.5}), 2, 0, 2).counts.to_vector() == (std::vector<double>{1, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(gl::histogram(Tensor(), 4).counts.sum().item() == 0.0);
  BOOST_TEST(error_of([] { gl::histogram(gl::ones({3}), 0); }) == "histogram: bins must be at least 1, got 0");
  BOOST_TEST(error_of([] { gl::histogram(gl::ones({3}), 5, 2, 1); }) ==
             "histogram: min 2 and max 1 must be finite with min <= max");
  BOOST_TEST(error_of([] { gl::histogram(gl::tensor({1.0, INFINITY}), 5); }) ==
             "histogram: the range of the data is not finite (it holds inf); give min and max");
}

BOOST_AUTO_TEST_CASE(multinomial_draws_as_often_as_the_probabilities_say) {
  gl::manual_seed(42);
  Tensor p = gl::tensor({0.1, 0.0, 0.6, 0.3});
  Tensor draws = gl::multinomial(p, 100000, /*replacement=*/true);
  BOOST_TEST((draws.shape() == gl::Shape{100000}));
  std::vector<double> seen(4, 0);
  for (double d : draws.data()) seen[static_cast<std::size_t>(d)] += 1;
  BOOST_TEST(seen[1] == 0.0);  // probability 0: never
  for (std::size_t k : {0, 2, 3})  // within 5 standard deviations of n p
    BOOST_TEST(std::abs(seen[k] - 1e5 * p.data()[k]) < 5 * std::sqrt(1e5 * p.data()[k] * (1 - p.data()[k])));
  // Weights need not sum to 1; each row of a matrix is drawn from on its own.
  Tensor rows = gl::multinomial(gl::tensor({{0.0, 5.0}, {2.0, 0.0}}), 3, true);
  BOOST_TEST((rows.to_vector() == std::vector<double>{1, 1, 1, 0, 0, 0}));
  // The same seed, the same draws.
  gl::manual_seed(7);
  Tensor a = gl::multinomial(p, 20, true);
  gl::manual_seed(7);
  BOOST_TEST(gl::multinomial(p, 20, true).to_vector() == a.to_vector(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(multinomial_without_replacement_draws_each_index_once) {
  gl::manual_seed(3);
  Tensor all = gl::multinomial(gl::tensor({1.0, 2.0, 3.0, 4.0, 0.0}), 4);
  std::vector<double> sorted = all.to_vector();
  std::sort(sorted.begin(), sorted.end());
  BOOST_TEST((sorted == std::vector<double>{0, 1, 2, 3}));  // never 4, whose probability is 0
  // The heaviest comes first most often: 4 / 10 of the time.
  int first_is_3 = 0;
  for (int i = 0; i < 4000; ++i) first_is_3 += gl::multinomial(gl::tensor({1.0, 2.0, 3.0, 4.0}), 2).data()[0] == 3;
  BOOST_TEST(std::abs(first_is_3 - 1600) < 5 * std::sqrt(4000 * 0.4 * 0.6));
  BOOST_TEST(error_of([] { gl::multinomial(gl::tensor({1.0, 0.0}), 2); }) ==
             "multinomial: cannot draw 2 samples without replacement from 1 categories of non-zero probability (row 0)");
  BOOST_TEST(error_of([] { gl::multinomial(gl::tensor({1.0, -0.5}), 1); }) ==
             "multinomial: probabilities must be finite and >= 0, got -0.5 in row 0");
  BOOST_TEST(error_of([] { gl::multinomial(gl::zeros({2, 3}), 1, true); }) == "multinomial: row 0 sums to 0");
  BOOST_TEST(error_of([] { gl::multinomial(gl::ones({2, 3, 4}), 1); }) ==
             "multinomial: probs must be (n) or (rows, n), got shape [2, 3, 4]");
  BOOST_TEST(error_of([] { gl::multinomial(gl::ones({3}), 0); }) ==
             "multinomial: num_samples must be at least 1, got 0");
}

BOOST_AUTO_TEST_CASE(histogram_is_exact_up_to_the_largest_double) {
  const double big = DBL_MAX;
  auto counts = [](const gl::Histogram& h) { return h.counts.to_vector(); };
  auto finite_and_rising = [](const gl::Histogram& h, bool strictly = true) {
    const std::vector<double> e = h.edges.to_vector();
    for (std::size_t i = 0; i < e.size(); ++i)
      if (!std::isfinite(e[i]) || (i && !(strictly ? e[i - 1] < e[i] : e[i - 1] <= e[i]))) return false;
    return e.front() < e.back();
  };
  // +-8e307: (v - min) * bins overflowed, and the cast of inf made [2, 0].
  gl::Histogram h = gl::histogram(gl::tensor({-8e307, 8e307}), 2);
  BOOST_TEST((counts(h) == std::vector<double>{1, 1}));
  BOOST_TEST((h.edges.to_vector() == std::vector<double>{-8e307, 0, 8e307}));
  // +-1e308: max - min itself overflowed, and the edges were NaN and inf.
  h = gl::histogram(gl::tensor({-1e308, 1e308}), 2);
  BOOST_TEST((counts(h) == std::vector<double>{1, 1}));
  BOOST_TEST((h.edges.to_vector() == std::vector<double>{-1e308, 0, 1e308}));
  h = gl::histogram(gl::tensor({-big, 0.0, big, -big / 2, big / 2}), 4);
  BOOST_TEST((counts(h) == std::vector<double>{1, 1, 1, 2}));  // an edge's own number counts in the bin above
  BOOST_TEST(h.edges.to_vector() == (std::vector<double>{-big, -big / 2, 0, big / 2, big}),
             boost::test_tools::tolerance(1e-15) << boost::test_tools::per_element());
  h = gl::histogram(gl::tensor({-big, big}), 1000);
  BOOST_TEST(counts(h).front() == 1.0);
  BOOST_TEST(counts(h).back() == 1.0);
  BOOST_TEST(h.counts.sum().item() == 2.0);
  BOOST_TEST(finite_and_rising(h));
  // Scaling by a power of two changes no rounding: the counts of huge data are
  // those of the same data made small, bin for bin.
  gl::manual_seed(5);
  Tensor x = gl::randn({2000}) * 4e307;
  x.data()[0] = big;
  x.data()[1] = -big;
  for (std::int64_t bins : {1, 2, 3, 7, 100, 1000}) {
    Tensor small = x * std::ldexp(1.0, -1000);
    BOOST_TEST(counts(gl::histogram(x, bins)) == counts(gl::histogram(small, bins)), boost::test_tools::per_element());
    BOOST_TEST(finite_and_rising(gl::histogram(x, bins)), bins);
  }
  // One value where 1 is lost to rounding (1e17, the largest double): its
  // range reaches the next doubles, never a range of 0 (0 / 0 bins). Between
  // two neighbouring doubles two bins can have the same edge.
  for (double v : {1e17, big, -big}) {
    h = gl::histogram(gl::full({3}, v), 2);
    BOOST_TEST(h.counts.sum().item() == 3.0, v);
    BOOST_TEST(finite_and_rising(h, /*strictly=*/false), v);
  }
  BOOST_TEST((gl::histogram(gl::full({3}, 1e17), 2).edges.to_vector() ==
              std::vector<double>{std::nextafter(1e17, 0.0), 1e17, std::nextafter(1e17, 2e17)}));
  // 2^40 bins was a bare std::bad_alloc: refused by size, naming the op.
  BOOST_TEST(error_of<std::length_error>([] { gl::histogram(gl::ones({3}), std::int64_t{1} << 40); }) ==
             "histogram: shape [1099511627776] spans 1099511627776 numbers, more than the limit of 137438953472 "
             "numbers (2^40 bytes, gradlab::kMaxTensorBytes)");
  BOOST_TEST(error_of<std::length_error>([] { gl::histogram(gl::ones({3}), INT64_MAX); })
                 .find("histogram: shape [9223372036854775807]") == 0u);
}

BOOST_AUTO_TEST_CASE(multinomial_is_exact_up_to_the_largest_double) {
  // {1e308, 1e308} summed to inf: every draw fell through to the second category.
  gl::manual_seed(9);
  Tensor draws = gl::multinomial(gl::tensor({1e308, 1e308}), 10000, true);
  double second = draws.sum().item();
  BOOST_TEST(std::abs(second - 5000) < 5 * std::sqrt(10000 * 0.25));
  // Proportions hold at any scale: {DBL_MAX, 0, DBL_MAX / 3} draws as {3, 0, 1}.
  draws = gl::multinomial(gl::tensor({DBL_MAX, 0.0, DBL_MAX / 3}), 8000, true);
  std::vector<double> seen(3, 0);
  for (double d : draws.data()) seen[static_cast<std::size_t>(d)] += 1;
  BOOST_TEST(seen[1] == 0.0);
  BOOST_TEST(std::abs(seen[0] - 6000) < 5 * std::sqrt(8000 * 0.75 * 0.25));
  // Without replacement each comes once, a tiny weight beside huge ones included.
  for (int i = 0; i < 50; ++i) {
    std::vector<double> all = gl::multinomial(gl::tensor({DBL_MAX, DBL_MAX, 1e-300, DBL_MAX}), 4).to_vector();
    std::sort(all.begin(), all.end());
    BOOST_TEST((all == std::vector<double>{0, 1, 2, 3}));
  }
  // 2^62 draws of 4 rows wrapped around to a small buffer and drew until memory ran out.
  BOOST_TEST(error_of<std::length_error>([] { gl::multinomial(gl::ones({4, 3}), std::int64_t{1} << 62, true); }) ==
             "multinomial: shape [4, 4611686018427387904] overflows 64-bit size arithmetic (too large for any tensor)");
  BOOST_TEST(error_of<std::invalid_argument>([] { gl::multinomial(gl::ones({3}), INT64_MAX, false); }) ==
             "multinomial: cannot draw 9223372036854775807 samples without replacement from 3 categories");
}

BOOST_AUTO_TEST_SUITE_END()
