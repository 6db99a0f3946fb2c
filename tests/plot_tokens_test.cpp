// SPDX-License-Identifier: MIT
// viz::plot_tokens (viz/plot_tokens.cpp): the tokens of a text as coloured
// boxes. Where the first box lands and its colour, neighbours in different
// colours, wrapping onto more lines, bytes that are not UTF-8, and every
// input check.
#include <boost/test/unit_test.hpp>

#include <cairo.h>

#include <filesystem>

#include <gradlab/viz/plot.hpp>

#include "test_helpers.hpp"

namespace viz = gradlab::viz;
using gradlab::testing::error_of;

namespace {

struct Rgb {
  int r, g, b;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

Rgb pixel(const std::string& path, int x, int y) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  BOOST_REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  const unsigned char* row = cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s);
  std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
  cairo_surface_destroy(s);
  return {int(p >> 16 & 0xff), int(p >> 8 & 0xff), int(p & 0xff)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plot_tokens_test)

BOOST_AUTO_TEST_CASE(tokens_are_coloured_boxes) {
  gradlab::testing::TempDir dir("plot_tokens_test");
  // No title, no caption: the first box's top left corner is at (16, 16).
  std::string f = dir.file("one.png");
  viz::plot_tokens(f, {{"", {"Hello", " world", "!"}, {15496, 995, 0}}}, {.width = 400});
  auto [w, h] = gradlab::testing::png_size(f);
  BOOST_TEST(w == 400u);
  BOOST_TEST(h == 16u + 36u + 16u);  // margin, one line of boxes, margin
  const Rgb first = pixel(f, 18, 18);
  BOOST_TEST(first.b > 240);  // pale blue
  BOOST_TEST(first.r < 210);
  BOOST_TEST(pixel(f, 10, 30).r == 255);  // the margin is white
  // The second box starts after the first: find a pixel of another colour on its row.
  bool other = false;
  for (int x = 20; x < 300 && !other; ++x) {
    const Rgb p = pixel(f, x, 18);
    other = p.r > 240 && p.b < 200;  // the second colour: pale orange
  }
  BOOST_TEST(other);
}

BOOST_AUTO_TEST_CASE(rows_and_wrapping_make_it_taller) {
  gradlab::testing::TempDir dir("plot_tokens_test");
  std::vector<std::string> many(40, "token");
  std::string wide = dir.file("wide.png"), narrow = dir.file("narrow.png"), two = dir.file("two.png");
  viz::plot_tokens(wide, {{"a caption", many, {}}}, {.title = "a title", .width = 3000});
  viz::plot_tokens(narrow, {{"a caption", many, {}}}, {.title = "a title", .width = 300});
  viz::plot_tokens(two, {{"one", many, {}}, {"two", many, {}}}, {.title = "a title", .width = 3000});
  const unsigned h_wide = gradlab::testing::png_size(wide).second, h_narrow = gradlab::testing::png_size(narrow).second,
                 h_two = gradlab::testing::png_size(two).second;
  BOOST_TEST(h_narrow >= h_wide + 5u * (36u + 6u));  // 40 boxes of ~50 pixels need 7 lines of 300
  BOOST_TEST(h_two > h_wide + 36u);
  // Invisible characters and bytes that are not UTF-8 are drawn, not refused.
  viz::plot_tokens(dir.file("odd.png"), {{"", {" ", "\n", "\t", "\x01", "\xE2\x82", "\xFF", "caf\xC3\xA9"}, {}}});
  BOOST_TEST(std::filesystem::exists(dir.file("odd.png")));
}

BOOST_AUTO_TEST_CASE(input_is_checked) {
  gradlab::testing::TempDir dir("plot_tokens_test");
  std::string f = dir.file("x.png");
  BOOST_TEST(error_of([&] { viz::plot_tokens(f, {}); }) == "plot_tokens: no rows to draw");
  BOOST_TEST(error_of([&] { viz::plot_tokens(f, {{"a", {"x"}, {}}, {"b", {}, {}}}); }) == "plot_tokens: row 1 has no tokens");
  BOOST_TEST(error_of([&] { viz::plot_tokens(f, {{"a", {"x", "y"}, {1}}}); }) ==
             "plot_tokens: row 0 has 2 tokens and 1 ids; expected as many of each, or no ids");
  BOOST_TEST(error_of([&] { viz::plot_tokens(f, {{"a", {"x"}, {}}}, {.width = 100}); }) ==
             "plot_tokens: width 100 is outside [200, 10000] pixels");
  std::vector<std::string> lots(5000, "a longer token");
  BOOST_TEST(error_of([&] { viz::plot_tokens(f, {{"", lots, {}}}, {.width = 200}); }).find("more than 10000") !=
             std::string::npos);
  BOOST_TEST(!std::filesystem::exists(f));  // nothing written by a refused call
  BOOST_TEST(error_of<std::runtime_error>([&] { viz::plot_tokens(dir.file("no/such/dir.png"), {{"", {"x"}, {}}}); })
                 .find("no/such/dir.png") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
