// SPDX-License-Identifier: MIT
// Gradients of gradients. With create_graph the backward pass records its
// own ops, so a derivative is a graph like any other: drawn, stepped
// through, differentiated again. Then what second derivatives buy: Newton's
// method against gradient descent, a Hessian-vector product without the
// Hessian, and a gradient penalty that smooths a classifier on two moons.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "course_page.hpp"

namespace gl = gradlab;
using gl::Tensor;
namespace F = gl::nn::functional;

namespace {

// The moons as tensors: points (N, 2), labels (N, 1) of 0 and 1.
struct Points {
  Tensor x, y;
};
Points as_tensors(const gl::Dataset2d& d) {
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    xs.push_back(d.x[i][0]), xs.push_back(d.x[i][1]);
    ys.push_back(d.y[i] > 0 ? 1.0 : 0.0);
  }
  const auto n = static_cast<std::int64_t>(d.x.size());
  return {gl::tensor(xs, {n, 2}), gl::tensor(ys, {n, 1})};
}

// The fraction of points on the right side of the boundary (logit 0).
double accuracy(gl::nn::Sequential& net, const Points& p) {
  gl::NoGradGuard no_grad;
  std::vector<double> logits = net.forward(p.x).to_vector(), labels = p.y.to_vector();
  int right = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) right += (logits[i] > 0) == (labels[i] > 0.5);
  return static_cast<double>(right) / static_cast<double>(logits.size());
}

// Each point's own loss differentiated with respect to that point: (N, 2).
// The sum of the per-point losses is differentiated, so row i is dloss_i/dx_i.
Tensor input_gradients(gl::nn::Sequential& net, const Points& p, bool create_graph) {
  Tensor x = p.x.detach().requires_grad_();
  Tensor losses = F::binary_cross_entropy_with_logits(net.forward(x), p.y, F::Reduction::Sum);
  return gl::autograd::grad({losses}, {x}, {}, {}, create_graph)[0];
}

// The mean length of dloss_i/dx_i over the points: how steeply the loss
// changes as a point moves.
double mean_input_gradient(gl::nn::Sequential& net, const Points& p) {
  Tensor g = input_gradients(net, p, false);
  return sqrt((g * g).sum(1)).mean().item();
}

gl::nn::Sequential moons_net() {
  return gl::nn::Sequential(gl::nn::Linear(2, 32), gl::nn::Tanh(), gl::nn::Linear(32, 32), gl::nn::Tanh(),
                            gl::nn::Linear(32, 1));
}

}  // namespace

