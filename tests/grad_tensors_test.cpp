// SPDX-License-Identifier: MIT
// Gradients of gradients on Tensors: autograd::grad's arguments, every op
// with a graph backward against finite differences of its gradient (one
// table), backward(create_graph) and grad(), a Hessian-vector product
// against the formed Hessian, an op that cannot be differentiated twice.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
using gl::Tensor;
namespace tt = boost::test_tools;

namespace {

Tensor leaf(std::vector<double> v, gl::Shape s) { return gl::tensor(std::move(v), std::move(s)).requires_grad_(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(grad_tensors_test)

BOOST_AUTO_TEST_CASE(every_op_passes_gradgradcheck) {
  using Fs = std::vector<Tensor>;
  struct Case {
    const char* name;
    gl::TensorFunction f;
    std::vector<Tensor> at;
  };
  Tensor a = gl::tensor({0.3, -0.7, 1.2, 0.5, -1.1, 0.9}, {2, 3});
  Tensor b = gl::tensor({0.8, 1.4, -0.6}, {3});
  Tensor p = gl::tensor({0.4, 1.3, 2.2, 0.7, 1.9, 0.6}, {2, 3});  // positive
  Tensor m = gl::tensor({0.5, -0.3, 0.8, 1.1, -0.9, 0.2}, {3, 2});
  std::vector<Case> cases = {
      {"+ broadcast", [](const Fs& x) { return ((x[0] + x[1]) * (x[0] + x[1])).sum(); }, {a, b}},
      {"- broadcast", [](const Fs& x) { return ((x[0] - x[1]) * x[0] * x[1]).sum(); }, {a, b}},
      {"*", [](const Fs& x) { return (x[0] * x[1] * x[1]).sum(); }, {a, b}},
      {"/", [](const Fs& x) { return (x[0] / x[1]).sum(); }, {a, p}},
      {"neg", [](const Fs& x) { return (-(x[0] * x[0])).sum(); }, {a}},
      {"exp", [](const Fs& x) { return exp(x[0] * x[1]).sum(); }, {a, b}},
      {"log", [](const Fs& x) { return (log(x[0]) * x[0]).sum(); }, {p}},
      {"tanh", [](const Fs& x) { return tanh(x[0] * x[1]).sum(); }, {a, b}},
      {"relu", [](const Fs& x) { return (relu(x[0]) * x[0] * x[0]).sum(); }, {a}},
      {"sigmoid", [](const Fs& x) { return sigmoid(x[0] * x[1]).sum(); }, {a, b}},
      {"sqrt", [](const Fs& x) { return (sqrt(x[0]) * x[0]).sum(); }, {p}},
      {"abs", [](const Fs& x) { return (abs(x[0]) * x[0] * x[0]).sum(); }, {a}},
      {"pow", [](const Fs& x) { return (pow(x[0], 3.5) * x[0]).sum(); }, {p}},
      {"clamp", [](const Fs& x) { return (clamp(x[0], -0.8, 1.0) * x[0] * x[0]).sum(); }, {a}},
      {"masked_fill",
       [](const Fs& x) {
         Tensor mask = gl::tensor({1, 0, 0, 0, 1, 0}, {2, 3});
         return (x[0].masked_fill(mask, 0.5) * x[0]).sum();
       },
       {a}},
      {"matmul", [](const Fs& x) { return tanh(matmul(x[0], x[1])).sum(); }, {a, m}},
      {"matmul batched",
       [](const Fs& x) { return tanh(matmul(x[0].reshape({2, 1, 3}), x[1].reshape({1, 3, 2}))).sum(); }, {a, m}},
      {"sum dim", [](const Fs& x) { return (x[0].sum(1) * x[0].sum(1)).sum(); }, {a}},
      {"mean", [](const Fs& x) { return (x[0].mean(0, true) * x[0]).mean(); }, {a}},
      {"reshape", [](const Fs& x) { return (x[0].reshape({3, 2}) * x[1]).pow(2).sum(); }, {a, m}},
      {"transpose", [](const Fs& x) { return (x[0].t() * x[1]).pow(3).sum(); }, {a, m}},
      {"cat", [](const Fs& x) { return gl::cat({x[0], x[0] * x[0]}, 1).pow(2).sum(); }, {a}},
      {"softmax", [](const Fs& x) { return (softmax(x[0], 1) * x[1]).pow(2).sum(); }, {a, b}},
      {"log_softmax", [](const Fs& x) { return (log_softmax(x[0], 0) * x[1]).pow(2).sum(); }, {a, b}},
      {"select", [](const Fs& x) { return (x[0].select(1, 2) * x[0].select(0, 1).sum()).pow(2).sum(); }, {a}},
      {"slice", [](const Fs& x) { return (x[0].slice(1, 0, 2) * x[0].slice(1, 1, 3)).pow(2).sum(); }, {a}},
      {"slice step", [](const Fs& x) { return x[0].slice(1, 0, 3, 2).pow(3).sum(); }, {a}},
      {"index_select",
       [](const Fs& x) { return x[0].index_select(1, gl::tensor({2, 0, 2}, {3})).pow(3).sum(); }, {a}},
      {"gather", [](const Fs& x) { return x[0].gather(1, gl::tensor({2, 1, 0, 0}, {2, 2})).pow(3).sum(); }, {a}},
      {"max", [](const Fs& x) { return (x[0].max(1) * x[0].max()).pow(2).sum(); }, {a}},
      {"triu", [](const Fs& x) { return (x[0].triu() * x[0]).pow(2).sum(); }, {a}},
      {"tril", [](const Fs& x) { return (x[0].tril(-1) + x[0]).pow(3).sum(); }, {a}},
      {"linear",
       [](const Fs& x) { return tanh(gl::nn::functional::linear(x[0], x[1], x[2])).pow(2).sum(); },
       {a, m.t().reshape({2, 3}), gl::tensor({0.1, -0.2}, {2})}},
      {"cross_entropy",
       [](const Fs& x) {
         return gl::nn::functional::cross_entropy(x[0] * x[1], gl::tensor({2, 0}, {2}));
       },
       {a, b}},
      {"layer_norm",
       [](const Fs& x) {
         return (gl::nn::functional::layer_norm(x[0], 1, x[1], x[2]) * x[0]).pow(2).sum();
       },
       {a, b, gl::tensor({0.1, -0.3, 0.2}, {3})}},
      {"conv2d",
       [](const Fs& x) {
         return tanh(gl::nn::functional::conv2d(x[0].reshape({1, 1, 2, 3}), x[1].reshape({2, 1, 1, 2}), x[2], 1, 1))
             .pow(2)
             .sum();
       },
       {a, gl::tensor({0.3, -0.5, 0.8, 0.2}, {4}), gl::tensor({0.1, -0.2}, {2})}},
      {"conv2d stride 2",
       [](const Fs& x) {
         return tanh(gl::nn::functional::conv2d(x[0].reshape({1, 2, 1, 3}), x[1].reshape({1, 2, 1, 2}), 2, 1))
             .pow(2)
             .sum();
       },
       {a, gl::tensor({0.3, -0.5, 0.8, 0.2}, {4})}},
      {"conv_transpose2d",
       [](const Fs& x) {
         return tanh(gl::nn::functional::conv_transpose2d(x[0].reshape({2, 1, 1, 3}), x[1].reshape({1, 2, 1, 2}),
                                                          x[2]))
             .pow(2)
             .sum();
       },
       {a, gl::tensor({0.3, -0.5, 0.8, 0.2}, {4}), gl::tensor({0.1, -0.2}, {2})}},
      {"conv_transpose2d stride 2 padding",
       [](const Fs& x) {
         return tanh(gl::nn::functional::conv_transpose2d(x[0].reshape({1, 1, 2, 3}), x[1].reshape({1, 1, 2, 2}), 2,
                                                          1, 1))
             .pow(2)
             .sum();
       },
       {a, gl::tensor({0.3, -0.5, 0.8, 0.2}, {4})}},
      {"norm", [](const Fs& x) { return (x[0] * x[1]).norm() * x[0].sum(); }, {a, b}},
      {"gelu", [](const Fs& x) { return gl::nn::functional::gelu(x[0] * x[1]).sum(); }, {a, b}},
      {"gelu tanh", [](const Fs& x) { return gl::nn::functional::gelu(x[0] * x[1], "tanh").sum(); }, {a, b}},
      {"silu", [](const Fs& x) { return gl::nn::functional::silu(x[0] * x[1]).sum(); }, {a, b}},
      {"leaky_relu", [](const Fs& x) { return (gl::nn::functional::leaky_relu(x[0], 0.1) * x[0]).pow(2).sum(); }, {a}},
      {"binary_cross_entropy",
       [](const Fs& x) { return gl::nn::functional::binary_cross_entropy(sigmoid(x[0]), x[1]); },
       {a, gl::tensor({0.2, 0.9, 0.5, 0.1, 0.8, 0.7}, {2, 3})}},
      {"binary_cross_entropy_with_logits",
       [](const Fs& x) { return gl::nn::functional::binary_cross_entropy_with_logits(x[0] * x[1], x[2]); },
       {a, b, gl::tensor({0.2, 0.9, 0.5, 0.1, 0.8, 0.7}, {2, 3})}},
      {"max_pool2d",
       [](const Fs& x) { return gl::nn::functional::max_pool2d(x[0].reshape({1, 1, 2, 3}), 2, 1).pow(3).sum(); },
       {a}},
  };
  for (const Case& c : cases) {
    gl::GradCheckResult r = gl::gradgradcheck(c.f, c.at);
    BOOST_TEST(r.ok(), c.name);
    if (!r.ok()) BOOST_TEST_MESSAGE(r);
  }
}

namespace {
// x^2 * c, with its own backward written in Tensor ops.
struct SquareTimes : gl::autograd::Function<SquareTimes> {
  static Tensor forward(gl::autograd::AutogradContext* ctx, Tensor x, double c) {
    ctx->save_for_backward({x});
    ctx->saved_data["c"] = c;
    return x * x * c;
  }
  static gl::autograd::variable_list backward(gl::autograd::AutogradContext* ctx,
                                              gl::autograd::variable_list grad_outputs) {
    Tensor x = ctx->get_saved_variables()[0];
    return {grad_outputs[0] * 2 * x * ctx->saved_data["c"].toDouble(), Tensor()};
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_function_written_with_tensor_ops_is_differentiable_twice) {
  gl::GradCheckResult r = gl::gradgradcheck(
      [](const std::vector<Tensor>& x) { return SquareTimes::apply(x[0], 1.5).pow(2).sum(); },
      {gl::tensor({0.4, -1.2}, {2})});
  BOOST_TEST(r.ok());
  Tensor x = leaf({0.5, 2.0}, {2});
  Tensor d = gl::autograd::grad({SquareTimes::apply(x, 3.0).sum()}, {x}, {}, true, true)[0];  // 6x
  BOOST_TEST(gl::autograd::grad({d.sum()}, {x})[0].to_vector() == std::vector<double>({6.0, 6.0}),
             tt::per_element());
}

BOOST_AUTO_TEST_CASE(grad_returns_without_adding) {
  Tensor x = leaf({1.0, 2.0, 3.0}, {3});
  Tensor y = (x * x * x).sum();
  std::vector<Tensor> d = gl::autograd::grad({y}, {x}, {}, true, true);
  BOOST_TEST(d[0].to_vector() == std::vector<double>({3.0, 12.0, 27.0}), tt::per_element());
  BOOST_TEST(d[0].requires_grad());
  BOOST_TEST(x.grad().to_vector() == std::vector<double>({0.0, 0.0, 0.0}), tt::per_element());
  // The diagonal Hessian of sum(x^3): 6x.
  std::vector<Tensor> h = gl::autograd::grad({d[0]}, {x}, {gl::ones({3})});
  BOOST_TEST(h[0].to_vector() == std::vector<double>({6.0, 12.0, 18.0}), tt::per_element());
  BOOST_TEST(!h[0].requires_grad());  // create_graph = false: plain numbers
}

BOOST_AUTO_TEST_CASE(backward_with_create_graph) {
  Tensor x = leaf({0.5, -1.0}, {2});
  Tensor y = (x * x * x).sum();
  y.backward(true, true);
  Tensor g = x.grad();  // 3x^2, a node of the graph
  BOOST_TEST(g.to_vector() == std::vector<double>({0.75, 3.0}), tt::per_element());
  BOOST_TEST(g.requires_grad());
  x.zero_grad();
  g.sum().backward();
  BOOST_TEST(x.grad().to_vector() == std::vector<double>({3.0, -6.0}), tt::per_element());  // 6x
}

BOOST_AUTO_TEST_CASE(hessian_vector_product_equals_the_formed_hessian_times_v) {
  // f(w) = sum(tanh(X w)^2): H v by differentiating g . v, beside H formed
  // row by row.
  Tensor X = gl::tensor({0.2, -0.4, 0.9, 1.1, 0.3, -0.8, -0.5, 0.7, 0.1}, {3, 3});
  Tensor w = leaf({0.3, -0.2, 0.6}, {3, 1});
  Tensor v = gl::tensor({1.0, -2.0, 0.5}, {3, 1});
  auto f = [&] { return tanh(matmul(X, w)).pow(2).sum(); };
  Tensor g = gl::autograd::grad({f()}, {w}, {}, true, true)[0];
  Tensor hv = gl::autograd::grad({(g * v).sum()}, {w}, {}, true)[0];
  std::vector<double> formed(3, 0.0);
  for (int i = 0; i < 3; ++i) {
    std::vector<double> e(3, 0.0);
    e[static_cast<std::size_t>(i)] = 1;
    Tensor row = gl::autograd::grad({g}, {w}, {gl::tensor(e, {3, 1})}, true)[0];
    for (int j = 0; j < 3; ++j) formed[static_cast<std::size_t>(i)] += row.to_vector()[static_cast<std::size_t>(j)] * v.to_vector()[static_cast<std::size_t>(j)];
  }
  BOOST_TEST(hv.to_vector() == formed, tt::tolerance(1e-12) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(matmul_differentiated_three_times) {
  // matmul's gradients are products read transposed in place (dout @ b^T,
  // a^T @ dout), themselves ops of the graph: the third derivative of
  // f(A, B) = sum(tanh(A @ B)^2) along v, d/dA,B (v . H v), by the numeric
  // backward and by grad, against central differences of v . H v. Plain and
  // batched (broadcast) products.
  const std::vector<double> a0 = {0.3, -0.7, 1.2, 0.5, -1.1, 0.9}, b0 = {0.5, -0.3, 0.8, 1.1, -0.9, 0.2};
  Tensor va = gl::tensor({1.0, -0.5, 0.3, 0.8, 0.2, -1.2}, {2, 3});
  Tensor vb = gl::tensor({-0.4, 0.9, 0.6, -0.2, 1.1, 0.7}, {3, 2});
  for (bool batched : {false, true}) {
    auto vhv = [&](const Tensor& A, const Tensor& B) {
      Tensor y = batched ? tanh(matmul(A.reshape({2, 1, 3}), B.reshape({1, 3, 2}))).pow(2).sum()
                         : tanh(matmul(A, B)).pow(2).sum();
      std::vector<Tensor> g = gl::autograd::grad({y}, {A, B}, {}, true, true);
      Tensor gv = (g[0] * va).sum() + (g[1] * vb).sum();
      std::vector<Tensor> hv = gl::autograd::grad({gv}, {A, B}, {}, true, true);
      return (hv[0] * va).sum() + (hv[1] * vb).sum();
    };
    Tensor A = leaf(a0, {2, 3}), B = leaf(b0, {3, 2});
    Tensor h = vhv(A, B);
    std::vector<Tensor> by_grad = gl::autograd::grad({h}, {A, B}, {}, true);
    h.backward();
    const double step = 1e-5;
    for (int which = 0; which < 2; ++which)
      for (std::size_t j = 0; j < 6; ++j) {
        auto at = [&](double delta) {
          std::vector<double> a = a0, b = b0;
          (which == 0 ? a : b)[j] += delta;
          return vhv(leaf(a, {2, 3}), leaf(b, {3, 2})).item();
        };
        const double numeric = (at(step) - at(-step)) / (2 * step);
        BOOST_TEST_CONTEXT((batched ? "batched " : "") << (which ? "B" : "A") << "[" << j << "]") {
          BOOST_TEST((which ? B : A).grad().to_vector()[j] == numeric, tt::tolerance(1e-7));
          BOOST_TEST(by_grad[static_cast<std::size_t>(which)].to_vector()[j] == numeric, tt::tolerance(1e-7));
        }
      }
  }
}

BOOST_AUTO_TEST_CASE(matmul_gradients_explode_into_scalars) {
  // dA = dout @ B^T and dB = A^T @ dout as graph nodes, replayed element by
  // element: the same numbers, and after backward() the same gradients.
  Tensor A = leaf({0.3, -0.7, 1.2, 0.5, -1.1, 0.9}, {2, 3}).set_label("A");
  Tensor B = leaf({0.5, -0.3, 0.8, 1.1, -0.9, 0.2}, {3, 2}).set_label("B");
  std::vector<Tensor> d = gl::autograd::grad({tanh(matmul(A, B)).sum()}, {A, B}, {}, true, true);
  Tensor y = (d[0] * d[0]).sum() + d[1].pow(3).sum();
  gl::ExplodedGraph e = gl::explode(y);
  BOOST_TEST(e.output[0].data() == y.item(), tt::tolerance(1e-12));
  e.output[0].backward();
  y.backward();
  for (const Tensor& t : {A, B})
    for (std::size_t i = 0; i < 6; ++i)
      BOOST_TEST(e.of(t)[i].grad() == t.grad().to_vector()[i], tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_named) {
  Tensor x = leaf({1.0, 2.0}, {2});
  Tensor z = leaf({1.0}, {1});
  Tensor y = (x * x).sum();
  using gl::testing::error_of;
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::autograd::grad({y}, {x, z}); }).find("input 1") !=
             std::string::npos);
  std::vector<Tensor> d = gl::autograd::grad({y}, {x, z}, {}, true, false, true);
  BOOST_TEST(!d[1].defined());  // allow_unused: undefined
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::autograd::grad({x * x}, {x}); }).find("shape [2]") !=
             std::string::npos);
  BOOST_TEST(error_of<std::invalid_argument>([&] { gl::autograd::grad({y}, {x}, {gl::ones({2})}); })
                 .find("grad_outputs[0] has shape [2]") != std::string::npos);
  BOOST_TEST(error_of<std::logic_error>([&] { gl::autograd::grad({gl::ones({1}).sum()}, {x}); })
                 .find("does not require grad") != std::string::npos);
  // retain_graph defaults to create_graph: without it the graph is freed.
  gl::autograd::grad({y}, {x});
  BOOST_TEST(error_of<std::logic_error>([&] { gl::autograd::grad({y}, {x}); }).find("freed") != std::string::npos);
}

namespace {
// x^2 as a learner's op with a raw numeric backward only (no backward_graph).
Tensor square_by_loops(const Tensor& a) {
  static constexpr gl::Op op{"square_by_loops", [](gl::Node& n) {
    gl::TensorSlot out = gl::tensor_slot(n), a = gl::tensor_slot(n.parent(0));
    if (a.grad == nullptr) return;
    for (std::size_t i = 0; i < a.data.size(); ++i)
      a.grad[i] += out.grad[i] * 2 * a.data[i];  // d(a^2)/da = 2a
  }, &gl::kTensorKind};
  std::vector<double> out;
  for (double v : a.data()) out.push_back(v * v);
  return gl::make_result(a.shape(), std::move(out), op, {a});
}
}  // namespace

BOOST_AUTO_TEST_CASE(an_op_without_a_graph_backward_is_refused_by_name) {
  Tensor x = leaf({0.5, -1.0, 2.0, 0.3}, {4});
  Tensor y = square_by_loops(x * 3).sum();
  std::string message =
      gl::testing::error_of<std::logic_error>([&] { gl::autograd::grad({y}, {x}, {}, true, true); });
  BOOST_TEST(message.find("square_by_loops: this op cannot be differentiated twice") == 0u, message);
  y.backward();  // the ordinary backward still works, and nothing was changed by the refusal
  BOOST_TEST(x.grad().to_vector() == std::vector<double>({9.0, -18.0, 36.0, 5.4}),
             tt::tolerance(1e-12) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(norm_at_zero_has_gradient_and_second_derivative_zero) {
  // PyTorch's subgradient at 0, with create_graph too: no NaN, and the
  // gradient is still a node to differentiate again.
  Tensor x = leaf({0.0, 0.0, 0.0}, {3});
  Tensor d = gl::autograd::grad({x.norm()}, {x}, {}, true, true)[0];
  BOOST_TEST(d.to_vector() == std::vector<double>({0.0, 0.0, 0.0}), tt::per_element());
  BOOST_TEST(d.requires_grad());
  Tensor h = gl::autograd::grad({d.sum()}, {x})[0];
  BOOST_TEST(h.to_vector() == std::vector<double>({0.0, 0.0, 0.0}), tt::per_element());
  // Away from 0: d|x|/dx = x/|x|, d2/dx2 summed over a row: (|x|^2 - x_i sum(x)) / |x|^3.
  Tensor y = leaf({3.0, 4.0}, {2});
  Tensor dy = gl::autograd::grad({y.norm()}, {y}, {}, true, true)[0];
  BOOST_TEST(dy.to_vector() == std::vector<double>({0.6, 0.8}), tt::tolerance(1e-15) << tt::per_element());
  Tensor hy = gl::autograd::grad({dy.sum()}, {y})[0];
  BOOST_TEST(hy.to_vector() == std::vector<double>({(25 - 21.0) / 125, (25 - 28.0) / 125}),
             tt::tolerance(1e-14) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(graphs_of_gradients_are_freed) {
  const std::int64_t before = gl::live_nodes();
  {
    Tensor x = leaf({0.5, -1.0, 2.0}, {3});
    Tensor g = gl::autograd::grad({tanh(x).pow(2).sum()}, {x}, {}, true, true)[0];
    Tensor h = gl::autograd::grad({g.sum()}, {x}, {}, true, true)[0];
    BOOST_TEST(h.requires_grad());
    (x * x).sum().backward(true, true);
    x.zero_grad();  // drops the kept gradient, which refers to x
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_SUITE_END()
