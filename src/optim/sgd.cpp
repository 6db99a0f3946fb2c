// SPDX-License-Identifier: MIT
// GD and SGD: the update rules of sgd.hpp, one parameter at a time.

#include <gradlab/optim/sgd.hpp>

#include <cstddef>
#include <stdexcept>

namespace gradlab::optim {

namespace {

// p -= rate * g over n numbers. The pointers share no memory (__restrict
// says so) and rate is a local: a loop the compiler vectorises.
void descend(double* __restrict p, const double* __restrict g, double rate, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) p[j] -= rate * g[j];
}

std::vector<std::string> sgd_buffers(const SGDOptions& o) {
  if (o.momentum() != 0) return {"momentum_buffer"};
  return {};
}

}  // namespace

GD::GD(std::vector<Tensor> params, const GDOptions& options)
    : Optimizer("GD", std::move(params), options.lr(), {}) {}

void GD::update(std::vector<double>& p, const std::vector<double>& g, ParamState&) {
  descend(p.data(), g.data(), lr(), p.size());
}

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer("SGD", std::move(params), options.lr(), sgd_buffers(options)), options_(options) {
  check_at_least_zero("momentum", options.momentum());
  check_at_least_zero("weight_decay", options.weight_decay());
  if (options.nesterov() && (options.momentum() <= 0 || options.dampening() != 0))
    throw std::invalid_argument("SGD: nesterov needs momentum > 0 and dampening = 0");
}

void SGD::update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) {
  // Settings read once, into locals: the loop then runs on registers (a
  // store to p could otherwise be a store to them, as far as the compiler knows).
  const double mu = options_.momentum(), damp = options_.dampening(), wd = options_.weight_decay();
  const double rate = lr();
  const bool nesterov = options_.nesterov(), first = s.step == 1;
  if (mu == 0 && wd == 0) {  // plain SGD: p -= lr * g
    descend(p.data(), g.data(), rate, p.size());
    return;
  }
  double* b = mu != 0 ? s.buffers[0].data() : nullptr;
  for (std::size_t j = 0; j < p.size(); ++j) {
    double d = with_weight_decay(g[j], p[j], wd);
    if (b) {
      // The first step starts the buffer at the gradient itself, undampened.
      b[j] = first ? d : mu * b[j] + (1 - damp) * d;
      d = nesterov ? d + mu * b[j] : b[j];  // Nesterov looks one step ahead
    }
    p[j] -= rate * d;
  }
}

}  // namespace gradlab::optim
