// SPDX-License-Identifier: MIT
// Counting and drawing: histogram against torch.histc's counts (PyTorch
// 1.13, tests/fixtures/make_statistics.py) and its edges; multinomial's
// draws against their probabilities, repeated by a seed; the errors.
#include <boost/test/unit_test.hpp>

#include <algorithm>
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

BOOST_AUTO_TEST_SUITE_END()
