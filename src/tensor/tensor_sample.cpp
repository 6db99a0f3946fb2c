// SPDX-License-Identifier: MIT
// Counting and drawing: histogram (torch.histc, with the bin edges) and
// multinomial (draws from categorical distributions). Both read numbers and
// make new tensors outside the graph: nothing here has a gradient.

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

#include <gradlab/random.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab {


namespace {

// Where histogram puts v: bin floor((v - min) * bins / (max - min)), as
// torch.histc computes it. Near the largest double, v - min, max - min or
// the product with bins overflows (+-8e307 made bins of inf, cast to an
// integer: undefined), so every term is first scaled by one power of two,
// `scale`: that changes no rounding, and the bins come out as they would
// with an unbounded exponent. Within the double range scale is 1.
struct Binning {
  double min, max, scale = 1, range;  // range = (max - min) * scale
  std::int64_t bins;

  Binning(double lo, double hi, std::int64_t n) : min(lo), max(hi), bins(n) {
    const auto b = static_cast<double>(bins);
    range = max - min;
    if (std::isfinite(range * b)) return;
    range = max * 0.5 - min * 0.5;  // exact: halving a normal number is
    scale = 1;
    while (!std::isfinite(range * scale * b)) scale *= 0.5;
    range *= scale;
    scale *= 0.5;  // from here on range = (max - min) * scale
  }

  std::int64_t bin_of(double v) const {
    double d = v - min;  // >= 0; infinite only when max - min is, and then scale <= 1/2
    d = std::isfinite(d) ? d * scale : (v * 0.5 - min * 0.5) * (scale * 2);
    auto b = static_cast<std::int64_t>(d * static_cast<double>(bins) / range);  // torch's rounding
    return std::min(b, bins - 1);  // max itself: the last bin
  }

  // Edge i of bins + 1, min + (max - min) * i / bins, scaled the same way.
  double edge(std::int64_t i) const {
    if (i == bins) return max;
    const double half = scale < 1 ? 0.5 : 1;  // (max - min) * half, min * half and the edge * half are finite
    return (min * half + range * (half / scale) / static_cast<double>(bins) * static_cast<double>(i)) / half;
  }
};

}  // namespace

Histogram histogram(const Tensor& a, std::int64_t bins, double min, double max) {
  if (bins < 1) throw std::invalid_argument("histogram: bins must be at least 1, got " + std::to_string(bins));
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw std::invalid_argument("histogram: min " + number_text(min) + " and max " + number_text(max) +
                                " must be finite with min <= max");
  // counts (bins) and edges (bins + 1), counted before any is made
  std::vector<double> counts = detail::numbers_for("histogram", {bins});
  std::vector<double> edges = detail::numbers_for_overwrite("histogram", {detail::checked_add("histogram", bins, 1, "the bin edges")});
  const std::vector<double>& x = a.data();
  if (min == 0 && max == 0 && !x.empty()) {  // the data's own range, as torch.histc
    auto [lo, hi] = std::minmax_element(x.begin(), x.end());
    min = *lo;
    max = *hi;
    for (double v : x)
      if (!std::isfinite(v))
        throw std::invalid_argument("histogram: the range of the data is not finite (it holds " +
                                    number_text(v) + "); give min and max");
  }
  if (min == max) {  // one value: a bin either side of it (or the next double, where 1 is lost to rounding)
    double below = min - 1, above = max + 1;
    if (below == min) below = std::nextafter(min, -DBL_MAX);
    if (above == max) above = std::nextafter(max, DBL_MAX);
    min = below;
    max = above;
  }
  const Binning binning(min, max, bins);
  for (double v : x)
    if (v >= min && v <= max) counts[static_cast<std::size_t>(binning.bin_of(v))] += 1;  // not outside, not NaN
  for (std::int64_t i = 0; i <= bins; ++i) edges[static_cast<std::size_t>(i)] = binning.edge(i);
  return {tensor(std::move(counts), {bins}), tensor(std::move(edges), {bins + 1})};
}

