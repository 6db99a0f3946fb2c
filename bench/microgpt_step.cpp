// SPDX-License-Identifier: MIT
// 1,000 training steps of tutorial 18's microgpt on scalar Values (one word
// a step, the chapter's words, weights and schedule), timed whole and per
// phase: building the graph (forward), backward, freeing it, Adam, each per
// node. Best of three rounds, each from the same starting weights. Prints
// `name: value unit` lines. Needs the word list (`make data`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "../tutorials/microgpt.hpp"

namespace gl = gradlab;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Round {
  double total = 0, forward = 0, backward = 0, freeing = 0, adam = 0, last_loss = 0;
  long long nodes = 0;
};

// The steps as the chapter runs them, with a clock around each phase.
Round phases(const std::vector<std::vector<int>>& words, int total_steps) {
  microgpt::ScalarGpt model(microgpt::initial_weights(42));
  microgpt::Adam adam(model.parameters().size(), total_steps);
  Round r;
  auto start = Clock::now();
  for (std::size_t step = 0; step < words.size(); ++step) {
    auto t0 = Clock::now();
    std::int64_t before = gl::live_nodes();
    auto* loss = new gl::Value(model.loss(words[step]));
    r.nodes += gl::live_nodes() - before;
    auto t1 = Clock::now();
    loss->backward();
    r.last_loss = loss->data();
    auto t2 = Clock::now();
    delete loss;  // the last handle on the graph: it is freed here
    auto t3 = Clock::now();
    std::vector<gl::Value>& ps = model.parameters();
    adam.begin(static_cast<int>(step));
    for (std::size_t i = 0; i < ps.size(); ++i) {
      adam.update(i, ps[i].data(), ps[i].grad());
      ps[i].zero_grad();
    }
    auto t4 = Clock::now();
    r.forward += std::chrono::duration<double>(t1 - t0).count();
    r.backward += std::chrono::duration<double>(t2 - t1).count();
    r.freeing += std::chrono::duration<double>(t3 - t2).count();
    r.adam += std::chrono::duration<double>(t4 - t3).count();
  }
  r.total = since(start);
  return r;
}

// The same steps with no clock inside: the figure the target is about.
double whole(const std::vector<std::vector<int>>& words, int total_steps) {
  microgpt::ScalarGpt model(microgpt::initial_weights(42));
  microgpt::Adam adam(model.parameters().size(), total_steps);
  auto start = Clock::now();
  for (std::size_t step = 0; step < words.size(); ++step)
    microgpt::train_step(model, adam, words[step], static_cast<int>(step));
  return since(start);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 1000, rounds = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--steps") && i + 1 < argc) {
      steps = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: microgpt_step [--steps N] [--rounds N]\n");
      return 2;
    }
  }
  if (steps < 1 || rounds < 1) {
    std::fprintf(stderr, "microgpt_step: --steps and --rounds must be at least 1\n");
    return 2;
  }
  gl::WordSplit split = gl::split_words(gl::load_words(), 42);
  if (steps > static_cast<int>(split.train.size())) {
    std::fprintf(stderr, "microgpt_step: --steps is larger than the %zu training words\n", split.train.size());
    return 2;
  }
  std::vector<std::vector<int>> words;
  for (int i = 0; i < steps; ++i) words.push_back(microgpt::tokens_of(split.train[static_cast<std::size_t>(i)]));

  double best_whole = 1e30;
  Round best;
  best.total = 1e30;
  for (int k = 0; k < rounds; ++k) {
    best_whole = std::min(best_whole, whole(words, 5000));
    Round r = phases(words, 5000);
    if (r.total < best.total) best = r;
  }
  const double n = static_cast<double>(best.nodes);
  std::printf("microgpt_steps: %d\n", steps);
  std::printf("microgpt_seconds: %.3f s\n", best_whole);
  std::printf("step: %.3f ms\n", 1e3 * best_whole / steps);
  std::printf("nodes_per_step: %.0f\n", n / steps);
  std::printf("per_node: %.2f ns (with the clocks: %.2f)\n", 1e9 * best_whole / n, 1e9 * best.total / n);
  std::printf("forward: %.2f ns/node\n", 1e9 * best.forward / n);
  std::printf("backward: %.2f ns/node\n", 1e9 * best.backward / n);
  std::printf("freeing: %.2f ns/node\n", 1e9 * best.freeing / n);
  std::printf("adam: %.3f ms/step (%zu parameters)\n", 1e3 * best.adam / steps,
              microgpt::ScalarGpt(microgpt::initial_weights(42)).parameters().size());
  std::printf("last_loss: %.6f\n", best.last_loss);
}
