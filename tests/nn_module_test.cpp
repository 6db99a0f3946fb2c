// SPDX-License-Identifier: MIT
// nn::Module and the layers: names, counts, printing as PyTorch prints,
// train/eval, initial ranges, layer gradients, and a short training run.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <sstream>

#include <gradlab/gradlab.hpp>

#include "test_helpers.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;
using gl::Tensor;
using gradlab::testing::check;
using gradlab::testing::error_of;
using gradlab::testing::weigh;

namespace {

std::string printed(const nn::Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// A module written the way a user writes one: submodules registered by name.
struct TwoLayer : nn::Module {
  std::shared_ptr<nn::Linear> fc1, fc2;
  TwoLayer() : Module("TwoLayer") {
    fc1 = register_module("fc1", std::make_shared<nn::Linear>(3, 4));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(4, 2, false));
  }
  Tensor forward(Tensor x) override { return fc2->forward(gl::tanh(fc1->forward(x))); }
};

// Written as LibTorch writes a module: forward by value, no override, no
// name given; submodules held by value and registered in place.
struct Doubler : nn::Module {
  Tensor forward(Tensor x) { return x * 2.0; }
};

struct WithDropout : nn::Module {
  WithDropout() {
    register_module("fc", fc);
    register_module("drop", drop);
  }
  Tensor forward(Tensor x) { return drop(fc(x)); }
  nn::Linear fc{4, 1000};
  nn::Dropout drop{0.5};
};

std::size_t zeros_in(const Tensor& t) {
  std::size_t n = 0;
  for (double x : t.data()) n += x == 0.0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_module_test)

BOOST_AUTO_TEST_CASE(a_forward_taken_by_value_overrides_modules_forward) {
  Doubler d;
  BOOST_TEST(d.name() == "Doubler");  // the default constructor names it after its class
  Tensor x = gl::tensor({1.0, -2.0});
  BOOST_TEST((d(x).to_vector() == std::vector<double>{2, -4}));
  nn::Module& as_module = d;
  BOOST_TEST((as_module.forward(x).to_vector() == std::vector<double>{2, -4}));
  // In a Sequential, beside gradlab's own layers.
  nn::Sequential seq(nn::Linear(2, 3), Doubler(), nn::ReLU());
  Tensor y = seq(gl::ones({4, 2}));
  nn::Linear& fc = static_cast<nn::Linear&>(seq[0]);
  BOOST_TEST((y.to_vector() == gl::relu(fc(gl::ones({4, 2})) * 2.0).to_vector()));
  BOOST_TEST(printed(seq) ==
             "Sequential(\n"
             "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
             "  (1): Doubler()\n"
             "  (2): ReLU()\n"
             ")");
}

BOOST_AUTO_TEST_CASE(a_member_registered_in_place_is_reached_by_eval_and_parameters) {
  gl::manual_seed(5);
  WithDropout net;
  BOOST_TEST(net.name() == "WithDropout");
  // parameters() lists the member's own tensors (not a copy's).
  auto named = net.named_parameters();
  BOOST_TEST(named.size() == 2u);
  BOOST_TEST(named[0].first == "fc.weight");
  BOOST_TEST(named[0].second.node() == net.fc.weight.node());
  BOOST_TEST(printed(net) ==
             "WithDropout(\n"
             "  (fc): Linear(in_features=4, out_features=1000, bias=True)\n"
             "  (drop): Dropout(p=0.5, inplace=False)\n"
             ")");
  Tensor x = gl::ones({1, 4});
  Tensor trained = net(x);
  BOOST_TEST(zeros_in(trained) > 400u);  // about half of 1,000 dropped in training
  net.eval();
  BOOST_TEST(!net.drop.is_training());
  Tensor evaluated = net(x);
  BOOST_TEST(zeros_in(evaluated) == 0u);  // eval() reached the member: nothing dropped
  BOOST_TEST((evaluated.to_vector() == net.fc(x).to_vector()));
  net.train();
  BOOST_TEST(net.drop.is_training());
  // A copy registers its own members: eval() on the copy leaves the original training.
  auto copy = std::make_shared<WithDropout>(net);
  BOOST_TEST(copy->named_children()[1].second.get() == &copy->drop);
  copy->eval();
  BOOST_TEST(!copy->drop.is_training());
  BOOST_TEST(net.drop.is_training());
  BOOST_TEST(copy->parameters()[0].node() == net.fc.weight.node());  // parameters shared, as copies do
  // And inside a Sequential (a copy too), after the original is gone.
  nn::Sequential seq;
  {
    WithDropout temporary;
    seq = nn::Sequential(temporary, nn::ReLU());
  }
  seq.eval();
  BOOST_TEST(zeros_in(seq(x)) < 1000u);  // runs; ReLU zeroes some, dropout none
  auto& inside = static_cast<WithDropout&>(seq[0]);
  BOOST_TEST(!inside.drop.is_training());
  BOOST_TEST(seq.num_parameters() == 4 * 1000 + 1000);
  // Assignment rebinds the members too.
  WithDropout other;
  other = net;
  BOOST_TEST(other.named_children()[0].second.get() == &other.fc);
  BOOST_TEST(other.named_parameters()[0].second.node() == net.fc.weight.node());
}

BOOST_AUTO_TEST_CASE(parameters_are_named_by_their_path) {
  TwoLayer net;
  std::vector<std::string> names;
  for (auto& [name, p] : net.named_parameters()) names.push_back(name);
  BOOST_TEST((names == std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight"}));
  BOOST_TEST(net.num_parameters() == 3 * 4 + 4 + 4 * 2);
  BOOST_TEST(net.named_parameters(false).empty());
  for (const Tensor& p : net.parameters()) BOOST_TEST((gl::is_parameter(p) && p.is_leaf()));
  // The registry and the members are the same tensors.
  BOOST_TEST(net.parameters()[0].node() == net.fc1->weight.node());
  // A layer used twice is one set of parameters, listed once.
  nn::Linear shared(4, 4);
  nn::Sequential twice(shared, nn::ReLU(), shared);
  BOOST_TEST(twice.parameters().size() == 2u);
  BOOST_TEST(twice.num_parameters() == 20);
  // A Sequential given one Sequential is a copy (not a nesting, not a loop).
  nn::Sequential copy(twice);
  BOOST_TEST(copy.size() == 3u);
  nn::MLP mlp({4, 3, 2});
  names.clear();
  for (auto& [name, p] : mlp.named_parameters()) names.push_back(name);
  BOOST_TEST((names == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
}

BOOST_AUTO_TEST_CASE(prints_the_tree_as_pytorch_does) {
  // The strings PyTorch 1.13 prints for the same modules.
  nn::Sequential seq(nn::Linear(4, 3), nn::ReLU(), nn::Linear(3, 2, false));
  BOOST_TEST(printed(seq) ==
             "Sequential(\n"
             "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
             "  (1): ReLU()\n"
             "  (2): Linear(in_features=3, out_features=2, bias=False)\n"
             ")");
  nn::Sequential cnn(nn::Conv2d(1, 8, 3), nn::MaxPool2d(2), nn::Flatten(), nn::Dropout(0.25),
                     nn::LayerNorm({4}), nn::Conv2d(2, 4, 3, 2, 1, false), nn::Embedding(10, 3),
                     nn::Softmax(1));
  BOOST_TEST(printed(cnn) ==
             "Sequential(\n"
             "  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))\n"
             "  (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
             "  (2): Flatten(start_dim=1, end_dim=-1)\n"
             "  (3): Dropout(p=0.25, inplace=False)\n"
             "  (4): LayerNorm((4,), eps=1e-05, elementwise_affine=True)\n"
             "  (5): Conv2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)\n"
             "  (6): Embedding(10, 3)\n"
             "  (7): Softmax(dim=1)\n"
             ")");
  BOOST_TEST(printed(TwoLayer()) ==
             "TwoLayer(\n"
             "  (fc1): Linear(in_features=3, out_features=4, bias=True)\n"
             "  (fc2): Linear(in_features=4, out_features=2, bias=False)\n"
             ")");
  BOOST_TEST(printed(nn::CrossEntropyLoss()) == "CrossEntropyLoss()");
}

BOOST_AUTO_TEST_CASE(train_and_eval_reach_every_submodule) {
  nn::Sequential seq(nn::Linear(2, 2), nn::Sequential(nn::Dropout(0.5)));
  nn::Module& dropout = *seq[1].named_children()[0].second;
  BOOST_TEST(dropout.is_training());
  seq.eval();
  BOOST_TEST(!seq.is_training());
  BOOST_TEST(!dropout.is_training());
  Tensor x = gl::ones({3, 2});
  BOOST_TEST((seq[1](x).to_vector() == x.to_vector()));  // no dropout in evaluation
  seq.train();
  BOOST_TEST(dropout.is_training());
}

BOOST_AUTO_TEST_CASE(initial_values_follow_pytorch) {
  gl::manual_seed(11);
  nn::Linear fc(784, 128);
  double bound = 1 / 28.0, sq = 0;  // 1 / sqrt(784)
  for (double w : fc.weight.to_vector()) {
    BOOST_TEST(std::abs(w) <= bound);
    sq += w * w;
  }
  // Uniform in [-b, b] has standard deviation b / sqrt(3).
  BOOST_TEST(std::sqrt(sq / (784.0 * 128)) == bound / std::sqrt(3.0), boost::test_tools::tolerance(0.01));
  nn::Conv2d conv(8, 16, 3);
  for (double w : conv.bias.to_vector()) BOOST_TEST(std::abs(w) <= 1 / std::sqrt(72.0));
  nn::LayerNorm ln({3});
  BOOST_TEST((ln.weight.to_vector() == std::vector<double>{1, 1, 1}));
  // eps must be > 0, as BatchNorm's: -1 used to give NaN for a constant row, NaN everywhere.
  BOOST_TEST(error_of([] { nn::LayerNorm({3}, -1); }) == "LayerNorm: eps must be > 0, got -1");
  BOOST_TEST(error_of([] { nn::LayerNorm({3}, NAN); }) == "LayerNorm: eps must be > 0, got nan");
  BOOST_TEST(error_of([] { nn::LayerNorm({3}, 0); }) == "LayerNorm: eps must be > 0, got 0");
  BOOST_TEST(error_of([] { nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(4, 2).layer_norm_eps(-1)); }) ==
             "LayerNorm: eps must be > 0, got -1");
  BOOST_TEST(nn::LayerNorm({3}, 1e-12).forward(gl::ones({2, 3})).sum().item() == 0.0);
  gl::manual_seed(11);
  BOOST_TEST((nn::Linear(784, 128).weight.to_vector() == fc.weight.to_vector()));  // seeded
}

BOOST_AUTO_TEST_CASE(layer_gradients_against_finite_differences) {
  gl::manual_seed(12);
  auto through = [](std::shared_ptr<nn::Module> m) {
    return [m](const std::vector<Tensor>& x) { return weigh(m->forward(x[0])); };
  };
  check("Linear", through(std::make_shared<nn::Linear>(3, 2)), {gl::randn({4, 3})});
  check("MLP", through(std::make_shared<nn::MLP>(std::vector<std::int64_t>{3, 5, 2})), {gl::randn({4, 3})});
  check("Conv2d", through(std::make_shared<nn::Conv2d>(2, 3, 3, 1, 1)), {gl::randn({2, 2, 4, 4})});
  check("LayerNorm", through(std::make_shared<nn::LayerNorm>(gl::Shape{4})), {gl::randn({3, 4})});
  check("Sequential", through(std::make_shared<nn::Sequential>(nn::Conv2d(1, 2, 3), nn::Tanh(),
                                                               nn::MaxPool2d(2), nn::Flatten(),
                                                               nn::Linear(8, 3), nn::Sigmoid())),
        {gl::randn({2, 1, 6, 6})});
  check("Softmax", through(std::make_shared<nn::Softmax>(1)), {gl::randn({3, 4})});
  check("Dropout1d", [d = std::make_shared<nn::Dropout1d>(0.5)](const std::vector<Tensor>& x) {
    gl::manual_seed(3);  // the same channels dropped in every call
    return weigh(d->forward(x[0]));
  }, {gl::randn({2, 3, 4})});
  check("Dropout2d", [d = std::make_shared<nn::Dropout2d>(0.5)](const std::vector<Tensor>& x) {
    gl::manual_seed(3);
    return weigh(d->forward(x[0]));
  }, {gl::randn({2, 3, 2, 2})});
  auto table = std::make_shared<nn::Embedding>(5, 3);
  check("Embedding weight", [table](const std::vector<Tensor>& w) {
    return weigh(gl::nn::functional::embedding(gl::tensor({4.0, 0.0, 4.0}), w[0]));
  }, {table->weight});
  // And the parameters' gradients, through the module.
  auto fc = std::make_shared<nn::Linear>(3, 2);
  check("Linear weight and bias",
        [fc](const std::vector<Tensor>& p) { return weigh(gl::nn::functional::linear(gl::ones({2, 3}), p[0], p[1])); },
        {fc->weight, fc->bias});
}

BOOST_AUTO_TEST_CASE(zero_grad_and_errors) {
  TwoLayer net;
  net.forward(gl::ones({1, 3})).sum().backward();
  BOOST_TEST(net.fc1->weight.grad().abs().sum().item() > 0);
  net.zero_grad();
  for (const Tensor& p : net.parameters()) BOOST_TEST(p.grad().abs().sum().item() == 0.0);
  BOOST_TEST(error_of([] { nn::Linear(0, 3); }) == "Linear: sizes must be at least 1, got 0");
  BOOST_TEST(error_of([] { nn::MLP({3}); }) == "MLP: needs at least an input and an output size");
  BOOST_TEST(error_of([] { nn::Sequential().forward(gl::ones({1})); }).empty() == false);
  BOOST_TEST(error_of([] { nn::CrossEntropyLoss().forward(gl::ones({1})); }) ==
             "CrossEntropyLoss: this module has no forward(Tensor) (a module's own is declared "
             "`Tensor forward(Tensor x) override`)");
  nn::Linear fc(3, 2);
  BOOST_TEST(error_of([&] { fc(gl::ones({2, 4})); }) ==
             "linear: input of shape [2, 4] does not fit weight of shape [2, 3] (expected (..., in) and (out, in))");
}

BOOST_AUTO_TEST_CASE(a_small_mnist_shaped_run_reduces_its_loss) {
  // Synthetic 28x28 "digits": class c lights up row 2c + 3. No download needed.
  gl::manual_seed(13);
  const std::int64_t n = 64;
  Tensor images = gl::rand({n, 1, 28, 28}) * 0.1;
  std::vector<double> labels(n);
  for (std::int64_t i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = static_cast<double>(i % 10);
    for (std::int64_t col = 0; col < 28; ++col) images.data()[static_cast<std::size_t>(i * 784 + (2 * (i % 10) + 3) * 28 + col)] = 1.0;
  }
  Tensor y = gl::tensor(labels, {n});
  nn::Sequential model(nn::Conv2d(1, 4, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                       nn::Linear(4 * 13 * 13, 10));
  nn::CrossEntropyLoss loss_fn;
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    Tensor loss = loss_fn(model(images), y);
    model.zero_grad();
    loss.backward();
    for (Tensor& p : model.parameters()) {
      const std::vector<double>& g = p.node()->grad;
      for (std::size_t i = 0; i < g.size(); ++i) p.data()[i] -= 0.1 * g[i];
    }
    (step == 0 ? first : last) = loss.item();
  }
  BOOST_TEST(first > 2.0);        // about log(10) at the start
  BOOST_TEST(last < first * 0.5);  // and well down after 30 steps
}

BOOST_AUTO_TEST_CASE(names_are_checked_at_registration) {
  struct Named : nn::Module {
    explicit Named(const std::string& param, const std::string& child = "a") : Module("Named") {
      register_module(child, std::make_shared<nn::Linear>(1, 1));
      register_parameter(param, gl::ones({1}));
    }
  };
  BOOST_TEST(error_of([] { Named(""); }) == "Named: a parameter name must not be empty");
  // "a.weight" beside a child "a" would be two tensors under one path.
  BOOST_TEST(error_of([] { Named("a.weight"); }) ==
             "Named: parameter name 'a.weight' contains '.', which separates the parts of a path (\"fc1.weight\")");
  BOOST_TEST(error_of([] { Named("a"); }) == "Named: parameter 'a' has the name of a submodule");
  BOOST_TEST(error_of([] { Named("w", ""); }) == "Named: a submodule name must not be empty");
  BOOST_TEST(error_of([] { Named("w", "x.y"); }).rfind("Named: submodule name 'x.y' contains '.'", 0) == 0);
  struct ParamFirst : nn::Module {
    ParamFirst() : Module("ParamFirst") {
      register_parameter("a", gl::ones({1}));
      register_module("a", std::make_shared<nn::ReLU>());
    }
  };
  BOOST_TEST(error_of([] { ParamFirst(); }) == "ParamFirst: submodule 'a' has the name of a parameter");
  BOOST_TEST(Named("w").named_parameters().size() == 3u);  // w, a.weight, a.bias: fine
}

BOOST_AUTO_TEST_CASE(cycles_are_refused) {
  auto s = std::make_shared<nn::Sequential>();
  BOOST_TEST(error_of([&] { s->push_back(s); }) ==
             "Sequential: submodule '0' (Sequential) contains this module, so adding it would make a cycle");
  auto a = std::make_shared<nn::Sequential>(), b = std::make_shared<nn::Sequential>();
  auto c = std::make_shared<nn::Sequential>();
  a->push_back(b);
  b->push_back(c);
  BOOST_TEST(error_of([&] { c->push_back(a); }).find("would make a cycle") != std::string::npos);
  BOOST_TEST(error_of([&] { b->push_back(a); }).find("would make a cycle") != std::string::npos);
  BOOST_TEST(s->size() == 0u);
  BOOST_TEST(c->size() == 0u);
  // Sharing is not a cycle: one layer in two places is listed once.
  auto shared = std::make_shared<nn::Linear>(2, 2);
  c->push_back(shared);
  b->push_back(shared);
  BOOST_TEST(a->parameters().size() == 2u);
  BOOST_TEST(a->named_parameters()[0].first == "0.0.0.weight");
}

BOOST_AUTO_TEST_CASE(deep_trees_are_walked_without_recursion) {
  const int depth = 30000;
  const std::int64_t nodes_before = gl::live_nodes();
  {
    // Built bottom-up (each new Sequential holds the last) ...
    std::shared_ptr<nn::Sequential> up = std::make_shared<nn::Sequential>(nn::Linear(2, 3));
    for (int i = 0; i < depth; ++i) {
      auto outer = std::make_shared<nn::Sequential>();
      outer->push_back(up);
      up = outer;
    }
    // ... and top-down (each Sequential gets a fresh one inside).
    auto down = std::make_shared<nn::Sequential>();
    nn::Sequential* at = down.get();
    for (int i = 0; i < depth; ++i) {
      auto inner = std::make_shared<nn::Sequential>();
      at->push_back(inner);
      at = inner.get();
    }
    at->push_back(std::make_shared<nn::Linear>(3, 1));
    for (const nn::Module* root : {static_cast<nn::Module*>(up.get()), static_cast<nn::Module*>(down.get())}) {
      auto named = root->named_parameters();
      BOOST_TEST_REQUIRE(named.size() == 2u);
      std::string path;
      for (int i = 0; i <= depth; ++i) path += "0.";
      BOOST_TEST((named[0].first == path + "weight"));
      BOOST_TEST((named[1].first == path + "bias"));
    }
    BOOST_TEST(up->num_parameters() == 9);
    // forward runs through the nest; train() reaches the bottom.
    Tensor y = (*down)((*up)(gl::ones({1, 2})));
    BOOST_TEST((y.shape() == gl::Shape{1, 1}));
    down->eval();
    BOOST_TEST(!at->is_training());
    // Printing: 30,001 nested Sequentials, counted rather than kept.
    struct Counter : std::streambuf {
      std::size_t n = 0;
      std::streamsize xsputn(const char*, std::streamsize k) override { n += static_cast<std::size_t>(k); return k; }
      int overflow(int c) override { ++n; return c; }
    } counter;
    std::ostream os(&counter);
    os << *up;
    BOOST_TEST(os.good());
    // Each level: an opening line "(0): Sequential(" and a closing ")",
    // indented two more spaces per level.
    BOOST_TEST(counter.n > std::size_t{depth} * depth * 2);
  }  // both trees freed here, without 30,000 nested destructors
  BOOST_TEST(gl::live_nodes() == nodes_before);
}

BOOST_AUTO_TEST_SUITE_END()
