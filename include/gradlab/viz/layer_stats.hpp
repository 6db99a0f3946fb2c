// SPDX-License-Identifier: MIT
// The pictures of nn::LayerStats: one histogram line per layer (activations,
// their gradients, weight gradients) and the update-to-data ratios over
// training on a log scale with the 1e-3 guide line. PNG, as plot.hpp.
#pragma once

#include <string>
#include <vector>

#include <gradlab/nn/layer_stats.hpp>

namespace gradlab::viz {

// One line per entry of `stats`: the share of its numbers in each histogram
// bin, labelled with its mean and std (and % saturated when show_saturated).
void plot_histograms(const std::string& path, const std::vector<nn::TensorStats>& stats,
                     const std::string& title, const std::string& x_label = "value",
                     bool show_saturated = false);

// The update-to-data ratios recorded by stats.record_updates, one line per
// weight (each point the mean of `smooth` steps), with the 1e-3 guide.
// Throws std::invalid_argument when nothing was recorded.
void plot_update_ratios(const std::string& path, const nn::LayerStats& stats, const std::string& title,
                        int smooth = 20);

}  // namespace gradlab::viz
