// SPDX-License-Identifier: MIT
// The playground (web/, written to out/site/ by `make site`) in a real
// browser, headless chromium from file://: 20 expressions opened by address
// give the gradients `gradlab grad` prints; typing an expression and stepping
// backward through every node; an invalid one shows the command's error;
// the Train panel reaches 100 % on the moons; the targets (size, first graph,
// 100 training steps); no request leaves the page and no console error.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "headless_browser.hpp"

namespace fs = std::filesystem;
using gradlab::testing::HeadlessBrowser;
using json = nlohmann::json;

namespace {

const fs::path kSite = GRADLAB_SITE_DIR;

std::string page_url() {
  return "file://" + (kSite / "playground.html").string();
}

// %XX for every byte but letters, digits and -_.~, as encodeURIComponent.
std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(static_cast<char>(c));
    else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string g6(double x) {
  char text[40];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

// Runs the command; its standard output (and error, with 2>&1 in it).
std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(p);
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, p)) > 0;) out.append(chunk, n);
  ::pclose(p);
  return out;
}

std::string quoted(const std::string& s) {  // for the shell, in single quotes
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Waits (up to 20 s) until the JavaScript condition holds in the page.
void wait_until(HeadlessBrowser& browser, const std::string& condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (browser.evaluate("!!(" + condition + ")") != true) {
    if (std::chrono::steady_clock::now() > deadline)
      BOOST_FAIL("the page never reached: " + condition);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Requests other than the site's own files, console errors, exceptions.
std::vector<std::string> problems(const HeadlessBrowser& browser) {
  std::vector<std::string> found;
  const std::string own = "file://" + kSite.string() + "/";
  for (const json& e : browser.events()) {
    const std::string method = e["method"];
    const json& p = e["params"];
    if (method == "Network.requestWillBeSent") {
      std::string url = p["request"]["url"];
      if (url.rfind(own, 0) != 0 && url.rfind("data:", 0) != 0)
        found.push_back("request to " + url);
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

struct Case {
  std::string expression;
  std::vector<std::pair<std::string, std::string>> values;
};

// Every function and operator of the grammar, used twice, nested, constants.
const std::vector<Case> kCases = {
    {"tanh(x*w + b)", {{"x", "2"}, {"w", "-3"}, {"b", "6.8813735870195432"}}},
    {"x*y + sin(x)", {{"x", "1"}, {"y", "2"}}},
    {"x^2", {{"x", "0.5"}}},
    {"x*x*x - 2*x", {{"x", "-1.25"}}},
    {"exp(a) / (1 + exp(a))", {{"a", "0.3"}}},
    {"log(x) + sqrt(y)", {{"x", "2.5"}, {"y", "9"}}},
    {"relu(x - 1) + relu(1 - x)", {{"x", "0.25"}}},
    {"sigmoid(w*x + b)", {{"w", "-1"}, {"x", "0.5"}, {"b", "0.1"}}},
    {"cos(t)^2 + sin(t)^2", {{"t", "1.2"}}},
    {"2^x", {{"x", "3"}}},
    {"x^y", {{"x", "1.5"}, {"y", "2.5"}}},
    {"-x^2 + 3*x", {{"x", "4"}}},
    {"(a + b) * (a - b)", {{"a", "3"}, {"b", "-2"}}},
    {"a / b / c", {{"a", "1"}, {"b", "2"}, {"c", "4"}}},
    {"tanh(tanh(tanh(x)))", {{"x", "0.7"}}},
    {"x*y*z + x*y + x", {{"x", "0.1"}, {"y", "-0.2"}, {"z", "0.3"}}},
    {"exp(-x^2 / 2)", {{"x", "1"}}},
    {"log(1 + exp(x))", {{"x", "-2"}}},
    {"sqrt(x*x + y*y)", {{"x", "3"}, {"y", "4"}}},
    {"1e-3 * k * k + .5 * k", {{"k", "10"}}},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(playground_page_test)

BOOST_AUTO_TEST_CASE(the_site_is_there_and_small_enough) {
  BOOST_REQUIRE_MESSAGE(fs::exists(kSite / "playground.html"),
                        kSite.string() + ": no playground (make site writes it)");
  std::uintmax_t bytes = 0;
  for (const char* file : {"playground.html", "playground.css", "playground.js", "train.js",
                           "gradlab.js", "viz-global.js"})
    bytes += fs::file_size(kSite / file);
  BOOST_TEST_MESSAGE("playground: page, WebAssembly and Graphviz " << bytes << " bytes");
  BOOST_TEST(bytes <= 3u * 1024 * 1024);
}

BOOST_AUTO_TEST_CASE(twenty_expressions_by_address_give_gradlab_grads_numbers) {
  BOOST_REQUIRE(kCases.size() == 20u);
  HeadlessBrowser browser;
  for (const Case& c : kCases) {
    BOOST_TEST_CONTEXT(c.expression) {
      std::string hash = "#expr=" + url_encode(c.expression),
                  command = std::string(GRADLAB_CLI) + " grad --json " + quoted(c.expression);
      for (auto& [name, value] : c.values) {
        hash += "&" + name + "=" + value;
        command += " " + name + "=" + value;
      }
      json native = json::parse(run(command));
      browser.open(page_url() + hash);
      wait_until(browser, "document.querySelector('output[data-value]').textContent !== ''");
      BOOST_TEST(browser.evaluate("document.querySelector('output[data-value]').textContent") ==
                 g6(native["value"].get<double>()));
      for (auto& [name, value] : c.values)
        BOOST_TEST(browser.evaluate("document.querySelector('output[data-grad=\"" + name +
                                    "\"]').textContent") == g6(native["grad"][name].get<double>()),
                   "d/d" << name);
      BOOST_TEST(browser.evaluate("document.querySelectorAll('output[data-grad]').length") ==
                 c.values.size());
      BOOST_TEST(problems(browser) == std::vector<std::string>{});
    }
  }
}

BOOST_AUTO_TEST_CASE(typing_an_expression_then_stepping_backward_through_every_node) {
  HeadlessBrowser browser;
  double load_ms = browser.open(page_url());
  wait_until(browser, "performance.getEntriesByName('gradlab-first-graph').length > 0");
  double first_graph =
      browser.evaluate("performance.getEntriesByName('gradlab-first-graph')[0].startTime");
  BOOST_TEST_MESSAGE("playground: load event ends at "
                     << load_ms << " ms, first graph drawn at " << first_graph << " ms ("
                     << first_graph - load_ms << " ms after the load)");
  BOOST_TEST(first_graph - load_ms <= 1000.0);

  // Typed as a learner types: the field emptied, then the text inserted.
  browser.evaluate(
      "(() => { const e = document.getElementById('expr'); e.focus(); e.select(); })()");
  browser.page("Input.insertText", {{"text", "a*b + a"}});
  wait_until(browser, "document.querySelector('output[data-grad=\"b\"]') !== null");
  BOOST_TEST(browser.evaluate("document.getElementById('expr').value") == "a*b + a");
  // a = b = 1 by default: d/da = b + 1 = 2, d/db = a = 1.
  BOOST_TEST(browser.evaluate("document.querySelector('output[data-grad=\"a\"]').textContent") ==
             "2");
  BOOST_TEST(browser.evaluate("document.querySelector('output[data-grad=\"b\"]').textContent") ==
             "1");
  BOOST_TEST(browser.evaluate("document.getElementById('counter').textContent") == "step 3 of 3");

  // Step from the finished graph: the forward pass (every gradient 0), then
  // one node a step, highlighted, with its tape rows, to the end; Back returns.
  auto look = [&] {
    return browser.evaluate(R"((() => {
      const svg = document.querySelector('#graph svg');
      const red = [...svg.querySelectorAll('g.node')].filter((g) => g.querySelector('[stroke="#d01010"]'))
                    .map((g) => g.querySelector('title').textContent).sort().join(' ');
      const rows = [...document.querySelectorAll('#tape:not([hidden]) tbody tr')].map((r) => r.textContent);
      return { counter: document.getElementById('counter').textContent, red, rows, text: svg.textContent,
               hash: location.hash };
    })())");
  };
  browser.evaluate("document.getElementById('step').click()");
  json forward = look();
  BOOST_TEST(forward["counter"] == "step 0 of 3");
  BOOST_TEST(forward["red"] == "");
  BOOST_TEST(forward["text"].get<std::string>().find("grad 1.0000") == std::string::npos);
  BOOST_TEST(forward["hash"].get<std::string>().ends_with("&step=0"));
  std::vector<json> seen{forward};
  for (int k = 1; k <= 3; ++k) {
    browser.evaluate("document.getElementById('step').click()");
    seen.push_back(look());
    BOOST_TEST(seen[k]["counter"] == "step " + std::to_string(k) + " of 3");
    BOOST_TEST(seen[k]["text"] != seen[k - 1]["text"]);
  }
  BOOST_TEST(seen[1]["red"] == "v3 v3_op");  // the sum first: + (a*b, a)
  BOOST_TEST(seen[1]["rows"].size() == 2u);  // two operands
  BOOST_TEST(seen[2]["red"] == "v2 v2_op");  // then a*b
  BOOST_TEST(seen[2]["rows"][0].get<std::string>().starts_with("v2*1.0000a1.00001.00002.0000"));
  BOOST_TEST(seen[3]["red"] == "");  // done
  BOOST_TEST(seen[3]["rows"].empty());
  for (int k = 2; k >= 0; --k) {
    browser.evaluate("document.getElementById('back').click()");
    BOOST_TEST(look()["text"] == seen[k]["text"]);
  }
  // Hovering a node: its value, gradient and local derivatives.
  json hover = browser.evaluate(R"((() => {
    const g = [...document.querySelectorAll('#graph g.node')].find((n) => n.querySelector('title').textContent === 'v2');
    g.dispatchEvent(new MouseEvent('mouseenter', { clientX: 10, clientY: 10 }));
    const box = document.getElementById('hover');
    return { shown: !box.hidden, text: box.textContent };
  })())");
  BOOST_TEST(hover["shown"] == true);
  BOOST_TEST(
      hover["text"] ==
      "v2 = *(…)\nvalue 1.0000\ngradient 0.0000\n∂v2/∂a = 1.0000\n∂v2/∂b = 1.0000");  // the forward
                                                                                      // frame's
  browser.evaluate(
      "document.getElementById('step').click()");  // after the sum's step, v2's gradient is 1
  BOOST_TEST(browser.evaluate(R"((() => {
    const g = [...document.querySelectorAll('#graph g.node')].find((n) => n.querySelector('title').textContent === 'v2');
    g.dispatchEvent(new MouseEvent('mouseenter'));
    return document.getElementById('hover').textContent.split('\n')[2];
  })())") == "gradient 1.0000");
  browser.evaluate("document.getElementById('back').click()");
  // The address holds the moment: opening it shows the same frame.
  std::string hash = look()["hash"];
  browser.open(page_url() + hash);
  wait_until(browser, "document.querySelector('#graph svg') !== null");
  BOOST_TEST(look()["text"] == seen[0]["text"]);
  browser.open(page_url() + "#expr=a*b%20%2B%20a&a=1&b=1&step=2");
  wait_until(browser, "document.querySelector('#graph svg') !== null");
  BOOST_TEST(look()["red"] == "v2 v2_op");
  BOOST_TEST(problems(browser) == std::vector<std::string>{});
}

BOOST_AUTO_TEST_CASE(an_invalid_expression_shows_the_commands_error_where_it_is) {
  HeadlessBrowser browser;
  browser.open(page_url() + "#expr=" + url_encode("x + * y"));
  wait_until(browser, "!document.getElementById('expr-error').hidden");
  std::string shown = browser.evaluate("document.getElementById('expr-error').textContent");
  // What the command prints on stderr, after its "gradlab: ".
  std::string native = run(std::string(GRADLAB_CLI) + " grad 'x + * y' 2>&1");
  std::string message =
      native.substr(native.find(": ") + 2, native.find('\n') - native.find(": ") - 2);
  BOOST_TEST(message == "expected a number, a name or '(' but found '*' at position 5");
  BOOST_TEST(shown == "  x + * y\n      ^\n" + message);
  BOOST_TEST(browser.evaluate("document.querySelector('output[data-value]').textContent") == "");
  BOOST_TEST(browser.evaluate("document.querySelectorAll('output[data-grad]').length") == 0);
  BOOST_TEST(browser.evaluate("document.getElementById('step').disabled") == true);
  // Typing an expression again takes the error away.
  browser.evaluate(
      "(() => { const e = document.getElementById('expr'); e.focus(); e.select(); })()");
  browser.page("Input.insertText", {{"text", "x*2"}});
  wait_until(browser, "document.getElementById('expr-error').hidden");
  BOOST_TEST(browser.evaluate("document.querySelector('output[data-grad=\"x\"]').textContent") ==
             "2");
  BOOST_TEST(browser.evaluate("document.getElementById('step').disabled") == false);
  // A value that cannot be computed is said too, and the page goes on.
  browser.open(page_url() + "#expr=log(x)&x=-1");
  wait_until(browser, "!document.getElementById('expr-error').hidden");
  std::string domain = browser.evaluate("document.getElementById('expr-error').textContent");
  BOOST_TEST(domain.find("log") != std::string::npos);
  BOOST_TEST(problems(browser) == std::vector<std::string>{});
}

BOOST_AUTO_TEST_CASE(the_train_panel_reaches_100_percent_on_the_moons) {
  HeadlessBrowser browser;
  browser.open(page_url() +
               "#panel=train&data=moons&width=16&depth=2&act=relu&lr=0.1&batch=100&seed=1&step=0");
  wait_until(browser, "document.getElementById('train-accuracy').textContent !== ''");
  json timing = browser.evaluate("timeTraining(100)");
  BOOST_TEST_MESSAGE("playground: 100 steps of Net(2, [16, 16, 1]) on 100 moons in " << timing["ms"]
                                                                                     << " ms");
  BOOST_TEST(timing["ms"].get<double>() <= 1000.0);
  browser.evaluate("document.getElementById('play').click()");
  wait_until(browser, "document.getElementById('train-accuracy').textContent === '100 %'");
  browser.evaluate("document.getElementById('play').click()");  // pause
  int steps = std::stoi(
      browser.evaluate("document.getElementById('train-step').textContent").get<std::string>());
  BOOST_TEST_MESSAGE("playground: the moons shown at 100 %, paused at step " << steps);
  std::string hash = browser.evaluate("location.hash");
  BOOST_TEST(hash.find("&step=" + std::to_string(steps)) != std::string::npos);
  // A neuron's weights and gradients, and its graph, on a click.
  browser.evaluate(
      "document.querySelector('#network circle.neuron').dispatchEvent(new MouseEvent('click'))");
  BOOST_TEST(browser.evaluate("document.querySelectorAll('#neuron-table tbody tr').length") ==
             3);  // w0, w1, bias
  browser.evaluate("document.getElementById('neuron-graph-button').click()");
  BOOST_TEST(browser.evaluate(
                 "document.querySelector('#neuron-graph svg').textContent.includes('w1')") == true);
  // The address gives the same net back.
  // (A frame may have stepped on between 100 % and the pause: what is on
  // screen at the pause is what the address must give back.)
  std::string loss = browser.evaluate("document.getElementById('train-loss').textContent");
  std::string accuracy = browser.evaluate("document.getElementById('train-accuracy').textContent");
  browser.open(page_url() + hash);
  wait_until(browser, "document.getElementById('train-accuracy').textContent !== ''");
  BOOST_TEST(browser.evaluate("document.getElementById('train-loss').textContent") == loss);
  BOOST_TEST(browser.evaluate("document.getElementById('train-accuracy').textContent") == accuracy);
  BOOST_TEST(problems(browser) == std::vector<std::string>{});
}

BOOST_AUTO_TEST_SUITE_END()
