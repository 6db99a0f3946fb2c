// SPDX-License-Identifier: MIT
// safetensors: the bytes gradlab writes are the format's (checked against a
// hand-assembled file), round trips keep every bit, F32/F16/BF16 are read
// exactly, and every kind of bad header is refused with the file and the
// problem named while the model keeps its numbers; the header is read and
// checked before the data, in linear time, and a machine short of memory is
// reported with the file's name.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gradlab/nn/nn.hpp>
#include <gradlab/random.hpp>
#include <gradlab/serialize.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::NamedTensors;
using gl::Tensor;
using gl::testing::error_of;
using gl::testing::TempDir;
using gl::testing::read_bytes;
using gl::testing::same_bits;
using gl::testing::write_bytes;

namespace {

std::string le(std::uint64_t v, int nbytes) {
  std::string s;
  for (int i = 0; i < nbytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}
std::string f64(double x) { return le(std::bit_cast<std::uint64_t>(x), 8); }
// A file as the specification lays it out: header length, header, data.
std::string file_of(const std::string& header, const std::string& data) {
  return le(header.size(), 8) + header + data;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(safetensors)

BOOST_AUTO_TEST_CASE(writes_the_bytes_the_specification_describes) {
  TempDir dir("safetensors");
  std::string path = dir.file("a.safetensors");
  gl::save_safetensors(path, {{"w", gl::tensor({1.5, -2.0}, {2})}, {"b", gl::scalar_tensor(0.25)}},
                       {{"format", "pt"}});
  std::string header =
      R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},)"
      R"("b":{"dtype":"F64","shape":[],"data_offsets":[16,24]}})";
  header.append((8 - header.size() % 8) % 8, ' ');  // padded so the data is 8-byte aligned
  BOOST_TEST(read_bytes(path) == file_of(header, f64(1.5) + f64(-2.0) + f64(0.25)));
}

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_bit_and_the_order) {
  TempDir dir("safetensors");
  std::string path = dir.file("m.safetensors");
  NamedTensors saved{{"z.last", gl::tensor({-0.0, 4.9e-324, INFINITY, -INFINITY, std::nan("7")}, {5})},
                     {"a.first", gl::tensor({1, 2, 3, 4, 5, 6}, {2, 3})},
                     {"scalar", gl::scalar_tensor(3.25)},
                     {"empty", gl::zeros({2, 0})}};
  gl::save_safetensors(path, saved, {{"epoch", "3"}, {"note", "é"}});
  NamedTensors back = gl::read_safetensors(path);
  BOOST_REQUIRE(back.size() == saved.size());
  for (std::size_t i = 0; i < saved.size(); ++i) {
    BOOST_TEST(back[i].first == saved[i].first);
    BOOST_TEST(same_bits(back[i].second, saved[i].second), saved[i].first);
  }
  BOOST_TEST((gl::read_safetensors_metadata(path) == gl::Metadata{{"epoch", "3"}, {"note", "é"}}));
}

BOOST_AUTO_TEST_CASE(float32_on_request) {
  TempDir dir("safetensors");
  std::string path = dir.file("f32.safetensors");
  gl::save_safetensors(path, {{"x", gl::tensor({0.1, -3.0, 1e-40}, {3})}}, {}, gl::SafetensorsDtype::F32);
  std::string bytes = read_bytes(path);
  BOOST_TEST(bytes.find(R"("dtype":"F32")") != std::string::npos);
  BOOST_TEST(bytes.size() % 4 == 0u);
  Tensor back = gl::read_safetensors(path)[0].second;
  BOOST_TEST((back.to_vector() ==
              std::vector<double>{double(0.1f), -3.0, double(static_cast<float>(1e-40))}));
  // A finite number float32 cannot hold is refused, not written as inf; no file appears.
  std::string big = dir.file("big.safetensors");
  BOOST_TEST(error_of([&] {
               gl::save_safetensors(big, {{"x", gl::tensor({1e300}, {1})}}, {}, gl::SafetensorsDtype::F32);
             }).find("tensor 'x' holds") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists(big));
}

