// SPDX-License-Identifier: MIT
// Small PNG charts for training runs, drawn with cairo: a line chart (loss and
// accuracy curves), a 2-d decision-boundary map with the data points on top,
// a grid of small images (digits) with captions, heat maps of matrices side
// by side (attention weights), a scatter of labelled points and a heat map
// with a number or label in each cell. Not a plotting library: just the
// pictures the course needs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gradlab::viz {

// One curve of a line chart. x may be empty: then x = 0, 1, 2, ...
// A legend is drawn when there are several series or the only one has a name.
struct Series {
  std::string name;
  std::vector<double> y;
  std::vector<double> x;
};

struct LinePlotOptions {
  std::string title;
  std::string x_label = "step";
  std::string y_label;
  bool log_y = false;  // logarithmic y axis (all y must then be > 0)
  int width = 800;
  int height = 500;
};

// Writes a line chart of `series` to a PNG at `path` (atomically: a temporary
// file renamed into place). Throws std::invalid_argument for empty or
// non-finite data, mismatched x/y lengths, y <= 0 with log_y or a size outside
// [100, 10000] pixels, and std::runtime_error naming the path when it cannot
// be written.
void plot_lines(const std::string& path, const std::vector<Series>& series,
                const LinePlotOptions& options = {});

struct BoundaryPlotOptions {
  std::string title;
  int width = 600;
  int height = 600;
  int resolution = 120;  // the score is sampled on a resolution x resolution grid
  double margin = 0.25;  // added around the points' bounding box, in data units
};

// Writes a decision-boundary picture to a PNG at `path`: the plane coloured by
// the sign of score(x, y) (score > 0 one class, <= 0 the other, paler near 0),
// the line score = 0, and the points coloured by their label (> 0 or <= 0).
// points[i] is {x, y}; labels[i] is the class of points[i]. score is called
// resolution^2 times over the points' bounding box plus margin and must return
// finite values. Throws std::invalid_argument for no points, mismatched
// points/labels, a point that is not 2 values, non-finite data or scores, a
// bad size or resolution; std::runtime_error naming the path as plot_lines.
void plot_decision_boundary(const std::string& path,
                            const std::vector<std::vector<double>>& points,
                            const std::vector<double>& labels,
                            const std::function<double(double, double)>& score,
                            const BoundaryPlotOptions& options = {});

struct ImageGridOptions {
  std::string title;
  int columns = 10;
  int scale = 3;  // screen pixels per image pixel
};

// Writes images (N, H, W), values in [0, 1] drawn as ink on paper (1 is
// black), in a grid with captions[i] under image i (captions may be empty).
// Throws std::invalid_argument for a shape that is not (N, H, W) with N >= 1,
// values outside [0, 1], a captions count other than 0 or N, or a bad
// columns/scale; std::runtime_error naming the path as plot_lines.
void plot_images(const std::string& path, const Tensor& images,
                 const std::vector<std::string>& captions = {},
                 const ImageGridOptions& options = {});

struct HeatmapGridOptions {
  std::string title;
  int columns = 4;           // maps per row of the picture
  int cell = 36;             // pixels per matrix element, in [4, 200]
  bool show_values = false;  // each number written in its cell (two decimals)
  // The colour scale: low is white, high dark blue; when low < 0 < high,
  // blue-white-red centred on 0 (darkest at ±max(-low, high)), as plot_heatmap.
  double low = 0, high = 1;
};

// Writes matrices as heat maps side by side: `maps` is (R, C) or (K, R, C),
// each map titled titles[k] and its rows and columns labelled row_labels and
// col_labels (tokens, say; each list empty or of size R or C). Values
// outside [low, high] take the nearest end's colour; -inf (a masked score) is
// drawn as an empty, hatched cell. Throws std::invalid_argument for another
// shape, NaN or +inf, mismatched titles or labels, a bad cell size or low >=
// high, and std::runtime_error naming the path as plot_lines.
void plot_heatmaps(const std::string& path, const Tensor& maps, const std::vector<std::string>& titles = {},
                   const std::vector<std::string>& row_labels = {},
                   const std::vector<std::string>& col_labels = {}, const HeatmapGridOptions& options = {});

struct ScatterPlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 600;
  int height = 600;
};

// Writes a scatter plot: point i at (x[i], y[i]), drawn as a disc with
// labels[i] written on it (a letter, a word; labels may be empty: plain
// dots). Throws std::invalid_argument for no points, x/y/labels of different
// lengths, non-finite coordinates or a bad size; std::runtime_error naming
// the path as plot_lines.
void plot_scatter(const std::string& path, const std::vector<double>& x, const std::vector<double>& y,
                  const std::vector<std::string>& labels = {}, const ScatterPlotOptions& options = {});

struct HeatmapOptions {
  std::string title;
  std::vector<std::string> row_labels;   // one per row, or none
  std::vector<std::string> col_labels;   // one per column, or none
  // One text per cell, row-major ("\n" starts a second line); none: the
  // cell's number is written instead.
  std::vector<std::string> cell_labels;
  bool show_values = true;  // the number too, on a line under the cell's label
  std::string value_format;  // printf format of the numbers; "" chooses: whole numbers plain, else 3 digits
  std::string colorbar_label;
  int cell_size = 0;  // pixels per cell; 0 fits the map into about 900 pixels
};

// Writes a heat map of values (R, C): cell (r, c) coloured by its number
// (white to blue; blue-white-red when the numbers have both signs), with its
// text on it when the cells are big enough, row and column labels and a
// colour bar. Throws std::invalid_argument for a shape that is not (R, C),
// non-finite values, label counts that do not match, or a picture over
// 10000 pixels; std::runtime_error naming the path as plot_lines.
void plot_heatmap(const std::string& path, const Tensor& values, const HeatmapOptions& options = {});

// One line of a token picture: a caption above it, then the text as its
// tokens, each a coloured box holding the token's text with its id under it.
struct TokenRow {
  std::string caption;
  std::vector<std::string> tokens;  // the bytes each token spells, in order
  std::vector<int> ids;             // one per token, or none (no ids drawn)
};

struct TokenPlotOptions {
  std::string title;
  int width = 900;  // the boxes wrap onto further lines at this width
};

// Writes the tokens of a text the way tokenizer playgrounds show them: each
// token a box in one of six pale colours (neighbours never alike), its
// text with a space as '·', a line break as '↵' and a
// tab as '→', bytes that are not whole UTF-8 as U+FFFD, the id underneath.
// Rows follow one another, each under its caption. Throws
// std::invalid_argument for no rows, a row without tokens, ids of another
// count than the tokens or a width outside [200, 10000] pixels (a picture
// taller than 10000 pixels too); std::runtime_error naming the path as
// plot_lines.
void plot_tokens(const std::string& path, const std::vector<TokenRow>& rows, const TokenPlotOptions& options = {});

}  // namespace gradlab::viz
