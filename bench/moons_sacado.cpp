// SPDX-License-Identifier: MIT
// micrograd's moons step in Trilinos Sacado's reverse mode (Sacado::Rad, an
// AD tape: operations recorded in creation order with their local
// derivatives, backward one reverse loop) beside gradlab's scalar engine, in
// the same run: same data, same initial weights, losses checked equal to
// 1e-12. Prints `name: value unit` lines, per phase, the ratio, and the
// cost per node as the graph grows (25 to 3,000 points).
#include <cmath>
#include <cstdio>
#include <vector>

#include <Sacado_trad.hpp>

#include "moons_engine.hpp"

namespace {

using ADvar = Sacado::Rad::ADvar<double>;
using moons::Clock;
using moons::Phases;
using moons::seconds;

// The weights as plain numbers, in the order of Net::parameters().
std::vector<double> weights_of(const gradlab::Net& net) {
  std::vector<double> w;
  for (const gradlab::Value& p : net.parameters()) w.push_back(p.data());
  return w;
}

// The same step on Sacado's tape: the weights enter as new independent
// variables, the loss is built op by op exactly as gradlab builds it (so the
// numbers agree to the last bit), Gradcomp() runs the tape backward, and the
// tape's memory is reused by the next step (nothing to free).
double sacado_step(std::vector<double>& w, const std::vector<std::size_t>& sizes,
                   const gradlab::Dataset2d& d, double lr, Phases* t = nullptr,
                   double alpha = 1e-4) {
  auto t0 = Clock::now();
  std::vector<ADvar> p(w.begin(), w.end());
  ADvar data_loss = 0.0;
  std::vector<ADvar> h, next;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    h.assign(d.x[i].begin(), d.x[i].end());
    std::size_t k = 0;  // the next parameter
    for (std::size_t l = 1; l < sizes.size(); ++l) {
      next.clear();
      for (std::size_t o = 0; o < sizes[l]; ++o) {
        const ADvar* wo = &p[k];
        ADvar act = p[k + sizes[l - 1]];  // the bias
        for (std::size_t j = 0; j < sizes[l - 1]; ++j) act = act + wo[j] * h[j];
        k += sizes[l - 1] + 1;
        if (l + 1 < sizes.size() && !(act.val() > 0)) act = 0.0;  // relu
        next.push_back(act);
      }
      h.swap(next);
    }
    ADvar margin = 1.0 - d.y[i] * h[0];
    if (!(margin.val() > 0)) margin = 0.0;
    data_loss = data_loss + margin;
  }
  data_loss = data_loss * (1.0 / static_cast<double>(d.x.size()));
  ADvar reg = 0.0;
  for (const ADvar& q : p) reg = reg + q * q;
  ADvar loss = data_loss + alpha * reg;
  auto t1 = Clock::now();
  ADvar::Gradcomp();
  auto t2 = Clock::now();
  for (std::size_t i = 0; i < w.size(); ++i) w[i] -= lr * p[i].adj();
  auto t3 = Clock::now();
  if (t) t->add({seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), 0.0});
  return loss.val();
}

struct Pair {
  Phases engine, sacado;
};

// Best of `rounds` rounds for each, the two taking turns round by round so
// that both see the same machine.
Pair best_of(const gradlab::Net& net, std::vector<double>& w, const std::vector<std::size_t>& sizes,
             const gradlab::Dataset2d& d, int steps, int rounds) {
  std::vector<gradlab::Value> params = net.parameters();
  Pair best;
  double best_engine = 1e30, best_sacado = 1e30;
  for (int r = 0; r < rounds; ++r) {
    Phases e, s;
    for (int k = 0; k < steps; ++k) moons::engine_step(net, params, d, 0.0, &e);
    for (int k = 0; k < steps; ++k) sacado_step(w, sizes, d, 0.0, &s);
    if (e.total() < best_engine) best_engine = e.total(), best.engine = e.per(steps);
    if (s.total() < best_sacado) best_sacado = s.total(), best.sacado = s.per(steps);
  }
  return best;
}

}  // namespace

int main() {
  const std::vector<std::size_t> sizes{2, 16, 16, 1};
  gradlab::manual_seed(1337);
  gradlab::Dataset2d d = gradlab::make_moons(100, 0.1);
  gradlab::Net net(2, {16, 16, 1});
  std::vector<double> w = weights_of(net);
  std::size_t nodes = moons::nodes_per_step(net, d);

  // One step each from the same weights: the losses and the updated weights agree.
  std::vector<gradlab::Value> params = net.parameters();
  double engine_loss = moons::engine_step(net, params, d, 1.0);
  double sacado_loss = sacado_step(w, sizes, d, 1.0);
  double worst = 0;
  std::vector<double> after = weights_of(net);
  for (std::size_t i = 0; i < w.size(); ++i) worst = std::max(worst, std::abs(after[i] - w[i]));
  std::printf("sacado_first_loss: %.17g gradlab, %.17g sacado\n", engine_loss, sacado_loss);
  std::printf("sacado_weights_after_one_step: %.3g largest difference\n", worst);
  if (std::abs(engine_loss - sacado_loss) > 1e-12 || worst > 1e-12) {
    std::printf("sacado_check: FAILED (the two steps differ by more than 1e-12)\n");
    return 1;
  }

  Pair best = best_of(net, w, sizes, d, 20, 7);
  moons::print_phases("moons_step_gradlab", best.engine, double(nodes));
  moons::print_phases("moons_step_sacado", best.sacado, double(nodes));
  std::printf("moons_step_ratio_gradlab_to_sacado: %.2f x\n", best.engine.total() / best.sacado.total());

  for (int points : moons::kCurvePoints) {
    gradlab::manual_seed(1337);
    gradlab::Dataset2d dp = gradlab::make_moons(points, 0.1);
    gradlab::Net np(2, {16, 16, 1});
    std::vector<double> wp = weights_of(np);
    std::size_t k = moons::nodes_per_step(np, dp);
    Pair b = best_of(np, wp, sizes, dp, moons::steps_for(k), 7);
    std::printf("moons_curve_%d_points: gradlab %.2f, sacado %.2f ns/node (%zu nodes)\n", points,
                1e9 * b.engine.total() / double(k), 1e9 * b.sacado.total() / double(k), k);
  }
  return 0;
}
