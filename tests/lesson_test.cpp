// SPDX-License-Identifier: MIT
// Lessons: step numbering and pictures, pausing with Enter / b / q on a given
// input, the command line, checks, and backward one node at a time.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
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
using gradlab::testing::error_of;
using gradlab::testing::read_bytes;
using gradlab::testing::write_bytes;

// A program's end as the shell reports it, and what it wrote to stderr.
struct Ended {
  int status;  // waitpid's
  std::string err;
};

// Runs body() in a child process with stdout redirected (`out`: a file's
// path, or "" for a closed stdout) and returns its exit: body's return
// value as the exit status.
Ended in_child(const std::string& out, const std::function<int()>& body, const std::function<void()>& setup = {}) {
  const fs::path err = fs::temp_directory_path() / ("gradlab_lesson_test_err_" + std::to_string(::getpid()));
  std::cout.flush();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(err.c_str(), "w", stderr);
    if (out.empty()) {
      ::close(1);
    } else {
      int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::close(fd);
    }
    if (setup) setup();
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ended e{status, read_bytes(err.string())};
  fs::remove(err);
  return e;
}

// The FNV-1a hash a lesson's record gives a file, for forging records.
std::string fnv1a(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
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

BOOST_AUTO_TEST_CASE(quit_after_looking_back_names_the_step_on_screen) {
  fs::path dir = fresh_dir("quit_back");
  // Enter (on to the second), then b (back at the first), then q.
  std::istringstream in("\nbq");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .pause = true, .in = &in, .out = &out});
  lesson.step("first");
  lesson.step("second");
  try {
    lesson.finish();
    BOOST_FAIL("q did not quit");
  } catch (const Lesson::Quit& quit) {
    BOOST_TEST(quit.step == 1);  // the step on screen, not the newest (2)
  }
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
  // A small tensor's numbers as a grid, in the terminal and in the page's table;
  // the unnamed x * x named from its op.
  BOOST_TEST(out.str().find("-> x: += [2]\n") != std::string::npos, out.str());
  BOOST_TEST(out.str().find("2.0000  4.0000") != std::string::npos);
  BOOST_TEST(out.str().find("x * x (*), upstream [2]\n") != std::string::npos);
  BOOST_TEST(tape[1].name == "x * x");
  const gl::viz::TapeTable& table = lesson.frames().back().tape;
  BOOST_TEST(table.rows.at(0).at(4) == "[2]\n2.0000  4.0000");
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

BOOST_AUTO_TEST_CASE(a_lesson_touches_only_its_own_files) {
  fs::path dir = fresh_dir("own_files");
  fs::create_directories(dir);
  // A learner's files, two of them with the names a lesson writes.
  write_bytes((dir / "step_01.png").string(), "my own picture");
  write_bytes((dir / "index.html").string(), "<p>my own page</p>");
  write_bytes((dir / "notes.txt").string(), "my notes");
  std::ostringstream out;
  Value a(2.0, "a");
  Value b = (a * 3.0).set_label("b");
  std::string msg = error_of<std::runtime_error>([&] { Lesson lesson({.dir = dir.string(), .out = &out}); });
  BOOST_TEST(msg.find("Lesson: the folder '" + dir.string() + "' already holds ") == 0u, msg);
  BOOST_TEST(msg.find("which no lesson wrote there") != std::string::npos, msg);
  BOOST_TEST(msg.find("give it a new or empty folder") != std::string::npos, msg);
  BOOST_TEST(read_bytes((dir / "step_01.png").string()) == "my own picture");
  BOOST_TEST(read_bytes((dir / "index.html").string()) == "<p>my own page</p>");
  BOOST_TEST(read_bytes((dir / "notes.txt").string()) == "my notes");
  BOOST_TEST(!fs::exists(dir / ".gradlab_lesson"));
  // Without those two, the lesson runs beside the learner's other files.
  fs::remove(dir / "step_01.png");
  fs::remove(dir / "index.html");
  {
    Lesson lesson({.dir = dir.string(), .out = &out});
    lesson.step("one", b);
    lesson.step("two", b);
    lesson.step("three", b);
    lesson.write_page();
  }
  BOOST_TEST(is_png(dir / "step_03.png"));
  // A record that names other files (the learner's notes, one outside the
  // folder) with their true sizes and hashes: a lesson removes only names
  // it writes, in its own folder.
  fs::path outside = fresh_dir("own_files_outside");
  fs::create_directories(outside);
  write_bytes((outside / "step_01.png").string(), "outside");
  {
    std::ofstream record(dir / ".gradlab_lesson", std::ios::app);
    record << "8 " << fnv1a("my notes") << " notes.txt\n"
           << "7 " << fnv1a("outside") << " ../" << outside.filename().string() << "/step_01.png\n";
  }
  // A second, shorter run: the first run's pictures go (they would pass for
  // this run's), the learner's files stay.
  {
    Lesson lesson({.dir = dir.string(), .out = &out});
    lesson.step("only one", b);
  }
  BOOST_TEST(is_png(dir / "step_01.png"));
  BOOST_TEST(!fs::exists(dir / "step_02.png"));
  BOOST_TEST(!fs::exists(dir / "step_03.png"));
  BOOST_TEST(!fs::exists(dir / "index.html"));
  BOOST_TEST(read_bytes((dir / "notes.txt").string()) == "my notes");
  BOOST_TEST(read_bytes((outside / "step_01.png").string()) == "outside");
  // A picture the learner changed since is theirs: kept, and the folder refused.
  write_bytes((dir / "step_01.png").string(), "edited");
  msg = error_of<std::runtime_error>([&] { Lesson lesson({.dir = dir.string(), .out = &out}); });
  BOOST_TEST(msg.find("already holds step_01.png") != std::string::npos, msg);
  BOOST_TEST(read_bytes((dir / "step_01.png").string()) == "edited");
  // Not a lesson's record: the lesson cannot tell its files, so touches none.
  fs::remove(dir / "step_01.png");
  write_bytes((dir / ".gradlab_lesson").string(), "something else\n");
  msg = error_of<std::runtime_error>([&] { Lesson lesson({.dir = dir.string(), .out = &out}); });
  BOOST_TEST(msg.find("is not a lesson's record of its files") != std::string::npos, msg);
  fs::remove_all(outside);
}