BOOST_AUTO_TEST_CASE(reads_f32_f16_and_bf16_exactly) {
  TempDir dir("safetensors");
  std::string path = dir.file("mixed.safetensors");
  // F16: 1, -2, 65504 (largest), 2^-24 (smallest subnormal), inf, NaN.
  std::string half = le(0x3C00, 2) + le(0xC000, 2) + le(0x7BFF, 2) + le(0x0001, 2) + le(0x7C00, 2) + le(0x7E00, 2);
  // BF16: 1, 3.140625, -123.5.
  std::string bf = le(0x3F80, 2) + le(0x4049, 2) + le(0xC2F7, 2);
  std::string f32 = le(std::bit_cast<std::uint32_t>(0.1f), 4);
  std::string header = R"({"h":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},)"
                       R"("f":{"dtype":"F32","shape":[1],"data_offsets":[18,22]},)"
                       R"("b":{"dtype":"BF16","shape":[3],"data_offsets":[12,18]}})";
  write_bytes(path, file_of(header, half + bf + f32));
  NamedTensors t = gl::read_safetensors(path);
  BOOST_REQUIRE(t.size() == 3u);
  // In the order of their data, not of the header.
  BOOST_TEST(t[0].first == "h");
  BOOST_TEST(t[1].first == "b");
  BOOST_TEST(t[2].first == "f");
  std::vector<double> h = t[0].second.to_vector();
  BOOST_TEST((t[0].second.shape() == gl::Shape{2, 3}));
  BOOST_TEST(h[0] == 1.0);
  BOOST_TEST(h[1] == -2.0);
  BOOST_TEST(h[2] == 65504.0);
  BOOST_TEST(h[3] == std::ldexp(1.0, -24));
  BOOST_TEST(h[4] == INFINITY);
  BOOST_TEST(std::isnan(h[5]));
  BOOST_TEST((t[1].second.to_vector() == std::vector<double>{1.0, 3.140625, -123.5}));
  BOOST_TEST(t[2].second.item() == double(0.1f));
}

BOOST_AUTO_TEST_CASE(a_module_moves_by_name) {
  TempDir dir("safetensors");
  std::string path = dir.file("mlp.safetensors");
  gl::manual_seed(1);
  gl::nn::Sequential a(gl::nn::Linear(3, 4), gl::nn::ReLU(), gl::nn::Linear(4, 2));
  gl::nn::Sequential b(gl::nn::Linear(3, 4), gl::nn::ReLU(), gl::nn::Linear(4, 2));
  gl::save_safetensors(path, a.named_parameters());
  // The names are PyTorch's: a torch.nn.Sequential loads this file as it is.
  std::string bytes = read_bytes(path);
  for (const char* name : {"\"0.weight\"", "\"0.bias\"", "\"2.weight\"", "\"2.bias\""})
    BOOST_TEST(bytes.find(name) != std::string::npos, name);
  // Load in another order than the file's: matched by name.
  NamedTensors reversed = b.named_parameters();
  std::reverse(reversed.begin(), reversed.end());
  gl::load_safetensors(path, reversed);
  Tensor x = gl::randn({5, 3});
  BOOST_TEST(a.forward(x).to_vector() == b.forward(x).to_vector());
}

