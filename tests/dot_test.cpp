// SPDX-License-Identifier: MIT
// DOT text, checked by structure: nodes, op nodes, edges, labels, options.
#include <boost/test/unit_test.hpp>

#include <regex>
#include <sstream>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/dot.hpp>

#include "escape.hpp"  // viz/: the one escaper

namespace gl = gradlab;
using gl::Value;

namespace {
int count(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re),
                                        std::sregex_iterator()));
}
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(dot_test)

BOOST_AUTO_TEST_CASE(product_graph) {
  Value a(2.0, "a"), b(-3.0, "b");
  Value c = (a * b).set_label("c");
  c.backward();
  std::string dot = gl::viz::to_dot(c);
  BOOST_TEST(dot.rfind("digraph gradlab {", 0) == 0u);
  BOOST_TEST(count(dot, "shape=record") == 3);  // a, b, c
  BOOST_TEST(count(dot, "shape=ellipse") == 1);  // the * op
  // Inputs first, the output last: c is v2, and its op node is v2_op.
  BOOST_TEST(has(dot, "v0 [shape=record, label=\"{ a | data 2.0000 | grad -3.0000 }\""));
  BOOST_TEST(has(dot, "v1 [shape=record, label=\"{ b | data -3.0000 | grad 2.0000 }\""));
  BOOST_TEST(has(dot, "v2 [shape=record, label=\"{ c | data -6.0000 | grad 1.0000 }\""));
  BOOST_TEST(has(dot, "v2_op [shape=ellipse, margin=0.02, label=\"*\""));
  BOOST_TEST(has(dot, "v2_op -> v2;"));
  BOOST_TEST(has(dot, "v0 -> v2_op;"));
  BOOST_TEST(has(dot, "v1 -> v2_op;"));
  BOOST_TEST(count(dot, "->") == 3);
  BOOST_TEST(has(dot, "rankdir=LR"));
  BOOST_TEST(dot == gl::viz::to_dot(c));  // deterministic
}

BOOST_AUTO_TEST_CASE(a_tensor_is_drawn_from_its_handle) {
  // to_dot, render and Lesson::step take a Tensor as they take a Value.
  gl::Tensor x = gl::tensor({1.0, 2.0}).requires_grad_().set_label("x");
  gl::Tensor y = (x * x).sum().set_label("y");
  BOOST_TEST(gl::viz::to_dot(y) == gl::viz::to_dot(*y.node()));
  BOOST_TEST(gl::engine::topological_order(y).size() == 3u);  // x, x * x, sum
  BOOST_TEST(gl::engine::topological_order(y).back() == y.node());
}

BOOST_AUTO_TEST_CASE(roles_have_colours) {
  Value x(1.0, "x");
  Value y = x * 2.0 + x;
  std::string dot = gl::viz::to_dot(y);
  BOOST_TEST(count(dot, gl::viz::kColorLeaf) == 1);          // x
  BOOST_TEST(count(dot, gl::viz::kColorConstant) == 1);      // 2
  BOOST_TEST(count(dot, gl::viz::kColorIntermediate) == 1);  // x*2
  BOOST_TEST(count(dot, gl::viz::kColorOutput) == 1);        // y
  std::string plain = gl::viz::to_dot(y, {.color_by_role = false});
  BOOST_TEST(count(plain, gl::viz::kColorLeaf) == 0);
}

BOOST_AUTO_TEST_CASE(reused_operand_gets_one_edge_labelled_k) {
  Value a(3.0, "a");
  Value b = a + a;
  std::string dot = gl::viz::to_dot(b);
  BOOST_TEST(count(dot, "v0 -> v1_op") == 1);
  BOOST_TEST(has(dot, "label=\"×2\""));
  Value c = a * a + a;  // a feeds * twice and + once
  std::string dot2 = gl::viz::to_dot(c);
  BOOST_TEST(count(dot2, "×2") == 1);
  BOOST_TEST(count(dot2, "v0 -> ") == 2);
}

