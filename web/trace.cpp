// SPDX-License-Identifier: MIT
// The playground's Expression panel, called from the page (embind): an
// expression parsed by the gradlab command's parser, its graph built and
// backpropagated through the tape's observer, and every frame of that
// backward pass as DOT text with its tape rows, as `gradlab graph -o x.html`
// makes them. Built for WebAssembly only (web/CMakeLists.txt).

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdio>
#include <gradlab/engine.hpp>
#include <gradlab/number_text.hpp>
#include <gradlab/tape.hpp>
#include <gradlab/value.hpp>
#include <gradlab/viz/dot.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "expression.hpp"

namespace gl = gradlab;
using emscripten::val;

namespace {

// The page steps through at most this many ops, one frame each; a bigger
// graph shows its value, gradients and picture without the frames between.
constexpr std::size_t kMaxSteppedOps = 200;
// Graphviz in the page lays out at most this many nodes (a picture of more
// is no help to read, and takes seconds).
constexpr std::size_t kMaxDrawnNodes = 600;

std::string g6(double x) {  // the test hooks' format, as printf writes it
  char text[40];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

val error(const std::string& message) {
  val out = val::object();
  out.set("error", message);
  return out;
}

const gl::ScalarNode& scalar(const gl::Node* n) {
  return *static_cast<const gl::ScalarNode*>(n);
}

val rows_of(const gl::TapeStep& s) {
  val rows = val::array();
  for (const gl::TapeRow& r : gl::tape_rows(s)) {
    val row = val::object();
    row.set("operand", r.operand);
    row.set("local", r.local);
    row.set("contribution", r.contribution);
    row.set("accumulated", r.accumulated);
    rows.call<void>("push", row);
  }
  return rows;
}

// trace(text, values) -> {value, variables: [{name, value, grad}], frames:
// [{dot, text, grads, node, op, upstream, rows}], nodes: {v<N>: {...}}}, or
// {error, position?} for text the grammar refuses (position 0-based) or a
// value that cannot be computed. Variables missing from `values` are 1.
val trace(const std::string& text, const val& values) {
  gl::Expression expression;
  try {
    expression = gl::Expression::parse(text);
  } catch (const gl::SyntaxError& e) {
    val out = error(e.what());
    out.set("position", static_cast<double>(e.position()));
    return out;
  }
  std::map<std::string, gl::Value> leaves;
  std::vector<gl::Value> variables;
  for (const std::string& name : expression.variables()) {
    const val given = values[name];
    const double x = given.isNumber() ? given.as<double>() : 1.0;
    variables.emplace_back(x, name);
    leaves.emplace(name, variables.back());
  }
  gl::Value root;
  try {
    root = expression.evaluate(leaves);
  } catch (const std::exception& e) {  // an op's domain (log of a negative number, ...)
    return error(e.what());
  }
  if (!std::isfinite(root.data()))
    return error("the value is not a finite number (" + g6(root.data()) +
                 "): the expression overflows or is undefined here");

  const std::vector<const gl::Node*> order = gl::engine::topological_order(root);
  std::size_t ops = 0;
  for (const gl::Node* n : order) ops += !n->is_leaf();
  const bool drawn = order.size() <= kMaxDrawnNodes, stepped = drawn && ops <= kMaxSteppedOps;

  // Nodes without a label are named v<N> as the tape names them, in the box.
  std::unordered_map<const gl::Node*, std::string> names, note;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i]->requires_grad() && gl::node_label(*order[i]).empty())
      names[order[i]] = std::string("v").append(std::to_string(i));
  auto note_of = [&](const gl::Node& n) {
    std::string t = names.count(&n) ? names[&n] : "";
    if (auto it = note.find(&n); it != note.end()) t += (t.empty() ? "" : "\n") + it->second;
    return t;
  };
  const gl::viz::DotOptions plain{.note = note_of};

