// SPDX-License-Identifier: MIT
// Bounds on the DOT attributes that make Graphviz slow or crash, on the
// work of its layouts, and the size of the PNG a laid-out graph will become
// (render_limits.hpp).

#include "render_limits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/stat.h>

namespace gradlab::viz::detail {

namespace {

struct Bound {
  int kind;  // AGRAPH, AGNODE or AGEDGE
  const char* name;
  double max;
  const char* why;
};

// Each bound lies far beyond any picture one would want, and far below where
// Graphviz takes seconds (or, for minlen, crashes): measured on two nodes.
const Bound kBounds[] = {
    {AGRAPH, "dpi", 2400, "a PNG's pixels grow with its square"},
    {AGRAPH, "resolution", 2400, "a PNG's pixels grow with its square"},
    {AGRAPH, "mclimit", 100, "it multiplies the crossing-minimisation passes"},
    {AGRAPH, "nslimit", 1000, "it multiplies the network-simplex iterations"},
    {AGRAPH, "nslimit1", 1000, "it multiplies the network-simplex iterations"},
    {AGRAPH, "searchsize", 10000, "it multiplies the network-simplex search"},
    {AGNODE, "peripheries", 100, "each one is a shape drawn around the node"},
    {AGNODE, "sides", 100, "each one is a side of the node's polygon"},
    {AGNODE, "penwidth", 100, "lines that wide cover the picture"},
    {AGEDGE, "minlen", 100, "each rank an edge spans is a node in the layout"},
    {AGEDGE, "weight", 10000, "Graphviz's layout overflows past it"},
    {AGEDGE, "penwidth", 100, "lines that wide cover the picture"},
    {AGEDGE, "arrowsize", 100, "an arrowhead that big covers the picture"},
};

const char* kind_name(int kind) { return kind == AGRAPH ? "graph" : kind == AGNODE ? "node" : "edge"; }

// The value as Graphviz reads a number (a leading number, the rest ignored);
// false for text that is not a number at all, which Graphviz ignores too.
bool number_in(const char* text, double& value) {
  if (!text || !*text) return false;
  char* end = nullptr;
  value = std::strtod(text, &end);
  return end != text;
}

void check(const Bound& b, const char* text, const std::string& where) {
  double v;
  if (!number_in(text, v)) return;
  if (std::isfinite(v) && v >= 0 && v <= b.max) return;
  throw std::invalid_argument("render: " + where + " sets " + b.name + "=" + text + "; it must be " +
                              "a number from 0 to " + std::to_string(static_cast<long long>(b.max)) +
                              " (" + b.why + ")");
}

// The numbers of "x,y" or "x": {x, y}, or {x, x}.
bool pair_in(const char* text, double& x, double& y) {
  if (!number_in(text, x)) return false;
  const char* comma = std::strchr(text, ',');
  if (!comma || !number_in(comma + 1, y)) y = x;
  return std::isfinite(x) && std::isfinite(y);
}

// A picture Graphviz will open must be a regular file, if it exists at all
// (a missing one Graphviz only warns about).
void check_picture(const std::string& file, const std::string& where) {
  struct stat st {};
  if (file.empty() || ::stat(file.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
  throw std::invalid_argument("render: " + where + " shows the picture '" + file + "', which is " +
                              (S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "not a regular file") +
                              "; Graphviz would try to read it (a FIFO would block it): name a PNG file");
}

// The SRC="..." of every <IMG> in an HTML-like label.
void check_html_pictures(const char* label, const std::string& where) {
  if (!label || !aghtmlstr(const_cast<char*>(label))) return;
  const std::string text = label;
  for (std::size_t at = 0; at + 3 < text.size(); ++at) {
    if (std::toupper(static_cast<unsigned char>(text[at])) != 'S' ||
        std::toupper(static_cast<unsigned char>(text[at + 1])) != 'R' ||
        std::toupper(static_cast<unsigned char>(text[at + 2])) != 'C')
      continue;
    std::size_t i = text.find_first_not_of(" \t\n", at + 3);
    if (i == std::string::npos || text[i] != '=') continue;
    i = text.find_first_not_of(" \t\n", i + 1);
    if (i == std::string::npos || (text[i] != '"' && text[i] != '\'')) continue;
    std::size_t end = text.find(text[i], i + 1);
    if (end == std::string::npos) return;
    check_picture(text.substr(i + 1, end - i - 1), where);
    at = end;
  }
}

void check_pictures(Agraph_t* g) {
  auto get = [](void* object, const char* name) {
    const char* v = agget(object, const_cast<char*>(name));
    return v ? v : "";
  };
  check_html_pictures(agget(g, const_cast<char*>("label")), "the graph's label");
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
    const std::string where = std::string("node '") + agnameof(n) + "'";
    check_picture(get(n, "image"), where);
    check_picture(get(n, "shapefile"), where);
    check_html_pictures(agget(n, const_cast<char*>("label")), where);
    for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e))
      for (const char* attr : {"label", "headlabel", "taillabel", "xlabel"})
        check_html_pictures(agget(e, const_cast<char*>(attr)), std::string("edge '") + agnameof(agtail(e)) + "' -> '" +
                                                                 agnameof(aghead(e)) + "'");
  }
}

// a * b, or the largest size_t when that overflows.
std::size_t times(std::size_t a, std::size_t b) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return std::numeric_limits<std::size_t>::max();
  return a * b;
}

}  // namespace

