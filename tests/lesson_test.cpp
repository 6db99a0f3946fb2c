// SPDX-License-Identifier: MIT
// Lessons: step numbering and pictures, pausing with Enter / b / q on a given
// input, the command line, checks, and backward one node at a time.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>

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
  std::istringstream in("\nb\n B\r\n\n\nQuit\n");  // spaces, capitals and \r are forgiven
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");   // Enter
  lesson.step("second");  // b shows first, b stays on first, Enter shows second, Enter goes on
  BOOST_CHECK_THROW(lesson.step("third"), Lesson::Quit);  // q
  std::string text = out.str();
  BOOST_TEST(text.find("back at step 01") != std::string::npos);
  BOOST_TEST(text.rfind("step 02") > text.find("back at step 01"));
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
