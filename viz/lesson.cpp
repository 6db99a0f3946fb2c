// SPDX-License-Identifier: MIT
// Stepping through a tutorial: the step counter, the pictures, the pause
// between steps (one key: Enter, b, q, the arrows), the checks, and the
// frames of the page. The backward stepping is in lesson_backward.cpp.

#include <gradlab/viz/lesson.hpp>

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <gradlab/viz/render.hpp>

#include "lesson_files.hpp"

namespace gradlab::viz {

namespace {

std::string usage(const std::string& name) {
  return "usage: " + name + " [--no-pause] [folder for the pictures]";
}

LessonOptions from_command_line(const std::string& name, int argc, char** argv) {
  LessonOptions options{.dir = "out/" + name, .pause = isatty(0) != 0, .title = name};
  bool dir_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--no-pause") {
      options.pause = false;
    } else if (arg.rfind("-", 0) == 0 || dir_given) {
      throw std::invalid_argument("unknown argument '" + arg + "'; " + usage(name));
    } else {
      options.dir = arg;
      dir_given = true;
    }
  }
  return options;
}

// The terminal as it was, for a signal that ends the program while it is
// changed: the handler can only reach what is global (and it may call only
// async-signal-safe functions: tcsetattr, sigaction, raise).
termios terminal_before{};
volatile sig_atomic_t terminal_changed = 0;
const int kEndingSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
struct sigaction handler_before[std::size(kEndingSignals)];

extern "C" void put_terminal_back_and_end(int sig) {
  if (terminal_changed) tcsetattr(0, TCSANOW, &terminal_before);
  for (std::size_t i = 0; i < std::size(kEndingSignals); ++i)
    if (kEndingSignals[i] == sig) sigaction(sig, &handler_before[i], nullptr);
  raise(sig);  // delivered as it would have been (the default: the program ends) once this returns
}

// A terminal that hands over each key as it is typed: no line editing, no
// echo, and Ctrl-C arrives as a key (it quits) rather than as a signal, so
// the terminal is always put back as it was: by the destructor, and by a
// handler for the signals that end a program (kill's SIGTERM, SIGINT,
// SIGHUP, SIGQUIT), which then ends it by the same signal.
class SingleKeys {
 public:
  explicit SingleKeys(bool on) {
    if (!on || tcgetattr(0, &saved_) != 0) return;
    terminal_before = saved_;
    for (std::size_t i = 0; i < std::size(kEndingSignals); ++i) {
      struct sigaction now {};
      sigaction(kEndingSignals[i], nullptr, &handler_before[i]);
      if (handler_before[i].sa_handler == SIG_IGN) continue;  // ignored stays ignored
      now.sa_handler = put_terminal_back_and_end;
      sigemptyset(&now.sa_mask);
      now.sa_flags = SA_RESTART;
      handlers_[i] = sigaction(kEndingSignals[i], &now, nullptr) == 0;
    }
    terminal_changed = 1;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~SingleKeys() {
    if (active_) tcsetattr(0, TCSANOW, &saved_);
    terminal_changed = 0;
    for (std::size_t i = 0; i < std::size(kEndingSignals); ++i)
      if (handlers_[i]) sigaction(kEndingSignals[i], &handler_before[i], nullptr);
  }
  SingleKeys(const SingleKeys&) = delete;
  SingleKeys& operator=(const SingleKeys&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
  bool handlers_[std::size(kEndingSignals)] = {};
};

// Standard output, checked: a closed or full stdout must not pass for a
// lesson whose report was read. Returns `code`, or 1 with a message.
int checked_stdout(const std::string& name, int code) {
  errno = 0;
  std::cout.flush();
  const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!failed) return code;
  const int err = errno;
  std::cerr << name << ": cannot write to standard output" << (err ? std::string(" (") + std::strerror(err) + ")" : "")
            << "; the lesson's report is lost\n";
  return 1;
}

}  // namespace

Lesson::Lesson(const std::string& name, int argc, char** argv)
    : Lesson(from_command_line(name, argc, argv)) {}

Lesson::Lesson(LessonOptions options)
    : dir_(options.dir.empty() ? "." : options.dir),
      pause_(options.pause),
      in_(options.in ? options.in : &std::cin),
      out_(options.out ? options.out : &std::cout),
      title_(options.title) {
  if (title_.empty()) title_ = std::filesystem::path(dir_).lexically_normal().filename().string();
  if (title_.empty() || title_ == ".") title_ = "lesson";
  // Pictures of an earlier, longer run would pass for this one's: the files
  // a lesson wrote there are removed, and only those (lesson_files.hpp).
  files_ = std::make_shared<detail::LessonFiles>(dir_);
}

