// SPDX-License-Identifier: MIT
// viz::plot_heatmap and viz::plot_scatter (viz/plot_heatmap.cpp,
// viz/plot_scatter.cpp): the labelled charts. Sizes, colours read back
// from the file where they are certain, and every input check.
#include <boost/test/unit_test.hpp>

#include <cairo.h>

#include <cmath>

#include <gradlab/tensor.hpp>
#include <gradlab/viz/plot.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace viz = gradlab::viz;
using gradlab::testing::error_of;

namespace {

struct Rgb {
  int r, g, b;
};

// The colour of pixel (x, y) of a PNG, read back through cairo.
Rgb pixel(const std::string& path, int x, int y) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  BOOST_REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  const unsigned char* row = cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s);
  std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
  cairo_surface_destroy(s);
  return {int(p >> 16 & 0xff), int(p >> 8 & 0xff), int(p & 0xff)};
}

// How many pixels are clearly blue (the scatter's discs).
int blue_pixels(const std::string& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  BOOST_REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  int n = 0, w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  for (int y = 0; y < h; ++y) {
    auto row = reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s));
    for (int x = 0; x < w; ++x) n += int(row[x] & 0xff) > int(row[x] >> 16 & 0xff) + 80;
  }
  cairo_surface_destroy(s);
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plot_heatmap_test)

BOOST_AUTO_TEST_CASE(cells_are_coloured_by_their_numbers) {
  gradlab::testing::TempDir dir("plot_heatmap_test");
  // No title and no labels: the map starts at (10, 10), 40 pixels a cell.
  std::string counts = dir.file("counts.png");
  viz::plot_heatmap(counts, gl::tensor({{0.0, 5.0}, {10.0, 2.0}}),
                    {.cell_labels = {"aa", "ab", "ba", "bb"}, .cell_size = 40});
  Rgb low = pixel(counts, 12, 12), high = pixel(counts, 12, 52);  // corners of cells (0, 0) and (1, 0)
  BOOST_TEST(low.r > 230);
  BOOST_TEST(low.b > 230);           // 0: white
  BOOST_TEST(high.r < 40);
  BOOST_TEST(high.b > high.r + 40);  // the largest: dark blue
  // Both signs: negative blue, positive red, 0 white.
  std::string signs = dir.file("signs.png");
  viz::plot_heatmap(signs, gl::tensor({{-1.0, 0.0, 1.0}}), {.show_values = false, .cell_size = 30});
  Rgb neg = pixel(signs, 12, 12), zero = pixel(signs, 42, 12), pos = pixel(signs, 72, 12);
  BOOST_TEST(neg.b > neg.r + 80);
  BOOST_TEST(pos.r > pos.b + 80);
  BOOST_TEST(zero.r > 230);
  // With a title, labels and a colour bar the picture is larger than the cells.
  std::string full = dir.file("full.png");
  viz::plot_heatmap(full, gl::tensor({{1.0, 2.0}, {3.0, 4.0}}),
                    {.title = "counts", .row_labels = {"a", "b"}, .col_labels = {"first", "second"},
                     .colorbar_label = "count", .cell_size = 50});
  auto [w, h] = gradlab::testing::png_size(full);
  BOOST_TEST(w > 100u + 40u);
  BOOST_TEST(h > 100u + 36u);
}

BOOST_AUTO_TEST_CASE(heatmap_input_is_checked) {
  gradlab::testing::TempDir dir("plot_heatmap_test");
  std::string f = dir.file("x.png");
  BOOST_TEST(error_of([&] { viz::plot_heatmap(f, gl::ones({2, 2, 2})); }) ==
             "plot_heatmap: values must be a non-empty (rows, columns) matrix, got shape [2, 2, 2]");
  BOOST_TEST(error_of([&] { viz::plot_heatmap(f, gl::ones({2, 3}), {.row_labels = {"a"}}); }) ==
             "plot_heatmap: 1 row labels for a 2x3 map (expected 2 or none)");
  BOOST_TEST(error_of([&] { viz::plot_heatmap(f, gl::ones({2, 3}), {.cell_labels = {"a", "b"}}); }) ==
             "plot_heatmap: 2 cell labels for a 2x3 map (expected 6 or none)");
  BOOST_TEST(error_of([&] { viz::plot_heatmap(f, gl::tensor({{1.0, NAN}})); }).find("values must be finite") !=
             std::string::npos);
  BOOST_TEST(error_of([&] { viz::plot_heatmap(f, gl::ones({300, 300}), {.cell_size = 40}); })
                 .find("use a smaller cell_size") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists(f));  // nothing written by a refused call
  BOOST_TEST(error_of<std::runtime_error>([&] { viz::plot_heatmap(dir.file("no/such/dir.png"), gl::ones({2, 2})); })
                 .find("no/such/dir.png") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(scatter_draws_a_labelled_disc_per_point) {
  gradlab::testing::TempDir dir("plot_heatmap_test");
  std::string f = dir.file("scatter.png");
  viz::plot_scatter(f, {0.0, 1.0, 2.0}, {1.0, -1.0, 0.5}, {"a", "b", "c"},
                    {.title = "letters", .x_label = "dim 0", .y_label = "dim 1", .width = 400, .height = 300});
  auto [w, h] = gradlab::testing::png_size(f);
  BOOST_TEST(w == 400u);
  BOOST_TEST(h == 300u);
  int three = blue_pixels(f);
  BOOST_TEST(three > 300);  // three discs of radius ~11
  viz::plot_scatter(f, {0.0}, {0.0}, {}, {.width = 400, .height = 300});  // one dot, no label
  BOOST_TEST(blue_pixels(f) < three / 3);
  BOOST_TEST(error_of([&] { viz::plot_scatter(f, {}, {}); }) == "plot_scatter: no points to plot");
  BOOST_TEST(error_of([&] { viz::plot_scatter(f, {1.0, 2.0}, {1.0}, {}); }) ==
             "plot_scatter: 2 x, 1 y and 0 labels; expected as many of each");
  BOOST_TEST(error_of([&] { viz::plot_scatter(f, {1.0}, {1.0}, {"a", "b"}); }) ==
             "plot_scatter: 1 x, 1 y and 2 labels; expected as many of each");
  BOOST_TEST(error_of([&] { viz::plot_scatter(f, {1.0, INFINITY}, {1.0, 2.0}); }) ==
             "plot_scatter: point 1 has a non-finite coordinate");
  BOOST_TEST(error_of([&] { viz::plot_scatter(f, {1.0}, {1.0}, {}, {.width = 50}); }) ==
             "plot_scatter: size 50 is outside [100, 10000] pixels");
}

BOOST_AUTO_TEST_SUITE_END()