BOOST_AUTO_TEST_CASE(load_refuses_a_different_model_and_changes_nothing) {
  TempDir dir("safetensors");
  std::string path = dir.file("m.safetensors");
  gl::save_safetensors(path, {{"w", gl::ones({2, 2})}, {"b", gl::ones({2})}});
  Tensor w = gl::zeros({2, 2}), b = gl::zeros({2}), w3 = gl::zeros({3, 2});
  auto untouched = [&] { return w.to_vector() == std::vector<double>(4, 0.0) && b.to_vector() == std::vector<double>(2, 0.0); };
  BOOST_TEST(error_of([&] { gl::load_safetensors(path, {{"b", b}, {"w", w3}}); }) ==
             "load_safetensors: " + path + ": tensor 'w' has shape [2, 2] in the file but [3, 2] in the model");
  BOOST_TEST(error_of([&] { gl::load_safetensors(path, {{"b", b}, {"v", w}}); }) ==
             "load_safetensors: " + path + ": the file has no tensor 'v'");
  BOOST_TEST(error_of([&] { gl::load_safetensors(path, {{"w", w}}); }) ==
             "load_safetensors: " + path + ": the file has a tensor 'b' that the model lacks");
  BOOST_TEST(untouched());
}

BOOST_AUTO_TEST_CASE(every_bad_header_is_refused_by_name) {
  TempDir dir("safetensors");
  std::string path = dir.file("bad.safetensors");
  const std::string two = f64(1) + f64(2);
  auto refusal = [&](const std::string& bytes) {
    write_bytes(path, bytes);
    std::string message = error_of([&] { gl::read_safetensors(path); });
    std::string prefix = "read_safetensors: " + path + ": ";
    BOOST_TEST(message.rfind(prefix, 0) == 0u, message);
    return message.substr(std::min(message.size(), prefix.size()));
  };
  auto one = [&](const std::string& entry, const std::string& data) {
    return refusal(file_of("{" + entry + "}", data));
  };
  BOOST_TEST(refusal("abc") == "truncated (3 bytes, less than the 8-byte header length)");
  BOOST_TEST(refusal(le(200'000'000, 8) + "{}") ==
             "the header length 200000000 is over the limit of 100000000 bytes (not a safetensors file?)");
  BOOST_TEST(refusal(le(50, 8) + "{}") == "truncated (the header length is 50 bytes, the file has 2 after it)");
  BOOST_TEST(refusal(file_of("[1]", "")) == "the header does not start with '{'");
  BOOST_TEST(refusal(file_of("{\"a\":", "")).find("the header is not valid JSON") == 0u);
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]})", two) ==
             "the name 'a' appears twice");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[2]})", two) == "tensor 'a' lacks dtype, shape or data_offsets");
  BOOST_TEST(one(R"("a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]})", two) ==
             "tensor 'a' has dtype I64 (gradlab reads F64, F32, F16 and BF16)");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[-2],"data_offsets":[0,16]})", two) ==
             "tensor 'a': a shape entry is not a non-negative integer");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[3],"data_offsets":[0,16]})", two) ==
             "tensor 'a' has shape [3] of F64 but 16 bytes");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,16]})", two) ==
             "tensor 'a' has shape [4611686018427387904, 4] of F64 but 16 bytes");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[2],"data_offsets":[0,24]})", two) ==
             "tensor 'a' has data_offsets [0, 24] outside the 16 bytes of data");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[2],"data_offsets":[16,0]})", two) ==
             "tensor 'a' has data_offsets [16, 0] outside the 16 bytes of data");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[2],"data_offsets":[0]})", two) ==
             "tensor 'a': data_offsets is not [begin, end]");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]})", two) ==
             "tensor 'a' starts at byte 8 of the data, not at 0 (a gap)");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]})", two) ==
             "tensor 'b' starts at byte 8 of the data, not at 16 (it overlaps the one before)");
  BOOST_TEST(one(R"("a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]})", two) ==
             "the tensors cover 8 of the 16 bytes of data");
  BOOST_TEST(one(R"("":{"dtype":"F64","shape":[2],"data_offsets":[0,16]})", two) == "a tensor has an empty name");
  BOOST_TEST(one(R"("__metadata__":{"k":1})", "") == "__metadata__ 'k' is not a string");
  BOOST_TEST(refusal(file_of("7", "")) == "the header does not start with '{'");
  BOOST_TEST(refusal(file_of("{} []", "")).find("the header is not valid JSON") == 0u);
}

