// SPDX-License-Identifier: MIT
// Rendering through Graphviz: real PNG and SVG files, and every refusal
// leaves no file behind.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"
#include <gradlab/viz/render.hpp>

namespace gl = gradlab;
using gradlab::testing::error_of;
namespace fs = std::filesystem;
using gl::Value;
namespace tt = boost::test_tools;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("gradlab_render_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

Value neuron() {
  Value x1(2.0, "x1"), w1(-3.0, "w1"), b(6.8813735870195432, "b");
  Value o = tanh(x1 * w1 + b);
  o.backward();
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(render_test)

BOOST_AUTO_TEST_CASE(png_file) {
  TempDir dir;
  gl::viz::render(neuron(), (dir.path / "neuron.png").string());
  auto [w, h] = gradlab::testing::png_size((dir.path / "neuron.png").string());  // {0, 0}: not a PNG
  // Five value records and three op nodes laid out left to right.
  BOOST_TEST(w > 400u);
  BOOST_TEST(w < 3000u);
  BOOST_TEST(h > 60u);
  BOOST_TEST(h < 1000u);
  BOOST_TEST(dir.files() == 1u);  // no temporary file left
}

BOOST_AUTO_TEST_CASE(svg_and_dot_files) {
  TempDir dir;
  Value o = neuron();
  gl::viz::render(o, (dir.path / "neuron.svg").string());
  std::string svg = read(dir.path / "neuron.svg");
  BOOST_TEST(svg.find("<svg") != std::string::npos);
  BOOST_TEST(svg.find("tanh") != std::string::npos);
  gl::viz::render(o, (dir.path / "neuron.DOT").string());
  BOOST_TEST(read(dir.path / "neuron.DOT") == gl::viz::to_dot(o));
}

BOOST_AUTO_TEST_CASE(overwrites_an_existing_file) {
  TempDir dir;
  fs::path p = dir.path / "g.png";
  std::ofstream(p) << "old";
  gl::viz::render(neuron(), p.string());
  BOOST_TEST(read(p).substr(1, 3) == "PNG");
}

BOOST_AUTO_TEST_CASE(unknown_format_names_the_path) {
  TempDir dir;
  std::string path = (dir.path / "graph.jpg").string();
  BOOST_CHECK_THROW(gl::viz::render(neuron(), path), std::invalid_argument);
  BOOST_TEST(error_of([&] { gl::viz::render(neuron(), path); }) ==
             "render: unknown format 'jpg' for '" + path + "' (use .png, .svg or .dot)");
  BOOST_TEST(dir.files() == 0u);
}

BOOST_AUTO_TEST_CASE(unwritable_path_names_the_path_and_reason) {
  TempDir dir;
  std::string path = (dir.path / "missing" / "graph.png").string();
  BOOST_CHECK_THROW(gl::viz::render(neuron(), path), std::runtime_error);
  BOOST_TEST(error_of([&] { gl::viz::render(neuron(), path); }) ==
             "render: cannot write '" + path + "': No such file or directory");
  BOOST_TEST(!fs::exists(dir.path / "missing"));
  BOOST_TEST(dir.files() == 0u);
}

BOOST_AUTO_TEST_CASE(existing_file_survives_a_failed_render) {
  TempDir dir;
  fs::path p = dir.path / "g.png";
  std::ofstream(p) << "keep me";
  BOOST_CHECK_THROW(gl::viz::render_dot("digraph { a -> ", p.string()), std::invalid_argument);
  BOOST_TEST(read(p) == "keep me");
  BOOST_TEST(dir.files() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_dot_text_is_reported) {
  TempDir dir;
  std::string msg = error_of([&] { gl::viz::render_dot("digraph { a -> ", (dir.path / "x.png").string()); });
  BOOST_TEST(msg.rfind("render: Graphviz could not read the DOT text", 0) == 0u);
  BOOST_TEST(dir.files() == 0u);
}

BOOST_AUTO_TEST_CASE(large_graph_is_refused_unless_allowed) {
  TempDir dir;
  Value y = 1.0;
  for (int i = 0; i < 5000; ++i) y = -y;  // 5001 nodes
  std::string path = (dir.path / "big.svg").string();
  std::string msg = error_of([&] { gl::viz::render(y, path); });
  BOOST_TEST(msg.find("the graph has more than 5000 nodes (max_nodes)") != std::string::npos);
  BOOST_TEST(dir.files() == 0u);
  Value small = -(-Value(1.0));
  gl::viz::render(small, path, {.max_nodes = 3});
  BOOST_TEST(fs::exists(path));
}

BOOST_AUTO_TEST_CASE(a_file_name_of_247_characters_is_rendered) {
  TempDir dir;
  fs::path p = dir.path / (std::string(243, 'g') + ".png");
  gl::viz::render(neuron(), p.string());
  BOOST_TEST(gradlab::testing::png_size(p.string()).first > 0u);
  BOOST_TEST(dir.files() == 1u);
}

BOOST_AUTO_TEST_CASE(labels_are_drawn_with_their_spaces) {
  TempDir dir;
  Value a(2.0, "λ b"), b(3.0, "x  y"), nul(1.0, std::string("n\0l", 3));
  Value y = a * b * nul;
  std::string svg = (dir.path / "labels.svg").string();
  gl::viz::render(y, svg);
  std::string text = read(svg);
  BOOST_TEST(text.find(">λ b<") != std::string::npos);        // not "λb"
  BOOST_TEST(text.find(">x &#160;y") != std::string::npos);    // two spaces, not one
  BOOST_TEST(text.find(">n\\0l") != std::string::npos);       // the NUL, drawn as \0
  gl::viz::render(y, (dir.path / "labels.png").string());
  BOOST_TEST(gradlab::testing::png_size((dir.path / "labels.png").string()).first > 0u);
}

BOOST_AUTO_TEST_CASE(dot_text_with_a_nul_is_refused_clearly) {
  TempDir dir;
  std::string dot = std::string("digraph { a [label=\"x\0y\"] }", 27);
  BOOST_TEST(error_of([&] { gl::viz::render_dot(dot, (dir.path / "x.png").string()); }) ==
             "render: the DOT text holds a NUL byte at offset 21; Graphviz cannot read past it");
  BOOST_TEST(dir.files() == 0u);
}

BOOST_AUTO_TEST_CASE(attributes_that_explode_rendering_are_refused_promptly) {
  TempDir dir;
  std::string png = (dir.path / "x.png").string();
  auto refusal = [&](const std::string& attributes, const std::string& path) {
    auto start = std::chrono::steady_clock::now();
    std::string msg = error_of([&] { gl::viz::render_dot("digraph { " + attributes + " a -> b }", path); });
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(took.count() < 2000, attributes << " took " << took.count() << " ms");
    return msg;
  };
  // Each of these took Graphviz 15 s to a minute, or crashed it (minlen).
  BOOST_TEST(refusal("dpi=100000;", png) ==
             "render: the graph sets dpi=100000; it must be a number from 0 to 2400 "
             "(a PNG's pixels grow with its square)");
  BOOST_TEST(refusal("graph [resolution=nan];", png).starts_with("render: the graph sets resolution=nan;"));
  BOOST_TEST(refusal("edge [minlen=100000];", png) ==
             "render: the edge default sets minlen=100000; it must be a number from 0 to 100 "
             "(each rank an edge spans is a node in the layout)");
  BOOST_TEST(refusal("a -> b [minlen=1000];", png).starts_with("render: edge 'a' -> 'b' sets minlen=1000;"));
  BOOST_TEST(refusal("node [peripheries=100000];", png).starts_with("render: the node default sets peripheries=100000;"));
  BOOST_TEST(refusal("b [sides=\"1e9\", shape=polygon];", png).starts_with("render: node 'b' sets sides=1e9;"));
  BOOST_TEST(refusal("mclimit=\"1e6\";", png).starts_with("render: the graph sets mclimit=1e6;"));
  BOOST_TEST(refusal("size=\"5000,5000!\";", png) ==
             "render: the graph sets size=5000,5000!; each side must be from 0 to 1000 inches");
  // Legal values that would still make a huge PNG: refused after layout,
  // from the picture's size; the same graph as SVG is fine.
  for (std::string big : {"size=\"1000,1000!\";", "node [fontsize=10000];", "pad=1000;"}) {
    std::string msg = refusal(big, png);
    BOOST_TEST(msg.starts_with("render: '" + png + "' would be a PNG of "), msg);
    BOOST_TEST(msg.ends_with("million pixels, more than the 100 million render draws "
                             "(lower the graph's dpi or size, or write .svg)"), msg);
  }
  BOOST_TEST(dir.files() == 0u);
  gl::viz::render_dot("digraph { node [fontsize=10000]; a -> b }", (dir.path / "x.svg").string());
  // Ordinary values pass, and the picture's size follows dpi.
  gl::viz::render_dot("digraph { dpi=192; a -> b }", png);
  auto [w, h] = gradlab::testing::png_size(png);
  gl::viz::render_dot("digraph { a -> b }", png);
  auto [w96, h96] = gradlab::testing::png_size(png);
  BOOST_TEST(double(w) == 2.0 * w96, tt::tolerance(0.05));
  BOOST_TEST(double(h) == 2.0 * h96, tt::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(frames_share_one_layout) {
  // The same two nodes, one label short in the first frame and long in the
  // second: both drawn at the larger size, in the same places.
  std::vector<std::string> svgs = gl::viz::render_frames_svg(
      {"digraph { a [shape=box, label=\"x\"]; b [shape=box]; a -> b; }",
       "digraph { a [shape=box, label=\"a much longer label\", color=red]; b [shape=box]; a -> b; }"});
  BOOST_REQUIRE(svgs.size() == 2u);
  auto polygons = [](const std::string& svg) {
    std::string all;
    for (std::size_t at = svg.find("<polygon"); at != std::string::npos; at = svg.find("<polygon", at + 1)) {
      std::size_t p = svg.find("points=", at);
      all += svg.substr(p, svg.find('"', p + 8) - p) + ";";
    }
    return all;
  };
  BOOST_TEST(polygons(svgs[0]).find(";") != std::string::npos);
  BOOST_TEST(polygons(svgs[0]) == polygons(svgs[1]));
  BOOST_TEST(svgs[0].find(">x</text>") != std::string::npos);
  BOOST_TEST(svgs[1].find("a much longer label") != std::string::npos);
  BOOST_TEST(svgs[1].find("stroke=\"red\"") != std::string::npos);
  // A frame with a node the last one lacks is not one graph.
  BOOST_CHECK_EXCEPTION(gl::viz::render_frames_svg({"digraph { a -> b; }", "digraph { a; }"}),
                        std::invalid_argument, [](const std::invalid_argument& e) {
                          return std::string(e.what()).find("node 'b' that the last frame lacks") != std::string::npos;
                        });
  BOOST_CHECK_THROW(gl::viz::render_frames_svg({"digraph { a -> }"}), std::invalid_argument);
  BOOST_TEST(gl::viz::render_frames_svg({}).empty());
}

namespace {
// x + x + ... + x, `terms` of them: x is used by ops far apart.
Value sum_of_x(int terms) {
  Value x(1.0, "x");
  Value y = x;
  for (int i = 1; i < terms; ++i) y = y + x;
  return y;
}
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

BOOST_AUTO_TEST_CASE(frames_share_one_pictures_limits_and_are_refused_at_once) {
  // The 50-term sum: one picture of it is refused (2,352 skipped layers);
  // 51 frames of it were laid out 52 times (>120 s). Now refused at once,
  // saying what to do instead.
  Value y = sum_of_x(50);
  std::vector<std::string> dots(51, gl::viz::to_dot(y));
  auto start = std::chrono::steady_clock::now();
  std::string msg = error_of([&] { gl::viz::render_frames_svg(dots); });
  BOOST_TEST(seconds_since(start) < 1.0);
  BOOST_TEST(msg.rfind("render_frames_svg: 51 pictures of a graph of 99 nodes are 5049 nodes in all, more than "
                       "the 5000 of one picture (max_nodes), which the frames of a page share; draw one picture",
                       0) == 0u, msg);
  // The layers its edges skip, for one layout: over one picture's limit.
  msg = error_of([&] { gl::viz::render_frames_svg({dots[0], dots[0]}); });
  BOOST_TEST(msg.find("skip 2352 layers in all") != std::string::npos, msg);
  BOOST_TEST(msg.find("more than max_skipped_layers = 2000") != std::string::npos, msg);
  // The limits are counted for all frames together: 40 frames of a graph
  // of 99 nodes pass one picture's 5000 nodes; lower limits refuse fewer.
  Value small = sum_of_x(5);  // 9 nodes
  std::vector<std::string> few(3, gl::viz::to_dot(small));
  BOOST_TEST(gl::viz::render_frames_svg(few).size() == 3u);
  msg = error_of([&] { gl::viz::render_frames_svg(few, {.max_nodes = 26}); });
  BOOST_TEST(msg.find("3 pictures of a graph of 9 nodes are 27 nodes in all") != std::string::npos, msg);
  BOOST_TEST(error_of([&] { gl::viz::render_frames_svg(few, {.max_nodes = 27}); }) == "(no error)");
  // A frame with more edges than the last one is counted as it comes,
  // never laid out in full: its edges are not what the layout is made of.
  // And 35 terms, under the limits, now take one full layout, not 36.
  Value mid = sum_of_x(35);
  std::vector<std::string> frames(36, gl::viz::to_dot(mid));
  start = std::chrono::steady_clock::now();
  BOOST_TEST(gl::viz::render_frames_svg(frames).size() == 36u);
  BOOST_TEST_MESSAGE("36 frames of the 35-term sum: " << seconds_since(start) << " s");
  BOOST_TEST(seconds_since(start) < 10.0);  // 24 s when every frame was laid out in full
}

BOOST_AUTO_TEST_CASE(skipped_layers_are_counted_as_dot_ranks) {
  // A constant used late is drawn just above its op, so it skips nothing:
  // a chain of 60 ops with a constant each is one picture, not refused.
  Value x(1.0, "x");
  Value y = x;
  for (int i = 0; i < 60; ++i) y = y * 1.01;
  TempDir dir;
  gl::viz::render(y, (dir.path / "chain.svg").string());
  BOOST_TEST(fs::exists(dir.path / "chain.svg"));
  // The same count refuses DOT text handed to render_dot and render_svg.
  std::string dot = gl::viz::to_dot(sum_of_x(50));
  std::string msg = error_of([&] { gl::viz::render_dot(dot, (dir.path / "sum.svg").string()); });
  BOOST_TEST(msg.find("the graph's edges skip 2352 layers in all") != std::string::npos, msg);
  BOOST_CHECK_THROW(gl::viz::render_svg(dot), std::length_error);
  BOOST_TEST(!fs::exists(dir.path / "sum.svg"));
}

BOOST_AUTO_TEST_CASE(a_picture_that_is_a_fifo_is_refused_not_waited_on) {
  // Graphviz opens a node's picture to measure it: a FIFO would block it.
  TempDir dir;
  const fs::path fifo = dir.path / "tile.png";
  std::string msg = gradlab::testing::error_reading_fifo(fifo, [&] {
    gl::viz::render_svg("digraph { a [image=\"" + fifo.string() + "\"]; }");
  });
  BOOST_TEST(msg.find("node 'a' shows the picture '" + fifo.string() + "', which is a FIFO") != std::string::npos, msg);
  msg = error_of([&] {
    gl::viz::render_svg("digraph { a [shape=none, label=<<TABLE><TR><TD><IMG SRC=\"" + fifo.string() +
                        "\"/></TD></TR></TABLE>>]; }");
  });
  BOOST_TEST(msg.find("which is a FIFO") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(tensor_heat_maps_are_inlined_in_svg) {
  fs::path dir = fs::temp_directory_path() / ("gradlab_render_heat_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  gl::Tensor w = gl::arange(-10, 10).reshape({4, 5}).requires_grad_().set_label("w");
  gl::Tensor y = (w * w).sum();
  y.backward();
  gl::viz::render(*y.node(), (dir / "heat.svg").string());
  std::string svg = read(dir / "heat.svg");
  // Tiles of w, its gradient, w*w and its gradient, each a data URI: no file named.
  std::size_t images = 0;
  for (std::size_t at = svg.find("<image"); at != std::string::npos; at = svg.find("<image", at + 1)) ++images;
  BOOST_TEST(images == 4u);
  BOOST_TEST(svg.find("xlink:href=\"data:image/png;base64,iVBORw0KGgo") != std::string::npos);
  BOOST_TEST(svg.find(".png\"") == std::string::npos);
  BOOST_TEST(svg.find("colour: ±10 (0 white)") != std::string::npos);
  gl::viz::render(*y.node(), (dir / "heat.png").string());
  BOOST_TEST(gradlab::testing::png_size((dir / "heat.png").string()).first > 0u);
  gl::viz::render(*y.node(), (dir / "heat.dot").string());  // DOT text names no files
  BOOST_TEST(read(dir / "heat.dot").find("IMG") == std::string::npos);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