int Lesson::run(const std::string& name, int argc, char** argv,
                const std::function<void(Lesson&)>& body) {
  // A closed stdout: the first file opened would take its place, and the
  // report would be written into a picture.
  if (::fcntl(1, F_GETFD) == -1 && errno == EBADF) {
    std::cerr << name << ": standard output is closed; nothing was done (the lesson's report would be lost)\n";
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage(name) << "\n"
                << "  Steps through the lesson: Enter, space or -> goes on, b or <- back, q quits.\n"
                << "  --no-pause  run straight through (as when stdin is not a terminal)\n"
                << "  folder      where the pictures and the page go (default out/" << name << ")\n";
      return checked_stdout(name, 0);
    }
  }
  try {
    Lesson lesson(name, argc, argv);
    lesson.out() << "page: " << lesson.path("index.html") << " (open it in a browser to step through the lesson)\n";
    try {
      body(lesson);
      lesson.finish();  // the last step's pause, after its checks
    } catch (const Quit& quit) {
      lesson.write_page();
      const int at = quit.step > 0 ? quit.step : lesson.steps();
      lesson.out() << "\nstopped at step " << at << " of the " << lesson.steps()
                   << " shown so far (q); the pictures so far are in " << lesson.dir() << "/\n";
      return checked_stdout(name, 0);
    } catch (...) {
      // The steps up to the failure, to look at; but the failure to report
      // is the first one (the picture that could not be written, say), not
      // the page that then could not be written either.
      try {
        lesson.write_page();
      } catch (const std::exception&) {
      }
      throw;
    }
    lesson.write_page();
    if (lesson.failures() > 0) {
      lesson.out() << "\n" << name << ": " << lesson.failures() << " of " << lesson.checks()
                   << " checks FAILED\n";
      return checked_stdout(name, 1);
    }
    lesson.out() << "\n" << name << ": all " << lesson.checks() << " checks passed; "
                 << lesson.steps() << " steps, pictures in " << lesson.dir() << "/\n";
    return checked_stdout(name, 0);
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    checked_stdout(name, 1);
    return 1;
  }
}

std::string Lesson::path(const std::string& file) const {
  return (std::filesystem::path(dir_) / file).string();
}

std::string Lesson::picture_name() const {
  char file[32];
  std::snprintf(file, sizeof file, "step_%02d.png", steps() + 1);
  return file;
}

// The path of the next step's picture, once it is sure to be the lesson's to write.
std::string Lesson::next_picture() const { return files_->claim(picture_name()); }

void Lesson::step(const std::string& text) { record(text, "", {.text = text}); }

void Lesson::step(const std::string& text, const Value& root, const DotOptions& dot) {
  step(text, *root.node(), dot);
}

void Lesson::step(const std::string& text, const Tensor& root, const DotOptions& dot) {
  step(text, *root.node(), dot);
}

void Lesson::step(const std::string& text, const Node& root, const DotOptions& dot) {
  graph_step(text, root, dot, {.text = text}, true);
}

// The PNG for the terminal, and (when svg) the same DOT as SVG markup for
// the page; a backward run draws its page frames itself, on one layout.
void Lesson::graph_step(const std::string& text, const Node& root, const DotOptions& dot, Frame frame, bool svg) {
  std::string png = next_picture();
  render(root, png, {.dot = dot});
  files_->wrote(picture_name());
  if (svg) frame.svg = render_svg(root, dot);
  record(text, png, std::move(frame));
}

void Lesson::step(const std::string& text, const std::function<void(const std::string&)>& draw) {
  std::string png = next_picture();
  draw(png);
  files_->wrote(picture_name());
  record(text, png, {.text = text, .png = png});
}

void Lesson::set_page(std::string title, PageLinks links) {
  if (!title.empty()) title_ = std::move(title);
  links_ = std::move(links);
}

std::string Lesson::write_page() const {
  std::string page = files_->claim("index.html");
  write_lesson_page(page, title_, frames_, links_);
  files_->wrote("index.html");
  return page;
}

// A step is shown at once; it pauses when the next one begins (or at
// finish()), so the checks run in between print under it.
void Lesson::record(const std::string& text, const std::string& picture, Frame frame) {
  finish();
  if (frame.svg.empty() && frame.png.empty()) frame.png = picture;  // until its SVG is drawn
  frames_.push_back(std::move(frame));
  history_.push_back({text, picture, ""});
  show(history_.size() - 1, "");
  waiting_ = true;
}

