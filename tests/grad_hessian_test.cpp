// SPDX-License-Identifier: MIT
// The Hessian of a small MLP's loss, every second derivative with respect to
// its parameters, against PyTorch's torch.autograd.functional.hessian
// (tests/fixtures/make_mlp_hessian.py): formed row by row by differentiating
// the gradient twice, on Tensors (nn::Linear, the losses of
// nn::functional) and on Values (the same net written with scalars).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Tensor;
using gl::Value;

namespace {

const std::map<std::string, Tensor>& fixture() {
  static const auto f = gl::testing::read_fixture(GRADLAB_FIXTURES "/mlp_hessian.txt");
  return f;
}
const Tensor& want(const std::string& name) {
  auto it = fixture().find(name);
  if (it == fixture().end()) throw std::runtime_error("mlp_hessian.txt has no " + name);
  return it->second;
}

// Every element within 1e-10 of PyTorch's, relative to its size (and
// absolute, 1e-12, near 0).
void expect_close(const std::string& what, const std::vector<double>& got, const Tensor& expected) {
  BOOST_TEST_CONTEXT(what) {
    const std::vector<double>& w = expected.data();
    BOOST_TEST_REQUIRE(got.size() == w.size());
    double worst = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
      worst = std::max(worst, std::abs(got[i] - w[i]) / (std::abs(w[i]) + 1e-2));
    BOOST_TEST(worst <= 1e-10, what << ": worst relative difference " << worst);
  }
}

// The two nets: (inputs, hidden, outputs) and the loss.
struct Case {
  const char* name;
  std::int64_t in, hidden, out;
  bool cross_entropy;  // else the mean squared error
};
const Case kCases[] = {{"mse", 2, 3, 1, false}, {"ce", 2, 3, 3, true}};

}  // namespace

BOOST_AUTO_TEST_SUITE(grad_hessian_test)

BOOST_AUTO_TEST_CASE(tensor_mlp_hessian_matches_pytorch) {
  for (const Case& c : kCases) {
    const std::string name = c.name;
    gl::nn::Linear l1(c.in, c.hidden), l2(c.hidden, c.out);
    std::vector<Tensor> params = {l1.weight, l1.bias, l2.weight, l2.bias};
    const std::vector<double>& theta = want(name + "_theta").data();
    std::size_t at = 0;
    for (Tensor& p : params)  // w1, b1, w2, b2 out of the flat parameters
      for (double& v : p.data()) v = theta[at++];
    BOOST_TEST_REQUIRE(at == theta.size());
    const Tensor& x = want(name + "_x");
    const Tensor& y = want(name + "_y");
    Tensor out = l2(tanh(l1(x)));
    Tensor loss = c.cross_entropy ? gl::nn::functional::cross_entropy(out, y)
                                  : gl::nn::functional::mse_loss(out, y);
    expect_close(name + " loss", loss.to_vector(), want(name + "_loss"));
    // The gradient as one flat vector, a graph itself; row i of the Hessian
    // is the gradient of its element i.
    std::vector<Tensor> g = gl::autograd::grad({loss}, params, {}, true, true);
    std::vector<Tensor> parts;
    for (const Tensor& gi : g) parts.push_back(gi.reshape({-1}));
    Tensor flat = gl::cat(parts, 0);
    expect_close(name + " gradient", flat.to_vector(), want(name + "_grad"));
    const std::int64_t n = flat.numel();
    std::vector<double> hessian;
    for (std::int64_t i = 0; i < n; ++i) {
      Tensor e = gl::zeros({n});
      e.data()[static_cast<std::size_t>(i)] = 1;
      for (const Tensor& row : gl::autograd::grad({flat}, params, {e}, true))
        for (double v : row.to_vector()) hessian.push_back(v);
    }
    expect_close(name + " Hessian", hessian, want(name + "_hessian"));
    // It is symmetric, as a Hessian must be (PyTorch's is too).
    double asymmetry = 0;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < i; ++j)
        asymmetry = std::max(asymmetry, std::abs(hessian[static_cast<std::size_t>(i * n + j)] -
                                                 hessian[static_cast<std::size_t>(j * n + i)]));
    BOOST_TEST(asymmetry < 1e-14, name << " asymmetry " << asymmetry);
  }
}

BOOST_AUTO_TEST_CASE(scalar_mlp_hessian_matches_pytorch) {
  for (const Case& c : kCases) {
    const std::string name = c.name;
    std::vector<Value> theta;
    for (double v : want(name + "_theta").data()) theta.emplace_back(v);
    // w1 (hidden, in), b1, w2 (out, hidden), b2, as the fixture flattens them.
    auto w1 = [&](std::int64_t j, std::int64_t i) { return theta[static_cast<std::size_t>(j * c.in + i)]; };
    auto b1 = [&](std::int64_t j) { return theta[static_cast<std::size_t>(c.hidden * c.in + j)]; };
    auto w2 = [&](std::int64_t o, std::int64_t j) {
      return theta[static_cast<std::size_t>(c.hidden * (c.in + 1) + o * c.hidden + j)];
    };
    auto b2 = [&](std::int64_t o) {
      return theta[static_cast<std::size_t>(c.hidden * (c.in + 1 + c.out) + o)];
    };
    const Tensor& x = want(name + "_x");
    const Tensor& y = want(name + "_y");
    const std::int64_t points = x.shape()[0];
    Value loss(0.0);
    for (std::int64_t p = 0; p < points; ++p) {
      std::vector<Value> h, z;
      for (std::int64_t j = 0; j < c.hidden; ++j) {
        Value s = b1(j);
        for (std::int64_t i = 0; i < c.in; ++i)
          s = s + w1(j, i) * x.data()[static_cast<std::size_t>(p * c.in + i)];
        h.push_back(tanh(s));
      }
      for (std::int64_t o = 0; o < c.out; ++o) {
        Value s = b2(o);
        for (std::int64_t j = 0; j < c.hidden; ++j) s = s + w2(o, j) * h[static_cast<std::size_t>(j)];
        z.push_back(s);
      }
      if (c.cross_entropy) {  // log(sum_k e^z_k) - z_target
        Value total = exp(z[0]);
        for (std::size_t k = 1; k < z.size(); ++k) total = total + exp(z[k]);
        loss = loss + log(total) - z[static_cast<std::size_t>(y.data()[static_cast<std::size_t>(p)])];
      } else {
        loss = loss + (z[0] - y.data()[static_cast<std::size_t>(p)]).pow(2);
      }
    }
    loss = loss / static_cast<double>(points * (c.cross_entropy ? 1 : c.out));
    expect_close(name + " loss", {loss.data()}, want(name + "_loss"));
    std::vector<Value> g = gl::grad(loss, theta, true);
    std::vector<double> gradient, hessian;
    for (const Value& gi : g) {
      gradient.push_back(gi.data());
      for (const Value& d : gl::grad(gi, theta)) hessian.push_back(d.data());
    }
    expect_close(name + " gradient", gradient, want(name + "_grad"));
    expect_close(name + " Hessian", hessian, want(name + "_hessian"));
  }
}

BOOST_AUTO_TEST_SUITE_END()
