// SPDX-License-Identifier: MIT
// PyTorch's numbers for the attention and transformer suites: the files
// bench/make_transformer_fixtures.py wrote into tests/fixtures (gradlab's own
// format) hold parameters, inputs, outputs and gradients by name.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <string>

#include <gradlab/gradlab.hpp>

namespace gradlab::testing {

struct TorchFixture {
  std::map<std::string, Tensor> tensors;

  explicit TorchFixture(const std::string& name) {
    for (auto& [key, t] : read(std::string(GRADLAB_FIXTURES) + "/" + name + ".gl")) tensors.emplace(key, t);
  }
  const Tensor& operator[](const std::string& key) const {
    auto it = tensors.find(key);
    if (it == tensors.end()) throw std::runtime_error("fixture has no tensor '" + key + "'");
    return it->second;
  }
  // Copies PyTorch's parameters into the module, name by name (each must be there).
  void load_parameters(const nn::Module& module) const {
    for (auto& [name, p] : module.named_parameters()) {
      const Tensor& t = (*this)["param." + name];
      BOOST_TEST_REQUIRE(to_string(t.shape()) == to_string(p.shape()), name);
      Tensor target = p;
      target.data() = t.data();
    }
  }
  // A leaf copy of an input, taking a gradient.
  Tensor input(const std::string& name) const { return (*this)["input." + name].detach().requires_grad_(); }
  // sum(output * r.name): each output element weighed by PyTorch's own weight.
  Tensor weighed(const std::string& name, const Tensor& output) const { return sum(output * (*this)["r." + name]); }
};

// Every element within 1e-9 relative of PyTorch's (1e-12 absolute near 0).
inline void expect_close(const std::string& what, const Tensor& got, const Tensor& want, double rtol = 1e-9) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST_REQUIRE(to_string(got.shape()) == to_string(want.shape()));
    double worst = 0;
    for (std::size_t i = 0; i < want.data().size(); ++i) {
      double g = got.data()[i], w = want.data()[i];
      if (std::isinf(w)) {
        BOOST_TEST(g == w);
        continue;
      }
      worst = std::max(worst, std::abs(g - w) / (std::abs(w) + 1e-12 / rtol));
    }
    BOOST_TEST(worst <= rtol);
  }
}

}  // namespace gradlab::testing
