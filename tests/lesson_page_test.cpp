// SPDX-License-Identifier: MIT
// Lesson pages in a real browser (headless chromium, from file://): → through
// every step and ← back, the counter, the address, the highlighted node, the
// gradients changing on one layout, no request leaving the page, no console
// error, and a screenshot of a backward step showing the highlight colour.
// GRADLAB_PAGES (paths separated by ':') adds pages to load and time.
#include <boost/test/unit_test.hpp>

#include <cairo.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gradlab/engine.hpp>
#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/lesson_page.hpp>

#include "headless_browser.hpp"

namespace gl = gradlab;
namespace fs = std::filesystem;
using gl::Value;
using gl::testing::HeadlessBrowser;
using json = nlohmann::json;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_lesson_page_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// What a learner sees of the step on screen.
struct Seen {
  std::string counter, hash, highlight, text, layout, table;
  int shown;
};
Seen look(HeadlessBrowser& browser) {
  json s = browser.evaluate(R"((() => {
    const shown = document.querySelectorAll('section.frame:not([hidden])');
    const f = shown[0], svg = f.querySelector('svg');
    const nodes = svg ? [...svg.querySelectorAll('g.node')] : [];
    const name = (g) => g.querySelector('title').textContent;
    const red = nodes.filter((g) => g.querySelector('[stroke="#d01010"]')).map(name).sort();
    const where = (g) => { const s = g.querySelector('polygon, ellipse');
      return name(g) + '@' + (s.getAttribute('points') || s.getAttribute('cx') + ',' + s.getAttribute('cy')); };
    return { counter: document.getElementById('counter').textContent, hash: location.hash,
             shown: shown.length, highlight: red.join(' '), text: svg ? svg.textContent : '',
             layout: nodes.map(where).join(' '), table: f.querySelector('table') ? f.querySelector('table').textContent : '' };
  })())");
  return {s["counter"], s["hash"], s["highlight"], s["text"], s["layout"], s["table"], s["shown"]};
}

// The problems the page caused: requests other than itself, console errors,
// uncaught exceptions.
std::vector<std::string> problems(const HeadlessBrowser& browser, const std::string& page_url) {
  std::vector<std::string> found;
  for (const json& e : browser.events()) {
    const std::string method = e["method"];
    const json& p = e["params"];
    if (method == "Network.requestWillBeSent") {
      std::string url = p["request"]["url"];
      if (url != page_url && url.rfind("data:", 0) != 0) found.push_back("request to " + url);
    } else if (method == "Runtime.exceptionThrown") {
      found.push_back("exception: " + p.dump());
    } else if (method == "Runtime.consoleAPICalled" && p["type"] == "error") {
      found.push_back("console error: " + p.dump());
    } else if (method == "Log.entryAdded" && p["entry"]["level"] == "error") {
      found.push_back("log error: " + p["entry"].dump());
    }
  }
  return found;
}

// How many pixels of the PNG are the highlight colour (#d01010, give or
// take antialiasing's blending at the stroke's middle).
int highlight_pixels(const std::string& png) {
  struct Reader {
    const std::string* bytes;
    std::size_t at = 0;
  } reader{&png};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* data, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->at + length > r->bytes->size()) return CAIRO_STATUS_READ_ERROR;
        std::copy_n(r->bytes->data() + r->at, length, data);
        r->at += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  int count = -1;
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
    count = 0;
    const int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const unsigned char* data = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const unsigned char* px = data + y * stride + 4 * x;  // B G R A
        if (std::abs(px[2] - 0xd0) <= 24 && px[1] <= 48 && px[0] <= 48) ++count;
      }
  }
  cairo_surface_destroy(s);
  return count;
}

std::string file_url(const fs::path& p) { return "file://" + fs::absolute(p).string(); }

// Presses → through every step and ← back to the first, checking what is
// on screen each time; `highlights[k]` is what step k should highlight ("" for
// none). Returns the steps as seen going forward.
std::vector<Seen> step_through(HeadlessBrowser& browser, const std::vector<std::string>& highlights) {
  const std::size_t n = highlights.size();
  const std::string of = " of " + std::to_string(n);
  std::vector<Seen> seen{look(browser)};
  BOOST_TEST(seen[0].counter == "step 1" + of);
  for (std::size_t k = 1; k < n; ++k) {
    browser.press("ArrowRight", 39);
    seen.push_back(look(browser));
    BOOST_TEST(seen[k].counter == "step " + std::to_string(k + 1) + of);
    BOOST_TEST(seen[k].hash == "#step-" + std::to_string(k + 1));
    BOOST_TEST(seen[k].shown == 1);
    BOOST_TEST(seen[k].highlight == highlights[k], "step " << k + 1);
  }
  browser.press("ArrowRight", 39);  // past the last step: it stays
  BOOST_TEST(look(browser).counter == "step " + std::to_string(n) + of);
  for (std::size_t k = n - 1; k-- > 0;) {
    browser.press("ArrowLeft", 37);
    Seen back = look(browser);
    BOOST_TEST(back.counter == "step " + std::to_string(k + 1) + of);
    BOOST_TEST(back.text == seen[k].text);  // the same picture as on the way forward
    BOOST_TEST(back.highlight == highlights[k]);
  }
  browser.press("ArrowLeft", 37);  // before the first: it stays
  BOOST_TEST(look(browser).hash == "#step-1");
  return seen;
}

