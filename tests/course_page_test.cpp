// SPDX-License-Identifier: MIT
// The course as a learner opens it (headless chromium, from file://): the
// index (tutorials/course_index.cpp) lists every chapter of course.txt in
// order with its title and a picture, every link of the index and of every
// chapter's page resolves to a file that is there, each page links back to
// the index and to its neighbours, and no page fetches anything or logs an
// error. The pages are the ones the tutorial tests wrote (build/tests/course).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "course_table.hpp"
#include "headless_browser.hpp"

namespace fs = std::filesystem;
using gradlab::testing::HeadlessBrowser;
using json = nlohmann::json;

namespace {

const fs::path kCourse = GRADLAB_COURSE_DIR;

std::string file_url(const fs::path& p) { return "file://" + fs::absolute(p).lexically_normal().string(); }

// Requests other than the page itself (data: URIs are the page's own),
// exceptions, console and log errors.
std::vector<std::string> problems(const HeadlessBrowser& browser, const std::string& url) {
  std::vector<std::string> found;
  for (const json& e : browser.events()) {
    const std::string method = e["method"];
    const json& p = e["params"];
    if (method == "Network.requestWillBeSent") {
      std::string u = p["request"]["url"];
      if (u != url && u.rfind("data:", 0) != 0) found.push_back("request to " + u);
    } else if (method == "Runtime.exceptionThrown") {
      found.push_back("exception: " + p.dump());
    } else if ((method == "Runtime.consoleAPICalled" && p["type"] == "error") ||
               (method == "Log.entryAdded" && p["entry"]["level"] == "error")) {
      found.push_back("error: " + p.dump());
    }
  }
  return found;
}

// Every link of the page on screen: rel and href as written.
std::vector<std::pair<std::string, std::string>> links(HeadlessBrowser& browser) {
  json all = browser.evaluate("[...document.querySelectorAll('a[href]')].map(a => [a.rel, a.getAttribute('href')])");
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& l : all) out.emplace_back(l[0], l[1]);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(course_page_test)

BOOST_AUTO_TEST_CASE(the_index_lists_every_chapter_and_every_link_resolves) {
  HeadlessBrowser browser(1280, 900);
  const fs::path index = kCourse / "index.html";
  BOOST_REQUIRE_MESSAGE(fs::is_regular_file(index), index << " is missing: the course_index test writes it");
  browser.open(file_url(index));
  for (const std::string& p : problems(browser, file_url(index))) BOOST_ERROR("index.html: " << p);
  json listed = browser.evaluate(R"([...document.querySelectorAll('li.chapter')].map(li => ({
      number: li.dataset.number, title: li.querySelector('.title').textContent,
      href: li.querySelector('.title a') ? li.querySelector('.title a').getAttribute('href') : '',
      picture: !!li.querySelector('img[src^="data:image/png;base64,"]') })))");
  BOOST_REQUIRE_EQUAL(listed.size(), std::size(course::kChapters));
  for (std::size_t k = 0; k < listed.size(); ++k) {
    const course::Chapter& c = course::kChapters[k];
    BOOST_TEST(listed[k]["number"] == course::number(c));
    BOOST_TEST(listed[k]["title"] == std::string(c.title));
    BOOST_TEST(listed[k]["href"] == std::string(c.name) + "/index.html");
    BOOST_TEST(listed[k]["picture"] == true, "chapter " << c.name << " has a picture");
  }
  for (const auto& [rel, href] : links(browser))
    BOOST_TEST(fs::is_regular_file(kCourse / href), "the index links " << href << ", which is not there");
}

BOOST_AUTO_TEST_CASE(every_page_links_back_and_to_its_neighbours_and_fetches_nothing) {
  HeadlessBrowser browser(1280, 900);
  const std::size_t n = std::size(course::kChapters);
  for (std::size_t k = 0; k < n; ++k) {
    const course::Chapter& c = course::kChapters[k];
    const fs::path dir = kCourse / std::string(c.name), page = dir / "index.html";
    BOOST_REQUIRE_MESSAGE(fs::is_regular_file(page), page << " is missing: the chapter writes it");
    browser.open(file_url(page));
    for (const std::string& p : problems(browser, file_url(page))) BOOST_ERROR(c.name << ": " << p);
    std::string prev, next, index;
    for (const auto& [rel, href] : links(browser)) {
      BOOST_TEST(fs::is_regular_file(dir / href), c.name << " links " << href << ", which is not there");
      if (rel == "prev") prev = href;
      else if (rel == "next") next = href;
      else if (rel == "index") index = href;
    }
    BOOST_TEST(index == "../index.html", c.name);
    BOOST_TEST(prev == (k == 0 ? "" : "../" + std::string(course::kChapters[k - 1].name) + "/index.html"), c.name);
    BOOST_TEST(next == (k + 1 == n ? "" : "../" + std::string(course::kChapters[k + 1].name) + "/index.html"),
               c.name);
    std::string title = browser.evaluate("document.querySelector('h1').textContent");
    BOOST_TEST(title == course::number(c) + " " + std::string(c.title));
    BOOST_TEST(browser.evaluate("document.querySelectorAll('section.frame').length").get<int>() > 0, c.name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
