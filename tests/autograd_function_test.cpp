// SPDX-License-Identifier: MIT
// autograd::Function (src/autograd_function.cpp): ops with their own
// backward, written as LibTorch writes them, checked by gradcheck and
// against PyTorch 1.13's autograd.Function (tests/fixtures/make_libtorch_port.py),
// with saved tensors, saved_data, the output saved, constants, and errors.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>
#include <gradlab/torch_compat.hpp>

#include "test_helpers.hpp"

namespace torch = gradlab;
using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::Function;
using torch::autograd::variable_list;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

namespace {

// y = x @ w^T + b, with the derivatives by hand.
struct LinearFunction : Function<LinearFunction> {
  static Tensor forward(AutogradContext* ctx, Tensor x, Tensor w, Tensor b) {
    ctx->save_for_backward({x, w});
    return x.mm(w.t()) + b;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    Tensor x = saved[0], w = saved[1], dy = grad_outputs[0];
    return {dy.mm(w), dy.t().mm(x), dy.sum(0)};  // dy/dx = w, dy/dw = x, dy/db = 1
  }
};

// x * c for a number c kept in saved_data; no gradient for c.
struct MulConstant : Function<MulConstant> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double c) {
    ctx->saved_data["c"] = c;
    ctx->saved_data["twice"] = std::int64_t{2};
    ctx->saved_data["on"] = true;
    return x * c;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    BOOST_TEST(ctx->saved_data["twice"].toInt() == 2);
    BOOST_TEST(ctx->saved_data["on"].toBool());
    BOOST_TEST(ctx->needs_input_grad(0));
    BOOST_TEST(!ctx->needs_input_grad(1));
    return {grad_outputs[0] * ctx->saved_data["c"].toDouble(), Tensor()};
  }
};

// exp(x), saving its own output (as PyTorch's exp does): d e^x/dx = e^x.
struct Exp : Function<Exp> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor y = x.exp();
    ctx->save_for_backward({y});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    return {grad_outputs[0] * ctx->get_saved_variables()[0]};
  }
};

// x * scale, with the tensor scale made in forward and kept in saved_data.
struct ScaleByMade : Function<ScaleByMade> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor scale = torch::arange(1, static_cast<double>(x.numel()) + 1).view(x.sizes());
    ctx->saved_data["scale"] = scale;
    return x * scale;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["scale"].toTensor()};
  }
};

struct TooFew : Function<TooFew> {
  static Tensor forward(AutogradContext*, Tensor x, Tensor y) { return x * y; }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
};

struct WrongShape : Function<WrongShape> {
  static Tensor forward(AutogradContext*, Tensor x) { return x.sum(); }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0]}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(autograd_function_test)

BOOST_AUTO_TEST_CASE(matches_pytorchs_autograd_function) {
  auto f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/libtorch_port.txt");
  Tensor x = f["fn_x"].detach().requires_grad_(), w = f["fn_w"].detach().requires_grad_();
  Tensor b = f["fn_b"].detach().requires_grad_();
  Tensor y = LinearFunction::apply(x, w, b);
  BOOST_TEST(y.op() == "LinearFunction");  // one node, named after the class
  BOOST_TEST(y.to_vector() == f["fn_y"].to_vector(), boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
  (y * f["fn_g"]).sum().backward();
  for (auto [got, want] : {std::pair{x, "fn_dx"}, {w, "fn_dw"}, {b, "fn_db"}})
    BOOST_TEST(got.grad().to_vector() == f[want].to_vector(),
               boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gradcheck_passes_every_function) {
  torch::manual_seed(3);
  check("LinearFunction", [](const std::vector<Tensor>& t) { return weigh(LinearFunction::apply(t[0], t[1], t[2])); },
        {torch::randn({3, 4}), torch::randn({2, 4}), torch::randn({2})});
  check("MulConstant", [](const std::vector<Tensor>& t) { return weigh(MulConstant::apply(t[0], 5.5)); },
        {torch::randn({2, 3})});
  check("Exp", [](const std::vector<Tensor>& t) { return weigh(Exp::apply(t[0])); }, {torch::randn({4})});
  check("ScaleByMade", [](const std::vector<Tensor>& t) { return weigh(ScaleByMade::apply(t[0])); },
        {torch::randn({2, 2})});
  // Used twice and inside other ops: gradients add up as for any op.
  check("Exp twice", [](const std::vector<Tensor>& t) { return weigh(Exp::apply(t[0]) * Exp::apply(t[0] * 2.0)); },
        {torch::randn({3})});
}

BOOST_AUTO_TEST_CASE(constants_take_no_gradient_and_graphs_are_freed) {
  std::int64_t before = torch::live_nodes();
  {
    Tensor x = torch::tensor({1.0, 2.0}).requires_grad_();
    Tensor c = torch::tensor({3.0, 4.0});  // a constant: no gradient for it
    Tensor y = LinearFunction::apply(c.view({1, 2}), x.view({1, 2}), torch::zeros({1}));
    y.sum().backward();
    BOOST_TEST((x.grad().to_vector() == std::vector<double>{3, 4}));
    BOOST_TEST(c.grad().sum().item() == 0.0);
    // No input takes a gradient: a plain result, no graph.
    Tensor plain = Exp::apply(c);
    BOOST_TEST(plain.is_leaf());
    BOOST_TEST(plain.to_vector()[0] == std::exp(3.0));
    {
      torch::NoGradGuard no_grad;
      BOOST_TEST(MulConstant::apply(x, 2.0).is_leaf());
    }
  }
  BOOST_TEST(torch::live_nodes() == before);  // the ctx and saved tensors went with the graph
}

BOOST_AUTO_TEST_CASE(a_wrong_backward_is_named) {
  Tensor x = torch::ones({2}).requires_grad_();
  Tensor y = TooFew::apply(x, x);
  BOOST_TEST(error_of([&] { y.sum().backward(); }) ==
             "TooFew: backward returned 1 gradients for the 2 arguments of forward (one per argument; Tensor() "
             "where there is none)");
  Tensor z = WrongShape::apply(x);
  BOOST_TEST(error_of([&] { z.backward(); }) ==
             "WrongShape: backward returned a gradient of shape [] for argument 0 of shape [2]");
  BOOST_TEST(error_of([] { torch::autograd::IValue(1.5).toTensor(); }) ==
             "IValue: toTensor() of a value that is not a tensor");
}

BOOST_AUTO_TEST_SUITE_END()
