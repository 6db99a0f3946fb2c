// SPDX-License-Identifier: MIT
// The buffer cache of buffer_cache.hpp: a short per-thread list of kept
// vectors per element type, searched for the smallest that fits (and is not
// more than twice too big, so a small request never holds on to a huge one).

#include "tensor/buffer_cache.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <gradlab/shape.hpp>

#include "tensor/sizes.hpp"

namespace gradlab::detail {

namespace {

constexpr std::size_t kMinBytes = 64 * 1024;               // smaller ones malloc serves well
constexpr std::size_t kMaxBytes = std::size_t{256} << 20;  // kept per thread and type at most
constexpr std::size_t kMaxBuffers = 1024;

// Set when this thread's caches are being destroyed (the thread is ending,
// or the program: tensors in static variables die after thread_local
// objects). A plain bool needs no destructor, so it can still be read then.
thread_local bool caches_gone = false;

template <class T>
struct Cache {
  std::vector<std::vector<T>> kept;
  std::size_t bytes = 0;
  Cache() { kept.reserve(kMaxBuffers); }  // keep() then never allocates (it runs in destructors)
  ~Cache() { caches_gone = true; }

  static Cache& mine() {
    thread_local Cache c;
    return c;
  }

  // The smallest kept vector that holds n elements, taken out of the
  // cache; an empty vector when none fits.
  std::vector<T> take(std::size_t n) {
    auto best = kept.end();
    for (auto it = kept.begin(); it != kept.end(); ++it)
      if (it->capacity() >= n && it->capacity() <= 2 * n && (best == kept.end() || it->capacity() < best->capacity()))
        best = it;
    if (best == kept.end()) return {};
    std::vector<T> v = std::move(*best);
    *best = std::move(kept.back());
    kept.pop_back();
    bytes -= v.capacity() * sizeof(T);
    return v;
  }

  void keep(std::vector<T>&& v) {
    std::size_t b = v.capacity() * sizeof(T);
    if (bytes + b <= kMaxBytes && kept.size() < kMaxBuffers) {
      kept.push_back(std::move(v));  // its numbers stay: the *_for_overwrite calls skip a fill
      bytes += b;
    }
  }
};

template <class T>
std::vector<T> take(std::size_t n) {
  // Every op checks its sizes before it asks (tensor_size.cpp); this is
  // the backstop, so that no buffer past the limit is ever allocated.
  if (n > static_cast<std::size_t>(kMaxTensorElements))
    check_count("buffer", static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX)), "a tensor buffer");
  if (n * sizeof(T) < kMinBytes || caches_gone) return {};
  return Cache<T>::mine().take(n);
}

template <class T>
void give_back(std::vector<T>&& v) {
  if (v.capacity() * sizeof(T) >= kMinBytes && !caches_gone) Cache<T>::mine().keep(std::move(v));
  std::vector<T>().swap(v);  // not kept: freed now
}

}  // namespace

std::vector<double> buffer(std::size_t n, double fill) {
  std::vector<double> v = take<double>(n);
  v.assign(n, fill);  // within a kept vector's capacity: no allocation
  return v;
}

std::vector<double> buffer_for_overwrite(std::size_t n) {
  std::vector<double> v = take<double>(n);
  v.resize(n);  // a kept vector keeps its old numbers up to its old size
  return v;
}

std::vector<std::int64_t> index_buffer_for_overwrite(std::size_t n) {
  std::vector<std::int64_t> v = take<std::int64_t>(n);
  v.resize(n);
  return v;
}

void recycle(std::vector<double>&& v) { give_back(std::move(v)); }
void recycle(std::vector<std::int64_t>&& v) { give_back(std::move(v)); }

std::size_t cached_bytes() {
  return caches_gone ? 0 : Cache<double>::mine().bytes + Cache<std::int64_t>::mine().bytes;
}

}  // namespace gradlab::detail