int main(int argc, char** argv) {
  return course::run_lesson(argc, argv, [](gl::viz::Lesson& lesson) {
    char text[900];

    // 1. A derivative is a graph.
    gl::Value x(2.0, "x");
    gl::Value y = (x * x * x).set_label("y");
    gl::Value dy = gl::grad(y, {x}, true)[0].set_label("y'");
    std::snprintf(text, sizeof text,
                  "y = x·x·x at x = %.0f is %.0f. backward() would add dy/dx into x.grad as a\n"
                  "number. grad(y, {x}, create_graph = true) instead records each step of the\n"
                  "backward pass as ops: each * passes on (its gradient) × (the other operand),\n"
                  "and the shares are added. So dy/dx is itself a node, y' = %.0f = 3x², whose\n"
                  "graph is drawn here: the backward pass as a graph, built on the forward\n"
                  "graph's own nodes (x·x is one of them) and the seed dy/dy = 1.",
                  x.data(), y.data(), dy.data());
    lesson.step(text, dy, {.show_grad = false, .title = "y' = dy/dx as a graph (y = x·x·x)"});
    lesson.check_near("dy/dx = 3x²", dy.data(), 12.0);

    // 2. Differentiate it again, and step through that backward pass.
    gl::Value d2y = gl::grad(dy, {x}, true)[0];
    gl::Value d3y = gl::grad(d2y, {x}, true)[0];
    gl::Value d4y = gl::grad(d3y, {x}, true)[0];
    std::snprintf(text, sizeof text,
                  "Being a node, dy/dx can be differentiated again, and so on:\n"
                  "  d²y/dx² = %.0f  (6x)\n  d³y/dx³ = %.0f   (6)\n  d⁴y/dx⁴ = %.0f   (a constant's derivative)\n"
                  "Next, backward() through the graph of y' = dy/dx, one op at a time: what it\n"
                  "leaves in x.grad is the second derivative, %.0f.",
                  d2y.data(), d3y.data(), d4y.data(), d2y.data());
    lesson.step(text);
    lesson.check_near("d²y/dx² = 6x", d2y.data(), 12.0);
    lesson.check_near("d³y/dx³", d3y.data(), 6.0);
    lesson.check_near("d⁴y/dx⁴", d4y.data(), 0.0);
    x.zero_grad();
    lesson.backward(dy, "backward() through y' = dy/dx");
    lesson.check_near("x.grad after backward() through y' (d²y/dx²)", x.grad(), 12.0);

    // 3. Newton's method against gradient descent on f(x) = e^x - 2x.
    const double best = std::log(2.0);  // f'(x) = e^x - 2 = 0
    auto f = [](const gl::Value& v) { return exp(v) - 2 * v; };
    const double start = 2.0, lr = 0.1;
    std::vector<double> gd_error, gd_step, newton_error, newton_step;
    gl::Value g(start, "x");
    for (int k = 0; k < 500 && std::abs(g.data() - best) > 1e-12; ++k) {
      gd_error.push_back(std::abs(g.data() - best)), gd_step.push_back(k);
      double slope = gl::grad(f(g), {g})[0].data();
      g.data() -= lr * slope;
    }
    gl::Value n(start, "x");
    for (int k = 0; k < 50 && std::abs(n.data() - best) > 1e-12; ++k) {
      newton_error.push_back(std::abs(n.data() - best)), newton_step.push_back(k);
      gl::Value slope = gl::grad(f(n), {n}, true)[0];  // f'(x), a node
      double curvature = gl::grad(slope, {n})[0].data();  // f''(x)
      n.data() -= slope.data() / curvature;
    }
    const auto gd_steps = gd_error.size(), newton_steps = newton_error.size();
    // Where each walk ended, when that is not exactly ln 2 (a log axis has no 0).
    if (double e = std::abs(g.data() - best); e > 0) gd_error.push_back(e), gd_step.push_back(gd_steps);
    if (double e = std::abs(n.data() - best); e > 0) newton_error.push_back(e), newton_step.push_back(newton_steps);
    std::snprintf(text, sizeof text,
                  "What a second derivative buys: f(x) = e^x - 2x is lowest at x = ln 2 =\n"
                  "%.6f. From x = %.0f, gradient descent steps x -= %.1f·f'(x); Newton's method\n"
                  "steps x -= f'(x) / f''(x), the bottom of the parabola that matches f's\n"
                  "slope and curvature at x. f'' comes from grad() of f' made with\n"
                  "create_graph. To within 1e-12 of ln 2, gradient descent took %zu steps,\n"
                  "Newton %zu: each Newton step about doubles the correct digits.",
                  best, start, lr, gd_steps, newton_steps);
    lesson.step(text, [&](const std::string& png) {
      gl::viz::plot_lines(png,
                          {{.name = "gradient descent, lr 0.1", .y = gd_error, .x = gd_step},
                           {.name = "Newton's method", .y = newton_error, .x = newton_step}},
                          {.title = "distance to the minimum of e^x - 2x", .y_label = "|x - ln 2|",
                           .log_y = true});
    });
    lesson.check(newton_steps <= 6, "Newton's method within 1e-12 in at most 6 steps");
    lesson.check(gd_steps > 10 * newton_steps, "gradient descent took over 10 times as many steps");

    // 4. A Hessian-vector product without the Hessian.
    gl::manual_seed(7);
    Points few = as_tensors(gl::make_moons(20, 0.1, 3));
    gl::nn::Sequential small(gl::nn::Linear(2, 4), gl::nn::Tanh(), gl::nn::Linear(4, 1));
    std::vector<Tensor> params = small.parameters();
    Tensor loss = F::binary_cross_entropy_with_logits(small.forward(few.x), few.y);
    std::vector<Tensor> grads = gl::autograd::grad({loss}, params, {}, {}, true);
    std::vector<Tensor> flat;
    for (const Tensor& t : grads) flat.push_back(t.reshape({-1}));
    Tensor gradient = gl::cat(flat, 0);  // every dloss/dparameter in one vector, as graph nodes
    const std::int64_t count = gradient.size(0);
    auto flatten = [](const std::vector<Tensor>& ts) {
      std::vector<double> out;
      for (const Tensor& t : ts)
        for (double v : t.to_vector()) out.push_back(v);
      return out;
    };
    std::vector<double> hessian;  // formed row by row: one backward pass per parameter
    for (std::int64_t i = 0; i < count; ++i) {
      std::vector<double> row = flatten(gl::autograd::grad({gradient.select(0, i)}, params, {}, true));
      hessian.insert(hessian.end(), row.begin(), row.end());
    }
    gl::manual_seed(8);
    Tensor v = gl::randn({count});
    std::vector<double> hv = flatten(gl::autograd::grad({(gradient * v).sum()}, params, {}, true));
    std::vector<double> vs = v.to_vector();
    double difference = 0, asymmetry = 0;
    const auto c = static_cast<std::size_t>(count);
    for (std::size_t i = 0; i < c; ++i) {
      double formed = 0;
      for (std::size_t j = 0; j < c; ++j) {
        formed += hessian[i * c + j] * vs[j];
        asymmetry = std::max(asymmetry, std::abs(hessian[i * c + j] - hessian[j * c + i]));
      }
      difference = std::max(difference, std::abs(formed - hv[i]));
    }
    std::snprintf(text, sizeof text,
                  "The Hessian H holds every second derivative of the loss: row i is the\n"
                  "gradient of dloss/dparameter_i. A 2-4-1 tanh net on 20 moon points has %lld\n"
                  "parameters, so forming H took %lld backward passes through the gradient's\n"
                  "graph. Newton-like methods and curvature probes need only H·v for a vector v,\n"
                  "and that is one pass: H·v is the gradient of (gradient · v), since v does\n"
                  "not depend on the parameters. For a random v, H·v that way and H formed,\n"
                  "then times v, differ by at most %.1e. H is symmetric (largest |H - Hᵀ|\n"
                  "%.1e): d²loss/dpdq = d²loss/dqdp.",
                  static_cast<long long>(count), static_cast<long long>(count), difference, asymmetry);
    lesson.step(text, [&](const std::string& png) {
      std::vector<std::string> names;  // W1 0 .. W1 7, b1 0 .. b1 3, W2 0 .. W2 3, b2 0
      const char* layers[] = {"W1", "b1", "W2", "b2"};
      for (std::size_t p = 0; p < params.size(); ++p)
        for (std::int64_t k = 0; k < params[p].numel(); ++k) names.push_back(std::string(layers[p]) + " " + std::to_string(k));
      gl::viz::plot_heatmap(png, gl::tensor(hessian, {count, count}),
                            {.title = "the Hessian of the loss", .row_labels = names, .col_labels = names,
                             .show_values = false});
    });
    lesson.check(difference < 1e-12, "H·v in one pass equals the formed H times v (1e-12)");
    lesson.check(asymmetry < 1e-12, "the formed Hessian is symmetric (1e-12)");

    // 5. A gradient penalty: the length of dloss/dinput, added to the loss.
    Points train = as_tensors(gl::make_moons(60, 0.3, 11));
    Points test = as_tensors(gl::make_moons(400, 0.3, 12));
    const double weight = 0.1;
    const int steps = 1000;
    auto fit = [&](bool penalty) {
      gl::manual_seed(1);
      gl::nn::Sequential net = moons_net();
      gl::optim::Adam adam(net.parameters(), gl::optim::AdamOptions(0.01));
      for (int k = 0; k < steps; ++k) {
        adam.zero_grad();
        Tensor fit_loss = F::binary_cross_entropy_with_logits(net.forward(train.x), train.y);
        if (penalty) {
          Tensor gx = input_gradients(net, train, true);  // graph nodes: the penalty is trained through
          fit_loss = fit_loss + weight * (gx * gx).sum(1).mean();
        }
        fit_loss.backward();
        adam.step();
      }
      return net;
    };
    gl::nn::Sequential plain = fit(false), smooth = fit(true);
    auto boundary = [&](gl::nn::Sequential& net, const std::string& title) {
      return [&net, &train, title](const std::string& png) {
        std::vector<std::vector<double>> points;
        std::vector<double> labels;
        std::vector<double> xs = train.x.to_vector(), ys = train.y.to_vector();
        for (std::size_t i = 0; i < ys.size(); ++i) {
          points.push_back({xs[2 * i], xs[2 * i + 1]});
          labels.push_back(ys[i] > 0.5 ? 1.0 : -1.0);
        }
        gl::viz::plot_decision_boundary(png, points, labels, [&](double a, double b) {
          gl::NoGradGuard no_grad;
          return net.forward(gl::tensor({a, b}, {1, 2})).item();
        }, {.title = title});
      };
    };
    const double plain_train = accuracy(plain, train), plain_test = accuracy(plain, test);
    const double smooth_train = accuracy(smooth, train), smooth_test = accuracy(smooth, test);
    const double plain_slope = mean_input_gradient(plain, test), smooth_slope = mean_input_gradient(smooth, test);
    std::snprintf(text, sizeof text,
                  "A 2-32-32-1 tanh net, %d steps of Adam on 60 noisy moon points, trained to\n"
                  "the loss alone: %.1f%% of the training points right, the boundary bending\n"
                  "to reach stray points; %.1f%% right on 400 new points from the same moons.",
                  steps, 100 * plain_train, 100 * plain_test);
    lesson.step(text, boundary(plain, "loss alone"));
    std::snprintf(text, sizeof text,
                  "The same net from the same start, trained to loss + %.1f · mean |dloss_i/dx_i|²:\n"
                  "the penalty is the length of each point's loss gradient with respect to the\n"
                  "point itself, a first derivative made with create_graph, so its own gradient\n"
                  "with respect to the weights is a second derivative. A loss that climbs\n"
                  "steeply as a point moves now costs, so the boundary is smoother and keeps\n"
                  "its distance. Mean |dloss/dx| on the new points: %.3f without the penalty,\n"
                  "%.3f with it. Right: %.1f%% of the training points, %.1f%% of the new ones\n"
                  "(%.1f%% without). Smoothness bought no accuracy here; it bought a loss that\n"
                  "changes slowly as a point moves, what robustness to small input changes asks.",
                  weight, plain_slope, smooth_slope, 100 * smooth_train, 100 * smooth_test, 100 * plain_test);
    lesson.step(text, boundary(smooth, "loss + gradient penalty"));
    lesson.check(smooth_slope < 0.7 * plain_slope, "the penalty lowered the mean |dloss/dx| by at least 30%");
    lesson.check(smooth_train >= 0.9, "the penalised net still gets at least 90% of its training points right");
  });
}
