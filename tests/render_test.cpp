// SPDX-License-Identifier: MIT
// Rendering through Graphviz: real PNG and SVG files, and every refusal
// leaves no file behind.
#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
