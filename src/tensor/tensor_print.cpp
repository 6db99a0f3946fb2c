// SPDX-License-Identifier: MIT
// Printing a Tensor exactly as PyTorch prints a float tensor (torch/_tensor_str.py
// with its default options), followed by gradlab's shape suffix. Not shown:
// dtype and device (gradlab has one of each).
//
// PyTorch's rules, as written here: every number is formatted one way for the
// whole tensor, padded to one width; integers print as "3.", numbers whose
// range is wide (max/min > 1000, max > 1e8, or min < 1e-4) in scientific
// notation, the rest with four decimals. Rows wrap at 80 columns; tensors of
// more than 1000 numbers show the first and last 3 entries of each long dim.

#include <gradlab/tensor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/tensor_internal.hpp"

namespace gradlab {

namespace {

constexpr int precision = 4;                // digits after the point
constexpr std::int64_t threshold = 1000;    // more numbers than this: summarise
constexpr std::int64_t edge_items = 3;      // shown at each end of a long dim
constexpr std::size_t line_width = 80;      // where rows and suffixes wrap
constexpr std::int64_t ellipsis = -1;       // a position that stands for "..."

std::string printf_text(const char* format, int digits, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, digits, x);
  return buf;
}

std::string non_finite_text(double x) { return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf"; }

// One format for every number of a tensor, chosen from the numbers shown.
class Formatter {
 public:
  explicit Formatter(const std::vector<double>& shown) {
    double lo = INFINITY, hi = 0;
    bool any = false;
    for (double x : shown) {
      if (!std::isfinite(x) || x == 0) continue;
      any = true;
      lo = std::min(lo, std::abs(x));
      hi = std::max(hi, std::abs(x));
      if (x != std::ceil(x)) int_mode_ = false;
    }
    if (!any) return;  // only zeros and non-finite numbers: "0.", width 1
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (double x : shown) {
      if (!std::isfinite(x) || x == 0) continue;
      std::size_t width = sci_mode_  ? printf_text("%.*e", precision, x).size()
                          : int_mode_ ? printf_text("%.*f", 0, x).size() + 1  // the "."
                                      : printf_text("%.*f", precision, x).size();
      width_ = std::max(width_, width);
    }
  }

  std::size_t width() const { return width_; }

  std::string format(double x) const {
    std::string s;
    if (!std::isfinite(x)) s = non_finite_text(x);
    else if (sci_mode_) s = printf_text("%.*e", precision, x);
    else if (int_mode_) s = printf_text("%.*f", 0, x) + ".";
    else s = printf_text("%.*f", precision, x);
    return s.size() < width_ ? std::string(width_ - s.size(), ' ') + s : s;
  }

 private:
  bool int_mode_ = true;
  bool sci_mode_ = false;
  std::size_t width_ = 1;
};

// The positions of a dim that are shown: all, or the first and last few
// around an ellipsis.
std::vector<std::int64_t> shown_positions(std::int64_t size, bool summarize) {
  std::vector<std::int64_t> p;
  if (summarize && size > 2 * edge_items) {
    for (std::int64_t i = 0; i < edge_items; ++i) p.push_back(i);
    p.push_back(ellipsis);
    for (std::int64_t i = size - edge_items; i < size; ++i) p.push_back(i);
  } else {
    for (std::int64_t i = 0; i < size; ++i) p.push_back(i);
  }
  return p;
}

// The numbers that will be printed, in order (the formatter looks only at these).
std::vector<double> shown_numbers(const std::vector<double>& v, const Shape& shape,
                                  const std::vector<std::vector<std::int64_t>>& shown) {
  std::vector<double> out;
  std::vector<std::size_t> at(shape.size(), 0);  // an odometer over the shown positions
  while (true) {
    std::int64_t offset = 0;
    bool skip = false;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      std::int64_t p = shown[d][at[d]];
      if (p == ellipsis) skip = true;
      offset = offset * shape[d] + p;
    }
    if (!skip) out.push_back(v[static_cast<std::size_t>(offset)]);
    std::size_t d = shape.size();
    while (d > 0 && ++at[d - 1] == shown[d - 1].size()) at[--d] = 0;
    if (d == 0) return out;
  }
}

// One innermost row, "[a, b, c]", wrapped to the line width.
std::string row_text(const double* row, const std::vector<std::int64_t>& shown,
                     const Formatter& f, std::size_t indent) {
  std::size_t per_line = std::max<std::size_t>(
      1, indent >= line_width ? 0 : (line_width - indent) / (f.width() + 2));
  std::string s = "[";
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (i > 0) s += i % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
    s += shown[i] == ellipsis ? " ..." : f.format(row[shown[i]]);
  }
  return s + "]";
}

