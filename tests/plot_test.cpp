// SPDX-License-Identifier: MIT
// Tests for viz/plot.cpp: the PNG's size, every input check, all-or-nothing
// writes, and the decision boundary's colours read back from the file.
// Chart pixels are not compared to golden images: fonts differ between machines.

#include <boost/test/unit_test.hpp>

#include <gradlab/viz/plot.hpp>

#include <cairo.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_helpers.hpp"

namespace fs = std::filesystem;
using gradlab::viz::BoundaryPlotOptions;
using gradlab::viz::LinePlotOptions;
using gradlab::viz::plot_decision_boundary;
using gradlab::viz::plot_heatmaps;
using gradlab::viz::plot_images;
using gradlab::viz::plot_lines;
using gradlab::viz::Series;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("gradlab_plot_test_" + std::to_string(::getpid()));
  TempDir() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string file(const std::string& name) const { return (dir / name).string(); }
  size_t entries() const {
    return std::distance(fs::directory_iterator(dir), fs::directory_iterator());
  }
};

// A PNG of that size (test_helpers.hpp reads it).
void check_png(const std::string& path, int width, int height) {
  auto [w, h] = gradlab::testing::png_size(path);
  BOOST_CHECK_EQUAL(w, static_cast<uint32_t>(width));
  BOOST_CHECK_EQUAL(h, static_cast<uint32_t>(height));
}

struct Rgb {
  int r, g, b;
};

// A PNG read back through cairo, for looking at single pixels.
class Png {
 public:
  explicit Png(const std::string& path) : s_(cairo_image_surface_create_from_png(path.c_str())) {
    BOOST_REQUIRE(cairo_surface_status(s_) == CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s_);
  }
  ~Png() { cairo_surface_destroy(s_); }
  Png(const Png&) = delete;
  Png& operator=(const Png&) = delete;

  Rgb at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(s_) + y * cairo_image_surface_get_stride(s_);
    uint32_t p = reinterpret_cast<const uint32_t*>(row)[x];
    return {int(p >> 16 & 0xff), int(p >> 8 & 0xff), int(p & 0xff)};  // opaque: not premultiplied
  }

 private:
  cairo_surface_t* s_;
};

// Passes when `f` throws E and the message names `function` and `problem`.
template <class E, class F>
void check_throws(F f, const std::string& function, const std::string& problem) {
  try {
    f();
    BOOST_ERROR("expected an exception mentioning '" << problem << "'");
  } catch (const E& e) {
    std::string msg = e.what();
    BOOST_TEST_INFO("message: " << msg);
    BOOST_CHECK(msg.find(function) != std::string::npos);
    BOOST_CHECK(msg.find(problem) != std::string::npos);
  }
}

const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::vector<Series> loss_curve() {
  Series s{"loss", {}, {}};
  for (int i = 0; i < 50; ++i) s.y.push_back(2.0 * std::exp(-0.05 * i) + 0.05);
  return {s};
}

const std::vector<std::vector<double>> kPoints = {{-1, -1}, {1, 1}, {-1, 1}, {1, -1}};
const std::vector<double> kLabels = {-1, 1, -1, 1};
double score_x(double x, double) { return x; }

}  // namespace

BOOST_AUTO_TEST_SUITE(plot_test)

BOOST_FIXTURE_TEST_CASE(line_plot_has_the_requested_size, TempDir) {
  LinePlotOptions o;
  o.title = "training";
  o.width = 640;
  o.height = 360;
  plot_lines(file("loss.png"), loss_curve(), o);
  check_png(file("loss.png"), 640, 360);
  BOOST_CHECK_EQUAL(entries(), 1u);  // no temporary file left over
}

BOOST_FIXTURE_TEST_CASE(line_plot_odd_inputs_still_draw, TempDir) {
  LinePlotOptions log;
  log.log_y = true;
  plot_lines(file("log.png"), loss_curve(), log);
  check_png(file("log.png"), 800, 500);
  plot_lines(file("one.png"), {{"", {3.0}, {}}});  // one point, flat ranges
  check_png(file("one.png"), 800, 500);
  plot_lines(file("xy.png"), {{"a", {1, 1, 1}, {-5, 0, 1e7}}, {"b", {0, 2}, {}}});
  check_png(file("xy.png"), 800, 500);
  plot_lines(file("tiny.png"), loss_curve(), {"title", "step", "loss", false, 100, 100});
  check_png(file("tiny.png"), 100, 100);
}

