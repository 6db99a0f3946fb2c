// SPDX-License-Identifier: MIT
// The patches of a convolution, shared by conv2d (conv.cpp) and
// conv_transpose2d (conv_transpose2d.cpp): the geometry, the walk over
// every (patch row, patch) pair and im2col. Internal.
// Shapes: x is (N, C, H, W), w is (F, C, KH, KW), out is (N, F, OH, OW);
// a patch has K = C * KH * KW numbers and there are P = N * OH * OW of them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../buffer_cache.hpp"

namespace gradlab::nn::functional {

struct ConvGeometry {
  std::int64_t N, C, H, W, F, KH, KW, OH, OW, stride, padding;
  std::int64_t K() const { return C * KH * KW; }
  std::int64_t P() const { return N * OH * OW; }
};

// Walks every (patch row k, patch p) pair with the input position it reads,
// or -1 where the patch hangs over the zero padding. cols is (K, P). The
// columns whose patch stays inside the input along W, [ow_lo, ow_hi), are
// worked out once per kernel column, so the inner loop has no bounds test.
template <class F>
void for_each_patch_element(const ConvGeometry& g, F f) {
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
            if (h < 0 || h >= g.H) {
              for (std::int64_t ow = 0; ow < g.OW; ++ow) f(at + ow, -1);
              continue;
            }
            std::int64_t row = ((n * g.C + c) * g.H + h) * g.W - g.padding + j;  // x = 0 is row + padding - j
            for (std::int64_t ow = 0; ow < ow_lo; ++ow) f(at + ow, -1);
            for (std::int64_t ow = ow_lo; ow < ow_hi; ++ow) f(at + ow, row + ow * g.stride);
            for (std::int64_t ow = ow_hi; ow < g.OW; ++ow) f(at + ow, -1);
          }
      }
}

inline std::vector<double> im2col(const ConvGeometry& g, const std::vector<double>& x) {
  std::vector<double> cols = detail::buffer_for_overwrite(static_cast<std::size_t>(g.K() * g.P()));
  const double* in = x.data();
  double* out = cols.data();
  for_each_patch_element(g, [=](std::int64_t at, std::int64_t src) { out[at] = src < 0 ? 0.0 : in[src]; });
  return cols;
}

}  // namespace gradlab::nn::functional
