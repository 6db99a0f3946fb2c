// SPDX-License-Identifier: MIT
// DOT text -> PNG/SVG through Graphviz's cgraph (parse) and gvc (layout and
// render), in this process. Graphviz keeps global state, so one mutex
// serialises every use of it.

#include <gradlab/viz/render.hpp>

#include <fstream>
#include <mutex>
#include <stdexcept>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <gradlab/engine.hpp>

#include "atomic_file.hpp"

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
  std::string ext = detail::extension_of(path);
  if (ext == "png" || ext == "svg" || ext == "dot") return ext;
  throw std::invalid_argument("render: unknown format '" + ext + "' for '" + path +
                              "' (use .png, .svg or .dot)");
}

}  // namespace

void render_dot(const std::string& dot, const std::string& path) {
  std::string format = format_of(path);
  if (format == "dot") {
    detail::write_atomically(path, "render", [&](const std::string& tmp) {
      std::ofstream out(tmp, std::ios::binary);
      out << dot;
      return static_cast<bool>(out.flush());
    });
    return;
  }
  std::lock_guard lock(graphviz_mutex);
  GVC_t* gvc = context();
  graphviz_errors.clear();
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) throw std::invalid_argument("render: Graphviz could not read the DOT text: " +
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
  if (gvLayout(gvc, g, "dot") != 0)
    throw std::runtime_error("render: Graphviz could not lay out the graph: " +
                             trimmed(graphviz_errors));
  close.laid_out = true;
  detail::write_atomically(path, "render", [&](const std::string& tmp) {
    if (gvRenderFilename(gvc, g, format.c_str(), tmp.c_str()) != 0)
      throw std::runtime_error("render: Graphviz could not write '" + path + "' as " + format +
                               ": " + trimmed(graphviz_errors));
    return true;
  });
}

void render(const Node& root, const std::string& path, const RenderOptions& options) {
  format_of(path);  // an unknown format is refused before any work
  std::size_t n = engine::topological_order(root).size();
  if (n > options.max_nodes)
    throw std::length_error("render: the graph has " + std::to_string(n) +
                            " nodes, more than max_nodes = " + std::to_string(options.max_nodes) +
                            " that make a readable picture; raise RenderOptions::max_nodes to "
                            "draw it anyway");
  render_dot(to_dot(root, options.dot), path);
}

void render(const Value& root, const std::string& path, const RenderOptions& options) {
  render(*root.node(), path, options);
}

}  // namespace gradlab::viz
