// SPDX-License-Identifier: MIT
// Counting and drawing: histogram (torch.histc, with the bin edges) and
// multinomial (draws from categorical distributions). Both read numbers and
// make new tensors outside the graph: nothing here has a gradient.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <gradlab/random.hpp>

#include "tensor/tensor_internal.hpp"

namespace gradlab {


Histogram histogram(const Tensor& a, std::int64_t bins, double min, double max) {
  if (bins < 1) throw std::invalid_argument("histogram: bins must be at least 1, got " + std::to_string(bins));
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw std::invalid_argument("histogram: min " + number_text(min) + " and max " + number_text(max) +
                                " must be finite with min <= max");
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
  if (min == max) {  // one value: a bin either side of it
    min -= 1;
    max += 1;
  }
  std::vector<double> counts(static_cast<std::size_t>(bins), 0.0), edges;
  const double width = (max - min) / static_cast<double>(bins);
  for (double v : x) {
    if (!(v >= min && v <= max)) continue;  // outside, or NaN
    auto b = static_cast<std::int64_t>((v - min) * static_cast<double>(bins) / (max - min));  // torch's rounding
    counts[static_cast<std::size_t>(std::min(b, bins - 1))] += 1;  // max itself: the last bin
  }
  for (std::int64_t i = 0; i <= bins; ++i) edges.push_back(min + width * static_cast<double>(i));
  edges.back() = max;
  return {tensor(std::move(counts), {bins}), tensor(std::move(edges), {bins + 1})};
}

namespace {

// One draw from weights w[0..n): the first index whose running sum passes u * total.
std::int64_t draw(const double* w, std::int64_t n, double total) {
  double target = uniform() * total, run = 0;
  std::int64_t last = -1;
  for (std::int64_t k = 0; k < n; ++k) {
    if (w[k] <= 0) continue;
    run += w[k];
    last = k;
    if (target < run) return k;
  }
  return last;  // rounding left target at the very end: the last category that can win
}

}  // namespace

Tensor multinomial(const Tensor& probs, std::int64_t num_samples, bool replacement) {
  if (probs.dim() != 1 && probs.dim() != 2)
    throw std::invalid_argument("multinomial: probs must be (n) or (rows, n), got shape " +
                                to_string(probs.shape()));
  const std::int64_t n = probs.shape().back(), rows = probs.dim() == 2 ? probs.shape()[0] : 1;
  if (n < 1) throw std::invalid_argument("multinomial: probs has no categories");
  if (num_samples < 1)
    throw std::invalid_argument("multinomial: num_samples must be at least 1, got " + std::to_string(num_samples));
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(rows * num_samples));
  for (std::int64_t r = 0; r < rows; ++r) {
    std::vector<double> w(probs.data().begin() + r * n, probs.data().begin() + (r + 1) * n);
    double total = 0;
    std::int64_t positive = 0;
    for (double p : w) {
      if (!(p >= 0) || !std::isfinite(p))
        throw std::invalid_argument("multinomial: probabilities must be finite and >= 0, got " + number_text(p) +
                                    " in row " + std::to_string(r));
      total += p;
      positive += p > 0;
    }
    if (total <= 0) throw std::invalid_argument("multinomial: row " + std::to_string(r) + " sums to 0");
    if (!replacement && num_samples > positive)
      throw std::invalid_argument("multinomial: cannot draw " + std::to_string(num_samples) +
                                  " samples without replacement from " + std::to_string(positive) +
                                  " categories of non-zero probability (row " + std::to_string(r) + ")");
    for (std::int64_t s = 0; s < num_samples; ++s) {
      std::int64_t k = draw(w.data(), n, total);
      out.push_back(static_cast<double>(k));
      if (!replacement) {  // drawn once: out of the running from now on
        total -= w[static_cast<std::size_t>(k)];
        w[static_cast<std::size_t>(k)] = 0;
        if (total <= 0) {  // only rounding residue left: sum what remains again
          total = 0;
          for (double p : w) total += p;
        }
      }
    }
  }
  Shape shape = probs.dim() == 2 ? Shape{rows, num_samples} : Shape{num_samples};
  return tensor(std::move(out), shape);
}

}  // namespace gradlab