BOOST_AUTO_TEST_CASE(only_regular_files_are_read) {
  TempDir dir("safetensors");
  BOOST_TEST(error_of([&] { gl::read_safetensors(dir.path.string()); }) ==
             "read_safetensors: " + dir.path.string() + ": is a directory, not a file");
  std::string missing = dir.file("missing.safetensors");
  BOOST_TEST(error_of([&] { gl::read_safetensors(missing); }) ==
             "read_safetensors: " + missing + ": cannot open (No such file or directory)");
  // A FIFO with no writer: refused at once, never waited on.
  std::string fifo = dir.file("pipe");
  BOOST_TEST(gl::testing::error_reading_fifo(fifo, [&] { gl::read_safetensors(fifo); }) ==
             "read_safetensors: " + fifo + ": is not a regular file (it is a FIFO)");
  std::string zero = dir.file("zero");
  std::filesystem::create_symlink("/dev/zero", zero);
  BOOST_TEST(error_of([&] { gl::read_safetensors(zero); }) ==
             "read_safetensors: " + zero + ": is not a regular file (it is a character device)");
}

BOOST_AUTO_TEST_CASE(save_refuses_bad_names_and_leaves_no_file) {
  TempDir dir("safetensors");
  std::string path = dir.file("n.safetensors");
  Tensor t = gl::ones({1});
  BOOST_TEST(error_of([&] { gl::save_safetensors(path, {{"", t}}); }) ==
             "save_safetensors: " + path + ": a tensor has an empty name");
  BOOST_TEST(error_of([&] { gl::save_safetensors(path, {{"a", t}, {"a", t}}); }) ==
             "save_safetensors: " + path + ": the name 'a' is used twice");
  BOOST_TEST(error_of([&] { gl::save_safetensors(path, {{"__metadata__", t}}); }) ==
             "save_safetensors: " + path + ": '__metadata__' is not a tensor name");
  BOOST_TEST(error_of([&] { gl::save_safetensors(path, {{"\xff", t}}); }) ==
             "save_safetensors: " + path + ": a tensor or metadata name is not valid UTF-8");
  Tensor resized = gl::zeros({2, 2});
  resized.data().resize(3);
  BOOST_TEST(error_of([&] { gl::save_safetensors(path, {{"r", resized}}); }) ==
             "save_safetensors: " + path + ": tensor 'r' holds 3 numbers but its shape [2, 2] needs 4");
  BOOST_TEST(!std::filesystem::exists(path));
  std::string nowhere = dir.file("no/such/dir/x.safetensors");
  BOOST_TEST(error_of([&] { gl::save_safetensors(nowhere, {{"a", t}}); }).find("save_safetensors") == 0u);
}

