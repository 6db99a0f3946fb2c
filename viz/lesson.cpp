// SPDX-License-Identifier: MIT
// Stepping through a tutorial: the step counter, the pictures, the pause
// between steps (one key: Enter, b, q, the arrows) and the checks. The backward stepping is the
// tape's observer (tape.cpp) drawing a picture after every node.

#include <gradlab/viz/lesson.hpp>

#include <termios.h>
#include <unistd.h>

#include <cctype>

#include <gradlab/engine.hpp>

#include "heatmap_tiles.hpp"
#include "number_text.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <gradlab/viz/render.hpp>

namespace gradlab::viz {

namespace {

std::string fixed(double x) { return gradlab::detail::four_decimals(x); }  // as the pictures print numbers

LessonOptions from_command_line(const std::string& name, int argc, char** argv) {
  LessonOptions options{.dir = "out/" + name, .pause = isatty(0) != 0, .title = name};
  bool dir_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--no-pause") {
      options.pause = false;
    } else if (arg.rfind("-", 0) == 0 || dir_given) {
      throw std::invalid_argument("unknown argument '" + arg + "'; usage: " + name +
                                  " [--no-pause] [folder for the pictures]");
    } else {
      options.dir = arg;
      dir_given = true;
    }
  }
  return options;
}

// A terminal that hands over each key as it is typed: no line editing, no
// echo, and Ctrl-C arrives as a key (it quits) rather than as a signal, so
// the terminal is always put back as it was.
class SingleKeys {
 public:
  explicit SingleKeys(bool on) {
    if (!on || tcgetattr(0, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~SingleKeys() {
    if (active_) tcsetattr(0, TCSANOW, &saved_);
  }
  SingleKeys(const SingleKeys&) = delete;
  SingleKeys& operator=(const SingleKeys&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

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
  std::filesystem::create_directories(dir_);
  // Pictures of an earlier, longer run would pass for this one's: removed.
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::string name = entry.path().filename().string();
    if (name.size() == 11 && name.rfind("step_", 0) == 0 && name.ends_with(".png")) std::filesystem::remove(entry.path());
  }
}

int Lesson::run(const std::string& name, int argc, char** argv,
                const std::function<void(Lesson&)>& body) {
  try {
    Lesson lesson(name, argc, argv);
    lesson.out() << "page: " << lesson.path("index.html") << " (open it in a browser to step through the lesson)\n";
    try {
      body(lesson);
      lesson.finish();  // the last step's pause, after its checks
    } catch (const Quit&) {
      lesson.write_page();
      lesson.out() << "\nstopped at step " << lesson.steps() << " (q); the pictures so far are in "
                   << lesson.dir() << "/\n";
      return 0;
    } catch (...) {
      lesson.write_page();  // the steps up to the failure, to look at
      throw;
    }
    lesson.write_page();
    if (lesson.failures() > 0) {
      lesson.out() << "\n" << name << ": " << lesson.failures() << " of " << lesson.checks()
                   << " checks FAILED\n";
      return 1;
    }
    lesson.out() << "\n" << name << ": all " << lesson.checks() << " checks passed; "
                 << lesson.steps() << " steps, pictures in " << lesson.dir() << "/\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 1;
  }
}

std::string Lesson::path(const std::string& file) const {
  return (std::filesystem::path(dir_) / file).string();
}

std::string Lesson::next_picture() const {
  char file[32];
  std::snprintf(file, sizeof file, "step_%02d.png", steps() + 1);
  return path(file);
}

void Lesson::step(const std::string& text) { record(text, "", {.text = text}); }

void Lesson::step(const std::string& text, const Value& root, const DotOptions& dot) {
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
  if (svg) frame.svg = render_svg(root, dot);
  record(text, png, std::move(frame));
}

void Lesson::step(const std::string& text, const std::function<void(const std::string&)>& draw) {
  std::string png = next_picture();
  draw(png);
  record(text, png, {.text = text, .png = png});
}

std::string Lesson::write_page() const {
  std::string page = path("index.html");
  write_lesson_page(page, title_, frames_);
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
    if (k.key == Key::quit) throw Quit{};
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

namespace {

// Each backward step renders the whole graph, so stepping suits small graphs
// only; a big one is refused before any gradient changes.
constexpr std::size_t kMaxSteppedOps = 60;
void check_small_enough(const Node& root) {
  std::size_t ops = 0;
  for (const Node* n : engine::topological_order(root)) ops += !n->is_leaf();
  if (ops > kMaxSteppedOps)
    throw std::length_error("Lesson::backward: the graph has " + std::to_string(ops) + " ops (at most " +
                            std::to_string(kMaxSteppedOps) + " are stepped, one picture each); call "
                            "root.backward(), then step(text, root) for one picture of the result");
}

// The tape names a node without a label v<N>, as to_dot numbers it; the
// pictures write that name in the node too, so the text's names can be found.
std::unordered_map<const Node*, std::string> unlabelled_names(const Node& root) {
  std::unordered_map<const Node*, std::string> names;
  std::vector<const Node*> order = engine::topological_order(root);
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i]->requires_grad() && node_label(*order[i]).empty())  // constants are never named
      names[order[i]] = std::string("v").append(std::to_string(i));
  return names;
}

// The note drawn in node n: its tape name when it has no label, then what
// this step did to it.
std::string note_for(const Node& n, const std::unordered_map<const Node*, std::string>& names,
                     const std::unordered_map<const Node*, std::string>& note) {
  auto name = names.find(&n);
  auto it = note.find(&n);
  std::string text = name == names.end() ? "" : name->second;
  if (it != note.end()) text += (text.empty() ? "" : "\n") + it->second;
  return text;
}

}  // namespace

namespace {

// The page's frames of a backward run, drawn on one layout once the run is
// over (the last frame holds every gradient, so it is the largest): the
// nodes stay where they are and only their text and colours change.
void draw_on_one_layout(std::vector<Frame>& frames, std::size_t first, const std::vector<std::string>& dots) {
  std::vector<std::string> svgs = render_frames_svg(dots);
  for (std::size_t k = 0; k < svgs.size(); ++k) {
    frames[first + k].svg = std::move(svgs[k]);
    frames[first + k].png.clear();
  }
}

}  // namespace

std::vector<TapeStep> Lesson::backward(const Value& root, const std::string& title) {
  check_small_enough(*root.node());
  std::unordered_map<const Node*, std::string> note;
  const std::unordered_map<const Node*, std::string> names = unlabelled_names(*root.node());
  bool first = true;
  const std::size_t first_frame = frames_.size();
  std::vector<std::string> dots;  // the page's frames, titled alike so that the layout holds
  std::vector<TapeStep> tape = backward_with_tape(root, [&](const TapeStep& s) {
    // The picture: the node highlighted, its upstream gradient, and on each
    // operand what this step added to it.
    note.clear();
    note[s.node] = "upstream " + fixed(s.upstream);
    std::vector<const Node*> updated;
    for (const TapeEdge& e : s.edges) {
      updated.push_back(e.operand);
      if (e.uses == 1) {
        note[e.operand] = "+= " + fixed(s.upstream) + " × " + fixed(e.local);
        continue;
      }
      std::string& text = note[e.operand];  // each use's share arriving, then their sum
      for (std::size_t k = 0; k < e.local_each.size(); ++k)
        text += "use " + std::to_string(k + 1) + ": += " + fixed(s.upstream) + " × " +
                fixed(e.local_each[k]) + "\n";
      text += "together += " + fixed(e.contribution);
    }
    std::ostringstream intro, table;
    if (first) intro << "backward starts at " << s.name << " with d" << s.name << "/d" << s.name
                     << " = 1; each step passes a node's gradient to its operands.\n";
    first = false;
    intro << "backward through " << s.name << " (" << s.op << "): upstream gradient "
          << fixed(s.upstream) << ", times each local derivative\n";
    print_tape_header(table);
    print_tape_step(table, s);
    DotOptions dot{.title = title.empty() ? "backward: " + s.name : title + ": " + s.name,
                   .highlight = s.node,
                   .updated = updated,
                   .note = [&](const Node& n) { return note_for(n, names, note); }};
    DotOptions page = dot;
    page.title = title.empty() ? "backward" : title;
    dots.push_back(to_dot(*root.node(), page));
    graph_step(intro.str() + table.str(), *root.node(), dot,
               {.text = intro.str(), .tape = tape_table(s), .highlight = s.name}, false);
  });
  draw_on_one_layout(frames_, first_frame, dots);
  return tape;
}

std::vector<TensorTapeStep> Lesson::backward(const Tensor& root, const std::string& title) {
  check_small_enough(*root.node());
  std::unordered_map<const Node*, std::string> note;
  const std::unordered_map<const Node*, std::string> names = unlabelled_names(*root.node());
  const std::size_t first_frame = frames_.size();
  std::vector<std::string> dots;
  // Each frame's heat map tiles in a folder of its own (gradients change),
  // until the frames are drawn.
  const bool heatmaps = detail::has_heatmaps(*root.node());
  detail::TempDir tiles;
  std::vector<TensorTapeStep> tape = backward_with_tape(root, [&](const TensorTapeStep& s) {
    note.clear();
    note[s.node] = "upstream " + s.upstream;
    std::vector<const Node*> updated;
    for (const TensorTapeEdge& e : s.edges) {
      note[e.operand] = "+= " + e.contribution;
      updated.push_back(e.operand);
    }
    std::ostringstream intro, table;
    intro << "backward through " << s.name << " (" << s.op << "): its gradient is complete; it passes "
          << "a share to each operand\n";
    print_tape_step(table, s);
    // Top to bottom: tensor boxes are wide, so a long chain reads better downwards.
    DotOptions dot{.rankdir = RankDir::TB,
                   .title = title.empty() ? "backward: " + s.name : title + ": " + s.name,
                   .highlight = s.node,
                   .updated = updated,
                   .note = [&](const Node& n) { return note_for(n, names, note); }};
    DotOptions page = dot;
    page.title = title.empty() ? "backward" : title;
    if (heatmaps) {
      page.heatmap_dir = (std::filesystem::path(tiles.path()) / std::to_string(dots.size())).string();
      std::filesystem::create_directories(page.heatmap_dir);
      detail::write_heatmap_tiles(*root.node(), page.heatmap_dir);
    }
    dots.push_back(to_dot(*root.node(), page));
    graph_step(intro.str() + table.str(), *root.node(), dot,
               {.text = intro.str(), .tape = tape_table(s), .highlight = s.name}, false);
  });
  draw_on_one_layout(frames_, first_frame, dots);
  return tape;
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
