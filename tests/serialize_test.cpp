// SPDX-License-Identifier: MIT
// Saving and loading named tensors: the bits come back exactly, and every
// kind of bad file is refused with the file and the problem named while the
// destination keeps its numbers.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <gradlab/serialize.hpp>

#include "test_helpers.hpp"

namespace fs = std::filesystem;
namespace gl = gradlab;
using gl::NamedTensors;
using gl::Tensor;
using gl::testing::error_of;
using gl::testing::TempDir;
using gl::testing::read_bytes;
using gl::testing::same_bits;
using gl::testing::write_bytes;

namespace {



// Awkward numbers on purpose: -0, a subnormal, infinities, a NaN with a payload.
NamedTensors model() {
  double nan_payload;
  std::uint64_t bits = 0x7ff8000000000abcull;
  std::memcpy(&nan_payload, &bits, sizeof bits);
  return {{"fc1.weight", gl::tensor({{0.1, -0.0, 1e-310}, {std::numeric_limits<double>::infinity(),
                                                           -1.0 / 3.0, nan_payload}})},
          {"fc1.bias", gl::tensor({1.0 / 7.0, 2.5})},
          {"scale", gl::scalar_tensor(3.0)}};
}
// The same names and shapes, other numbers: where loads go.
NamedTensors blank() {
  return {{"fc1.weight", gl::zeros({2, 3})}, {"fc1.bias", gl::zeros({2})},
          {"scale", gl::scalar_tensor(0.0)}};
}
bool untouched(const NamedTensors& t) {
  for (const auto& [name, x] : t)
    for (double v : x.data())
      if (v != 0 || std::signbit(v)) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serialize_test)

BOOST_AUTO_TEST_CASE(round_trip_is_bit_exact) {
  TempDir dir{"serialize_test"};
  NamedTensors saved = model(), into = blank();
  gl::save(dir.file("m.gl"), saved);
  gl::load(dir.file("m.gl"), into);
  for (std::size_t i = 0; i < saved.size(); ++i) BOOST_TEST(same_bits(saved[i].second, into[i].second));
  NamedTensors read = gl::read(dir.file("m.gl"));
  BOOST_TEST_REQUIRE(read.size() == 3u);
  BOOST_TEST(read[0].first == "fc1.weight");
  BOOST_TEST(read[2].second.dim() == 0);  // a 0-d tensor keeps its empty shape
  for (std::size_t i = 0; i < saved.size(); ++i) BOOST_TEST(same_bits(saved[i].second, read[i].second));
  // The header: magic, version 1, three tensors, the file's own size.
  std::string bytes = read_bytes(dir.file("m.gl"));
  BOOST_TEST(bytes.substr(0, 8) == std::string("GRADLAB\0", 8));
  BOOST_TEST(bytes[8] == 1);
  BOOST_TEST(bytes[12] == 3);
  BOOST_TEST(static_cast<unsigned char>(bytes[16]) == bytes.size() % 256);
  // Saving the same tensors again gives the same bytes.
  gl::save(dir.file("again.gl"), saved);
  BOOST_TEST((read_bytes(dir.file("again.gl")) == bytes));
}

BOOST_AUTO_TEST_CASE(truncated_files_are_refused) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  gl::save(path, model());
  std::string whole = read_bytes(path);
  for (std::size_t keep : {std::size_t{0}, std::size_t{5}, std::size_t{20}, std::size_t{40},
                           whole.size() / 2, whole.size() - 1}) {
    write_bytes(path, whole.substr(0, keep));
    NamedTensors into = blank();
    std::string want = keep < 32 ? "load: " + path + ": truncated (expected at least 32 bytes, found " +
                                       std::to_string(keep) + ")"
                                 : "load: " + path + ": truncated (expected " +
                                       std::to_string(whole.size()) + " bytes, found " +
                                       std::to_string(keep) + ")";
    BOOST_TEST(error_of([&] { gl::load(path, into); }) == want);
    BOOST_TEST(untouched(into));
  }
  write_bytes(path, whole + "x");
  BOOST_TEST(error_of([&] { gl::read(path); }) ==
             "load: " + path + ": corrupted (the header says " + std::to_string(whole.size()) +
                 " bytes, found " + std::to_string(whole.size() + 1) + ")");
}