BOOST_AUTO_TEST_CASE(options) {
  Value a(1.5, "a");
  Value b = tanh(a);
  std::string tb = gl::viz::to_dot(b, {.rankdir = gl::viz::RankDir::TB, .show_grad = false,
                                       .title = "tanh \"demo\""});
  BOOST_TEST(has(tb, "rankdir=TB"));
  BOOST_TEST(!has(tb, "grad "));
  BOOST_TEST(has(tb, "label=\"a | data 1.5000\""));  // no braces when top to bottom
  BOOST_TEST(has(tb, "label=\"tanh &quot;demo&quot;\", labelloc=t"));  // the one escaper's quotes
}

BOOST_AUTO_TEST_CASE(highlight_and_notes_for_stepping) {
  Value a(2.0, "a"), b(-3.0, "b");
  Value c = (a * b).set_label("c");
  std::string dot = gl::viz::to_dot(c, {.highlight = c.node(), .note = [&](const gl::Node& n) {
                                          return &n == a.node() ? std::string("+= 1 × -3") : "";
                                        }});
  BOOST_TEST(has(dot, "v0 [shape=record, label=\"{ a | data 2.0000 | grad 0.0000 | += 1 × -3 }\""));
  BOOST_TEST(has(dot, "v1 [shape=record, label=\"{ b | data -3.0000 | grad 0.0000 }\""));
  // The current node and its op get a thick red border; nothing else does.
  BOOST_TEST(has(dot, "fillcolor=\"#fcd9a8\", penwidth=3, color=\"#d01010\"];"));
  BOOST_TEST(has(dot, "v2_op [shape=ellipse, margin=0.02, label=\"*\", style=filled, "
                      "fillcolor=\"#ffffff\", penwidth=3, color=\"#d01010\"];"));
  BOOST_TEST(count(dot, "penwidth=3") == 2);
  BOOST_TEST(count(gl::viz::to_dot(c), "penwidth") == 0);  // off by default
}

BOOST_AUTO_TEST_CASE(labels_are_escaped) {
  Value a(1.0, "{a|b} <c>");
  std::string dot = gl::viz::to_dot(a);
  BOOST_TEST(has(dot, "\\{a\\|b\\} &lt;c&gt;"));  // Graphviz reads the entities back
}

BOOST_AUTO_TEST_CASE(one_escaper_for_every_text_on_a_page) {
  using gl::viz::detail::escape_html;
  BOOST_TEST(escape_html("a&b<c>\"d'") == "a&amp;b&lt;c&gt;&quot;d'");
  BOOST_TEST(escape_html("&amp;") == "&amp;amp;");  // shown as typed, not as "&"
  BOOST_TEST(escape_html("λ é ✓ 😀\nline") == "λ é ✓ 😀\nline");
  // Ill-formed UTF-8: one U+FFFD for each maximal ill-formed part, as browsers decode it.
  const std::string r = "\xef\xbf\xbd";
  BOOST_TEST(escape_html("ok\xff\xfe") == "ok" + r + r);             // bytes that never start a character
  BOOST_TEST(escape_html("\xe2\x82x") == r + "x");                  // a character cut short
  BOOST_TEST(escape_html("\xe2\x82") == r);                         // ... at the end
  BOOST_TEST(escape_html("\xc0\xaf") == r + r);                     // an overlong '/'
  BOOST_TEST(escape_html("\xed\xa0\x80") == r + r + r);             // a surrogate
  BOOST_TEST(escape_html("\xf4\x90\x80\x80") == r + r + r + r);     // past U+10FFFF
  BOOST_TEST(escape_html("\x80<") == r + "&lt;");                   // a stray continuation byte
  // Controls as the C++ escapes a learner types (Graphviz would stop at a NUL).
  BOOST_TEST(escape_html(std::string("a\0b\x01\x7f", 5)) == "a\\0b\\x01\\x7f");
}

