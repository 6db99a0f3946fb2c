// SPDX-License-Identifier: MIT
// One training step of micrograd's moons demo (Net(2, [16, 16, 1]), 100
// points, max-margin loss + L2, forward + backward + SGD update) on the
// scalar engine, per graph node, side by side with the same step written by
// hand in plain C++ with no graph. Prints `name: value unit` lines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <string>

#include <gradlab/gradlab.hpp>

#include "moons_engine.hpp"

namespace gl = gradlab;
using Clock = std::chrono::steady_clock;

namespace {

// The same step by hand: weights as arrays, backpropagation written out.
struct HandNet {
  // W[l] is (out, in) row-major, b[l] is (out).
  std::vector<std::vector<double>> W, b;
  std::vector<int> sizes;
};

double hand_step(HandNet& net, const gl::Dataset2d& d, double lr, double alpha) {
  const int L = static_cast<int>(net.W.size());
  std::vector<std::vector<double>> dW(L), db(L);
  for (int l = 0; l < L; ++l) {
    dW[l].assign(net.W[l].size(), 0.0);
    db[l].assign(net.b[l].size(), 0.0);
  }
  double loss = 0;
  const double n = static_cast<double>(d.x.size());
  std::vector<std::vector<double>> act(L + 1);
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    act[0] = d.x[i];
    for (int l = 0; l < L; ++l) {
      int in = net.sizes[l], out = net.sizes[l + 1];
      act[l + 1].assign(out, 0.0);
      for (int o = 0; o < out; ++o) {
        double s = net.b[l][o];
        for (int k = 0; k < in; ++k) s += net.W[l][o * in + k] * act[l][k];
        act[l + 1][o] = l + 1 < L ? std::max(s, 0.0) : s;
      }
    }
    double margin = 1 - d.y[i] * act[L][0];
    if (margin <= 0) continue;
    loss += margin / n;
    std::vector<double> g{-d.y[i] / n};  // dloss/dscore
    for (int l = L - 1; l >= 0; --l) {
      int in = net.sizes[l], out = net.sizes[l + 1];
      std::vector<double> gin(in, 0.0);
      for (int o = 0; o < out; ++o) {
        double go = g[o];
        if (l + 1 < L && act[l + 1][o] <= 0) go = 0;  // relu
        db[l][o] += go;
        for (int k = 0; k < in; ++k) {
          dW[l][o * in + k] += go * act[l][k];
          gin[k] += go * net.W[l][o * in + k];
        }
      }
      g = gin;
    }
  }
  for (int l = 0; l < L; ++l) {
    for (std::size_t j = 0; j < net.W[l].size(); ++j) {
      loss += alpha * net.W[l][j] * net.W[l][j];
      net.W[l][j] -= lr * (dW[l][j] + 2 * alpha * net.W[l][j]);
    }
    for (std::size_t j = 0; j < net.b[l].size(); ++j) {
      loss += alpha * net.b[l][j] * net.b[l][j];
      net.b[l][j] -= lr * (db[l][j] + 2 * alpha * net.b[l][j]);
    }
  }
  return loss;
}

}  // namespace

int main(int argc, char** argv) {
  bool curve = argc > 1 && std::string(argv[1]) == "--curve";
  if (argc > 2 || (argc > 1 && !curve)) {
    bool help = std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h";
    std::fprintf(help ? stdout : stderr,
                 "usage: moons_step [--curve]   ns per node of a moons training step "
                 "(--curve: also the loss curve against the hand-written net)\n");
    return help ? 0 : 2;
  }
  gl::manual_seed(1337);
  gl::Dataset2d moons = gl::make_moons(100, 0.1);
  gl::Net net(2, {16, 16, 1});
  std::vector<gl::Value> params = net.parameters();

  // The hand-written net starts from the same weights.
  HandNet hand{{}, {}, {2, 16, 16, 1}};
  for (const gl::Layer& layer : net.layers()) {
    std::vector<double> W, b;
    for (const gl::Neuron& n : layer.neurons()) {
      for (const gl::Value& w : n.weights()) W.push_back(w.data());
      b.push_back(n.bias().data());
    }
    hand.W.push_back(W);
    hand.b.push_back(b);
  }

  // The nodes one step builds: the whole graph less the 337 parameters,
  // which live on (micrograd's demo builds the same 65,481).
  std::size_t nodes = moons::nodes_per_step(net, moons), graph = 0;
  {
    gl::Value loss = gl::max_margin_loss(net, moons.x, moons.y).loss;
    graph = gl::engine::topological_order(loss).size();
  }
  double engine_loss = moons::engine_step(net, params, moons, 1.0);
  double hand_loss = hand_step(hand, moons, 1.0, 1e-4);

  // Best of several rounds: the machine is shared, the minimum is the signal.
  const int steps = 20, rounds = 7;
  moons::Phases best_engine = moons::best_engine_phases(net, moons, steps, rounds);
  double best_hand = 1e30;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    for (int k = 0; k < steps; ++k) hand_step(hand, moons, 0.01, 1e-4);
    best_hand = std::min(best_hand, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  double engine_ns = 1e9 * best_engine.total() / double(nodes);
  double hand_ns = 1e9 * best_hand / steps / double(nodes);
  std::printf("moons_nodes_per_step: %zu nodes built (%zu in the graph with the parameters)\n",
              nodes, graph);
  std::printf("moons_first_loss: %.6f engine, %.6f by hand\n", engine_loss, hand_loss);
  moons::print_phases("moons_step_engine", best_engine, double(nodes));
  std::printf("moons_step_engine_total: %.3f ms/step\n", 1e3 * best_engine.total());
  std::printf("moons_step_hand_written: %.2f ns/node\n", hand_ns);
  std::printf("moons_step_ratio_engine_to_hand: %.1f x\n", engine_ns / hand_ns);
  if (!curve) return 0;
  // The same step with more points: the cost per node as the graph grows.
  for (int points : moons::kCurvePoints) {
    gl::manual_seed(1337);
    gl::Dataset2d d = gl::make_moons(points, 0.1);
    gl::Net n(2, {16, 16, 1});
    std::size_t k = moons::nodes_per_step(n, d);
    moons::Phases p = moons::best_engine_phases(n, d, moons::steps_for(k), 7);
    std::printf("moons_curve_engine_%d_points: %.2f ns/node (%zu nodes)\n", points,
                1e9 * p.total() / double(k), k);
  }
  return 0;
}