BOOST_AUTO_TEST_CASE(any_flipped_byte_fails_the_checksum) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  gl::save(path, model());
  std::string whole = read_bytes(path);
  // Every byte but the magic, the version and the size (which have their own
  // messages): the count, names, shapes, numbers and the checksum itself.
  for (std::size_t at = 12; at < whole.size(); ++at) {
    if (at == 16) at = 24;
    std::string bad = whole;
    bad[at] ^= 0x10;
    write_bytes(path, bad);
    NamedTensors into = blank();
    BOOST_TEST(error_of([&] { gl::load(path, into); }) ==
               "load: " + path + ": checksum mismatch (the file is corrupted)");
    BOOST_TEST(untouched(into));
  }
}

BOOST_AUTO_TEST_CASE(foreign_and_future_files_are_refused) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  write_bytes(path, "P5\n28 28\n255\n................................");
  BOOST_TEST(error_of([&] { gl::read(path); }) ==
             "load: " + path + ": not a gradlab file (it does not start with \"GRADLAB\")");
  gl::save(path, model());
  std::string bytes = read_bytes(path);
  bytes[8] = 9;  // version 9
  write_bytes(path, bytes);
  NamedTensors into = blank();
  BOOST_TEST(error_of([&] { gl::load(path, into); }) ==
             "load: " + path + ": format version 9 not supported (this build reads 1)");
  BOOST_TEST(untouched(into));
  std::string missing = dir.file("nothing_here.gl");
  BOOST_TEST(error_of([&] { gl::load(missing, into); }) ==
             "load: " + missing + ": cannot open (No such file or directory)");
  BOOST_TEST(error_of([&] { gl::load(dir.path.string(), into); }) ==
             "load: " + dir.path.string() + ": is a directory, not a file");
  // An endless device is refused before a byte is read, as is a big file that is not ours.
  BOOST_TEST(error_of([&] { gl::load("/dev/zero", into); }) ==
             "load: /dev/zero: is not a regular file (it is a character device)");
  std::string other = dir.file("movie.mp4");
  write_bytes(other, std::string(1 << 20, 'x'));
  BOOST_TEST(error_of([&] { gl::load(other, into); }) ==
             "load: " + other + ": not a gradlab file (it does not start with \"GRADLAB\")");
  BOOST_TEST(untouched(into));
}

BOOST_AUTO_TEST_CASE(only_regular_files_are_read) {
  TempDir dir{"serialize_test"};
  NamedTensors into = blank();
  // A FIFO with no writer: refused at once, never waited on.
  fs::path fifo = dir.path / "pipe.gl";
  BOOST_TEST(gl::testing::error_reading_fifo(fifo, [&] { gl::load(fifo.string(), into); }) ==
             "load: " + fifo.string() + ": is not a regular file (it is a FIFO)");
  // A symlink is followed, and what it names decides.
  fs::path zero = dir.path / "zero.gl";
  fs::create_symlink("/dev/zero", zero);
  BOOST_TEST(error_of([&] { gl::load(zero.string(), into); }) ==
             "load: " + zero.string() + ": is not a regular file (it is a character device)");
  fs::path dangling = dir.path / "dangling.gl";
  fs::create_symlink(dir.path / "gone.gl", dangling);
  BOOST_TEST(error_of([&] { gl::load(dangling.string(), into); }) ==
             "load: " + dangling.string() + ": cannot open (No such file or directory)");
  fs::create_symlink(dir.path, dir.path / "here.gl");
  BOOST_TEST(error_of([&] { gl::read(dir.file("here.gl")); }) ==
             "load: " + dir.file("here.gl") + ": is a directory, not a file");
  BOOST_TEST(error_of([&] { gl::read(""); }) == "load: the path is empty");
  BOOST_TEST(untouched(into));
}

