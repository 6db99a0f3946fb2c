// SPDX-License-Identifier: MIT
// DataLoader (src/data_loader.cpp): batches in order, shuffled by seed
// (repeatable, different each epoch, every row once), drop_last, errors.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Tensor;
using gradlab::testing::error_of;

namespace {

// Ten rows: inputs (10, 2) with row i = (i, -i), targets (10) = i.
Tensor inputs() {
  std::vector<double> v;
  for (int i = 0; i < 10; ++i) v.insert(v.end(), {double(i), -double(i)});
  return gl::tensor(v, {10, 2});
}
Tensor targets() { return gl::arange(0, 10); }

std::vector<double> epoch(gl::DataLoader& loader, std::vector<std::int64_t>* sizes = nullptr) {
  std::vector<double> seen;
  for (auto& batch : loader) {
    if (sizes) sizes->push_back(batch.data.size(0));
    for (std::int64_t r = 0; r < batch.data.size(0); ++r) {
      BOOST_TEST(batch.data[r][0].item() == batch.target[r].item());  // rows stay paired
      BOOST_TEST(batch.data[r][1].item() == -batch.target[r].item());
      seen.push_back(batch.target[r].item());
    }
  }
  return seen;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_loader_test)

BOOST_AUTO_TEST_CASE(batches_in_order) {
  gl::DataLoader loader(inputs(), targets(), gl::DataLoaderOptions(4));
  BOOST_TEST(loader.size() == 3u);
  BOOST_TEST(loader.dataset_size() == 10);
  std::vector<std::int64_t> sizes;
  BOOST_TEST((epoch(loader, &sizes) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  BOOST_TEST((sizes == std::vector<std::int64_t>{4, 4, 2}));
  gl::DataLoader whole(inputs(), targets(), gl::DataLoaderOptions(4).drop_last(true));
  sizes.clear();
  BOOST_TEST((epoch(whole, &sizes) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7}));
  BOOST_TEST((sizes == std::vector<std::int64_t>{4, 4}));
  BOOST_TEST(whole.size() == 2u);
  auto pointer = gl::make_data_loader(inputs(), targets(), gl::DataLoaderOptions().batch_size(5));
  BOOST_TEST((epoch(*pointer, &sizes) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  BOOST_TEST(pointer->size() == 2u);
}

BOOST_AUTO_TEST_CASE(shuffled_by_its_seed) {
  gl::DataLoader a(inputs(), targets(), gl::DataLoaderOptions(3).shuffle(true).seed(7));
  gl::DataLoader b(inputs(), targets(), gl::DataLoaderOptions(3).shuffle(true).seed(7));
  gl::DataLoader c(inputs(), targets(), gl::DataLoaderOptions(3).shuffle(true).seed(8));
  gl::manual_seed(1);
  double drawn_before = gl::uniform();
  std::vector<double> a1 = epoch(a), a2 = epoch(a), b1 = epoch(b), c1 = epoch(c);
  gl::manual_seed(1);
  BOOST_TEST(gl::uniform() == drawn_before);  // gradlab's own generator untouched
  BOOST_TEST((a1 == b1));                     // the same seed, the same order
  BOOST_TEST((a1 != a2));                     // a new order each epoch
  BOOST_TEST((a1 != c1));                     // another seed, another order
  std::vector<double> sorted = a1;
  std::sort(sorted.begin(), sorted.end());
  BOOST_TEST((sorted == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // every row once
  BOOST_TEST(a1 != sorted);
}

BOOST_AUTO_TEST_CASE(a_batch_larger_than_the_data) {
  // batch INT64_MAX: size() used to say 0 (end + b - 1 overflowed) while one batch came out.
  for (std::int64_t b : {std::int64_t{10}, std::int64_t{11}, INT64_MAX - 1, INT64_MAX}) {
    gl::DataLoader loader(inputs(), targets(), gl::DataLoaderOptions(b));
    std::vector<std::int64_t> sizes;
    BOOST_TEST((epoch(loader, &sizes) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), b);
    BOOST_TEST((sizes == std::vector<std::int64_t>{10}), b);
    BOOST_TEST(loader.size() == 1u, b);
    // drop_last: no full batch, so none at all
    gl::DataLoader whole(inputs(), targets(), gl::DataLoaderOptions(b).drop_last(b > 10));
    sizes.clear();
    epoch(whole, &sizes);
    BOOST_TEST(sizes.size() == whole.size(), b);
    BOOST_TEST(whole.size() == (b > 10 ? 0u : 1u), b);
  }
  gl::DataLoader shuffled(inputs(), targets(), gl::DataLoaderOptions(INT64_MAX).shuffle(true));
  std::vector<double> rows = epoch(shuffled);
  std::sort(rows.begin(), rows.end());
  BOOST_TEST((rows == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

BOOST_AUTO_TEST_CASE(errors_name_the_shapes) {
  BOOST_TEST(error_of([] { gl::DataLoader(inputs(), gl::arange(0, 9), gl::DataLoaderOptions(2)); }) ==
             "DataLoader: inputs [10, 2] and targets [9] must have the same number of rows (dim 0)");
  BOOST_TEST(error_of([] { gl::DataLoader(inputs(), targets(), gl::DataLoaderOptions(0)); }) ==
             "DataLoader: batch_size must be at least 1, got 0");
}

BOOST_AUTO_TEST_SUITE_END()
