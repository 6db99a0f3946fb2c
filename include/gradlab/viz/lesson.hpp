// SPDX-License-Identifier: MIT
// A tutorial as a run of steps. Each step prints a short explanation and
// writes the picture of that moment to <folder>/step_KK.png, then the checks
// of its numbers; all the steps also make one page, <folder>/index.html,
// that a browser steps through (lesson_page.hpp); in a terminal it then waits for one key: Enter, space or →
// goes on, b or ← looks back one step, q quits. A lesson checks its own
// numbers, so a tutorial doubles as a test. It never touches a file it did
// not write: it keeps a record of its own files (<folder>/.gradlab_lesson),
// replaces or removes only those, and refuses a folder where someone else's
// file has one of its names.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/value.hpp>
#include <gradlab/viz/dot.hpp>
#include <gradlab/tape.hpp>
#include <gradlab/viz/lesson_page.hpp>

namespace gradlab::viz {

namespace detail {
class LessonFiles;
}

struct LessonOptions {
  std::string dir;            // where the pictures go (created when missing)
  bool pause = false;         // wait for a key on `in` after each step (and its checks)
  std::istream* in = nullptr;   // std::cin when null (read one key at a time in a terminal)
  std::ostream* out = nullptr;  // std::cout when null
  std::string title = {};       // the page's title; the folder's name when empty
};

class Lesson {
 public:
  // From a tutorial's command line: `NN_name [--no-pause] [folder]`. The
  // folder defaults to out/NN_name; it pauses only when stdin is a terminal
  // and --no-pause is not given. Unknown options: std::invalid_argument.
  // A folder holding a file with a lesson's name (step_NN.png, index.html)
  // that no lesson wrote is refused with std::runtime_error naming it.
  Lesson(const std::string& name, int argc, char** argv);
  explicit Lesson(LessonOptions options);

  // What every tutorial's main() is: runs body, then reports. Returns 0 when
  // every check passed (or the learner quit with q), 1 when a check failed
  // or body threw (the message is printed: the first failure, such as the
  // first picture that could not be written), or when standard output could
  // not be written (closed, a full disk): the report would be lost. While it
  // waits for a key, SIGTERM, SIGINT, SIGHUP and SIGQUIT put the terminal
  // back as it was before they end the program. --help (or -h) prints the
  // usage and returns 0 without running the lesson.
  static int run(const std::string& name, int argc, char** argv,
                 const std::function<void(Lesson&)>& body);

  // Keys read one at a time from `in`: Enter, space and → (ESC [ C) go on;
  // b and ← (ESC [ D) go back; q, Ctrl-C and Ctrl-D quit. Any other key is
  // named and said to do nothing. End of input ends the pausing.
  enum class Key { next, back, quit, end, other };
  struct KeyPress {
    Key key;
    std::string name;  // as the learner would call it: "x", "↑", "Tab"
  };
  static KeyPress read_key(std::istream& in);

  // Thrown by a step when the learner types q; run() catches it. `step` is
  // the step on screen then (from 1): after b, an earlier one than steps().
  struct Quit {
    int step = 0;
  };

  std::ostream& out() { return *out_; }
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& file) const;  // dir()/file
  int steps() const { return static_cast<int>(history_.size()); }

  // A step with no picture, with the picture of a graph, or with a picture
  // that `draw` writes to the PNG path it is given (a plot).
  void step(const std::string& text);
  void step(const std::string& text, const Value& root, const DotOptions& dot = {});
  void step(const std::string& text, const Tensor& root, const DotOptions& dot = {});
  void step(const std::string& text, const Node& root, const DotOptions& dot = {});
  void step(const std::string& text, const std::function<void(const std::string& png)>& draw);

  // root.backward(), one step per op node: the tape rows of that node, and a
  // picture with the node highlighted, its upstream gradient, and what it
  // passes to each operand (upstream × local derivative = contribution).
  // Returns the whole tape. Keep the graph small: each step renders it. A
  // node without a label is named from its op and operands, in the text,
  // the tape, the table and the pictures alike (kᵀ, q @ kᵀ, softmax(x)).
  std::vector<TapeStep> backward(const Value& root, const std::string& title = "");
  // The same for a tensor graph: each op's upstream gradient, and on each
  // operand what the step added: a tensor of up to 16 numbers as a grid of
  // them (a line per row, as the pictures draw it), a bigger one summarised.
  std::vector<TensorTapeStep> backward(const Tensor& root, const std::string& title = "");

  // Writes the page of the steps so far to dir()/index.html and returns its
  // path. run() writes it at the end (and when the learner quits); while
  // pausing, each pause writes it too, so a browser can follow along.
  std::string write_page() const;
  // The page's title (the folder's name until set) and the links it shows
  // above its steps (a course's index and neighbours).
  void set_page(std::string title, PageLinks links);
  const std::vector<Frame>& frames() const { return frames_; }

  // A check of the lesson's own numbers, printed under the step it belongs
  // to (the latest one), before that step's pause. Failures are counted, and
  // run() then returns 1.
  bool check(bool ok, const std::string& what);
  bool check_near(const std::string& what, double got, double want, double tol = 1e-9);
  int failures() const { return failures_; }
  int checks() const { return checks_; }

  // The pause of the latest step, if it has not come yet: each step waits
  // when the next one begins, so that its checks print first. run() calls
  // it after the body; a Lesson used directly calls it at its end.
  void finish();

 private:
  struct Shown {
    std::string text;
    std::string picture;  // empty when the step has none
    std::string checks;   // the check lines printed under it
  };
  void record(const std::string& text, const std::string& picture, Frame frame);
  void graph_step(const std::string& text, const Node& root, const DotOptions& dot, Frame frame, bool svg);
  void show(std::size_t k, const char* prefix);
  void wait(std::size_t newest);
  void prompt();
  std::string next_picture() const;
  std::string picture_name() const;

  std::string dir_;
  bool pause_;
  std::istream* in_;
  std::ostream* out_;
  std::vector<Shown> history_;
  std::vector<Frame> frames_;  // the same steps, for the page
  std::shared_ptr<detail::LessonFiles> files_;  // what this run wrote, so it touches nothing else
  std::string title_;
  PageLinks links_;
  bool waiting_ = false;  // the latest step has not paused yet
  int checks_ = 0;
  int failures_ = 0;
};

}  // namespace gradlab::viz
