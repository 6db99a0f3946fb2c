// SPDX-License-Identifier: MIT
// DOT text -> PNG/SVG through Graphviz's cgraph (parse) and gvc (layout and
// render), in this process. Graphviz keeps global state, so one mutex
// serialises every use of it. Graphs too big to lay out quickly are refused
// before Graphviz sees them, as are attributes and picture sizes that would
// take it minutes (render_limits.hpp).

#include <gradlab/viz/render.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <gradlab/engine.hpp>

#include "io/atomic_file.hpp"
#include "heatmap_tiles.hpp"
#include "render_limits.hpp"

namespace gradlab::viz {

namespace {

std::mutex graphviz_mutex;

// Graphviz reports errors through a callback; collect them for the exception.
std::string graphviz_errors;
int collect_error(char* message) {
  graphviz_errors += message;
  return 0;
}

GVC_t* context() {
  static GVC_t* gvc = [] {
    agseterrf(collect_error);
    agseterr(AGERR);  // warnings stay quiet
    return gvContext();
  }();
  return gvc;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string format_of(const std::string& path) {
  std::string ext = gradlab::detail::extension_of(path);
  if (ext == "png" || ext == "svg" || ext == "dot") return ext;
  throw std::invalid_argument("render: unknown format '" + ext + "' for '" + path +
                              "' (use .png, .svg or .dot)");
}

// The nodes reachable from root, counting no further than `limit` + 1, so a
// huge graph is refused without walking all of it.
std::size_t count_nodes(const Node& root, std::size_t limit) {
  std::unordered_set<const Node*> seen{&root};
  std::vector<const Node*> stack{&root};
  while (!stack.empty() && seen.size() <= limit) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const Node* p : n->parents())
      if (seen.insert(p).second) stack.push_back(p);
  }
  return seen.size();
}

}  // namespace

namespace {

// What render_dot says to do instead of a layout too big for one picture.
const char* kSmallerGraph = "draw a smaller graph, or one whose values are used by ops closer together";

// DOT text drawn as `format` (png or svg), in memory; path only names it in
// errors. Layouts over max_skipped_layers are refused, saying `instead`.
std::string draw(const std::string& dot, const std::string& format, const std::string& path,
                 std::size_t max_skipped_layers = kMaxSkippedLayers, const std::string& instead = kSmallerGraph) {

  // Graphviz reads C strings: text after a NUL would vanish, or leave a
  // syntax error that points nowhere near the cause.
  if (std::size_t nul = dot.find('\0'); nul != std::string::npos)
    throw std::invalid_argument("render: the DOT text holds a NUL byte at offset " +
                                std::to_string(nul) + "; Graphviz cannot read past it");
  std::string bytes;
  {
    std::lock_guard lock(graphviz_mutex);
    GVC_t* gvc = context();
    graphviz_errors.clear();
    Agraph_t* g = agmemread(dot.c_str());
    if (!g)
      throw std::invalid_argument("render: Graphviz could not read the DOT text: " +
                                  trimmed(graphviz_errors));
    struct Close {
      GVC_t* gvc;
      Agraph_t* g;
      bool laid_out = false;
      ~Close() {
        if (laid_out) gvFreeLayout(gvc, g);
        agclose(g);
      }
    } close{gvc, g};
    detail::check_attributes(g);
    detail::check_work(detail::layout_work(g), 1, std::numeric_limits<std::size_t>::max(), max_skipped_layers,
                       "render", instead);
    if (gvLayout(gvc, g, "dot") != 0)
      throw std::runtime_error("render: Graphviz could not lay out the graph: " +
                               trimmed(graphviz_errors));
    close.laid_out = true;
    if (std::uint64_t pixels = detail::png_pixels(g); format == "png" && pixels > kMaxPngPixels)
      throw std::invalid_argument(
          "render: '" + path + "' would be a PNG of " + std::to_string(pixels / 1000000) +
          " million pixels, more than the " + std::to_string(kMaxPngPixels / 1000000) +
          " million render draws (lower the graph's dpi or size, or write .svg)");
    // Rendered in memory, then written whole, so a full disk is an error
    // rather than a truncated picture.
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, g, format.c_str(), &data, &length) != 0 || !data || length == 0) {
      if (data) gvFreeRenderData(data);
      throw std::runtime_error("render: Graphviz could not render '" + path + "' as " + format +
                               ": " + trimmed(graphviz_errors));
    }
    bytes.assign(data, length);
    gvFreeRenderData(data);
  }
  return bytes;
}

}  // namespace

void render_dot(const std::string& dot, const std::string& path) {
  std::string format = format_of(path);
  if (format == "dot") return gradlab::detail::write_file_atomically(path, "render", dot);
  gradlab::detail::write_file_atomically(path, "render", draw(dot, format, path));
}

// --- one layout for many frames: every node sized to fit its largest text
// in any frame, placed once by dot, then each frame drawn by Graphviz's
// "nop2" engine, which keeps the positions (nodes and edges) it is given.