// The names to_dot gives a node and its op (v<N>, v<N>_op), as the SVG
// titles them; N is the node's place in topological order.
std::string dot_name(const gl::Node& root, const gl::Node* n) {
  std::vector<const gl::Node*> order = gl::engine::topological_order(root);
  std::size_t i = std::find(order.begin(), order.end(), n) - order.begin();
  std::string v = std::string("v").append(std::to_string(i));
  return v + " " + v + "_op";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lesson_page_test)

BOOST_AUTO_TEST_CASE(a_lesson_page_steps_forward_and_back) {
  fs::path dir = fresh_dir("lesson");
  std::ostringstream out;
  gl::viz::Lesson lesson({.dir = dir.string(), .out = &out, .title = "a lesson"});
  Value a(2.0, "a"), b(-3.0, "b"), c(10.0, "c"), f(-2.0, "f");
  Value e = (a * b).set_label("e");
  Value d = (e + c).set_label("d");
  Value L = (d * f).set_label("L");
  lesson.step("the forward pass", L);
  std::vector<gl::viz::TapeStep> tape = lesson.backward(L);
  lesson.step("every gradient is known");
  std::string page = lesson.write_page();
  BOOST_TEST(page == (dir / "index.html").string());
  BOOST_TEST(fs::file_size(page) < 5'000'000u);

  std::vector<std::string> highlights{""};
  for (const auto& s : tape) highlights.push_back(dot_name(*L.node(), s.node));
  highlights.push_back("");  // the last step has no picture
  BOOST_TEST(highlights.size() == 5u);

  HeadlessBrowser browser;
  double ms = browser.open(file_url(page));
  BOOST_TEST_MESSAGE("lesson page: " << fs::file_size(page) << " bytes, loaded in " << ms << " ms");
  BOOST_TEST(ms < 1000.0);
  std::vector<Seen> seen = step_through(browser, highlights);
  // Backward: the gradient text changes from step to step, on one layout.
  for (std::size_t k = 2; k <= 3; ++k) {
    BOOST_TEST(seen[k].text != seen[k - 1].text);
    BOOST_TEST(seen[k].layout == seen[1].layout);
  }
  BOOST_TEST(seen[0].text.find("grad -2.0000") == std::string::npos);  // dL/dd not there yet...
  BOOST_TEST(seen[1].text.find("grad -2.0000") != std::string::npos);  // ...then L's step passes it
  BOOST_TEST(seen[2].text.find("grad 6.0000") == std::string::npos);   // dL/da = b·dL/de comes
  BOOST_TEST(seen[3].text.find("grad 6.0000") != std::string::npos);   // with the last step
  BOOST_TEST(seen[1].table.find("upstream") != std::string::npos);     // the tape as a table
  BOOST_TEST(seen[0].table.empty());
  BOOST_TEST(problems(browser, file_url(page)) == std::vector<std::string>{});

  // A link to one step opens at that step; a screenshot of it shows the highlight.
  browser.open(file_url(page) + "#step-3");
  BOOST_TEST(look(browser).counter == "step 3 of 5");
  BOOST_TEST(look(browser).highlight == highlights[2]);
  std::string png = browser.screenshot();
  std::ofstream(dir / "backward_step.png", std::ios::binary) << png;
  BOOST_TEST(highlight_pixels(png) > 100);
  browser.open(file_url(page) + "#step-1");
  BOOST_TEST(highlight_pixels(browser.screenshot()) == 0);  // the forward pass highlights nothing
}

