// SPDX-License-Identifier: MIT
// The BPE tokenizers' speed: training to 512 tokens on 1 MiB of real text
// and encoding that text, with BasicTokenizer and RegexTokenizer (GPT-4's
// split). The text is Debian's licence and copyright files (every Debian
// system has them), or a file named on the command line. Prints `name: value`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gradlab/tokenizer.hpp>

namespace gt = gradlab::text;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kTextBytes = std::size_t{1} << 20;
constexpr int kVocabSize = 512;
constexpr int kRounds = 3;  // each figure is the best of three (the machine is shared)

// /usr/share/common-licenses/*, then /usr/share/doc/*/copyright, in name
// order, until 1 MiB; each read through gradlab's checked opener.
std::string debian_texts() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator("/usr/share/common-licenses"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<fs::path> copyrights;
  for (const auto& e : fs::directory_iterator("/usr/share/doc"))
    if (fs::is_regular_file(e.path() / "copyright")) copyrights.push_back(e.path() / "copyright");
  std::sort(copyrights.begin(), copyrights.end());
  files.insert(files.end(), copyrights.begin(), copyrights.end());
  std::string text;
  for (const fs::path& f : files) {
    if (text.size() >= kTextBytes) break;
    text += gt::read_text_file(f.string(), kTextBytes);
  }
  return text.substr(0, kTextBytes);
}

template <class F>
double best_seconds(F f) {
  double best = 1e300;
  for (int r = 0; r < kRounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

template <class T>
int run(const char* name, T& tokenizer, const std::string& text) {
  double train = best_seconds([&] { tokenizer.train(text, kVocabSize); });
  std::vector<int> ids;
  double encode = best_seconds([&] { ids = tokenizer.encode(text); });
  double decode = best_seconds([&] { tokenizer.decode(ids); });
  bool same = tokenizer.decode(ids) == text;
  std::printf("%s_train_%d_seconds: %.3f\n", name, kVocabSize, train);
  std::printf("%s_encode_seconds: %.3f  (%zu tokens, %.2f bytes/token)\n", name, encode, ids.size(),
              static_cast<double>(text.size()) / static_cast<double>(ids.size()));
  std::printf("%s_decode_seconds: %.3f  (round trip %s)\n", name, decode, same ? "exact" : "WRONG");
  return same ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::printf(
        "Usage: tokenizer_speed [text-file]\n"
        "Trains BPE to %d tokens on the first MiB of the text (default: Debian's licence\n"
        "and copyright files) and encodes it, with BasicTokenizer and RegexTokenizer.\n",
        kVocabSize);
    return 0;
  }
  std::string text = argc > 1 ? gt::read_text_file(argv[1]).substr(0, kTextBytes) : debian_texts();
  std::printf("text_bytes: %zu\n", text.size());
  gt::BasicTokenizer basic;
  gt::RegexTokenizer regex;  // GPT-4's split pattern
  int status = run("basic", basic, text);
  status |= run("regex", regex, text);
  return status;
}