BOOST_AUTO_TEST_CASE(a_pages_picture_that_is_a_fifo_is_refused_not_waited_on) {
  fs::path dir = fresh_dir("fifo");
  fs::create_directories(dir);
  const fs::path fifo = dir / "plot.png";
  std::string msg = gradlab::testing::error_reading_fifo(
      fifo, [&] { gl::viz::lesson_page("t", {{.text = "a plot", .png = fifo.string()}}); });
  BOOST_TEST(msg == "lesson_page: the picture: " + fifo.string() + ": is not a regular file (it is a FIFO)");
}

BOOST_AUTO_TEST_CASE(backward_of_a_big_sum_is_refused_at_once) {
  // x + x + ... + x, 40 terms: 39 steps, each a PNG and a frame of the
  // page of 79 nodes; it used to run past 30 s.
  Value x(1.0, "x");
  Value y = x;
  for (int i = 1; i < 40; ++i) y = y + x;
  fs::path dir = fresh_dir("big_sum");
  std::ostringstream out;
  Lesson lesson({.dir = dir.string(), .out = &out});
  auto start = std::chrono::steady_clock::now();
  std::string msg = error_of<std::length_error>([&] { lesson.backward(y); });
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 1.0);
  BOOST_TEST(msg.rfind("Lesson::backward (39 steps, each with a PNG and a frame of the page): 78 pictures of a "
                       "graph of 79 nodes are 6162 nodes in all, more than the 5000 of one picture",
                       0) == 0u, msg);
  BOOST_TEST(msg.find("call root.backward(), then step(text, root) for one picture") != std::string::npos, msg);
  BOOST_TEST(x.grad() == 0.0);  // before any gradient changed
  BOOST_TEST(lesson.steps() == 0);
  BOOST_TEST(!fs::exists(dir / "step_01.png"));
  // Few nodes, but edges that skip many layers, 40 pictures' worth.
  Value z = x;
  for (int i = 1; i < 20; ++i) z = z + x;
  msg = error_of<std::length_error>([&] { lesson.backward(z); });
  BOOST_TEST(msg.find("pictures of a graph whose edges skip") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(a_signal_while_paused_puts_the_terminal_back) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) {
    BOOST_TEST_CONTEXT("signal " << sig) {
      // A terminal of our own: the lesson reads keys from its slave side.
      int master = ::posix_openpt(O_RDWR | O_NOCTTY);
      BOOST_REQUIRE(master >= 0);
      BOOST_REQUIRE(::grantpt(master) == 0 && ::unlockpt(master) == 0);
      int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
      BOOST_REQUIRE(slave >= 0);
      termios before{};
      BOOST_REQUIRE(::tcgetattr(slave, &before) == 0);
      const tcflag_t kept = ECHO | ICANON | ISIG;
      BOOST_REQUIRE((before.c_lflag & kept) == kept);
      fs::path dir = fresh_dir("signal_" + std::to_string(sig));
      std::cout.flush();
      std::fflush(nullptr);
      pid_t pid = ::fork();
      if (pid == 0) {
        for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) ::signal(s, SIG_DFL);  // as in a program of its own
        rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);  // SIGQUIT dumps core by default
        ::dup2(slave, 0);
        ::dup2(slave, 1);
        ::dup2(slave, 2);
        ::close(master);
        Lesson lesson({.dir = dir.string(), .pause = true});  // keys from std::cin, now a terminal
        lesson.step("waiting for a key");
        lesson.finish();
        ::_exit(0);
      }
      // Paused: the terminal hands over single keys (no echo, no line editing).
      termios paused{};
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      std::string shown;
      while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
          char buf[512];
          ssize_t n = ::read(master, buf, sizeof buf);
          if (n > 0) shown.append(buf, static_cast<std::size_t>(n));
        }
        ::tcgetattr(slave, &paused);
        if (!(paused.c_lflag & ICANON) && shown.find("[Enter or") != std::string::npos) break;
      }
      BOOST_TEST(shown.find("waiting for a key") != std::string::npos);
      BOOST_TEST(!(paused.c_lflag & ECHO));
      BOOST_TEST(!(paused.c_lflag & ICANON));
      BOOST_TEST(!(paused.c_lflag & ISIG));
      ::kill(pid, sig);
      int status = 0;
      ::waitpid(pid, &status, 0);
      BOOST_TEST(WIFSIGNALED(status));  // ended by that signal, as without the lesson
      BOOST_TEST(WTERMSIG(status) == sig);
      termios after{};
      BOOST_REQUIRE(::tcgetattr(slave, &after) == 0);
      BOOST_TEST((after.c_lflag & kept) == kept);
      BOOST_TEST(after.c_lflag == before.c_lflag);
      BOOST_TEST(after.c_cc[VMIN] == before.c_cc[VMIN]);
      ::close(slave);
      ::close(master);
    }
  }
}