namespace {

// A parsed graph, closed (and its layout freed) when it goes.
struct Parsed {
  GVC_t* gvc;
  Agraph_t* g;
  bool laid_out = false;
  Parsed(GVC_t* gvc, const std::string& dot, std::size_t frame) : gvc(gvc), g(nullptr) {
    graphviz_errors.clear();
    if (dot.find('\0') != std::string::npos || !(g = agmemread(dot.c_str())))
      throw std::invalid_argument("render_frames: Graphviz could not read frame " + std::to_string(frame) +
                                  ": " + trimmed(graphviz_errors));
    try {
      detail::check_attributes(g);
    } catch (...) {
      agclose(g);
      throw;
    }
  }
  ~Parsed() {
    if (laid_out) gvFreeLayout(gvc, g);
    agclose(g);
  }
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;
  void layout(const char* engine) {
    if (gvLayout(gvc, g, engine) != 0)
      throw std::runtime_error("render_frames: Graphviz could not lay out a frame: " + trimmed(graphviz_errors));
    laid_out = true;
  }
  std::string render(const char* format) {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, g, format, &data, &length) != 0 || !data) {
      if (data) gvFreeRenderData(data);
      throw std::runtime_error("render_frames: Graphviz could not render a frame: " + trimmed(graphviz_errors));
    }
    std::string out(data, length);
    gvFreeRenderData(data);
    return out;
  }
};

void set(void* object, const char* name, const std::string& value) {
  agsafeset(object, const_cast<char*>(name), const_cast<char*>(value.c_str()), const_cast<char*>(""));
}
std::string get(void* object, const char* name) {
  const char* v = agget(object, const_cast<char*>(name));
  return v ? v : "";
}
std::string edge_key(Agedge_t* e) { return std::string(agnameof(agtail(e))) + "->" + agnameof(aghead(e)); }

}  // namespace

std::vector<std::string> render_frames_svg(const std::vector<std::string>& dots, const FrameLimits& limits) {
  std::vector<std::string> svgs;
  if (dots.empty()) return svgs;
  std::lock_guard lock(graphviz_mutex);
  GVC_t* gvc = context();
  // The frames draw one graph: every frame's nodes are sized and drawn, but
  // only the last frame is laid out with its edges (the costly part, with
  // the layers they skip). That work, counted for all the frames together,
  // must fit one picture's limits, or the frames are refused at once.
  const std::string instead = "draw one picture of the graph instead (render), or fewer frames of a smaller graph";
  std::unordered_set<std::string> names;
  {
    Parsed last(gvc, dots.back(), dots.size() - 1);
    const detail::LayoutWork work = detail::layout_work(last.g);
    detail::check_work({.nodes = work.nodes}, dots.size(), limits.max_nodes, limits.max_skipped_layers,
                       "render_frames_svg", instead);
    detail::check_work({.skipped_layers = work.skipped_layers}, 1, limits.max_nodes, limits.max_skipped_layers,
                       "render_frames_svg", instead);
    for (Agnode_t* n = agfstnode(last.g); n; n = agnxtnode(last.g, n)) names.insert(agnameof(n));
  }
  auto same_graph = [&](Parsed& p, std::size_t k) {
    for (Agnode_t* n = agfstnode(p.g); n; n = agnxtnode(p.g, n))
      if (!names.count(agnameof(n)))
        throw std::invalid_argument("render_frames: frame " + std::to_string(k) + " has node '" + agnameof(n) +
                                    "' that the last frame lacks; the frames must draw one graph");
  };
  // Each node's largest size over the frames, in inches: dot sizes a node
  // by its label alone, so each frame is laid out without its edges, which
  // costs next to nothing.
  std::unordered_map<std::string, std::pair<double, double>> size;
  for (std::size_t k = 0; k < dots.size(); ++k) {
    Parsed p(gvc, dots[k], k);
    same_graph(p, k);
    for (Agnode_t* n = agfstnode(p.g); n; n = agnxtnode(p.g, n))
      for (Agedge_t* e = agfstout(p.g, n), *next; e; e = next) {
        next = agnxtout(p.g, e);
        agdeledge(p.g, e);
      }
    p.layout("dot");
    for (Agnode_t* n = agfstnode(p.g); n; n = agnxtnode(p.g, n)) {
      auto& [w, h] = size[agnameof(n)];
      w = std::max(w, ND_width(n));
      h = std::max(h, ND_height(n));
    }
  }
  auto fix_sizes = [&](Agraph_t* g) {
    for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
      auto [w, h] = size[agnameof(n)];
      set(n, "width", std::to_string(w));
      set(n, "height", std::to_string(h));
      set(n, "fixedsize", "true");
    }
  };
  // The last frame, its nodes at their largest, laid out once by dot; the
  // "dot" output writes the positions into the graph's attributes.
  std::unordered_map<std::string, std::string> node_pos;
  std::unordered_map<std::string, std::pair<std::string, std::string>> edge_pos;  // pos, label pos
  std::string bb;
  {
    Parsed p(gvc, dots.back(), dots.size() - 1);
    fix_sizes(p.g);
    p.layout("dot");
    p.render("dot");
    for (Agnode_t* n = agfstnode(p.g); n; n = agnxtnode(p.g, n)) {
      node_pos[agnameof(n)] = get(n, "pos");
      for (Agedge_t* e = agfstout(p.g, n); e; e = agnxtout(p.g, e)) edge_pos[edge_key(e)] = {get(e, "pos"), get(e, "lp")};
    }
    bb = get(p.g, "bb");
  }
  for (std::size_t k = 0; k < dots.size(); ++k) {
    Parsed p(gvc, dots[k], k);
    fix_sizes(p.g);
    for (Agnode_t* n = agfstnode(p.g); n; n = agnxtnode(p.g, n)) {
      auto it = node_pos.find(agnameof(n));
      if (it == node_pos.end())
        throw std::invalid_argument("render_frames: frame " + std::to_string(k) + " has node '" + agnameof(n) +
                                    "' that the last frame lacks; the frames must draw one graph");
      set(n, "pos", it->second);
      for (Agedge_t* e = agfstout(p.g, n); e; e = agnxtout(p.g, e)) {
        auto ep = edge_pos.find(edge_key(e));
        if (ep == edge_pos.end()) continue;  // drawn straight by nop2
        set(e, "pos", ep->second.first);
        if (!ep->second.second.empty()) set(e, "lp", ep->second.second);
      }
    }
    set(p.g, "bb", bb);
    p.layout("nop2");
    svgs.push_back(detail::embed_images(p.render("svg")));  // heat map tiles inlined
  }
  return svgs;
}