void check_attributes(Agraph_t* g) {
  for (const Bound& b : kBounds) {
    Agsym_t* sym = agattr(g, b.kind, const_cast<char*>(b.name), nullptr);
    if (!sym) continue;  // never set anywhere
    if (b.kind == AGRAPH) {
      check(b, agxget(g, sym), "the graph");
    } else {
      check(b, sym->defval, std::string("the ") + kind_name(b.kind) + " default");
      for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
        if (b.kind == AGNODE) {
          check(b, agxget(n, sym), std::string("node '") + agnameof(n) + "'");
          continue;
        }
        for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e))
          check(b, agxget(e, sym),
                std::string("edge '") + agnameof(agtail(e)) + "' -> '" + agnameof(aghead(e)) + "'");
      }
    }
  }
  // size is a multiplier too: "size=1000,1000!" scales a small graph up to it.
  double x, y;
  if (pair_in(agget(g, const_cast<char*>("size")), x, y) && (x < 0 || y < 0 || x > 1000 || y > 1000))
    throw std::invalid_argument(std::string("render: the graph sets size=") + agget(g, const_cast<char*>("size")) +
                                "; each side must be from 0 to 1000 inches");
  check_pictures(g);
}

LayoutWork layout_work(Agraph_t* g) {
  LayoutWork work;
  std::vector<Agnode_t*> nodes;
  std::unordered_map<Agnode_t*, std::size_t> index;
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n)) {
    index[n] = nodes.size();
    nodes.push_back(n);
  }
  work.nodes = nodes.size();
  // The distinct edges (dot draws parallel ones as one chain), each with
  // the most layers any of them asks to span; loops span none.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> span;
  for (Agnode_t* n = agfstnode(g); n; n = agnxtnode(g, n))
    for (Agedge_t* e = agfstout(g, n); e; e = agnxtout(g, e)) {
      if (aghead(e) == n) continue;
      double minlen = 1;
      if (const char* text = agget(e, const_cast<char*>("minlen")); text && *text) {
        char* end = nullptr;
        double v = std::strtod(text, &end);
        if (end != text && std::isfinite(v) && v >= 0) minlen = std::min(v, 100.0);  // check_attributes bounds it
      }
      auto& s = span[{index[n], index[aghead(e)]}];
      s = std::max(s, static_cast<std::size_t>(minlen));
    }
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> out(nodes.size());  // (head, span)
  std::vector<std::size_t> waiting(nodes.size(), 0), layer(nodes.size(), 0);
  std::vector<bool> has_in(nodes.size(), false), placed(nodes.size(), false);
  for (const auto& [edge, s] : span) {
    out[edge.first].emplace_back(edge.second, s);
    ++waiting[edge.second];
    has_in[edge.second] = true;
  }
  // Kahn's order: a node is placed once every predecessor is, one layer
  // (or its edge's minlen) below the lowest of them. A cycle's nodes are
  // placed in the graph's order; dot reverses the edges that close it.
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (waiting[i] == 0) ready.push_back(i);
  for (std::size_t next_in_cycle = 0, placed_count = 0; placed_count < nodes.size();) {
    if (ready.empty()) {
      while (placed[next_in_cycle]) ++next_in_cycle;
      ready.push_back(next_in_cycle);
    }
    std::size_t i = ready.front();
    ready.pop_front();
    if (placed[i]) continue;
    placed[i] = true;
    ++placed_count;
    for (auto [h, s] : out[i]) {
      if (placed[h]) continue;  // an edge back up a cycle
      layer[h] = std::max(layer[h], layer[i] + s);
      if (--waiting[h] == 0) ready.push_back(h);
    }
  }
  // A node with no predecessor sits just above its first successor, as
  // dot's ranking pulls it (a constant used late is not drawn at the top).
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (has_in[i] || out[i].empty()) continue;
    std::size_t lowest = std::numeric_limits<std::size_t>::max();
    for (auto [h, s] : out[i]) lowest = std::min(lowest, layer[h] >= s ? layer[h] - s : 0);
    layer[i] = std::max(layer[i], lowest);
  }
  for (const auto& [edge, s] : span) {
    std::size_t a = layer[edge.first], b = layer[edge.second];
    std::size_t length = a < b ? b - a : a - b;
    if (length > 1) work.skipped_layers += length - 1;
  }
  return work;
}