BOOST_AUTO_TEST_CASE(labels_titles_and_notes_all_go_through_the_one_escaper) {
  Value a(1.0, "&amp;"), b(2.0, "bad \xff byte");
  Value y = (a * b).set_label("y");
  gl::viz::DotOptions o;
  o.show_grad = false;
  o.title = "x & <y>";
  o.note = [&](const gl::Node& n) { return &n == y.node() ? std::string("note \xc3") : std::string(); };
  std::string dot = gl::viz::to_dot(y, o);
  BOOST_TEST(has(dot, "label=\"{ &amp;amp; | data 1.0000 }\""));
  BOOST_TEST(has(dot, "label=\"{ bad \xef\xbf\xbd byte | data 2.0000 }\""));
  BOOST_TEST(has(dot, "note \xef\xbf\xbd }"));
  BOOST_TEST(has(dot, "label=\"x &amp; &lt;y&gt;\", labelloc=t"));
  BOOST_TEST(!has(dot, "\xff"));
  BOOST_TEST(!has(dot, "\xc3 "));
}

BOOST_AUTO_TEST_CASE(spaces_non_ascii_and_control_characters_in_labels) {
  // A field that starts with a non-ASCII character follows its separator
  // directly (Graphviz would swallow the space after it); runs of spaces
  // keep their length as hard spaces; a NUL or another control character
  // is written as its C++ escape, so the DOT text stays whole.
  Value a(1.0, "λ b"), b(2.0, std::string("x  y\0z\x01", 7)), c(3.0, "  lead trail  ");
  Value y = (a * b * c).set_label("é");
  gl::viz::DotOptions o;
  o.show_grad = false;
  std::string dot = gl::viz::to_dot(y, o);
  BOOST_TEST(has(dot, "label=\"{λ b | data 1.0000 }\""));
  BOOST_TEST(has(dot, "label=\"{ x \\ y\\\\0z\\\\x01 | data 2.0000 }\""));
  BOOST_TEST(has(dot, "label=\"{ lead trail | data 3.0000 }\""));
  BOOST_TEST(has(dot, "label=\"{é | data 6.0000 }\""));
  BOOST_TEST(dot.find('\0') == std::string::npos);
  gl::viz::DotOptions tb;
  tb.rankdir = gl::viz::RankDir::TB;
  tb.title = std::string("t\0", 2);
  BOOST_TEST(has(gl::viz::to_dot(a, tb), "label=\"λ b | data 1.0000 | grad 0.0000\""));
  BOOST_TEST(has(gl::viz::to_dot(a, tb), "label=\"t\\\\0\""));
}

BOOST_AUTO_TEST_CASE(drawing_does_not_change_the_graph) {
  Value a(2.0, "a");
  Value b = a * a;
  std::string before = gl::viz::to_dot(b);
  BOOST_TEST(!(b.node()->flags & (gl::kVisited | gl::kFresh)));
  BOOST_TEST((a.node()->flags & ~gl::kInArena) == (gl::kRequiresGrad | gl::kHasLabel));
  b.backward();
  BOOST_TEST(a.grad() == 4.0);
  BOOST_TEST(before != gl::viz::to_dot(b));  // only the grads moved
}

BOOST_AUTO_TEST_CASE(tensor_graphs_show_one_box_per_op_with_its_shape) {
  gl::Tensor x = gl::tensor({{1.0, 2.0}, {3.0, 4.0}}).requires_grad_().set_label("x");
  gl::Tensor w = gl::ones({2, 3}).requires_grad_().set_label("w");
  gl::Tensor y = gl::relu(x.matmul(w)).mean();
  y.backward();
  std::string dot = gl::viz::to_dot(*y.node());
  BOOST_TEST(has(dot, "label=\"matmul\""));
  BOOST_TEST(has(dot, "{ x | data [2, 2] | { 1.0000 | 2.0000 } | { 3.0000 | 4.0000 } | grad [2, 2] "
                      "| { 0.5000 | 0.5000 } | { 0.5000 | 0.5000 } }"));
  BOOST_TEST(has(dot, "data [2, 3] | { 3.0000 | 3.0000 | 3.0000 } | { 7.0000 | 7.0000 | 7.0000 }"));
  BOOST_TEST(count(dot, "shape=record") == 5);  // x, w, matmul, relu, mean
  gl::Tensor big = gl::arange(0, 100).requires_grad_();
  std::string summary = gl::viz::to_dot(*(big * 2.0).sum().node());
  BOOST_TEST(has(summary, "data [100] min 0 mean 49.5 max 99"));
}

