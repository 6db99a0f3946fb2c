// SPDX-License-Identifier: MIT
// micrograd's moons step on gradlab's scalar engine, timed per phase, for
// the benchmarks that compare it (moons_step, moons_sacado).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace moons {

namespace gl = gradlab;
using Clock = std::chrono::steady_clock;

inline double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Seconds spent in each phase of a step.
struct Phases {
  double forward = 0, backward = 0, update = 0, free = 0;
  double total() const { return forward + backward + update + free; }
  void add(const Phases& o) {
    forward += o.forward, backward += o.backward, update += o.update, free += o.free;
  }
  Phases per(double n) const { return {forward / n, backward / n, update / n, free / n}; }
};

// One step: forward (the loss), backward (zero_grad + backward), the SGD
// update, and freeing the step's graph. Returns the loss.
inline double engine_step(const gl::Net& net, const std::vector<gl::Value>& params,
                          const gl::Dataset2d& d, double lr, Phases* t = nullptr) {
  auto t0 = Clock::now();
  gl::Value loss = gl::max_margin_loss(net, d.x, d.y).loss;
  auto t1 = Clock::now();
  for (const gl::Value& p : params) p.node()->grad() = 0.0;
  loss.backward();
  auto t2 = Clock::now();
  for (const gl::Value& p : params) p.node()->data -= lr * p.node()->grad();
  double value = loss.data();
  auto t3 = Clock::now();
  loss = gl::Value();  // the step's graph is freed here
  auto t4 = Clock::now();
  if (t) t->add({seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), seconds(t3, t4)});
  return value;
}

// The nodes one step builds (the parameters live on, so they are not counted).
inline std::size_t nodes_per_step(const gl::Net& net, const gl::Dataset2d& d) {
  std::int64_t before = gl::live_nodes();
  gl::Value loss = gl::max_margin_loss(net, d.x, d.y).loss;
  return static_cast<std::size_t>(gl::live_nodes() - before);
}

// The phases of the best of `rounds` rounds of `steps` steps, per step.
inline Phases best_engine_phases(const gl::Net& net, const gl::Dataset2d& d, int steps, int rounds) {
  std::vector<gl::Value> params = net.parameters();
  Phases best;
  double best_total = 1e30;
  for (int r = 0; r < rounds; ++r) {
    Phases t;
    for (int k = 0; k < steps; ++k) engine_step(net, params, d, 0.01, &t);
    if (t.total() < best_total) best_total = t.total(), best = t.per(steps);
  }
  return best;
}

inline void print_phases(const char* name, const Phases& p, double nodes) {
  double k = 1e9 / nodes;
  std::printf("%s: %.2f ns/node (forward %.2f, backward %.2f, update %.2f, free %.2f)\n", name,
              k * p.total(), k * p.forward, k * p.backward, k * p.update, k * p.free);
}

// The points of the curve: the cost per node as the graph grows.
inline const std::vector<int> kCurvePoints{25, 100, 300, 1000, 3000};

// Steps for about two million nodes a round, at least 1.
inline int steps_for(std::size_t nodes) { return std::max<int>(1, int(2'000'000 / nodes)); }

}  // namespace moons
