// SPDX-License-Identifier: MIT
// The patches of a convolution, shared by conv2d (conv.cpp) and
// conv_transpose2d (conv_transpose2d.cpp): the geometry, the walk over
// every (patch row, patch) pair, im2col and its adjoint col2im. Internal.
// Shapes: x is (N, C, H, W), w is (F, C, KH, KW), out is (N, F, OH, OW);
// a patch has K = C * KH * KW numbers and there are P = N * OH * OW of them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tensor/buffer_cache.hpp"

namespace gradlab::nn::functional {

struct ConvGeometry {
  std::int64_t N, C, H, W, F, KH, KW, OH, OW, stride, padding;
  std::int64_t K() const { return C * KH * KW; }
  std::int64_t P() const { return N * OH * OW; }
};

// Walks the columns (K, P) one output row at a time: f(at, row, lo, hi)
// for the OW entries cols[at .. at + OW) of patch row k, which read
// x[row + ow * stride] for ow in [lo, hi) and lie over the zero padding
// outside it (lo = hi = 0 for a row wholly in the padding). The bounds
// along W are worked out once per kernel column, so no inner loop tests.
template <class F>
void for_each_patch_row(const ConvGeometry& g, F f) {
  for (std::int64_t c = 0; c < g.C; ++c)
    for (std::int64_t i = 0; i < g.KH; ++i)
      for (std::int64_t j = 0; j < g.KW; ++j) {
        std::int64_t k = (c * g.KH + i) * g.KW + j;
        // x = ow * stride - padding + j must lie in [0, W).
        std::int64_t ow_lo = std::min(g.OW, std::max<std::int64_t>(0, (g.padding - j + g.stride - 1) / g.stride));
        std::int64_t ow_hi = std::max(ow_lo, std::min(g.OW, (g.W + g.padding - j + g.stride - 1) / g.stride));
        for (std::int64_t n = 0; n < g.N; ++n)
          for (std::int64_t oh = 0; oh < g.OH; ++oh) {
            std::int64_t h = oh * g.stride - g.padding + i;
            std::int64_t at = k * g.P() + (n * g.OH + oh) * g.OW;
            if (h < 0 || h >= g.H) f(at, std::int64_t{0}, std::int64_t{0}, std::int64_t{0});
            else f(at, ((n * g.C + c) * g.H + h) * g.W - g.padding + j, ow_lo, ow_hi);  // x = 0 is row + padding - j
          }
      }
}

// Every (patch row, patch) pair with the input position it reads, or -1
// where the patch hangs over the zero padding: f(at, src), at into (K, P).
template <class F>
void for_each_patch_element(const ConvGeometry& g, F f) {
  for_each_patch_row(g, [&](std::int64_t at, std::int64_t row, std::int64_t lo, std::int64_t hi) {
    for (std::int64_t ow = 0; ow < lo; ++ow) f(at + ow, -1);
    for (std::int64_t ow = lo; ow < hi; ++ow) f(at + ow, row + ow * g.stride);
    for (std::int64_t ow = std::max(lo, hi); ow < g.OW; ++ow) f(at + ow, -1);
  });
}

// Short runs (a row of OW numbers) are copied and zeroed by plain loops:
// GCC would otherwise make each a call to memcpy or memset, which costs
// more than the copy itself at this size.
#if defined(__GNUC__) && !defined(__clang__)
#define GRADLAB_PLAIN_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define GRADLAB_PLAIN_LOOPS
#endif

// cols (K, P) = every patch of x (N, C, H, W), zeros over the padding: the
// walk of for_each_patch_row, written out so that nothing is called per row.
GRADLAB_PLAIN_LOOPS inline void im2col(const ConvGeometry& g, const double* __restrict x,
                                       double* __restrict cols) {
  const std::int64_t OW = g.OW, stride = g.stride, P = g.P();
  for (std::int64_t c = 0; c < g.C; ++c)
    for (std::int64_t i = 0; i < g.KH; ++i)
      for (std::int64_t j = 0; j < g.KW; ++j) {
        const std::int64_t k = (c * g.KH + i) * g.KW + j;
        const std::int64_t lo = std::min(OW, std::max<std::int64_t>(0, (g.padding - j + stride - 1) / stride));
        const std::int64_t hi = std::max(lo, std::min(OW, (g.W + g.padding - j + stride - 1) / stride));
        for (std::int64_t n = 0; n < g.N; ++n)
          for (std::int64_t oh = 0; oh < g.OH; ++oh) {
            double* __restrict out = cols + k * P + (n * g.OH + oh) * OW;
            const std::int64_t h = oh * stride - g.padding + i;
            if (h < 0 || h >= g.H) {
              for (std::int64_t ow = 0; ow < OW; ++ow) out[ow] = 0.0;
              continue;
            }
            const double* __restrict row = x + ((n * g.C + c) * g.H + h) * g.W - g.padding + j;
            for (std::int64_t ow = 0; ow < lo; ++ow) out[ow] = 0.0;
            if (stride == 1)
              for (std::int64_t ow = lo; ow < hi; ++ow) out[ow] = row[ow];
            else
              for (std::int64_t ow = lo; ow < hi; ++ow) out[ow] = row[ow * stride];
            for (std::int64_t ow = hi; ow < OW; ++ow) out[ow] = 0.0;
          }
      }
}

// im2col's adjoint: dx += every column added back where its patch came from
// (the padding's share dropped).
inline void col2im(const ConvGeometry& g, const double* __restrict dcols, double* __restrict dx) {
  const std::int64_t stride = g.stride;
  for_each_patch_row(g, [=](std::int64_t at, std::int64_t row, std::int64_t lo, std::int64_t hi) {
    const double* d = dcols + at;
    if (stride == 1)
      for (std::int64_t ow = lo; ow < hi; ++ow) dx[row + ow] += d[ow];
    else
      for (std::int64_t ow = lo; ow < hi; ++ow) dx[row + ow * stride] += d[ow];
  });
}

}  // namespace gradlab::nn::functional
