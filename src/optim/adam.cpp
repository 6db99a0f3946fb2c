// SPDX-License-Identifier: MIT
// Adam and AdamW: the update rule of adam.hpp, one parameter at a time.

#include <gradlab/optim/adam.hpp>

#include <algorithm>
#include <cmath>

namespace gradlab::optim {

namespace {
std::vector<std::string> adam_buffers(bool amsgrad) {
  if (amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}
}  // namespace

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam("Adam", std::move(params), options, false) {}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Adam("AdamW", std::move(params), options, true) {}

Adam::Adam(const char* name, std::vector<Tensor> params, const AdamOptions& o, bool decoupled)
    : Optimizer(name, std::move(params), o.lr(), adam_buffers(o.amsgrad())),
      settings_{std::get<0>(o.betas()), std::get<1>(o.betas()), o.eps(),
                o.weight_decay().value_or(decoupled ? 1e-2 : 0.0), o.amsgrad(), decoupled} {
  const Settings& settings = settings_;
  check_below_one("betas[0]", settings.beta1);
  check_below_one("betas[1]", settings.beta2);
  check_at_least_zero("eps", settings.eps);
  check_at_least_zero("weight_decay", settings.weight_decay);
}

void Adam::update(std::vector<double>& p, const std::vector<double>& g, ParamState& s) {
  const auto [beta1, beta2, eps, wd, amsgrad, decoupled] = settings_;
  // Early on m and v are biased towards their zero start; dividing by
  // 1 - beta^t undoes that (at t = 1, m_hat is exactly g).
  const double t = static_cast<double>(s.step);
  const double correction1 = 1 - std::pow(beta1, t), correction2 = 1 - std::pow(beta2, t);
  const double rate = lr();  // read once: the loop then keeps it in a register
  std::vector<double>& m = s.buffers[0];
  std::vector<double>& v = s.buffers[1];
  for (std::size_t j = 0; j < p.size(); ++j) {
    if (decoupled) p[j] *= 1 - rate * wd;
    double d = decoupled ? g[j] : with_weight_decay(g[j], p[j], wd);
    m[j] = beta1 * m[j] + (1 - beta1) * d;
    v[j] = beta2 * v[j] + (1 - beta2) * d * d;
    double v_used = v[j];
    if (amsgrad) {  // the largest v so far, so the step size never grows back
      double& v_max = s.buffers[2][j];
      v_max = std::max(v_max, v[j]);
      v_used = v_max;
    }
    double m_hat = m[j] / correction1, v_hat = v_used / correction2;
    p[j] -= rate * m_hat / (std::sqrt(v_hat) + eps);
  }
}

}  // namespace gradlab::optim