  val frames = val::array();
  auto frame = [&](const std::string& dot, const std::string& words) {
    val f = val::object();
    f.set("dot", dot);
    f.set("text", words);
    val grads = val::array();  // every node's gradient at this frame, in topological order
    for (const gl::Node* n : order) grads.call<void>("push", scalar(n).grad());
    f.set("grads", grads);
    frames.call<void>("push", f);
    return f;
  };
  if (stepped)
    frame(gl::viz::to_dot(root, plain),
          "forward: " + text + " = " + gl::four_decimals(root.data()) +
              ". Every gradient is still 0; Step walks backward one node at a time.");
  std::unordered_map<const gl::Node*, gl::TapeStep> steps;
  if (root.requires_grad()) {
    gl::backward_with_tape(root, [&](const gl::TapeStep& s) {
      steps.emplace(s.node, s);
      if (!stepped) return;
      note.clear();
      note[s.node] = "upstream " + gl::four_decimals(s.upstream);
      std::vector<const gl::Node*> updated;
      for (const gl::TapeEdge& e : s.edges) {
        note[e.operand] =
            "+= " + gl::four_decimals(s.upstream) + " × " + gl::four_decimals(e.local);
        updated.push_back(e.operand);
      }
      val f =
          frame(gl::viz::to_dot(root, {.highlight = s.node, .updated = updated, .note = note_of}),
                "backward through " + s.name + " (" + s.op + "): upstream gradient " +
                    gl::four_decimals(s.upstream) +
                    ", times each local derivative, is added to each operand's gradient.");
      f.set("node", s.name);
      f.set("op", s.op);
      f.set("upstream", s.upstream);
      f.set("rows", rows_of(s));
    });
  }
  note.clear();
  for (const gl::Value& v : variables)
    if (!std::isfinite(v.grad()))
      return error("the gradient with respect to " + v.label() + " is not a finite number (" +
                   g6(v.grad()) + ")");
  if (drawn) frame(gl::viz::to_dot(root, plain), "done: every gradient is complete.");

  val out = val::object();
  out.set("value", root.data());
  out.set("value_text", g6(root.data()));
  out.set("ops", static_cast<double>(ops));
  out.set("stepped", stepped);
  val vars = val::array();
  for (const gl::Value& v : variables) {
    val entry = val::object();
    entry.set("name", v.label());
    entry.set("value", v.data());
    entry.set("grad", v.grad());
    entry.set("grad_text", g6(v.grad()));
    vars.call<void>("push", entry);
  }
  out.set("variables", vars);
  out.set("frames", frames);
  // What hovering a node shows: its value, and for an op the local derivative
  // with respect to each operand (its gradient is the frame's). Keyed as the
  // SVG titles nodes.
  val nodes = val::object();
  for (std::size_t i = 0; i < order.size(); ++i) {
    const gl::Node* n = order[i];
    val entry = val::object();
    const std::string label = gl::node_label(*n);
    entry.set("name", !label.empty() ? label : names.count(n) ? names[n] : std::string("constant"));
    entry.set("op", std::string(n->op->name));
    entry.set("index", static_cast<double>(i));
    entry.set("data", scalar(n).data);
    entry.set("takes_grad", n->requires_grad());
    val locals = val::array();
    if (auto it = steps.find(n); it != steps.end())
      for (const gl::TapeEdge& e : it->second.edges) {
        val l = val::object();
        l.set("operand", e.name);
        l.set("local", e.local);
        locals.call<void>("push", l);
      }
    entry.set("locals", locals);
    const std::string id = std::string("v").append(std::to_string(i));
    nodes.set(id, entry);
    nodes.set(id + "_op", entry);
  }
  out.set("nodes", nodes);
  return out;
}

std::string four_decimals(double x) {
  return gl::four_decimals(x);
}
std::string printf_g6(double x) {
  return g6(x);
}

}  // namespace

EMSCRIPTEN_BINDINGS(gradlab_trace) {
  emscripten::function("trace", &trace);
  emscripten::function("fourDecimals", &four_decimals);
  emscripten::function("formatG6", &printf_g6);
}