namespace {

// A header of n empty tensors t0, t1, ... (all at data offset 0), and
// "__metadata__" with n entries when `metadata`: 200,000 tensors is 11 MB.
std::string many_entries(int n, bool metadata) {
  std::string h = "{";
  if (metadata) {
    h += R"("__metadata__":{)";
    for (int i = 0; i < n; ++i) h += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
    h += "},";
  }
  for (int i = 0; i < n; ++i)
    h += (i ? ",\"t" : "\"t") + std::to_string(i) + R"(":{"dtype":"F64","shape":[0],"data_offsets":[0,0]})";
  return h + "}";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The largest resident size this process has had, in MB.
double peak_mb() {
  rusage r{};
  ::getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_maxrss) / 1024;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_header_is_read_and_checked_before_the_data) {
  TempDir dir("safetensors");
  const std::uint64_t three_gib = std::uint64_t{3} << 30;
  const double peak = peak_mb();
  auto start = std::chrono::steady_clock::now();
  // A 3 GiB file (a hole: no disk) whose length field is garbage used to be
  // read whole (24 s, 3.1 GB) before its first 8 bytes were looked at.
  std::string garbage = dir.file("garbage.safetensors");
  gl::testing::write_sparse(garbage, le(std::uint64_t{1} << 60, 8) + "{}", three_gib);
  BOOST_TEST(error_of([&] { gl::read_safetensors(garbage); }) ==
             "read_safetensors: " + garbage +
                 ": the header length 1152921504606846976 is over the limit of 100000000 bytes (not a safetensors file?)");
  // A bad header in front of 3 GiB of data: refused after reading the header.
  std::string bad = dir.file("bad.safetensors");
  gl::testing::write_sparse(bad, file_of(R"({"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}})", ""), three_gib);
  BOOST_TEST(error_of([&] { gl::read_safetensors(bad); }) ==
             "read_safetensors: " + bad + ": tensor 'a' has dtype I8 (gradlab reads F64, F32, F16 and BF16)");
  // The metadata is in the header: a valid file's 3 GiB of numbers are not read for it.
  std::string header = R"({"__metadata__":{"step":"7"},"w":{"dtype":"F16","shape":[)" +
                       std::to_string(three_gib / 2) + R"(],"data_offsets":[0,)" + std::to_string(three_gib) + "]}}";
  std::string valid = dir.file("valid.safetensors");
  gl::testing::write_sparse(valid, file_of(header, ""), 8 + header.size() + three_gib);
  BOOST_TEST((gl::read_safetensors_metadata(valid) == gl::Metadata{{"step", "7"}}));
  BOOST_TEST(seconds_since(start) < 2.0);
  BOOST_TEST(peak_mb() - peak < 100);  // nothing near the file's size was held
}

BOOST_AUTO_TEST_CASE(a_shape_no_tensor_can_have_names_the_file) {
  TempDir dir("safetensors");
  std::string path = dir.file("zero_dims.safetensors");
  // 0 bytes (a 0 among the sizes), so the offsets agree; the other sizes
  // used to reach tensor() and throw a length_error that named no file.
  write_bytes(path, file_of(R"({"a":{"dtype":"F64","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]}})", ""));
  BOOST_TEST(error_of<std::runtime_error>([&] { gl::read_safetensors(path); }) ==
             "read_safetensors: " + path + ": tensor 'a': shape [0, 4611686018427387904, 4611686018427387904]"
             " overflows 64-bit size arithmetic (too large for any tensor)");
  write_bytes(path, file_of(R"({"a":{"dtype":"F64","shape":[0,1099511627776],"data_offsets":[0,0]}})", ""));
  BOOST_TEST(error_of<std::runtime_error>([&] { gl::read_safetensors(path); }).find(
                 "read_safetensors: " + path + ": tensor 'a': shape [0, 1099511627776] spans") == 0u);
  write_bytes(path, file_of(R"({"a":{"dtype":"F64","shape":[0,1099511627776]}})", ""));
  BOOST_TEST(error_of<std::runtime_error>([&] { gl::read_safetensors(path); }) ==
             "read_safetensors: " + path + ": tensor 'a' lacks dtype, shape or data_offsets");
  // An empty tensor whose sizes are fine is read.
  write_bytes(path, file_of(R"({"a":{"dtype":"F64","shape":[0,5],"data_offsets":[0,0]}})", ""));
  BOOST_TEST((gl::read_safetensors(path).at(0).second.shape() == gl::Shape{0, 5}));
}