BOOST_AUTO_TEST_CASE(run_checks_stdout) {
  fs::path dir = fresh_dir("stdout");
  std::string d = dir.string();
  char name[] = "01_x", no_pause[] = "--no-pause";
  char* argv[] = {name, no_pause, d.data()};
  auto lesson = [&] {
    return Lesson::run("01_x", 3, argv, [](Lesson& l) {
      l.step("words");
      l.check(true, "one is one");
    });
  };
  BOOST_TEST(WEXITSTATUS(in_child(fresh_dir("stdout_file").string() + ".txt", lesson).status) == 0);
  Ended full = in_child("/dev/full", lesson);
  BOOST_TEST(WEXITSTATUS(full.status) == 1);
  BOOST_TEST(full.err == "01_x: cannot write to standard output (No space left on device); the lesson's report is lost\n");
  Ended closed = in_child("", lesson);
  BOOST_TEST(WEXITSTATUS(closed.status) == 1);
  BOOST_TEST(closed.err == "01_x: standard output is closed; nothing was done (the lesson's report would be lost)\n");
}

BOOST_AUTO_TEST_CASE(run_into_a_read_only_folder_names_the_first_picture) {
  fs::path dir = fresh_dir("read_only");
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  std::string d = dir.string();
  char name[] = "01_x", no_pause[] = "--no-pause";
  char* argv[] = {name, no_pause, d.data()};
  Ended e = in_child(
      "/dev/null",
      [&] {
        return Lesson::run("01_x", 3, argv, [](Lesson& l) {
          Value a(2.0, "a");
          l.step("a graph", (a * a).set_label("b"));
        });
      },
      [] {
        // root writes anywhere: as nobody, or failing that with no room for a byte.
        if (::geteuid() == 0 && ::setuid(65534) != 0) {
          ::signal(SIGXFSZ, SIG_IGN);
          rlimit none{0, 0};
          ::setrlimit(RLIMIT_FSIZE, &none);
        }
      });
  BOOST_TEST(WEXITSTATUS(e.status) == 1);
  BOOST_TEST(e.err.rfind("01_x: render: cannot write '" + (dir / "step_01.png").string() + "': ", 0) == 0u, e.err);
  BOOST_TEST(e.err.find("index.html") == std::string::npos, e.err);
  fs::permissions(dir, fs::perms::owner_all);
}

BOOST_AUTO_TEST_SUITE_END()
