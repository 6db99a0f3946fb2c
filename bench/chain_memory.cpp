// SPDX-License-Identifier: MIT
// Peak memory and time per node for a chain of 10,000,000 scalar nodes:
// build, backward, teardown. Prints `name: value unit` lines.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gradlab/gradlab.hpp>

namespace {
// A field of /proc/self/status, in bytes.
long status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1)) * 1024;
  return -1;
}
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
  long n = 10'000'000;
  if (argc > 1) {
    std::string arg = argv[1];
    char* end = nullptr;
    n = std::strtol(arg.c_str(), &end, 10);
    if (argc > 2 || *end != '\0' || n < 2 || n > 1'000'000'000) {
      bool help = arg == "--help" || arg == "-h";
      std::fprintf(help ? stdout : stderr,
                   "usage: chain_memory [N]   a chain of N nodes (2 to 10^9, default 10^7): "
                   "bytes per node, build, backward and freeing times\n");
      return help ? 0 : 2;
    }
  }
  long rss_before = status_bytes("VmRSS");
  double t_build, t_backward, t_free, grad;
  {
    auto t0 = std::chrono::steady_clock::now();
    gradlab::Value x = 1.0;
    gradlab::Value y = x;
    for (long i = 1; i < n; ++i) y = -y;  // one node a step
    t_build = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    y.backward();
    t_backward = seconds_since(t0);
    grad = x.grad();
    t0 = std::chrono::steady_clock::now();
    y = 0.0;  // drops the chain
    t_free = seconds_since(t0);
  }
  long peak = status_bytes("VmHWM");
  std::printf("chain_nodes: %ld nodes\n", n);
  std::printf("chain_peak_memory: %.2f bytes/node\n", double(peak - rss_before) / double(n));
  std::printf("chain_build: %.1f ns/node\n", 1e9 * t_build / double(n));
  std::printf("chain_backward: %.1f ns/node\n", 1e9 * t_backward / double(n));
  std::printf("chain_teardown: %.1f ns/node\n", 1e9 * t_free / double(n));
  std::printf("chain_live_nodes_after: %lld nodes\n", (long long)gradlab::live_nodes());
  return grad == ((n - 1) % 2 ? -1.0 : 1.0) && gradlab::live_nodes() == 0 ? 0 : 1;
}