BOOST_AUTO_TEST_CASE(the_header_parses_in_linear_time) {
  // nlohmann::ordered_json searched its keys once per key: 200,000 entries
  // took 46 s. Read as a stream of events, the header below (200,000
  // tensors and 200,000 metadata strings) parses in well under a second in
  // a release build, a few seconds under the sanitizers.
  TempDir dir("safetensors");
  std::string path = dir.file("many.safetensors");
  const int n = 200'000;
  write_bytes(path, file_of(many_entries(n, /*metadata=*/true), ""));
  auto start = std::chrono::steady_clock::now();
  gl::Metadata metadata = gl::read_safetensors_metadata(path);  // the header alone
  const double parse = seconds_since(start);
  BOOST_TEST_MESSAGE("a header of 400,000 entries parsed in " << parse << " s");
  BOOST_TEST(parse < 10.0);
  NamedTensors all = gl::read_safetensors(path);
  BOOST_REQUIRE(all.size() == static_cast<std::size_t>(n));
  BOOST_TEST(all.front().first == "t0");  // empty tensors all start at 0: the file's order
  BOOST_TEST(all.back().first == "t199999");
  BOOST_TEST(metadata.size() == static_cast<std::size_t>(n));
  BOOST_TEST(metadata["k123456"] == "v");
  // A repeat is still found among them, by name.
  std::string repeated = many_entries(n, false);
  repeated.insert(repeated.size() - 1, R"(,"t5":{"dtype":"F64","shape":[0],"data_offsets":[0,0]})");
  write_bytes(path, file_of(repeated, ""));
  BOOST_TEST(error_of([&] { gl::read_safetensors(path); }) == "read_safetensors: " + path + ": the name 't5' appears twice");
  // And save writes as many in linear time too (it built an ordered_json).
  NamedTensors few;
  for (int i = 0; i < n; ++i) few.emplace_back("t" + std::to_string(i), gl::zeros({0}));
  start = std::chrono::steady_clock::now();
  gl::save_safetensors(path, few);
  const double save = seconds_since(start);
  BOOST_TEST_MESSAGE("200,000 tensors saved in " << save << " s");
  BOOST_TEST(save < 10.0);
  BOOST_TEST(gl::read_safetensors(path).size() == static_cast<std::size_t>(n));
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
#define GRADLAB_NO_ASAN 1
#elif defined(__has_feature)
#if !__has_feature(address_sanitizer)
#define GRADLAB_NO_ASAN 1
#endif
#endif

#ifdef GRADLAB_NO_ASAN  // AddressSanitizer reserves terabytes of address space: no cap fits it
BOOST_AUTO_TEST_CASE(short_of_memory_names_the_file) {
  TempDir dir("safetensors");
  // 512 MiB of F64 zeros (a hole), read by a child held to 256 MiB more address space.
  const std::uint64_t bytes = std::uint64_t{512} << 20;
  std::string header = R"({"w":{"dtype":"F64","shape":[)" + std::to_string(bytes / 8) +
                       R"(],"data_offsets":[0,)" + std::to_string(bytes) + "]}}";
  std::string path = dir.file("big.safetensors");
  gl::testing::write_sparse(path, file_of(header, ""), 8 + header.size() + bytes);
  int out[2];
  BOOST_REQUIRE(::pipe(out) == 0);
  pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    long pages = 0;
    if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(statm, "%ld", &pages) != 1) pages = 0;
      std::fclose(statm);
    }
    rlimit cap{};
    cap.rlim_cur = cap.rlim_max = static_cast<rlim_t>(pages) * ::sysconf(_SC_PAGESIZE) + (std::uint64_t{256} << 20);
    std::string said = "(no error)";
    if (pages > 0 && ::setrlimit(RLIMIT_AS, &cap) == 0) {
      try {
        gl::read_safetensors(path);
      } catch (const std::bad_alloc& e) {
        said = std::string("bad_alloc: ") + e.what();
      } catch (const std::exception& e) {
        said = std::string("other: ") + e.what();
      }
    }
    ssize_t written = ::write(out[1], said.data(), said.size());
    ::_exit(written == static_cast<ssize_t>(said.size()) ? 0 : 1);
  }
  ::close(out[1]);
  std::string said;
  char buf[512];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) said.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  // It was a bare std::bad_alloc ("std::bad_alloc"): now the file is named.
  BOOST_TEST(said == "bad_alloc: read_safetensors: " + path + ": out of memory reading its " +
                         std::to_string(8 + header.size() + bytes) + " bytes (std::bad_alloc)");
}
#endif

BOOST_AUTO_TEST_SUITE_END()
