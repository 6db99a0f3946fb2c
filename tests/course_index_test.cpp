// SPDX-License-Identifier: MIT
// viz/course_index.cpp: the course's index page as text (the browser test,
// course_page_test, opens the real one): every chapter in order with its
// link, its line and its picture inlined, nothing to fetch, every text
// escaped, a missing picture refused naming it; and a lesson page's links.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <gradlab/viz/course_index.hpp>
#include <gradlab/viz/lesson_page.hpp>

namespace fs = std::filesystem;
namespace viz = gradlab::viz;

BOOST_AUTO_TEST_SUITE(course_index_test)

BOOST_AUTO_TEST_CASE(every_chapter_in_order_with_its_link_line_and_picture) {
  fs::path png = fs::temp_directory_path() / "gradlab_course_index_test.png";
  std::ofstream(png, std::ios::binary) << "\x89PNG\r\n\x1a\n";  // its bytes are only copied
  std::string page = viz::course_index_page(
      "the <course>", {{"01", "A derivative", "f(x + h) & f(x)", "01_derivative/index.html", png.string()},
                       {"02", "A graph", "d = a·b + c", ""}},
      {{"1", "a sigmoid neuron", "01 A derivative"}});
  std::size_t first = page.find("data-number=\"01\""), second = page.find("data-number=\"02\"");
  BOOST_TEST(first != std::string::npos);
  BOOST_TEST(second > first);
  BOOST_TEST(page.find("<a href=\"01_derivative/index.html\">A derivative</a>") != std::string::npos);
  BOOST_TEST(page.find("A graph (no page yet)") != std::string::npos);  // no link to a page not written
  BOOST_TEST(page.find("src=\"data:image/png;base64,iVBORw0KGgo=\"") != std::string::npos);
  BOOST_TEST(page.find("the &lt;course&gt;") != std::string::npos);
  BOOST_TEST(page.find("f(x + h) &amp; f(x)") != std::string::npos);
  BOOST_TEST(page.find("default-src 'none'; img-src data:") != std::string::npos);
  BOOST_TEST(page.find("<script") == std::string::npos);
  BOOST_TEST(page.find("<td>a sigmoid neuron</td><td>01 A derivative</td>") != std::string::npos);
  fs::remove(png);
  BOOST_CHECK_EXCEPTION(viz::course_index_page("t", {{"01", "x", "y", "a.html", png.string()}}), std::runtime_error,
                        [&](const std::runtime_error& e) {
                          return std::string(e.what()).find(png.string()) != std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(a_lesson_page_links_its_index_and_neighbours) {
  std::string page = viz::lesson_page("02 A graph", {{.text = "one step"}},
                                      {{"../index.html", "the course"},
                                       {"../01_derivative/index.html", "01 A derivative"},
                                       {"../03_backprop_by_hand/index.html", "03 Backprop & more"}});
  BOOST_TEST(page.find("<a rel=\"prev\" href=\"../01_derivative/index.html\">← 01 A derivative</a>") !=
             std::string::npos);
  BOOST_TEST(page.find("<a rel=\"index\" href=\"../index.html\">the course</a>") != std::string::npos);
  BOOST_TEST(page.find("<a rel=\"next\" href=\"../03_backprop_by_hand/index.html\">03 Backprop &amp; more →</a>") !=
             std::string::npos);
  // Without links, no link line.
  BOOST_TEST(viz::lesson_page("t", {{.text = "x"}}).find("class=\"links\"") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
