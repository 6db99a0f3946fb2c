// SPDX-License-Identifier: MIT
// Lessons: step numbering and pictures, pausing with Enter / b / q on a given
// input, the command line, checks, and backward one node at a time.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace fs = std::filesystem;
using gl::Value;
using gl::viz::Lesson;

namespace {
fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_lesson_test_" + name);
  fs::remove_all(dir);
  return dir;
}
bool is_png(const fs::path& p) { return gradlab::testing::png_size(p.string()).first > 0; }
}  // namespace

BOOST_AUTO_TEST_SUITE(lesson_test)

BOOST_AUTO_TEST_CASE(steps_are_numbered_and_pictures_written) {
  fs::path dir = fresh_dir("steps");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .out = &out});
  Value a(2.0, "a");
  Value b = (a * 3.0).set_label("b");
  lesson.step("just words");
  lesson.step("the graph", b);
  lesson.step("a plot", [](const std::string& png) { std::ofstream(png) << "not drawn"; });
  BOOST_TEST(lesson.steps() == 3);
  BOOST_TEST(!fs::exists(dir / "step_01.png"));  // a step without a picture
  BOOST_TEST(is_png(dir / "step_02.png"));
  BOOST_TEST(fs::exists(dir / "step_03.png"));
  BOOST_TEST(out.str().find("step 02") != std::string::npos);
  BOOST_TEST(out.str().find("picture: " + (dir / "step_02.png").string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(enter_back_and_quit) {
  fs::path dir = fresh_dir("pause");
  // Single keys, no Enter after b: Enter, then b b (back to 01, and no step
  // before it) Enter Enter (02 again, then on), then Q.
  std::istringstream in("\nbb\n\nQ");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");
  lesson.step("second");  // first pauses now: Enter
  lesson.step("third");   // second pauses: b, b, Enter, Enter
  BOOST_CHECK_THROW(lesson.finish(), Lesson::Quit);  // third pauses: q
  // Each pause wrote the page of the steps so far, for a browser to follow.
  std::ifstream page(dir / "index.html");
  std::string html{std::istreambuf_iterator<char>(page), {}};
  BOOST_TEST(html.find("<pre class=\"text\">third</pre>") != std::string::npos);
  std::string text = out.str();
  BOOST_TEST(text.find("back at step 01") != std::string::npos);
  BOOST_TEST(text.find("this is the first step") != std::string::npos);
  BOOST_TEST(text.rfind("step 02") > text.find("back at step 01"));
  BOOST_TEST(text.find("step 03") > text.rfind("step 02"));
}

BOOST_AUTO_TEST_CASE(keys_one_at_a_time_with_arrows) {
  auto keys = [](const std::string& typed) {
    std::istringstream in(typed);
    std::vector<std::string> names;
    for (;;) {
      Lesson::KeyPress k = Lesson::read_key(in);
      if (k.key == Lesson::Key::end) return names;
      const char* what = k.key == Lesson::Key::next   ? "next "
                         : k.key == Lesson::Key::back ? "back "
                         : k.key == Lesson::Key::quit ? "quit "
                                                      : "other ";
      names.push_back(what + k.name);
    }
  };
  BOOST_TEST((keys("\n \x1b[C\x1bOCbB\x1b[Dq\x03") ==
              std::vector<std::string>{"next Enter", "next space", "next →", "next →", "back b",
                                       "back b", "back ←", "quit q", "quit Ctrl-C"}));
  BOOST_TEST((keys("x\x1b[A\x1b[5~\t\x7f\x01é") ==
              std::vector<std::string>{"other x", "other ↑", "other that key", "other Tab",
                                       "other Backspace", "other Ctrl-A", "other é"}));
}

BOOST_AUTO_TEST_CASE(unknown_keys_say_they_do_nothing_and_arrows_step) {
  std::istringstream in("x\n\x1b[D\x1b[C\x1b[C");  // x, Enter; ←, →, →
  std::ostringstream out;
  Lesson lesson({.dir = fresh_dir("keys").string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");
  lesson.step("second");
  lesson.finish();
  std::string text = out.str();
  BOOST_TEST(text.find("x does nothing here.") != std::string::npos);
  BOOST_TEST(text.find("back at step 01") != std::string::npos);
  BOOST_TEST(text.find("[Enter or →: next, b or ←: back, q: quit]") != std::string::npos);
  BOOST_TEST(lesson.steps() == 2);
  BOOST_TEST(in.eof() == false);  // every key was used, none left over
  BOOST_TEST(in.peek() == EOF);
}

BOOST_AUTO_TEST_CASE(a_steps_checks_print_before_its_pause) {
  std::istringstream in("bq");
  std::ostringstream out;
  Lesson lesson({.dir = fresh_dir("checks").string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");
  lesson.check(true, "one is one");
  // first pauses here, after its check: b (no step before it), q
  BOOST_CHECK_THROW(lesson.step("second"), Lesson::Quit);
  std::string text = out.str();
  auto check = text.find("check ok: one is one");
  BOOST_TEST(check != std::string::npos);
  BOOST_TEST(check < text.find("[Enter"));
  BOOST_TEST(text.find("step 02") == std::string::npos);  // q came before step 02 was shown
  BOOST_TEST(lesson.steps() == 1);
}

BOOST_AUTO_TEST_CASE(looking_back_shows_a_steps_checks_again) {
  std::istringstream in("\nb\n\n");
  std::ostringstream out;
  Lesson lesson({.dir = fresh_dir("back").string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");
  lesson.check(true, "first's check");
  lesson.step("second");  // Enter
  lesson.finish();        // b, Enter (back to 02), Enter
  std::string text = out.str();
  auto back = text.find("back at step 01");
  BOOST_TEST(back != std::string::npos);
  BOOST_TEST(text.find("first's check", back) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(end_of_input_runs_straight_through) {
  std::istringstream in("");
  std::ostringstream out;
  Lesson lesson({.dir = fresh_dir("eof").string(), .pause = true, .in = &in, .out = &out});
  lesson.step("one");
  lesson.step("two");
  BOOST_TEST(lesson.steps() == 2);
}

BOOST_AUTO_TEST_CASE(command_line) {
  fs::path dir = fresh_dir("argv");
  std::string d = dir.string();
  char name[] = "01_x", no_pause[] = "--no-pause", bad[] = "--fast";
  char* good_argv[] = {name, no_pause, d.data()};
  Lesson lesson("01_x", 3, good_argv);
  BOOST_TEST(lesson.dir() == d);
  BOOST_TEST(fs::is_directory(dir));
  char* bad_argv[] = {name, bad};
  BOOST_CHECK_THROW(Lesson("01_x", 2, bad_argv), std::invalid_argument);
  // run() turns checks into an exit status.
  BOOST_TEST(Lesson::run("01_x", 3, good_argv, [](Lesson& l) { l.check_near("x", 1.0, 1.0); }) == 0);
  BOOST_TEST(Lesson::run("01_x", 3, good_argv, [](Lesson& l) { l.check_near("x", 1.0, 2.0); }) == 1);
  BOOST_TEST(Lesson::run("01_x", 3, good_argv, [](Lesson&) { throw std::runtime_error("x"); }) == 1);
  BOOST_TEST(Lesson::run("01_x", 3, good_argv, [](Lesson&) { throw Lesson::Quit{}; }) == 0);
}

BOOST_AUTO_TEST_CASE(backward_one_node_at_a_time) {
  fs::path dir = fresh_dir("backward");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .out = &out});
  Value a(2.0, "a"), b(-3.0, "b"), c(10.0, "c");
  Value d = (a * b + c).set_label("d");
  auto tape = lesson.backward(d);
  BOOST_TEST(tape.size() == 2u);
  BOOST_TEST(lesson.steps() == 2);
  BOOST_TEST(is_png(dir / "step_01.png"));
  BOOST_TEST(is_png(dir / "step_02.png"));
  BOOST_TEST(a.grad() == -3.0);
  BOOST_TEST(out.str().find("accumulated") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tensor_graphs_step_too_and_big_or_freed_graphs_are_refused) {
  fs::path dir = fresh_dir("tensor");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .out = &out});
  gl::Tensor x = gl::tensor({1.0, 2.0}).requires_grad_().set_label("x");
  gl::Tensor y = (x * x).sum().set_label("y");
  auto tape = lesson.backward(y);
  BOOST_TEST(tape.size() == 2u);  // sum, then *
  BOOST_TEST(is_png(dir / "step_02.png"));
  BOOST_TEST((x.grad().to_vector() == std::vector<double>{2, 4}));
  BOOST_TEST(out.str().find("x: += [2] (2 4)") != std::string::npos);
  // 100 ops: refused before any gradient changes.
  Value a(1.0, "a");
  Value big = a;
  for (int i = 0; i < 100; ++i) big = big * 1.0;
  BOOST_CHECK_THROW(lesson.backward(big), std::length_error);
  BOOST_TEST(a.grad() == 0.0);
  // A freed graph: the engine's error, not a crash in the tape's probe.
  Value b(2.0, "b");
  Value c = b * b;
  c.backward(false);
  BOOST_CHECK_THROW(lesson.backward(c), std::logic_error);
  BOOST_TEST(b.grad() == 4.0);  // as the first backward left it
}

BOOST_AUTO_TEST_CASE(the_page_holds_every_step) {
  fs::path dir = fresh_dir("page");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .out = &out, .title = "page & steps"});
  lesson.step("words <only>");
  lesson.check(true, "shown on the page too");
  lesson.step("a plot", [](const std::string& png) { gl::viz::plot_lines(png, {{"loss", {3, 2, 1}}}); });
  gl::Tensor w = gl::arange(-10, 10).reshape({4, 5}).requires_grad_().set_label("w");  // a heat map
  gl::Tensor y = (w * w).sum();
  lesson.backward(y);
  std::string page = lesson.write_page();
  std::ifstream in(page);
  std::string html{std::istreambuf_iterator<char>(in), {}};
  const auto& frames = lesson.frames();
  BOOST_TEST(frames.size() == 4u);  // words, plot, sum, *
  BOOST_TEST(html.find("<title>page &amp; steps</title>") != std::string::npos);
  BOOST_TEST(html.find("words &lt;only&gt;") != std::string::npos);
  BOOST_TEST(html.find("check ok: shown on the page too") != std::string::npos);
  BOOST_TEST(html.find("<img alt=\"step 2\" src=\"data:image/png;base64,iVBOR") != std::string::npos);
  BOOST_TEST(frames[1].png == (dir / "step_02.png").string());
  // Backward: the tape as a table, each frame's heat maps inlined, nothing
  // that names a file; both frames on one layout, so the same <image> places.
  for (std::size_t k : {2u, 3u}) {
    BOOST_TEST(frames[k].tape.rows.size() == 1u);
    BOOST_TEST(frames[k].svg.find("xlink:href=\"data:image/png;base64,") != std::string::npos);
    BOOST_TEST(frames[k].svg.find(".png\"") == std::string::npos);
    BOOST_TEST(frames[k].png.empty());
  }
  BOOST_TEST(frames[2].highlight != frames[3].highlight);
  auto places = [](const std::string& svg) {
    std::string all;
    for (std::size_t at = svg.find("<image"); at != std::string::npos; at = svg.find("<image", at + 1))
      all += svg.substr(svg.find(" x=", at), 40) + ";";
    return all;
  };
  BOOST_TEST(!places(frames[3].svg).empty());
  BOOST_TEST(places(frames[2].svg) == places(frames[3].svg));
  BOOST_TEST(frames[2].svg != frames[3].svg);  // but other gradients
}

BOOST_AUTO_TEST_CASE(a_new_run_clears_old_pictures) {
  fs::path dir = fresh_dir("stale");
  fs::create_directories(dir);
  std::ofstream(dir / "step_07.png") << "from a longer run";
  std::ofstream(dir / "notes.png") << "not a step";
  Lesson lesson({.dir = dir.string()});
  BOOST_TEST(!fs::exists(dir / "step_07.png"));
  BOOST_TEST(fs::exists(dir / "notes.png"));
}

BOOST_AUTO_TEST_SUITE_END()
