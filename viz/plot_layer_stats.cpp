// SPDX-License-Identifier: MIT
// nn::LayerStats drawn with plot_lines: histograms as lines, one per layer,
// and the update-to-data ratios on a log axis beside the 1e-3 guide.

#include "gradlab/viz/layer_stats.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "gradlab/viz/plot.hpp"

namespace gradlab::viz {

void plot_histograms(const std::string& path, const std::vector<nn::TensorStats>& stats, const std::string& title,
                     const std::string& x_label, bool show_saturated) {
  if (stats.empty()) throw std::invalid_argument("plot_histograms: no statistics to draw");
  std::vector<Series> series;
  for (const nn::TensorStats& s : stats) {
    const std::vector<double>& counts = s.histogram.counts.data();
    const std::vector<double>& edges = s.histogram.edges.data();
    double total = 0;
    for (double c : counts) total += c;
    Series line;
    char name[160];
    if (show_saturated)
      std::snprintf(name, sizeof name, "%s: mean %+.2f, std %.2f, saturated %.1f%%", s.name.c_str(), s.mean, s.std,
                    100 * s.saturated);
    else
      std::snprintf(name, sizeof name, "%s: mean %+.1e, std %.1e", s.name.c_str(), s.mean, s.std);
    line.name = name;
    for (std::size_t b = 0; b < counts.size(); ++b) {
      line.x.push_back((edges[b] + edges[b + 1]) / 2);
      line.y.push_back(total > 0 ? counts[b] / total : 0);
    }
    series.push_back(line);
  }
  plot_lines(path, series, {.title = title, .x_label = x_label, .y_label = "share of the numbers", .width = 900});
}

void plot_update_ratios(const std::string& path, const nn::LayerStats& stats, const std::string& title, int smooth) {
  const auto& names = stats.update_ratios_names();
  const auto& ratios = stats.update_ratios();
  if (names.empty() || ratios[0].empty())
    throw std::invalid_argument("plot_update_ratios: nothing recorded (call record_updates once per step)");
  if (smooth < 1) throw std::invalid_argument("plot_update_ratios: smooth must be at least 1");
  std::vector<Series> series;
  for (std::size_t k = 0; k < names.size(); ++k) {
    Series line{names[k].first, {}, {}};
    for (std::size_t i = 0; i + static_cast<std::size_t>(smooth) <= ratios[k].size(); i += static_cast<std::size_t>(smooth)) {
      double sum = 0;
      for (int j = 0; j < smooth; ++j) sum += ratios[k][i + static_cast<std::size_t>(j)];
      line.x.push_back(static_cast<double>(i + static_cast<std::size_t>(smooth)));
      line.y.push_back(std::pow(10.0, sum / smooth));  // the mean of the logs, back on the ratio's scale
    }
    if (!line.y.empty()) series.push_back(line);
  }
  if (series.empty()) throw std::invalid_argument("plot_update_ratios: fewer steps recorded than `smooth`");
  double last = series[0].x.back();
  series.push_back({"1e-3: healthy", {1e-3, 1e-3}, {0.0, last}});
  plot_lines(path, series, {.title = title, .y_label = "std(lr * grad) / std(data)", .log_y = true, .width = 900});
}

}  // namespace gradlab::viz