BOOST_AUTO_TEST_CASE(constants_are_drawn_without_a_gradient) {
  Value x(2.0, "x");
  Value y = (x * 3.0).set_label("y");
  y.backward();
  std::string dot = gl::viz::to_dot(y);
  // The 3 takes no gradient, so it shows none (not "grad 0.0000").
  BOOST_TEST(has(dot, "v1 [shape=record, label=\"{ data 3.0000 }\""));
  BOOST_TEST(has(dot, "{ x | data 2.0000 | grad 3.0000 }"));
  BOOST_TEST(count(dot, "grad ") == 2);  // x and y
  // Tensors likewise: an input that takes no gradient shows none, not "grad none".
  gl::Tensor in = gl::arange(1, 21).set_label("in");
  gl::Tensor w = gl::full({20}, 0.5).requires_grad_().set_label("w");
  gl::Tensor out = (in * w).sum();
  out.backward();
  std::string tdot = gl::viz::to_dot(*out.node());
  BOOST_TEST(has(tdot, "{ in | data [20] min 1 mean 10.5 max 20 }"));
  BOOST_TEST(has(tdot, "{ w | data [20] min 0.5 mean 0.5 max 0.5 | grad [20] min 1 mean 10.5 max 20 }"));
}

BOOST_AUTO_TEST_CASE(big_tensors_are_heat_maps_when_asked) {
  gl::Tensor w = gl::full({4, 5}, 0.5).requires_grad_().set_label("w");  // 20 numbers
  gl::Tensor v = gl::arange(-3, 17).requires_grad_();                    // a vector of 20
  gl::Tensor cube = gl::ones({2, 3, 4}).requires_grad_().set_label("cube");  // 24
  gl::Tensor out = (w.reshape({20}) * v).sum() + cube.sum();
  out.backward();
  std::string dot = gl::viz::to_dot(*out.node(), {.highlight = w.node(), .heatmap_dir = "/tiles"});
  // An HTML-like table, its tiles named after the node, the scale noted.
  BOOST_TEST(has(dot, "v0 [shape=none, margin=0, label=<<TABLE BORDER=\"3\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                      "CELLPADDING=\"4\" COLOR=\"#d01010\" BGCOLOR=\"#d5f0c8\"><TR><TD>w</TD></TR>"
                      "<TR><TD WIDTH=\"250\">data [4, 5]<BR/>min 0.5 mean 0.5 max 0.5<BR/>colour: ±0.5 (0 white)</TD></TR>"
                      "<TR><TD><IMG SRC=\"/tiles/v0_data.png\"/></TD></TR>"));
  BOOST_TEST(has(dot, "<IMG SRC=\"/tiles/v0_grad.png\"/>"));
  BOOST_TEST(has(dot, "data [20]<BR/>min -3 mean 6.5 max 16<BR/>colour: ±16 (0 white)"));
  // More than two dims: the first 2-d slice, said so.
  BOOST_TEST(has(dot, "<TD>cube</TD></TR><TR><TD WIDTH=\"250\">data [2, 3, 4]<BR/>min 1 mean 1 max 1<BR/>colour: ±1 (0 "
                      "white)<BR/>shown: [0, :, :]</TD></TR><TR><TD><IMG SRC=\"/tiles/v"));
  BOOST_TEST(count(dot, "_grad\\.png") == 5);  // w, its reshape, v, the product w * v, cube
  BOOST_TEST(count(dot, "shape=record") == 3);     // the small ones: the two sums and out
  // Without heatmap_dir, the same graph is text only, as before.
  BOOST_TEST(count(gl::viz::to_dot(*out.node()), "IMG") == 0);
}