BOOST_FIXTURE_TEST_CASE(line_plot_rejects_bad_input, TempDir) {
  std::string out = file("bad.png");
  auto lines = [&](std::vector<Series> s, LinePlotOptions o = {}) {
    return [=] { plot_lines(out, s, o); };
  };
  check_throws<std::invalid_argument>(lines({}), "plot_lines", "no series");
  check_throws<std::invalid_argument>(lines({{"loss", {}, {}}}), "plot_lines",
                                      "series 'loss' has no y values");
  check_throws<std::invalid_argument>(lines({{"loss", {1, 2, 3, 4}, {0, 1, 2}}}), "plot_lines",
                                      "series 'loss' has 3 x values and 4 y values");
  check_throws<std::invalid_argument>(lines({{"", {1, kNan}, {}}}), "plot_lines",
                                      "series 0 has a non-finite y at index 1");
  check_throws<std::invalid_argument>(lines({{"a", {1}, {}}, {"b", {1, kInf}, {}}}), "plot_lines",
                                      "series 'b' has a non-finite y");
  check_throws<std::invalid_argument>(lines({{"a", {1, 2}, {0, -kInf}}}), "plot_lines",
                                      "non-finite x");
  check_throws<std::invalid_argument>(lines(loss_curve(), {"", "", "", false, 99, 500}),
                                      "plot_lines", "width 99");
  check_throws<std::invalid_argument>(lines(loss_curve(), {"", "", "", false, 800, 10001}),
                                      "plot_lines", "height 10001");
  LinePlotOptions log;
  log.log_y = true;
  check_throws<std::invalid_argument>(lines({{"loss", {1, 0}, {}}}, log), "plot_lines",
                                      "log_y needs y > 0, but series 'loss' has y = 0 at index 1");
  check_throws<std::invalid_argument>(lines({{"loss", {-2}, {}}}, log), "plot_lines", "y = -2");
  check_throws<std::invalid_argument>(lines({{"big", {-1e308, 1e308}, {}}}), "plot_lines", "range");
  BOOST_CHECK_EQUAL(entries(), 0u);  // nothing written for bad input
}

BOOST_FIXTURE_TEST_CASE(boundary_plot_has_the_requested_size, TempDir) {
  BoundaryPlotOptions o;
  o.title = "score = x";
  o.width = 300;
  o.height = 200;
  o.resolution = 2;
  plot_decision_boundary(file("b.png"), kPoints, kLabels, score_x, o);
  check_png(file("b.png"), 300, 200);
  o.margin = 0;
  plot_decision_boundary(file("one.png"), {{0.5, 0.5}}, {1}, score_x, o);  // a single point
  check_png(file("one.png"), 300, 200);
  BOOST_CHECK_EQUAL(entries(), 2u);
}

BOOST_FIXTURE_TEST_CASE(boundary_plot_rejects_bad_input, TempDir) {
  std::string out = file("bad.png");
  const std::string fn = "plot_decision_boundary";
  auto boundary = [&](std::vector<std::vector<double>> p, std::vector<double> l,
                      BoundaryPlotOptions o = {},
                      std::function<double(double, double)> s = score_x) {
    return [=] { plot_decision_boundary(out, p, l, s, o); };
  };
  check_throws<std::invalid_argument>(boundary({}, {}), fn, "no points");
  check_throws<std::invalid_argument>(boundary(kPoints, {1, 1}), fn, "4 points but 2 labels");
  check_throws<std::invalid_argument>(boundary({{0, 0}, {1, 2, 3}}, {1, 1}), fn,
                                      "point 1 has 3 values, not 2");
  check_throws<std::invalid_argument>(boundary({{0}}, {1}), fn, "point 0 has 1 values");
  check_throws<std::invalid_argument>(boundary({{0, kNan}}, {1}), fn,
                                      "point 0 has a non-finite coordinate");
  check_throws<std::invalid_argument>(boundary({{0, 0}}, {kInf}), fn, "label 0 is not finite");
  BoundaryPlotOptions o;
  o.resolution = 1;
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, o), fn, "resolution 1");
  o.resolution = 2001;
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, o), fn, "resolution 2001");
  o = {};
  o.width = 50;
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, o), fn, "width 50");
  o = {};
  o.margin = -1;
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, o), fn, "margin -1");
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, {}, nullptr), fn,
                                      "no score function");
  auto nan_right = [](double x, double) { return x > 0.5 ? kNan : x; };
  check_throws<std::invalid_argument>(boundary(kPoints, kLabels, {}, nan_right), fn,
                                      "is not finite");
  BOOST_CHECK_EQUAL(entries(), 0u);
}