detail::LayoutWork detail::layout_work(const std::string& dot) {
  std::lock_guard lock(graphviz_mutex);
  Parsed p(context(), dot, 0);
  return layout_work(p.g);
}

std::string render_svg(const std::string& dot) {
  std::lock_guard lock(graphviz_mutex);
  Parsed p(context(), dot, 0);
  detail::check_work(detail::layout_work(p.g), 1, std::numeric_limits<std::size_t>::max(), kMaxSkippedLayers,
                     "render_svg", kSmallerGraph);
  p.layout("dot");
  return detail::embed_images(p.render("svg"));
}

void render(const Node& root, const std::string& path, const RenderOptions& options) {
  format_of(path);  // an unknown format is refused before any work
  std::size_t n = count_nodes(root, options.max_nodes);
  if (n > options.max_nodes)
    throw std::length_error("render: the graph has more than " + std::to_string(options.max_nodes) +
                            " nodes (max_nodes), too many for a readable picture; raise "
                            "RenderOptions::max_nodes to draw it anyway");
  std::string format = format_of(path);
  if (format == "dot") return render_dot(to_dot(root, options.dot), path);  // text: no layout to limit
  const std::string instead = "raise RenderOptions::max_skipped_layers to draw it anyway";
  if (!options.dot.heatmap_dir.empty() || !detail::has_heatmaps(root))
    return gradlab::detail::write_file_atomically(
        path, "render", draw(to_dot(root, options.dot), format, path, options.max_skipped_layers, instead));
  // Big tensors as heat maps: the tiles drawn in a folder of their own,
  // then (SVG) inlined, so the picture stands alone.
  detail::TempDir tiles;
  detail::write_heatmap_tiles(root, tiles.path());
  DotOptions dot = options.dot;
  dot.heatmap_dir = tiles.path();
  std::string bytes = draw(to_dot(root, dot), format, path, options.max_skipped_layers, instead);
  if (format == "svg") bytes = detail::embed_images(bytes);
  gradlab::detail::write_file_atomically(path, "render", bytes);
}

std::string render_svg(const Node& root, const DotOptions& options) {
  if (count_nodes(root, kMaxNodes) > kMaxNodes)
    throw std::length_error("render_svg: the graph has more than " + std::to_string(kMaxNodes) +
                            " nodes (kMaxNodes), too many for a readable picture; draw a smaller graph");
  if (!options.heatmap_dir.empty() || !detail::has_heatmaps(root)) return render_svg(to_dot(root, options));
  detail::TempDir tiles;
  detail::write_heatmap_tiles(root, tiles.path());
  DotOptions dot = options;
  dot.heatmap_dir = tiles.path();
  return detail::embed_images(render_svg(to_dot(root, dot)));
}

void render(const Value& root, const std::string& path, const RenderOptions& options) {
  render(*root.node(), path, options);
}

void render(const Tensor& root, const std::string& path, const RenderOptions& options) {
  render(*root.node(), path, options);
}

std::string render_svg(const Tensor& root, const DotOptions& options) {
  return render_svg(*root.node(), options);
}

}  // namespace gradlab::viz
