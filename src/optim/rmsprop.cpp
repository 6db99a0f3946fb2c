// SPDX-License-Identifier: MIT
// RMSprop: the update rule of rmsprop.hpp, one parameter at a time.

#include <gradlab/optim/rmsprop.hpp>

#include <cmath>

namespace gradlab::optim {

namespace {
// square_avg always; then momentum_buffer and grad_avg when they are used.
std::vector<std::string> rmsprop_buffers(const RMSpropOptions& o) {
  std::vector<std::string> names{"square_avg"};
  if (o.momentum() > 0) names.push_back("momentum_buffer");
  if (o.centered()) names.push_back("grad_avg");
  return names;
}
}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : Optimizer("RMSprop", std::move(params), options.lr(), rmsprop_buffers(options)),
      options_(options) {
  check_at_least_zero("alpha", options.alpha());
  check_at_least_zero("eps", options.eps());
  check_at_least_zero("momentum", options.momentum());
  check_at_least_zero("weight_decay", options.weight_decay());
}

void RMSprop::update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) {
  // Settings read once, so the loop keeps them in registers.
  const double alpha = options_.alpha(), mu = options_.momentum(), eps = options_.eps();
  const double wd = options_.weight_decay(), rate = lr();
  std::vector<double>& v = s.buffers[0];
  std::vector<double>* b = mu > 0 ? &s.buffers[1] : nullptr;
  std::vector<double>* g_avg = options_.centered() ? &s.buffers.back() : nullptr;
  for (std::size_t j = 0; j < p.size(); ++j) {
    double d = with_weight_decay(g[j], p[j], wd);
    v[j] = alpha * v[j] + (1 - alpha) * d * d;
    double var = v[j];
    if (g_avg) {  // E[g^2] - E[g]^2: the variance instead of the raw second moment
      double& ga = (*g_avg)[j];
      ga = alpha * ga + (1 - alpha) * d;
      var -= ga * ga;
    }
    double scaled = d / (std::sqrt(var) + eps);
    if (b) {
      double& bj = (*b)[j];
      bj = mu * bj + scaled;
      scaled = bj;
    }
    p[j] -= rate * scaled;
  }
}

}  // namespace gradlab::optim