void Lesson::finish() {
  if (!waiting_) return;
  waiting_ = false;
  wait(history_.size() - 1);
}

void Lesson::show(std::size_t k, const char* prefix) {
  char rule[64];
  std::snprintf(rule, sizeof rule, "\n── %sstep %02zu ", prefix, k + 1);
  *out_ << rule;
  for (int i = 0; i < 40; ++i) *out_ << "─";
  *out_ << "\n" << history_[k].text;
  if (!history_[k].text.empty() && history_[k].text.back() != '\n') *out_ << "\n";
  if (!history_[k].picture.empty()) *out_ << "   picture: " << history_[k].picture << "\n";
  *out_ << history_[k].checks;  // empty when first shown; its checks when looked back at
}

Lesson::KeyPress Lesson::read_key(std::istream& in) {
  int c = in.get();
  switch (c) {
    case EOF: return {Key::end, ""};
    case '\n': case '\r': return {Key::next, "Enter"};
    case ' ': return {Key::next, "space"};
    case 'b': case 'B': return {Key::back, "b"};
    case 'q': case 'Q': return {Key::quit, "q"};
    case 3: return {Key::quit, "Ctrl-C"};
    case 4: return {Key::quit, "Ctrl-D"};
    case '\t': return {Key::other, "Tab"};
    case 8: case 127: return {Key::other, "Backspace"};
    case 0x1b: {  // an escape sequence: ESC [ C is →, ESC [ D is ←, ESC O C too
      if (in.peek() != '[' && in.peek() != 'O') return {Key::other, "Esc"};
      in.get();
      int d = in.get();
      if (d == 'C') return {Key::next, "→"};
      if (d == 'D') return {Key::back, "←"};
      if (d == 'A') return {Key::other, "↑"};
      if (d == 'B') return {Key::other, "↓"};
      while (d != EOF && !(d >= 0x40 && d <= 0x7e)) d = in.get();  // to the sequence's last byte
      return {Key::other, "that key"};
    }
    default: break;
  }
  if (c < 32) return {Key::other, "Ctrl-" + std::string(1, static_cast<char>('@' + c))};
  std::string name(1, static_cast<char>(c));
  if (c >= 0xc0)  // the first byte of a UTF-8 character: take the rest of it
    while ((in.peek() & 0xc0) == 0x80) name += static_cast<char>(in.get());
  return {Key::other, name};
}

void Lesson::prompt() { *out_ << "[Enter or →: next, b or ←: back, q: quit] " << std::flush; }

// Between steps: Enter goes on (through the steps looked back at first),
// b shows the step before the one on screen, q quits; any other key is named
// and does nothing. End of input, as when stdin is a file, stops the pausing.
void Lesson::wait(std::size_t newest) {
  std::size_t on_screen = newest;
  const bool terminal = in_ == &std::cin && isatty(0) != 0;
  if (pause_) write_page();  // the browser can follow along
  while (pause_) {
    prompt();
    KeyPress k;
    {
      SingleKeys keys(terminal);
      k = read_key(*in_);
    }
    if (k.key == Key::end) {
      pause_ = false;
      *out_ << "\n";
      return;
    }
    *out_ << k.name << "\n";
    if (k.key == Key::quit) throw Quit{static_cast<int>(on_screen) + 1};
    if (k.key == Key::other) {
      *out_ << "  " << k.name << " does nothing here.\n";
    } else if (k.key == Key::back) {
      if (on_screen == 0) {
        *out_ << "  this is the first step; there is none before it.\n";
        continue;
      }
      --on_screen;
      show(on_screen, "back at ");
    } else if (on_screen < newest) {
      ++on_screen;
      show(on_screen, on_screen < newest ? "back at " : "");
    } else {
      return;
    }
  }
}

bool Lesson::check(bool ok, const std::string& what) {
  ++checks_;
  if (!ok) ++failures_;
  std::string line = (ok ? "  check ok: " : "  CHECK FAILED: ") + what + "\n";
  *out_ << line;
  if (!history_.empty()) history_.back().checks += line;  // shown again when looked back at
  if (!frames_.empty()) frames_.back().checks += line;
  return ok;
}

bool Lesson::check_near(const std::string& what, double got, double want, double tol) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s = %.10g, expected %.10g (within %g)", what.c_str(), got, want,
                tol);
  return check(std::abs(got - want) <= tol, buf);  // false for NaN
}

}  // namespace gradlab::viz
