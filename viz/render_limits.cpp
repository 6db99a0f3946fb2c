// SPDX-License-Identifier: MIT
// Bounds on the DOT attributes that make Graphviz slow or crash, and the
// size of the PNG a laid-out graph will become (render_limits.hpp).

#include "render_limits.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

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
