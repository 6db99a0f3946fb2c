// SPDX-License-Identifier: MIT
// The buffer cache of buffer_cache.hpp: a short per-thread list of kept
// vectors, searched for the smallest that fits (and is not more than twice
// too big, so a small request never holds on to a huge buffer).

#include "buffer_cache.hpp"

#include <algorithm>
#include <utility>

namespace gradlab::detail {

namespace {

constexpr std::size_t kMinElements = 8 * 1024;              // 64 KiB: smaller ones malloc serves well
constexpr std::size_t kMaxBytes = std::size_t{256} << 20;   // kept per thread at most
constexpr std::size_t kMaxBuffers = 64;

// Set when this thread's cache has been destroyed (the thread is ending, or
// the program: tensors in static variables die after thread_local objects).
// A plain bool needs no destructor, so it can still be read then.
thread_local bool cache_gone = false;

struct Cache {
  std::vector<std::vector<double>> kept;
  std::size_t bytes = 0;
  ~Cache() { cache_gone = true; }
};

Cache& cache() {
  thread_local Cache c;
  return c;
}

}  // namespace

namespace {

// The smallest kept vector that holds n numbers (and not more than twice
// that), taken out of the cache; an empty vector when none fits.
std::vector<double> take(std::size_t n) {
  if (n >= kMinElements && !cache_gone) {
    Cache& c = cache();
    auto best = c.kept.end();
    for (auto it = c.kept.begin(); it != c.kept.end(); ++it)
      if (it->capacity() >= n && it->capacity() <= 2 * n &&
          (best == c.kept.end() || it->capacity() < best->capacity()))
        best = it;
    if (best != c.kept.end()) {
      std::vector<double> v = std::move(*best);
      *best = std::move(c.kept.back());
      c.kept.pop_back();
      c.bytes -= v.capacity() * sizeof(double);
      return v;
    }
  }
  return {};
}

}  // namespace

std::vector<double> buffer(std::size_t n, double fill) {
  std::vector<double> v = take(n);
  v.assign(n, fill);  // within a kept vector's capacity: no allocation
  return v;
}

std::vector<double> buffer_for_overwrite(std::size_t n) {
  std::vector<double> v = take(n);
  v.resize(n);  // a kept vector keeps its old numbers up to its old size
  return v;
}

void recycle(std::vector<double>&& v) {
  std::size_t bytes = v.capacity() * sizeof(double);
  if (v.capacity() >= kMinElements && !cache_gone) {
    Cache& c = cache();
    if (c.bytes + bytes <= kMaxBytes && c.kept.size() < kMaxBuffers) {
      c.kept.push_back(std::move(v));  // its numbers stay: buffer_for_overwrite skips a fill
      c.bytes += bytes;
      return;
    }
  }
  std::vector<double>().swap(v);  // not kept: freed now
}

std::size_t cached_bytes() { return cache_gone ? 0 : cache().bytes; }

}  // namespace gradlab::detail