BOOST_AUTO_TEST_CASE(small_tensors_are_grids_of_numbers) {
  // Up to 16 numbers: one record row per row of the last dimension, in
  // both directions (top to bottom the rows are wrapped once more), with
  // four decimals as Values are drawn, so that the columns line up.
  gl::Tensor t = gl::tensor({{0.25, -1.5, 3.0, 4.0}, {5.0, 6.0, 7.0, -1e-17}}).requires_grad_();
  t.set_label("t");
  gl::Tensor s = (t * 2.0).sum();
  s.backward();
  const std::string rows = "data [2, 4] | { 0.2500 | -1.5000 | 3.0000 | 4.0000 } "
                           "| { 5.0000 | 6.0000 | 7.0000 | 0.0000 }";  // no "-0.0000"
  const std::string twos = "{ 2.0000 | 2.0000 | 2.0000 | 2.0000 }";
  std::string lr = gl::viz::to_dot(*s.node());
  BOOST_TEST(has(lr, "label=\"{ t | " + rows + " | grad [2, 4] | " + twos + " | " + twos + " }\""));
  std::string tb = gl::viz::to_dot(*s.node(), {.rankdir = gl::viz::RankDir::TB});
  BOOST_TEST(has(tb, "label=\"t | data [2, 4] | { { 0.2500 | -1.5000 | 3.0000 | 4.0000 } | "
                     "{ 5.0000 | 6.0000 | 7.0000 | 0.0000 } } | grad [2, 4] | { " + twos + " | " +
                     twos + " }\""));
  // A vector is one row, a column one number per row, a 3-d tensor rows of its last dim.
  BOOST_TEST(has(gl::viz::to_dot(*gl::tensor({1.0, 2.0, 3.0}).node()),
                 "data [3] | { 1.0000 | 2.0000 | 3.0000 }"));
  BOOST_TEST(has(gl::viz::to_dot(*gl::tensor({1.0, 2.0}, {2, 1}).node()),
                 "data [2, 1] | { 1.0000 } | { 2.0000 }"));
  std::string cube = gl::viz::to_dot(*gl::arange(0, 8).reshape({2, 2, 2}).node());
  BOOST_TEST(has(cube, "data [2, 2, 2] | { 0.0000 | 1.0000 } | { 2.0000 | 3.0000 } | "
                       "{ 4.0000 | 5.0000 } | { 6.0000 | 7.0000 }"));
  // Numbers that four decimals would lose, or that are too long, get four digits.
  BOOST_TEST(has(gl::viz::to_dot(*gl::tensor({1e-5, -2e-4}).node()), "data [2] | { 1e-05 | -0.0002 }"));
  BOOST_TEST(has(gl::viz::to_dot(*gl::tensor({123456.0, 1.5}).node()), "data [2] | { 1.235e+05 | 1.5 }"));
  // 16 numbers are a grid; 17 a summary; one number is just the number.
  BOOST_TEST(count(gl::viz::to_dot(*gl::zeros({4, 4}).node()),
                   "\\{ 0.0000 \\| 0.0000 \\| 0.0000 \\| 0.0000 \\}") == 4);
  BOOST_TEST(has(gl::viz::to_dot(*gl::zeros({17}).node()), "data [17] min 0 mean 0 max 0"));
  BOOST_TEST(has(gl::viz::to_dot(*gl::scalar_tensor(2.5).node()), "data [] (2.5)"));
  // A gradient not computed yet reads "none".
  gl::Tensor fresh = gl::zeros({2}).requires_grad_();
  BOOST_TEST(has(gl::viz::to_dot(*fresh.node()), "data [2] | { 0.0000 | 0.0000 } | grad none"));
}

BOOST_AUTO_TEST_CASE(a_long_chain_is_traced_iteratively) {
  Value x = 1.0;
  Value y = x;
  for (int i = 0; i < 200000; ++i) y = -y;
  std::string dot = gl::viz::to_dot(y, {.show_grad = false});
  BOOST_TEST(count(dot, "shape=record") == 200001);
}

BOOST_AUTO_TEST_SUITE_END()
