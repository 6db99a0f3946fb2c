// SPDX-License-Identifier: MIT
// DataLoader: a row order (shuffled by Fisher-Yates with the loader's own
// splitmix64 generator) cut into batches, each gathered with index_select.

#include <gradlab/data_loader.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace gradlab {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

DataLoader::DataLoader(Tensor inputs, Tensor targets, const DataLoaderOptions& options)
    : inputs_(std::move(inputs)), targets_(std::move(targets)), options_(options), state_(options.seed()) {
  if (inputs_.dim() < 1 || targets_.dim() < 1 || inputs_.shape()[0] != targets_.shape()[0])
    throw std::invalid_argument("DataLoader: inputs " + to_string(inputs_.shape()) + " and targets " +
                                to_string(targets_.shape()) + " must have the same number of rows (dim 0)");
  if (options.batch_size() < 1)
    throw std::invalid_argument("DataLoader: batch_size must be at least 1, got " +
                                std::to_string(options.batch_size()));
  rows_ = inputs_.shape()[0];
  end_ = options.drop_last() ? rows_ - rows_ % options.batch_size() : rows_;
  order_.resize(static_cast<std::size_t>(rows_));
  std::iota(order_.begin(), order_.end(), 0);
}

DataLoader::iterator DataLoader::begin() {
  if (options_.shuffle())
    for (std::size_t i = order_.size(); i > 1; --i)  // Fisher-Yates: row i - 1 swaps with one of 0..i-1
      std::swap(order_[i - 1], order_[splitmix64(state_) % i]);
  return iterator(this, 0);
}

DataLoader::iterator DataLoader::end() { return iterator(this, end_); }

std::size_t DataLoader::size() const {
  // ceil(end_ / b) without end_ + b - 1, which overflows for a batch of INT64_MAX
  const std::int64_t b = options_.batch_size();
  return static_cast<std::size_t>(end_ / b + (end_ % b != 0));
}

// The row (of the order) after the batch that starts at `start`: start + b,
// or the end when fewer rows than b are left (start + b may overflow).
std::int64_t DataLoader::batch_end(std::int64_t start) const {
  return options_.batch_size() >= end_ - start ? end_ : start + options_.batch_size();
}

DataLoader::iterator::iterator(const DataLoader* loader, std::int64_t start) : loader_(loader), start_(start) {
  load();
}

DataLoader::iterator& DataLoader::iterator::operator++() {
  start_ = loader_->batch_end(start_);
  load();
  return *this;
}

void DataLoader::iterator::load() {
  if (start_ >= loader_->end_) {
    batch_ = Batch{};
    return;
  }
  const std::int64_t stop = loader_->batch_end(start_);
  std::vector<double> rows;
  for (std::int64_t i = start_; i < stop; ++i) rows.push_back(static_cast<double>(loader_->order_[static_cast<std::size_t>(i)]));
  Tensor index = tensor(std::move(rows), {stop - start_});
  batch_ = Batch{index_select(loader_->inputs_, 0, index), index_select(loader_->targets_, 0, index)};
}

std::unique_ptr<DataLoader> make_data_loader(Tensor inputs, Tensor targets, const DataLoaderOptions& options) {
  return std::make_unique<DataLoader>(std::move(inputs), std::move(targets), options);
}

}  // namespace gradlab