BOOST_FIXTURE_TEST_CASE(unwritable_path_names_it_and_leaves_nothing, TempDir) {
  std::string missing = file("no_such_dir/loss.png");
  check_throws<std::runtime_error>([&] { plot_lines(missing, loss_curve()); }, "plot_lines",
                                   missing);
  check_throws<std::runtime_error>(
      [&] { plot_decision_boundary(missing, kPoints, kLabels, score_x); }, "plot_decision_boundary",
      missing);
  BOOST_CHECK(!fs::exists(missing));
  BOOST_CHECK_EQUAL(entries(), 0u);
}

BOOST_FIXTURE_TEST_CASE(a_throwing_score_leaves_nothing, TempDir) {
  auto failing = [](double, double) -> double { throw std::runtime_error("model broke"); };
  BOOST_CHECK_THROW(plot_decision_boundary(file("b.png"), kPoints, kLabels, failing),
                    std::runtime_error);
  BOOST_CHECK_EQUAL(entries(), 0u);
}

BOOST_FIXTURE_TEST_CASE(writing_over_a_file_replaces_it, TempDir) {
  std::string out = file("loss.png");
  std::ofstream(out) << "not a picture";
  plot_lines(out, loss_curve(), {"", "step", "", false, 400, 300});
  check_png(out, 400, 300);
  plot_decision_boundary(out, kPoints, kLabels, score_x, {"", 200, 150, 20, 0.25});
  check_png(out, 200, 150);
  BOOST_CHECK_EQUAL(entries(), 1u);
}

BOOST_FIXTURE_TEST_CASE(boundary_colours_follow_the_sign_of_the_score, TempDir) {
  std::string out = file("b.png");
  const int w = 400, h = 300;
  plot_decision_boundary(out, kPoints, kLabels, score_x, {"score = x", w, h, 50, 0.5});
  Png png(out);
  Rgb left = png.at(w / 4, h / 2), right = png.at(3 * w / 4, h / 2);
  BOOST_TEST_INFO("left " << left.r << "," << left.g << "," << left.b);
  BOOST_CHECK_GT(left.r, left.b + 40);  // score <= 0: red/orange
  BOOST_TEST_INFO("right " << right.r << "," << right.g << "," << right.b);
  BOOST_CHECK_GT(right.b, right.r + 40);  // score > 0: blue
  bool dark_line = false;                 // the zero line crosses the middle row near the centre
  for (int x = 2 * w / 5; x < 3 * w / 5; ++x) {
    Rgb p = png.at(x, h / 2);
    dark_line = dark_line || (p.r < 90 && p.g < 90 && p.b < 90);
  }
  BOOST_CHECK(dark_line);
}

BOOST_FIXTURE_TEST_CASE(each_series_gets_its_own_colour, TempDir) {
  std::string out = file("two.png");
  plot_lines(out, {{"a", {0, 1}, {}}, {"b", {1, 0}, {}}}, {"", "", "", false, 200, 200});
  Png png(out);
  int blue = 0, orange = 0;
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 200; ++x) {
      Rgb p = png.at(x, y);
      blue += p.b > 150 && p.r < 80;
      orange += p.r > 200 && p.g > 90 && p.g < 160 && p.b < 60;
    }
  }
  BOOST_CHECK_GT(blue, 50);
  BOOST_CHECK_GT(orange, 50);
}

BOOST_FIXTURE_TEST_CASE(image_grid_draws_ink_where_the_pixels_are_one, TempDir) {
  // Two 2x2 images: the first has ink top-left only, the second everywhere.
  gradlab::Tensor images = gradlab::tensor({1, 0, 0, 0, 1, 1, 1, 1}, {2, 2, 2});
  std::string out = file("digits.png");
  plot_images(out, images, {"7 -> 9", "1 -> 1"}, {"", 10, 10});
  // Each cell: 6 px padding, 20 px image, 6 px padding; 16 px for the caption.
  check_png(out, 2 * 32, 32 + 16);
  Png png(out);
  Rgb ink = png.at(6 + 5, 6 + 5), paper = png.at(6 + 15, 6 + 15), second = png.at(32 + 6 + 15, 6 + 15);
  BOOST_CHECK(ink.r < 20 && ink.g < 20);
  BOOST_CHECK(paper.r > 235 && paper.b > 235);
  BOOST_CHECK(second.r < 20);
  check_throws<std::invalid_argument>([&] { plot_images(out, gradlab::ones({4, 4}), {}); }, "plot_images",
                                      "must have shape (N, H, W) with N >= 1, got [4, 4]");
  check_throws<std::invalid_argument>([&] { plot_images(out, images, {"one"}); }, "plot_images",
                                      "1 captions for 2 images");
  check_throws<std::invalid_argument>([&] { plot_images(out, images * 2.0, {}); }, "plot_images",
                                      "pixel values must be in [0, 1]");
}

