// SPDX-License-Identifier: MIT
// The page of graph_page.hpp, made of the public viz pieces: the tape's
// observer (backward_with_tape), DOT text with the step's notes (to_dot),
// one layout for every frame (render_frames_svg) and the page writer.

#include "graph_page.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <gradlab/engine.hpp>
#include <gradlab/viz/lesson_page.hpp>
#include <gradlab/viz/render.hpp>
#include <gradlab/viz/tape.hpp>
#include <gradlab/number_text.hpp>

namespace gradlab::cli {

void write_graph_page(const Value& root, const std::string& expression, const std::string& path,
                      viz::RankDir rankdir) {
  std::vector<const Node*> order = engine::topological_order(root);
  std::size_t ops = 0;
  for (const Node* n : order) ops += !n->is_leaf();
  if (ops > kMaxPageOps)
    throw std::length_error("the graph has " + std::to_string(ops) + " ops; a page steps through at most " +
                            std::to_string(kMaxPageOps) + " (write .svg or .png for one picture)");
  // Nodes without a label are named v<N> as the tape names them, in the box.
  std::unordered_map<const Node*, std::string> names, note;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i]->requires_grad() && node_label(*order[i]).empty()) names[order[i]] = std::string("v").append(std::to_string(i));
  auto note_of = [&](const Node& n) {
    std::string text = names.count(&n) ? names[&n] : "";
    if (auto it = note.find(&n); it != note.end()) text += (text.empty() ? "" : "\n") + it->second;
    return text;
  };
  const std::string title = "backward through " + expression;
  std::vector<viz::Frame> frames;
  std::vector<std::string> dots;  // one per frame, drawn on one layout at the end

  frames.push_back({.text = "forward: " + expression + " = " + four_decimals(root.data()) +
                            ". Every gradient is still 0; → steps backward one node at a time."});
  dots.push_back(viz::to_dot(root, {.rankdir = rankdir, .title = title, .note = note_of}));

  viz::backward_with_tape(root, [&](const viz::TapeStep& s) {
    note.clear();
    note[s.node] = "upstream " + four_decimals(s.upstream);
    std::vector<const Node*> updated;
    for (const viz::TapeEdge& e : s.edges) {
      note[e.operand] = "+= " + four_decimals(s.upstream) + " × " + four_decimals(e.local);
      updated.push_back(e.operand);
    }
    std::ostringstream text;
    text << "backward through " << s.name << " (" << s.op << "): upstream gradient " << four_decimals(s.upstream)
         << ", times each local derivative, is added to each operand's gradient.";
    frames.push_back({.text = text.str(), .tape = viz::tape_table(s), .highlight = s.name});
    dots.push_back(viz::to_dot(root, {.rankdir = rankdir, .title = title, .highlight = s.node, .updated = updated, .note = note_of}));
  });

  note.clear();
  std::ostringstream done;
  done << "done: every gradient is complete.";
  for (const Node* n : order)
    if (n->is_leaf() && n->requires_grad())
      done << "\n  d(result)/d" << node_label(*n) << " = " << four_decimals(static_cast<const ScalarNode*>(n)->grad());
  frames.push_back({.text = done.str()});
  dots.push_back(viz::to_dot(root, {.rankdir = rankdir, .title = title, .note = note_of}));

  std::vector<std::string> svgs;
  try {
    svgs = viz::render_frames_svg(dots);  // refused at once past one picture's limits, for all frames together
  } catch (const std::length_error& e) {
    throw std::length_error(std::string(e.what()) + " (here: write -o FILE.svg or -o FILE.png for one picture)");
  }
  for (std::size_t k = 0; k < frames.size(); ++k) frames[k].svg = std::move(svgs[k]);
  viz::write_lesson_page(path, "gradlab graph: " + expression, frames);
}

}  // namespace gradlab::cli
