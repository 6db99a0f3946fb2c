// SPDX-License-Identifier: MIT
// Lesson::backward: root.backward() one op node at a time, as the tape's
// observer (tape.cpp) sees it; after every node a picture with the node
// highlighted and what it passed on, and a frame for the page, the frames of
// one run drawn on one layout.

#include <gradlab/viz/lesson.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <gradlab/engine.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/viz/dot.hpp>
#include <gradlab/viz/render.hpp>

#include "heatmap_tiles.hpp"
#include <gradlab/number_text.hpp>

#include "node_names.hpp"
#include "render_limits.hpp"

namespace gradlab::viz {

namespace {

std::string fixed(double x) { return gradlab::four_decimals(x); }  // as the pictures print numbers

}  // namespace

namespace {

// Each backward step draws the whole graph twice: its PNG, laid out on its
// own, and its frame of the page (render_frames_svg: every frame sized and
// drawn, one of them laid out). All those pictures together share one
// picture's limits (render.hpp), so a big graph is refused before any
// gradient changes: at once by its ops, then by the work of its pictures.
constexpr std::size_t kMaxSteppedOps = 60;
const char* kInstead = "call root.backward(), then step(text, root) for one picture of the result, or step "
                       "through a smaller graph";
void check_small_enough(const Node& root, RankDir rankdir) {
  std::size_t ops = 0;
  for (const Node* n : engine::topological_order(root)) ops += !n->is_leaf();
  if (ops > kMaxSteppedOps)
    throw std::length_error("Lesson::backward: the graph has " + std::to_string(ops) + " ops (at most " +
                            std::to_string(kMaxSteppedOps) + " are stepped, one picture each); " + kInstead);
  DotOptions plain;
  plain.rankdir = rankdir;
  const detail::LayoutWork work = detail::layout_work(to_dot(root, plain));
  const std::string who = "Lesson::backward (" + std::to_string(ops) + " steps, each with a PNG and a frame of the page)";
  detail::check_work({.nodes = work.nodes}, 2 * ops, kMaxNodes, kMaxSkippedLayers, who, kInstead);
  detail::check_work({.skipped_layers = work.skipped_layers}, ops + 1, kMaxNodes, kMaxSkippedLayers, who, kInstead);
}

// A node without a label gets a name from its op (node_names.hpp: kᵀ,
// q @ kᵀ); the text and the table use it, and the pictures write it in the
// node, so the text's names can be found there.
std::unordered_map<const Node*, std::string> unlabelled_names(const std::unordered_map<const Node*, std::string>& all) {
  std::unordered_map<const Node*, std::string> names;
  for (const auto& [n, name] : all)
    if (n->requires_grad() && node_label(*n).empty()) names[n] = name;  // constants are never named
  return names;
}

// A tape step with every node named as the text and pictures name it.
template <class Step>
Step renamed(Step step, const std::unordered_map<const Node*, std::string>& all) {
  step.name = all.at(step.node);
  for (auto& e : step.edges) e.name = all.at(e.operand);
  return step;
}

// A tensor's numbers as a backward step's text shows them: up to
// kGridMaxElements of them as a grid, a line per row of the last dim, each
// line after the first starting with `indent` (the pictures draw the same
// grid); one number alone as that number; more as the summary the tape gives.
std::string numbers_text(const Shape& shape, const std::vector<double>& v, const std::string& summary,
                         const std::string& indent) {
  if (v.size() > kGridMaxElements || v.empty()) return summary;
  double largest = 0;
  for (double x : v) largest = std::max(largest, std::abs(x));
  const bool four_decimals = largest == 0 || (largest >= 0.001 && largest < 1e5);
  std::vector<std::string> cells;
  std::size_t width = 0;
  for (double x : v) {
    char buf[32];
    if (four_decimals && x > -0.00005 && x < 0.00005) x = 0.0;  // no "-0.0000"
    std::snprintf(buf, sizeof buf, four_decimals ? "%.4f" : "%.4g", x);
    cells.push_back(buf);
    width = std::max(width, cells.back().size());
  }
  if (v.size() == 1) return cells[0];
  std::string out = to_string(shape);
  const std::size_t cols = shape.empty() ? 1 : static_cast<std::size_t>(shape.back());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i % cols == 0) out += "\n" + indent;
    out += std::string(width - cells[i].size() + (i % cols ? 2 : 0), ' ') + cells[i];
  }
  return out;
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
  check_small_enough(*root.node(), RankDir::LR);
  std::unordered_map<const Node*, std::string> note;
  const std::unordered_map<const Node*, std::string> all = detail::node_names(*root.node());
  const std::unordered_map<const Node*, std::string> names = unlabelled_names(all);
  bool first = true;
  const std::size_t first_frame = frames_.size();
  std::vector<std::string> dots;  // the page's frames, titled alike so that the layout holds
  std::vector<TapeStep> tape = backward_with_tape(root, [&](const TapeStep& step) {
    const TapeStep s = renamed(step, all);
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
    const TapeColumns columns = tape_columns({s});
    print_tape_header(table, columns);
    print_tape_step(table, s, columns);
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
  for (TapeStep& step : tape) step = renamed(step, all);
  return tape;
}

std::vector<TensorTapeStep> Lesson::backward(const Tensor& root, const std::string& title) {
  check_small_enough(*root.node(), RankDir::TB);
  std::unordered_map<const Node*, std::string> note;
  const std::unordered_map<const Node*, std::string> all = detail::node_names(*root.node());
  const std::unordered_map<const Node*, std::string> names = unlabelled_names(all);
  const std::size_t first_frame = frames_.size();
  std::vector<std::string> dots;
  // The gradients as the last step left them, to show what each step adds
  // (the tape clears an op's gradient before the sweep; a leaf keeps its own).
  std::unordered_map<const Node*, std::vector<double>> seen;
  auto grad_of = [](const Node& n) {
    const auto& t = static_cast<const TensorNode&>(n);
    return t.grad.empty() ? std::vector<double>(t.data.size(), 0.0) : t.grad;
  };
  for (const Node* n : engine::topological_order(*root.node()))
    if (n->requires_grad()) seen[n] = n->is_leaf() ? grad_of(*n) : std::vector<double>(grad_of(*n).size(), 0.0);
  std::vector<TensorTapeStep> shown;  // with the numbers of small tensors, as the table shows them
  // Each frame's heat map tiles in a folder of its own (gradients change),
  // until the frames are drawn.
  const bool heatmaps = detail::has_heatmaps(*root.node());
  detail::TempDir tiles;
  std::vector<TensorTapeStep> tape = backward_with_tape(root, [&](const TensorTapeStep& step) {
    // Small tensors as their numbers: in the terminal a grid indented under
    // its line, in the page's table a grid in its cell.
    const TensorTapeStep s = renamed(step, all);
    TensorTapeStep terminal = s, cell = s;
    const auto& node = static_cast<const TensorNode&>(*s.node);
    terminal.upstream = numbers_text(node.shape, grad_of(node), s.upstream, "      ");
    cell.upstream = numbers_text(node.shape, grad_of(node), s.upstream, "");
    for (std::size_t k = 0; k < s.edges.size(); ++k) {
      const auto& t = static_cast<const TensorNode&>(*s.edges[k].operand);
      std::vector<double> now = grad_of(t), added = now;
      std::vector<double>& before = seen[&t];
      for (std::size_t i = 0; i < added.size() && i < before.size(); ++i) added[i] -= before[i];
      const std::string pad(8 + s.edges[k].name.size(), ' ');
      terminal.edges[k].contribution = numbers_text(t.shape, added, s.edges[k].contribution, pad + "   ");
      terminal.edges[k].accumulated = numbers_text(t.shape, now, s.edges[k].accumulated, pad + "    ");
      cell.edges[k].contribution = numbers_text(t.shape, added, s.edges[k].contribution, "");
      cell.edges[k].accumulated = numbers_text(t.shape, now, s.edges[k].accumulated, "");
      before = std::move(now);
    }
    shown.push_back(cell);
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
    print_tape_step(table, terminal);
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
               {.text = intro.str(), .tape = tape_table(cell), .highlight = s.name}, false);
  });
  draw_on_one_layout(frames_, first_frame, dots);
  return shown;
}

}  // namespace gradlab::viz