namespace {

// One row's weights, summed; scaled by a power of two where their sum would
// pass the largest double ({1e308, 1e308} summed to inf, and every draw
// then fell through to the last category). Scaling by 2^-k changes no
// proportion, so the draws are those of the unscaled weights.
struct Row {
  std::vector<double> w;  // as given; without replacement a drawn one becomes 0
  double scale = 1;       // a power of two
  double total = 0;       // the sum of w * scale: finite

  void sum() {
    scale = 1;
    total = 0;
    for (double p : w) total += p;
    if (std::isfinite(total)) return;
    // n weights of at most DBL_MAX, each scaled by less than 1 / (2n): every partial sum stays below DBL_MAX / 2
    scale = std::ldexp(1.0, -static_cast<int>(std::bit_width(w.size())) - 1);
    total = 0;
    for (double p : w) total += p * scale;
  }

  // The first index whose running sum passes u * total.
  std::int64_t draw() const {
    double target = uniform() * total, run = 0;
    std::int64_t last = -1;
    for (std::size_t k = 0; k < w.size(); ++k) {
      if (w[k] <= 0) continue;
      run += w[k] * scale;
      last = static_cast<std::int64_t>(k);
      if (target < run) return last;
    }
    return last;  // rounding left target at the very end: the last category that can win
  }

  // Without replacement: k is out of the running from now on.
  void remove(std::int64_t k) {
    total -= w[static_cast<std::size_t>(k)] * scale;
    w[static_cast<std::size_t>(k)] = 0;
    if (total <= 0) sum();  // only rounding residue left: sum what remains again
  }
};

}  // namespace

Tensor multinomial(const Tensor& probs, std::int64_t num_samples, bool replacement) {
  if (probs.dim() != 1 && probs.dim() != 2)
    throw std::invalid_argument("multinomial: probs must be (n) or (rows, n), got shape " +
                                to_string(probs.shape()));
  const std::int64_t n = probs.shape().back(), rows = probs.dim() == 2 ? probs.shape()[0] : 1;
  if (n < 1) throw std::invalid_argument("multinomial: probs has no categories");
  if (num_samples < 1)
    throw std::invalid_argument("multinomial: num_samples must be at least 1, got " + std::to_string(num_samples));
  if (!replacement && num_samples > n)
    throw std::invalid_argument("multinomial: cannot draw " + std::to_string(num_samples) +
                                " samples without replacement from " + std::to_string(n) + " categories");
  // The result, counted before any draw: 2^62 draws of 4 rows used to wrap around to a small buffer.
  Shape shape = probs.dim() == 2 ? Shape{rows, num_samples} : Shape{num_samples};
  std::vector<double> out = detail::numbers_for_overwrite("multinomial", shape);
  std::size_t at = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    Row row{std::vector<double>(probs.data().begin() + r * n, probs.data().begin() + (r + 1) * n)};
    std::int64_t positive = 0;
    for (double p : row.w) {
      if (!(p >= 0) || !std::isfinite(p))
        throw std::invalid_argument("multinomial: probabilities must be finite and >= 0, got " + number_text(p) +
                                    " in row " + std::to_string(r));
      positive += p > 0;
    }
    row.sum();
    if (row.total <= 0) throw std::invalid_argument("multinomial: row " + std::to_string(r) + " sums to 0");
    if (!replacement && num_samples > positive)
      throw std::invalid_argument("multinomial: cannot draw " + std::to_string(num_samples) +
                                  " samples without replacement from " + std::to_string(positive) +
                                  " categories of non-zero probability (row " + std::to_string(r) + ")");
    for (std::int64_t s = 0; s < num_samples; ++s) {
      std::int64_t k = row.draw();
      out[at++] = static_cast<double>(k);
      if (!replacement) row.remove(k);
    }
  }
  return tensor(std::move(out), shape);
}

}  // namespace gradlab
