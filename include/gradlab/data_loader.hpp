// SPDX-License-Identifier: MIT
// Batches of (inputs, targets) for a training loop, in order or shuffled:
//   for (auto& batch : DataLoader(images, labels, DataLoaderOptions(64).shuffle(true)))
//     ... batch.data, batch.target ...   (LibTorch's field names)
// Rows are picked along dim 0 of both tensors. A shuffled loader draws a new
// order at every begin() (every epoch) from its own generator, seeded by the
// options, so gradlab's manual_seed stream is left alone and a seed repeats a
// run. Left out: worker threads, samplers, transforms (normalise the tensor
// once instead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gradlab {

struct DataLoaderOptions {
  explicit DataLoaderOptions(std::int64_t batch_size = 1) : batch_size_(batch_size) {}
  DataLoaderOptions& batch_size(std::int64_t v) { batch_size_ = v; return *this; }
  DataLoaderOptions& shuffle(bool v) { shuffle_ = v; return *this; }
  DataLoaderOptions& seed(std::uint64_t v) { seed_ = v; return *this; }
  DataLoaderOptions& drop_last(bool v) { drop_last_ = v; return *this; }  // no short last batch
  std::int64_t batch_size() const { return batch_size_; }
  bool shuffle() const { return shuffle_; }
  std::uint64_t seed() const { return seed_; }
  bool drop_last() const { return drop_last_; }

 private:
  std::int64_t batch_size_;
  bool shuffle_ = false;
  std::uint64_t seed_ = 0;
  bool drop_last_ = false;
};

struct Batch {
  Tensor data;    // rows of the inputs
  Tensor target;  // the same rows of the targets
};

class DataLoader {
 public:
  // inputs (M, ...) and targets (M, ...) must have the same number of rows M;
  // std::invalid_argument otherwise, or for a batch size below 1.
  DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options);

  class iterator {
   public:
    Batch& operator*() { return batch_; }
    Batch* operator->() { return &batch_; }
    iterator& operator++();
    bool operator==(const iterator& other) const { return start_ == other.start_; }

   private:
    friend class DataLoader;
    iterator(const DataLoader* loader, std::int64_t start);
    void load();
    const DataLoader* loader_;
    std::int64_t start_;  // the first row (of the order) in this batch; the end: rows()
    Batch batch_;
  };

  iterator begin();  // a new epoch: shuffled again when shuffling
  iterator end();
  std::size_t size() const;          // batches per epoch
  std::int64_t dataset_size() const { return rows_; }
  const std::vector<std::int64_t>& order() const { return order_; }  // this epoch's rows, in order

 private:
  std::int64_t batch_end(std::int64_t start) const;
  Tensor inputs_, targets_;
  DataLoaderOptions options_;
  std::int64_t rows_, end_;  // end_: rows covered by full (or all) batches
  std::vector<std::int64_t> order_;
  std::uint64_t state_;  // the loader's own generator (splitmix64)
};

// LibTorch's spelling, a loader behind a pointer:
//   auto loader = make_data_loader(images, labels, DataLoaderOptions().batch_size(64));
//   for (auto& batch : *loader) ...
std::unique_ptr<DataLoader> make_data_loader(Tensor inputs, Tensor targets, const DataLoaderOptions& options);

}  // namespace gradlab