void check_work(const LayoutWork& each, std::size_t layouts, std::size_t max_nodes,
                std::size_t max_skipped_layers, const std::string& who, const std::string& instead) {
  const std::string n = std::to_string(layouts);
  const std::string shared = ", which the frames of a page share; ";
  if (std::size_t nodes = times(each.nodes, layouts); nodes > max_nodes)
    throw std::length_error(
        who + ": " +
        (layouts == 1 ? "the graph has " + std::to_string(nodes) + " nodes, more than max_nodes = " +
                            std::to_string(max_nodes) + ", too many for a readable picture; "
                      : n + " pictures of a graph of " + std::to_string(each.nodes) + " nodes are " +
                            std::to_string(nodes) + " nodes in all, more than the " + std::to_string(max_nodes) +
                            " of one picture (max_nodes)" + shared) +
        instead);
  if (std::size_t skipped = times(each.skipped_layers, layouts); skipped > max_skipped_layers)
    throw std::length_error(
        who + ": " +
        (layouts == 1 ? "the graph's edges skip " + std::to_string(skipped) +
                            " layers in all (values used by ops far apart), more than max_skipped_layers = " +
                            std::to_string(max_skipped_layers) + " that Graphviz lays out in reasonable time; "
                      : n + " pictures of a graph whose edges skip " + std::to_string(each.skipped_layers) +
                            " layers (values used by ops far apart) skip " + std::to_string(skipped) +
                            " in all, more than the " + std::to_string(max_skipped_layers) +
                            " that Graphviz lays out in reasonable time for one picture (max_skipped_layers)" +
                            shared) +
        instead);
}

std::uint64_t png_pixels(Agraph_t* g) {
  auto attr = [&](const char* name) { return agget(g, const_cast<char*>(name)); };
  double llx = 0, lly = 0, urx = 0, ury = 0;
  const char* bb = attr("bb");  // set by gvLayout, in points: "llx lly urx ury" (or with commas)
  if (!bb || std::sscanf(bb, "%lf%*[ ,]%lf%*[ ,]%lf%*[ ,]%lf", &llx, &lly, &urx, &ury) != 4) return 0;
  double w = std::max(0.0, urx - llx), h = std::max(0.0, ury - lly);
  // size (inches) shrinks a larger drawing to fit, and with "!" grows a smaller one.
  double sx, sy;
  if (const char* size = attr("size"); pair_in(size, sx, sy) && sx > 0 && sy > 0 && w > 0 && h > 0) {
    double z = std::min(72 * sx / w, 72 * sy / h);
    if (z < 1 || std::strchr(size, '!')) w *= z, h *= z;
  }
  double px, py;
  if (!pair_in(attr("pad"), px, py)) px = py = 4.0 / 72;  // inches; Graphviz's default pad is 4 points
  double mx = 0, my = 0;
  pair_in(attr("margin"), mx, my);
  w += 2 * 72 * (px + mx);
  h += 2 * 72 * (py + my);
  double dpi;
  if (!number_in(attr("dpi"), dpi) && !number_in(attr("resolution"), dpi)) dpi = 96;
  if (!(dpi > 0)) dpi = 96;  // Graphviz's own default for a PNG
  w *= dpi / 72, h *= dpi / 72;
  // Graphviz shrinks a picture that cairo cannot hold to 32,767 pixels a side.
  const double side = 32767;
  if (double shrink = std::min({1.0, side / std::max(w, 1.0), side / std::max(h, 1.0)}); shrink < 1)
    w *= shrink, h *= shrink;
  return static_cast<std::uint64_t>(std::ceil(w) * std::ceil(h));
}

}  // namespace gradlab::viz::detail
