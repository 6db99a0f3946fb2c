// SPDX-License-Identifier: MIT
// DOT text for any graph, read through the node view of the core: op name,
// label, parents, and the kind's own text for data and grad. A small tensor
// is drawn as a grid of its numbers instead, one row per row of its last dim.

#include <gradlab/viz/dot.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include <gradlab/engine.hpp>
#include <gradlab/tensor.hpp>

#include "escape.hpp"

namespace gradlab::viz {

namespace {

// Escapes text for one field of a DOT record label, from the one escaper
// (escape.hpp: invalid UTF-8 as U+FFFD, controls as "\x01", & < > " as
// entities that Graphviz reads back). Graphviz drops a field's leading and
// trailing spaces and draws a run of spaces as one, unless each after the
// first is a hard space ("\ "), so runs are written that way.
std::string record_escape(const std::string& raw) {
  const std::string text = detail::escape_html(raw);
  std::size_t begin = text.find_first_not_of(' '), end = text.find_last_not_of(' ');
  if (begin == std::string::npos) return "";
  std::string out;
  for (std::size_t i = begin; i <= end; ++i) {
    const char c = text[i];
    switch (c) {
      case '{': case '}': case '|': case '\\':
        out += '\\';
        out += c;
        break;
      case '\n': out += "\\n"; break;
      case ' ': out += i > begin && text[i - 1] == ' ' ? "\\ " : " "; break;
      default: out += c;
    }
  }
  return out;
}

// Joins escaped record fields with " | ". Graphviz 2.42's record parser
// takes the first character after a field's leading space as part of the
// space when it is not ASCII, and then drops the space after it ("λ b"
// drawn "λb"), so such a field follows its '|' (or '{') directly.
void add_field(std::string& fields, const std::string& field) {
  bool ascii_start = field.empty() || static_cast<unsigned char>(field[0]) < 0x80;
  if (!fields.empty()) fields += ascii_start ? " | " : " |";
  fields += field;
}

// A label as a quoted DOT string, from the one escaper (escape.hpp).
std::string quote(const std::string& raw) {
  std::string out = "\"";
  for (char c : detail::escape_html(raw)) {
    if (c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

const char* role_color(const Node& n, const Node& root) {
  if (&n == &root) return kColorOutput;
  if (!n.is_leaf()) return kColorIntermediate;
  if (n.flags & kParameter) return kColorParameter;
  return n.requires_grad() ? kColorLeaf : kColorConstant;
}

// How a grid prints its numbers: with four decimals, as the pictures print a
// Value, so that the columns line up; with four significant digits when
// that would show nothing (all below 0.001) or too much (1e5 and above).
std::string grid_number(double x, bool fixed) {
  char buf[32];
  if (fixed && x > -0.00005 && x < 0.00005) x = 0.0;  // no "-0.0000" from rounding noise
  std::snprintf(buf, sizeof buf, fixed ? "%.4f" : "%.4g", x);
  return buf;
}

// "data [2, 4] | { 1.0000 | 2.0000 | 3.0000 | 4.0000 } | { ... }": the
// shape, then one record row per row of the last dimension. Each pair of
// braces turns the fields inside them a quarter turn: in a left-to-right
// graph the node's fields already run down, so one pair turns a row across;
// top to bottom they run across, so the rows are wrapped once more.
std::string grid(const char* what, const Shape& shape, const std::vector<double>& v, RankDir dir) {
  double largest = 0;
  for (double x : v) largest = std::max(largest, std::abs(x));
  const bool fixed = largest == 0 || (largest >= 0.001 && largest < 1e5);
  std::string rows;
  const std::size_t cols = shape.empty() ? 1 : static_cast<std::size_t>(shape.back());
  for (std::size_t i = 0; i < v.size(); i += cols) {
    rows += i ? " | {" : "{";
    for (std::size_t j = 0; j < cols; ++j)
      rows += (j ? " | " : " ") + record_escape(grid_number(v[i + j], fixed));
    rows += " }";
  }
  std::string text = std::string(what) + " " + to_string(shape) + " | ";
  return text + (dir == RankDir::LR ? rows : "{ " + rows + " }");
}

// The data and grad fields of one node.
std::string data_and_grad(const Node& n, bool show_grad, RankDir dir) {
  // A node that takes no gradient (a constant, an input) shows none: "grad 0"
  // would read as "the derivative with respect to 3 is 0".
  show_grad = show_grad && n.requires_grad();
  const NodeKind& kind = *n.op->kind;
  if (&kind == &kTensorKind) {
    const auto& t = static_cast<const TensorNode&>(n);
    if (t.data.size() >= 2 && t.data.size() <= kGridMaxElements) {
      std::string text = grid("data", t.shape, t.data, dir);
      if (show_grad)
        text += " | " + (t.grad.empty() ? std::string("grad none") : grid("grad", t.shape, t.grad, dir));
      return text;
    }
  }
  std::string text = "data " + record_escape(kind.data_text(n));
  if (show_grad) text += " | grad " + record_escape(kind.grad_text(n));
  return text;
}

// --- heat maps: a box drawn as a Graphviz HTML-like table, since record
// labels hold no pictures.

// Text in a Graphviz HTML-like label: the one escaper, lines as <BR/>.
std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : detail::escape_html(text)) {
    if (c == '\n') out += "<BR/>";
    else out += c;
  }
  return out;
}

// "[128, 784] min -0.6 mean 0.001 max 0.3" -> the shape, then the numbers
// on a line of their own, then the colour scale.
std::string heat_caption(const char* what, const std::string& summary, const std::vector<double>& v,
                         const Shape& shape) {
  std::size_t cut = summary.find("] ");
  std::string text = std::string(what) + " " +
                     (cut == std::string::npos ? summary : summary.substr(0, cut + 1) + "\n" + summary.substr(cut + 2));
  const std::int64_t slice = shape.empty() ? 1 : shape.back() * (shape.size() >= 2 ? shape[shape.size() - 2] : 1);
  double m = 0;
  for (std::int64_t i = 0; i < slice; ++i) m = std::max(m, std::abs(v[static_cast<std::size_t>(i)]));
  char scale[64];
  std::snprintf(scale, sizeof scale, "\ncolour: ±%.4g (0 white)", m);
  text += scale;
  if (shape.size() > 2) {  // the tile shows the first 2-d slice: [0, ..., 0, :, :]
    text += "\nshown: [";
    for (std::size_t d = 0; d + 2 < shape.size(); ++d) text += "0, ";
    text += ":, :]";
  }
  return text;
}

bool drawn_as_heatmap(const Node& n, const DotOptions& options) {
  return !options.heatmap_dir.empty() && &*n.op->kind == &kTensorKind &&
         static_cast<const TensorNode&>(n).data.size() > kGridMaxElements;
}

// The box: label, data caption and tile, grad caption and tile, note; down
// a column left to right (as records are), along a row top to bottom.
std::string heatmap_box(const Node& n, const std::string& v, const DotOptions& options, const char* fill,
                        const char* border, int border_width) {
  const auto& t = static_cast<const TensorNode&>(n);
  const std::string tile = html_escape((std::filesystem::path(options.heatmap_dir) / v).string());
  std::vector<std::string> cells;
  if (std::string label = node_label(n); !label.empty()) cells.push_back(html_escape(label));
  cells.push_back(html_escape(heat_caption("data", kTensorKind.data_text(n), t.data, t.shape)));
  cells.push_back("<IMG SRC=\"" + tile + "_data.png\"/>");
  if (options.show_grad && n.requires_grad()) {  // no gradient yet: a blank tile keeps the box's shape
    cells.push_back(t.grad.empty() ? "grad none" : html_escape(heat_caption("grad", kTensorKind.grad_text(n), t.grad, t.shape)));
    cells.push_back("<IMG SRC=\"" + tile + "_grad.png\"/>");
  }
  if (options.note) cells.push_back(html_escape(options.note(n)));  // empty too: the same cells in every frame
  const bool column = options.rankdir == RankDir::LR;
  std::string html = "<TABLE BORDER=\"" + std::to_string(border_width) + "\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                     "CELLPADDING=\"4\" COLOR=\"" + border + "\"" +
                     (options.color_by_role ? std::string(" BGCOLOR=\"") + fill + "\"" : "") + ">";
  if (!column) html += "<TR>";
  // Text cells (not the label) at least 250 points wide (the longest min / mean / max line), so that the tiles stay
  // put as the numbers change from one frame of a lesson to the next.
  const bool labelled = !node_label(n).empty();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const bool fits_itself = cells[i].starts_with("<IMG") || (labelled && i == 0);  // a tile, the label
    html += (column ? "<TR>" : "") + std::string(fits_itself ? "<TD>" : "<TD WIDTH=\"250\">") + cells[i] +
            (column ? "</TD></TR>" : "</TD>");
  }
  if (!column) html += "</TR>";
  return html + "</TABLE>";
}

}  // namespace

std::string to_dot(const Node& root, const DotOptions& options) {
  std::vector<const Node*> order = engine::topological_order(root);
  std::unordered_map<const Node*, std::size_t> id;
  for (std::size_t i = 0; i < order.size(); ++i) id[order[i]] = i;

  std::ostringstream os;
  os << "digraph gradlab {\n";
  os << "  graph [rankdir=" << (options.rankdir == RankDir::LR ? "LR" : "TB")
     << ", fontname=\"Helvetica\", nodesep=0.25, ranksep=0.35";
  if (!options.title.empty()) os << ", label=" << quote(options.title) << ", labelloc=t";
  os << "];\n";
  os << "  node [fontname=\"Helvetica\", fontsize=11];\n";
  os << "  edge [color=\"#555555\", arrowsize=0.7, fontname=\"Helvetica\", fontsize=10];\n";

  for (const Node* n : order) {
    std::string v = std::string("v").append(std::to_string(id[n]));
    const bool updated = std::find(options.updated.begin(), options.updated.end(), n) != options.updated.end();
    const std::string mark = n == options.highlight ? std::string(", penwidth=3, color=\"") + kColorHighlight + "\"" : "";
    if (drawn_as_heatmap(*n, options)) {  // an HTML-like table holding the tiles
      const char* border = n == options.highlight ? kColorHighlight : updated ? kColorUpdated : "#000000";
      os << "  " << v << " [shape=none, margin=0, label=<"
         << heatmap_box(*n, v, options, role_color(*n, root), border, n == options.highlight || updated ? 3 : 1)
         << ">];\n";
    } else {  // a record: label | data | grad | note
      std::string fields;
      if (std::string label = node_label(*n); !label.empty()) add_field(fields, record_escape(label));
      add_field(fields, data_and_grad(*n, options.show_grad, options.rankdir));
      if (options.note)
        if (std::string note = options.note(*n); !note.empty()) add_field(fields, record_escape(note));
      // In left-to-right graphs a record's fields run across; braces turn them.
      bool ascii_start = static_cast<unsigned char>(fields[0]) < 0x80;
      std::string label = options.rankdir == RankDir::LR ? (ascii_start ? "{ " : "{") + fields + " }" : fields;
      os << "  " << v << " [shape=record, label=\"" << label << "\"";
      if (options.color_by_role) os << ", style=filled, fillcolor=\"" << role_color(*n, root) << "\"";
      os << mark << (updated && n != options.highlight ? std::string(", penwidth=3, color=\"") + kColorUpdated + "\"" : "")
         << "];\n";
    }
    if (n->is_leaf()) continue;

    // The op gets its own small node, fed by the operands.
    os << "  " << v << "_op [shape=ellipse, margin=0.02, label=" << quote(n->op->name)
       << ", style=filled, fillcolor=\"" << kColorOp << "\"" << mark << "];\n";
    os << "  " << v << "_op -> " << v << ";\n";
    std::vector<std::pair<const Node*, int>> uses;  // distinct operands, in order, with counts
    for (const Node* p : n->parents()) {
      auto it = std::find_if(uses.begin(), uses.end(), [&](auto& u) { return u.first == p; });
      if (it == uses.end()) uses.emplace_back(p, 1);
      else ++it->second;
    }
    for (auto [p, k] : uses) {
      os << "  v" << id[p] << " -> " << v << "_op";
      const bool flowing = n == options.highlight && p->requires_grad();  // the gradient goes back along it
      if (k > 1)
        os << " [label=\"×" << k << "\", fontcolor=\"#b03000\", color=\"" << (flowing ? kColorHighlight : "#b03000")
           << "\"" << (flowing ? ", penwidth=2.5" : "") << "]";
      else if (flowing)
        os << " [color=\"" << kColorHighlight << "\", penwidth=2.5]";
      os << ";\n";
    }
  }
  os << "}\n";
  return os.str();
}

std::string to_dot(const Value& root, const DotOptions& options) {
  return to_dot(*root.node(), options);
}

std::string to_dot(const Tensor& root, const DotOptions& options) {
  return to_dot(*root.node(), options);
}

}  // namespace gradlab::viz
