// SPDX-License-Identifier: MIT
// GD and SGD: the update rules of sgd.hpp, one parameter at a time.

#include <gradlab/optim/sgd.hpp>

#include <stdexcept>

namespace gradlab::optim {

GD::GD(std::vector<Tensor> params, const GDOptions& options)
    : Optimizer("GD", std::move(params), options.lr(), {}) {}

void GD::update(std::vector<double>& p, const std::vector<double>& g, ParamState&) {
  for (std::size_t j = 0; j < p.size(); ++j) p[j] -= lr() * g[j];
}

namespace {
std::vector<std::string> sgd_buffers(const SGDOptions& o) {
  if (o.momentum() != 0) return {"momentum_buffer"};
  return {};
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer("SGD", std::move(params), options.lr(), sgd_buffers(options)), options_(options) {
  check_at_least_zero("momentum", options.momentum());
  check_at_least_zero("weight_decay", options.weight_decay());
  if (options.nesterov() && (options.momentum() <= 0 || options.dampening() != 0))
    throw std::invalid_argument("SGD: nesterov needs momentum > 0 and dampening = 0");
}

void SGD::update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) {
  const double mu = options_.momentum(), damp = options_.dampening();
  for (std::size_t j = 0; j < p.size(); ++j) {
    double d = with_weight_decay(g[j], p[j], options_.weight_decay());
    if (mu != 0) {
      double& b = s.buffers[0][j];
      // The first step starts the buffer at the gradient itself, undampened.
      b = s.step == 1 ? d : mu * b + (1 - damp) * d;
      d = options_.nesterov() ? d + mu * b : b;  // Nesterov looks one step ahead
    }
    p[j] -= lr() * d;
  }
}

}  // namespace gradlab::optim