BOOST_FIXTURE_TEST_CASE(heat_maps_colour_by_value_and_leave_masked_cells_empty, TempDir) {
  // Two 2x2 maps of 20 px cells side by side: 1 is dark blue, 0 white, -inf hatched.
  double inf = INFINITY;
  gradlab::Tensor maps = gradlab::tensor({1, 0, 0.5, -inf, 0, 0, 0, 1}, {2, 2, 2});
  std::string out = file("attention.png");
  plot_heatmaps(out, maps, {}, {}, {}, {.columns = 2, .cell = 20});
  // Each map: 28 px for row labels, 40 px of cells, 14 px gap; 14 px margin;
  // 8 px top, 6 px caption, 28 px for the column labels.
  check_png(out, 14 + 2 * 82, 8 + 88);
  Png png(out);
  Rgb one = png.at(42 + 10, 42 + 10), zero = png.at(42 + 30, 42 + 10), half = png.at(42 + 10, 42 + 30);
  // The colour map every heat map shares (viz/colormap.hpp): 1 is dark blue
  // (8, 48, 107), 0 the map's white (247, 250, 255).
  BOOST_CHECK(one.b > 90 && one.r < 40 && one.b > one.g + 40);
  BOOST_CHECK(zero.r > 240 && zero.g > 240 && zero.b > 250);
  BOOST_CHECK(half.r > one.r + 50 && half.r < zero.r - 50);  // between the two
  int blue = 0;
  for (int y = 42 + 21; y < 42 + 39; ++y)
    for (int x = 42 + 21; x < 42 + 39; ++x) blue += png.at(x, y).b > png.at(x, y).r + 30;
  BOOST_CHECK_EQUAL(blue, 0);  // the masked cell is not coloured
  Rgb second = png.at(14 + 82 + 28 + 30, 42 + 30);  // the second map's (1, 1) is 1
  BOOST_CHECK(second.b > 90 && second.r < 40);
  // A scale that spans 0 is blue-white-red: -1 blue, 0 white, 1 red.
  plot_heatmaps(out, gradlab::tensor({-1, 0, 1, 0.5}, {1, 2, 2}), {}, {}, {}, {.cell = 20, .low = -1, .high = 1});
  Png signs(out);
  Rgb minus = signs.at(42 + 10, 42 + 10), nought = signs.at(42 + 30, 42 + 10), plus = signs.at(42 + 10, 42 + 30);
  BOOST_CHECK(minus.b > minus.r + 60);
  BOOST_CHECK(nought.r > 240 && nought.g > 240 && nought.b > 240);
  BOOST_CHECK(plus.r > plus.b + 60);
  // Titles and labels, values written in: a bigger picture, no error.
  plot_heatmaps(out, maps.select(0, 0), {"head 0"}, {"the", "cat"}, {"the", "cat"}, {.show_values = true});
  check_throws<std::invalid_argument>([&] { plot_heatmaps(out, gradlab::ones({4})); }, "plot_heatmaps",
                                      "maps must have shape (R, C) or (K, R, C) with no empty dim, got [4]");
  check_throws<std::invalid_argument>([&] { plot_heatmaps(out, maps, {"one"}); }, "plot_heatmaps",
                                      "1 titles for 2 maps");
  check_throws<std::invalid_argument>([&] { plot_heatmaps(out, maps, {}, {"a"}); }, "plot_heatmaps",
                                      "1 row labels for 2 rows");
  check_throws<std::invalid_argument>([&] { plot_heatmaps(out, maps * inf); }, "plot_heatmaps",
                                      "values must be finite or -inf");
}

BOOST_AUTO_TEST_SUITE_END()