BOOST_AUTO_TEST_CASE(sizes_are_checked_before_reading) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  gl::save(path, model());
  std::string whole = read_bytes(path);
  // Past the stated limit: refused from its size alone (the file is a hole).
  std::string huge = dir.file("huge.gl");
  gl::testing::write_sparse(huge, whole, gl::kMaxFileBytes + 1);
  BOOST_TEST(error_of([&] { gl::read(huge); }) ==
             "load: " + huge + ": is " + std::to_string(gl::kMaxFileBytes + 1) +
                 " bytes, more than the " + std::to_string(gl::kMaxFileBytes) +
                 " bytes such a file may have");
  // Within the limit but not the size its header states: refused before the
  // gigabyte is read (which would take seconds, not microseconds).
  std::string big = dir.file("big.gl");
  gl::testing::write_sparse(big, whole, std::uint64_t{1} << 30);
  auto start = std::chrono::steady_clock::now();
  BOOST_TEST(error_of([&] { gl::read(big); }) ==
             "load: " + big + ": corrupted (the header says " + std::to_string(whole.size()) +
                 " bytes, found " + std::to_string(std::uint64_t{1} << 30) + ")");
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  BOOST_TEST(took.count() < 100);
  // A header that claims more than there is.
  std::string claims = whole;
  claims[21] = 1;  // the size field's byte 5: 2^40 bytes more
  write_bytes(path, claims);
  BOOST_TEST(error_of([&] { gl::read(path); }) ==
             "load: " + path + ": truncated (expected " +
                 std::to_string(whole.size() + (std::uint64_t{1} << 40)) + " bytes, found " +
                 std::to_string(whole.size()) + ")");
}

BOOST_AUTO_TEST_CASE(mismatched_models_are_refused) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  gl::save(path, model());
  auto refusal = [&](NamedTensors into) {
    std::string message = error_of([&] { gl::load(path, into); });
    BOOST_TEST(untouched(into));
    return message;
  };
  NamedTensors renamed = blank();
  renamed[1].first = "fc2.bias";
  BOOST_TEST(refusal(renamed) ==
             "load: " + path + ": parameter 1 is named 'fc1.bias' in the file but 'fc2.bias' in the model");
  NamedTensors reshaped = blank();
  reshaped[0].second = gl::zeros({3, 2});
  BOOST_TEST(refusal(reshaped) == "load: " + path +
                                      ": parameter 0 ('fc1.weight') has shape [2, 3] in the file "
                                      "but [3, 2] in the model");
  NamedTensors fewer = blank();
  fewer.pop_back();
  BOOST_TEST(refusal(fewer) == "load: " + path + ": the file holds 3 tensors but the model has 2");
}

BOOST_AUTO_TEST_CASE(a_failed_save_leaves_the_old_file) {
  TempDir dir{"serialize_test"};
  std::string path = dir.file("m.gl");
  gl::save(path, model());
  std::string before = read_bytes(path);
  NamedTensors dup = blank();
  dup[1].first = "fc1.weight";
  BOOST_TEST(error_of([&] { gl::save(path, dup); }) ==
             "save: " + path + ": the name 'fc1.weight' is used twice");
  BOOST_TEST((read_bytes(path) == before));
  // A directory that does not exist, and a target that is a directory.
  std::string nowhere = dir.file("no/such/dir/m.gl");
  BOOST_TEST(error_of([&] { gl::save(nowhere, model()); }) ==
             "save: cannot write '" + nowhere + "': No such file or directory");
  fs::create_directories(dir.path / "taken" / "inside");
  BOOST_CHECK_THROW(gl::save(dir.file("taken"), model()), std::runtime_error);
  BOOST_TEST(fs::is_directory(dir.path / "taken" / "inside"));
  BOOST_TEST((read_bytes(path) == before));
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path), {}) == 2);  // no temporary left
}

BOOST_AUTO_TEST_SUITE_END()