BOOST_AUTO_TEST_CASE(a_gradlab_graph_page_steps_forward_and_back) {
  fs::path dir = fresh_dir("cli");
  fs::path page = dir / "neuron.html";
  std::string command = std::string(GRADLAB_CLI) + " graph 'tanh(x*w + b)' x=2 w=-3 b=6.8813735870195432 -o '" +
                        page.string() + "' > /dev/null";
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
  // The same graph here, to know the names of the nodes backward sweeps.
  Value x(2.0, "x"), w(-3.0, "w"), b(6.8813735870195432, "b");
  Value y = (x * w + b).tanh();
  std::vector<std::string> highlights{""};
  gl::viz::backward_with_tape(y, [&](const gl::viz::TapeStep& s) { highlights.push_back(dot_name(*y.node(), s.node)); });
  highlights.push_back("");
  BOOST_TEST(highlights.size() == 5u);  // forward, tanh, +, *, done

  HeadlessBrowser browser;
  double ms = browser.open(file_url(page));
  BOOST_TEST_MESSAGE("gradlab graph page: " << fs::file_size(page) << " bytes, loaded in " << ms << " ms");
  BOOST_TEST(ms < 1000.0);
  std::vector<Seen> seen = step_through(browser, highlights);
  for (std::size_t k = 1; k < seen.size(); ++k) {
    BOOST_TEST(seen[k].text != seen[k - 1].text);
    BOOST_TEST(seen[k].layout == seen[0].layout);  // every frame, forward included, on one layout
  }
  BOOST_TEST(seen[0].text.find("grad 0.0000") != std::string::npos);
  BOOST_TEST(seen[4].text.find("grad 0.5000") != std::string::npos);  // 1 - tanh² = 0.5
  BOOST_TEST(problems(browser, file_url(page)) == std::vector<std::string>{});
  browser.open(file_url(page) + "#step-2");
  std::string png = browser.screenshot();
  std::ofstream(dir / "backward_step.png", std::ios::binary) << png;
  BOOST_TEST(highlight_pixels(png) > 100);
}

// One escaper for every text on a page: a label that looks like an entity,
// a label with a byte that is not UTF-8, and a title with both read the same
// in the picture (SVG), the tape's table and the title, as typed, with the
// bad byte as U+FFFD everywhere.
BOOST_AUTO_TEST_CASE(a_label_reads_the_same_in_the_picture_the_table_and_the_title) {
  fs::path dir = fresh_dir("escaping");
  std::ostringstream out;
  gl::viz::Lesson lesson({.dir = dir.string(), .out = &out, .title = "&amp; <b> \xff"});
  Value a(2.0, "&amp;"), b(3.0, "bad \xff byte");
  Value y = (a * b).set_label("<y>");
  lesson.backward(y);
  std::string page = lesson.write_page();
  HeadlessBrowser browser;
  browser.open(file_url(page));
  json seen = browser.evaluate(R"((() => {
    const f = document.querySelector('section.frame:not([hidden])');
    return { title: document.title, h1: document.querySelector('h1').textContent,
             svg: [...f.querySelectorAll('svg text')].map((t) => t.textContent),
             table: [...f.querySelectorAll('table td')].map((t) => t.textContent) };
  })())");
  auto holds = [&](const char* where, const std::string& text) {
    for (const json& t : seen[where])
      if (t.get<std::string>() == text) return true;
    return false;
  };
  const std::string fffd = "\xef\xbf\xbd";
  BOOST_TEST(seen["title"].get<std::string>() == "&amp; <b> " + fffd);
  BOOST_TEST(seen["h1"].get<std::string>() == "&amp; <b> " + fffd);
  for (const char* where : {"svg", "table"}) {
    BOOST_TEST(holds(where, "&amp;"), where << ": " << seen[where].dump());
    BOOST_TEST(holds(where, "bad " + fffd + " byte"), where << ": " << seen[where].dump());
    BOOST_TEST(holds(where, "<y>"), where << ": " << seen[where].dump());
  }
  BOOST_TEST(problems(browser, file_url(page)) == std::vector<std::string>{});
}

// Pages named in GRADLAB_PAGES: each loads in under a second, under 5 MB,
// without errors (for measuring the course's own pages).
BOOST_AUTO_TEST_CASE(named_pages_load_quickly) {
  const char* list = std::getenv("GRADLAB_PAGES");
  if (!list) return;
  HeadlessBrowser browser;
  std::stringstream paths(list);
  for (std::string path; std::getline(paths, path, ':');) {
    double ms = browser.open(file_url(path));
    BOOST_TEST_MESSAGE(path << ": " << fs::file_size(path) << " bytes, loaded in " << ms << " ms");
    BOOST_TEST(ms < 1000.0, path);
    BOOST_TEST(fs::file_size(path) < 5'000'000u, path);
    BOOST_TEST(problems(browser, file_url(path)) == std::vector<std::string>{}, path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
