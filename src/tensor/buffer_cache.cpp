// SPDX-License-Identifier: MIT
// The buffer cache of buffer_cache.hpp: a short per-thread list of kept
// vectors per element type, searched for the smallest that fits (and is not
// more than twice too big, so a small request never holds on to a huge one).
// When a new buffer would pass the limit, the buffers kept longest ago make
// room for it: a program that moves on to larger tensors (a small model,
// then a big one) would otherwise find the cache full of sizes it no longer
// asks for, and every one of its own buffers would go back to the kernel.

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
  struct Entry {
    std::vector<T> v;
    std::uint64_t kept_at;  // when it came in (a count of keep calls): the oldest goes first
  };
  std::vector<Entry> kept;
  std::size_t bytes = 0;
  std::uint64_t clock = 0;
  Cache() { kept.reserve(kMaxBuffers); }  // keep() then never allocates (it runs in destructors)
  ~Cache() { caches_gone = true; }

  static Cache& mine() {
    thread_local Cache c;
    return c;
  }

  // Takes kept[i] out of the cache (the last entry moves into its place).
  std::vector<T> remove(std::size_t i) {
    std::vector<T> v = std::move(kept[i].v);
    kept[i] = std::move(kept.back());
    kept.pop_back();
    bytes -= v.capacity() * sizeof(T);
    return v;
  }

  // The smallest kept vector that holds n elements, taken out of the
  // cache; an empty vector when none fits.
  std::vector<T> take(std::size_t n) {
    std::size_t best = kept.size();
    for (std::size_t i = 0; i < kept.size(); ++i) {
      std::size_t c = kept[i].v.capacity();
      if (c >= n && c <= 2 * n && (best == kept.size() || c < kept[best].v.capacity())) best = i;
    }
    if (best == kept.size()) return {};
    return remove(best);
  }

  // Keeps v, first freeing the buffers kept longest ago while v would pass
  // a limit. A buffer larger than the whole limit is not kept.
  void keep(std::vector<T>&& v) {
    const std::size_t b = v.capacity() * sizeof(T);
    if (b > kMaxBytes) return;
    while (!kept.empty() && (bytes + b > kMaxBytes || kept.size() >= kMaxBuffers)) {
      std::size_t oldest = 0;
      for (std::size_t i = 1; i < kept.size(); ++i)
        if (kept[i].kept_at < kept[oldest].kept_at) oldest = i;
      (void)remove(oldest);  // freed as the vector it returns dies
    }
    kept.push_back(Entry{std::move(v), clock++});  // its numbers stay: the *_for_overwrite calls skip a fill
    bytes += b;
  }
};

// Inlined into its callers: for a small buffer it is one comparison, and
// every op asks for a few.
template <class T>
[[gnu::always_inline]] inline std::vector<T> take(std::size_t n) {
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
