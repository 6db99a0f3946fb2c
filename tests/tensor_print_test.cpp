// SPDX-License-Identifier: MIT
// Printing a Tensor: the same text PyTorch 1.13 prints for the same float64
// numbers (tests/fixtures/tensor_print.txt, made by make_tensor_print.py),
// shape suffix included: non-square shapes, 3-d and 4-d nesting, integer and
// scientific formats, non-finite numbers, wrapping, summarised large tensors.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/tensor.hpp>

namespace gl = gradlab;

namespace {

struct PrintCase {
  std::string name;
  gl::Shape shape;
  bool requires_grad = false;
  std::vector<double> values;
  std::string expected;
};

std::vector<PrintCase> read_cases() {
  std::ifstream in(GRADLAB_FIXTURES "/tensor_print.txt");
  BOOST_REQUIRE_MESSAGE(in, "cannot read " GRADLAB_FIXTURES "/tensor_print.txt");
  std::vector<PrintCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    BOOST_REQUIRE(line.rfind("case ", 0) == 0);
    PrintCase c;
    c.name = line.substr(5);
    std::string word;
    std::getline(in, line);
    std::istringstream shape(line);
    shape >> word;
    for (std::int64_t d; shape >> d;) c.shape.push_back(d);
    std::getline(in, line);
    c.requires_grad = line == "requires_grad 1";
    std::getline(in, line);
    std::istringstream values(line);
    values >> word;
    for (std::string v; values >> v;) c.values.push_back(std::stod(v));
    std::string text;
    while (std::getline(in, line) && line != "end") text += (text.empty() ? "" : "\n") + line;
    c.expected = text;
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tensor_print)

BOOST_AUTO_TEST_CASE(prints_what_pytorch_prints) {
  std::vector<PrintCase> cases = read_cases();
  BOOST_TEST(cases.size() >= 27u);
  for (const PrintCase& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      gl::Tensor t = gl::tensor(c.values, c.shape);
      if (c.requires_grad) t.requires_grad_();
      std::ostringstream os;
      os << t;
      BOOST_TEST(os.str() == c.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_bracket_closes) {
  // The old printer left [2, 4] unclosed; count brackets for many shapes.
  for (gl::Shape shape : std::vector<gl::Shape>{{1, 5}, {5, 1}, {2, 4}, {4, 2}, {2, 3, 2}, {3, 1, 2, 2}}) {
    std::ostringstream os;
    os << gl::randn(shape);
    std::string s = os.str();
    BOOST_TEST(std::count(s.begin(), s.end(), '[') == std::count(s.begin(), s.end(), ']'),
               s);
  }
}

BOOST_AUTO_TEST_CASE(data_resized_by_hand_is_said_not_read) {
  gl::Tensor t = gl::zeros({2, 2});
  t.data().resize(1);
  std::ostringstream os;
  os << t;
  BOOST_TEST(os.str() == "tensor(<1 numbers, not the 4 of its shape>, shape=[2, 2])");
}

BOOST_AUTO_TEST_SUITE_END()