// The nested brackets of a tensor of rank >= 1 whose text starts at column
// `indent`. Between two slices of dim d: a comma, one line break per dim below
// d, and the indent of dim d + 1.
std::string tensor_text(const std::vector<double>& v, const Shape& shape, std::size_t indent) {
  const std::size_t rank = shape.size();
  const bool summarize = static_cast<std::int64_t>(v.size()) > threshold;
  std::vector<std::vector<std::int64_t>> shown;
  for (std::int64_t size : shape) shown.push_back(shown_positions(size, summarize));
  Formatter f(shown_numbers(v, shape, shown));
  const std::size_t outer = rank - 1;  // the dims above the rows
  const std::int64_t row_length = shape.back();

  auto first_ellipsis = [&](const std::vector<std::size_t>& at) {
    for (std::size_t d = 0; d < outer; ++d)
      if (shown[d][at[d]] == ellipsis) return d;
    return outer;  // none: this position is a row
  };
  std::string s(outer, '[');
  std::vector<std::size_t> at(outer, 0);
  while (true) {
    std::size_t e = first_ellipsis(at);
    if (e < outer) {
      s += "...";
    } else {
      std::int64_t offset = 0;
      for (std::size_t d = 0; d < outer; ++d) offset = offset * shape[d] + shown[d][at[d]];
      s += row_text(v.data() + offset * row_length, shown[outer], f, indent + outer);
    }
    // Move to the next slice: the deepest outer dim (above an ellipsis) not at its end.
    std::size_t d = e < outer ? e + 1 : outer;
    while (d > 0 && at[d - 1] + 1 == shown[d - 1].size()) --d;
    if (d == 0) break;
    --d;
    ++at[d];
    for (std::size_t k = d + 1; k < outer; ++k) at[k] = 0;
    std::size_t open_before = e < outer ? e : outer - 1;  // innermost open bracket's dim
    s += std::string(open_before - d, ']') + "," + std::string(rank - 1 - d, '\n') +
         std::string(indent + 1 + d, ' ');
    if (first_ellipsis(at) != d) s += std::string(outer - 1 - d, '[');
  }
  return s + std::string(outer, ']');
}

}  // namespace

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  const Shape& shape = t.shape();
  const std::vector<double>& v = t.data();
  const std::string prefix = "tensor(";
  std::string s = prefix;
  if (static_cast<std::int64_t>(v.size()) != detail::numel_of(shape))
    s.append("<").append(std::to_string(v.size())).append(" numbers, not the ")
        .append(std::to_string(detail::numel_of(shape))).append(" of its shape>");
  else if (shape.empty()) s += Formatter(v).format(v[0]);
  else if (v.empty()) s += "[]";
  else s += tensor_text(v, shape, prefix.size());

  // Suffixes as PyTorch adds them: on the same line while it stays under 80 columns.
  std::vector<std::string> suffixes{"shape=" + to_string(shape)};
  if (t.requires_grad()) suffixes.push_back("requires_grad=true");
  std::size_t newline = s.rfind('\n');  // PyTorch counts two more than the last line holds
  std::size_t last_line = newline == std::string::npos ? s.size() + 2 : s.size() - newline + 1;
  for (const std::string& suffix : suffixes) {
    if (last_line + suffix.size() + 2 > line_width) {
      s.append(",\n").append(prefix.size(), ' ').append(suffix);
      last_line = prefix.size() + suffix.size();
    } else {
      s += ", " + suffix;
      last_line += suffix.size() + 2;
    }
  }
  return os << s << ")";
}

// The short form pictures show (tensor_internal.hpp): up to 6 elements,
// more as min / mean / max.
std::string detail::summary(const std::vector<double>& v, const Shape& shape) {
  std::ostringstream os;
  os << to_string(shape);
  if (v.empty()) return os.str();
  char buf[48];
  if (v.size() <= 6) {
    os << " (";
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%.4g", i ? " " : "", v[i]);
      os << buf;
    }
    os << ")";
  } else {
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    std::snprintf(buf, sizeof buf, " min %.4g mean %.4g max %.4g", *lo, mean, *hi);
    os << buf;
  }
  return os.str();
}

}  // namespace gradlab
