// SPDX-License-Identifier: MIT
// Programs written in LibTorch's idioms, ported with one line
// (`namespace torch = gradlab;`): a DCGAN-shaped generator and discriminator
// (Options, ConvTranspose2d, BatchNorm2d, LeakyReLU, members registered in
// place) against PyTorch 1.13 (tests/fixtures/make_libtorch_port.py) and
// finite differences; a module with a by-value forward inside a Sequential.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

#include <gradlab/gradlab.hpp>
#include <gradlab/torch_compat.hpp>

#include "test_helpers.hpp"

namespace torch = gradlab;
namespace nn = torch::nn;
using gradlab::testing::check;
using gradlab::testing::check_parameters;

namespace {

// The generator: noise (N, noise, 1, 1) -> images (N, 1, 28, 28) in [-1, 1].
struct DCGANGenerator : nn::Module {
  explicit DCGANGenerator(int64_t noise_size)
      : conv1(nn::ConvTranspose2dOptions(noise_size, 8, 4).bias(false)),
        batch_norm1(8),
        conv2(nn::ConvTranspose2dOptions(8, 6, 3).stride(2).padding(1).bias(false)),
        batch_norm2(6),
        conv3(nn::ConvTranspose2dOptions(6, 4, 4).stride(2).padding(1).bias(false)),
        batch_norm3(4),
        conv4(nn::ConvTranspose2dOptions(4, 1, 4).stride(2).padding(1).bias(false)) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("conv3", conv3);
    register_module("conv4", conv4);
    register_module("batch_norm1", batch_norm1);
    register_module("batch_norm2", batch_norm2);
    register_module("batch_norm3", batch_norm3);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(batch_norm1(conv1(x)));
    x = torch::relu(batch_norm2(conv2(x)));
    x = torch::relu(batch_norm3(conv3(x)));
    x = torch::tanh(conv4(x));
    return x;
  }

  nn::ConvTranspose2d conv1;
  nn::BatchNorm2d batch_norm1;
  nn::ConvTranspose2d conv2;
  nn::BatchNorm2d batch_norm2;
  nn::ConvTranspose2d conv3;
  nn::BatchNorm2d batch_norm3;
  nn::ConvTranspose2d conv4;
};

nn::Sequential make_discriminator() {
  return nn::Sequential(
      nn::Conv2d(nn::Conv2dOptions(1, 4, 4).stride(2).padding(1).bias(false)),
      nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
      nn::Conv2d(nn::Conv2dOptions(4, 6, 4).stride(2).padding(1).bias(false)),
      nn::BatchNorm2d(6),
      nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
      nn::Conv2d(nn::Conv2dOptions(6, 8, 4).stride(2).padding(1).bias(false)),
      nn::BatchNorm2d(8),
      nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
      nn::Conv2d(nn::Conv2dOptions(8, 1, 3).stride(1).padding(0).bias(false)),
      nn::Sigmoid());
}

using Fixture = std::map<std::string, torch::Tensor>;

// PyTorch's parameters into the module, by name ("G." + "conv1.weight").
void load_parameters(const nn::Module& module, Fixture& f, const std::string& prefix) {
  for (auto& [name, p] : module.named_parameters()) {
    BOOST_TEST_REQUIRE(f.count(prefix + name), prefix + name);
    BOOST_TEST_REQUIRE(torch::to_string(p.sizes()) == torch::to_string(f[prefix + name].sizes()), name);
    torch::Tensor target = p;
    target.data() = f[prefix + name].data();
  }
}

void same(const std::string& what, const torch::Tensor& got, const torch::Tensor& want) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(torch::to_string(got.sizes()) == torch::to_string(want.sizes()));
    BOOST_TEST(got.to_vector() == want.to_vector(), boost::test_tools::tolerance(1e-9) << boost::test_tools::per_element());
  }
}

// A module as a LibTorch user writes one: forward by value, no name given.
struct Residual : nn::Module {
  Residual() { register_module("fc", fc); }
  torch::Tensor forward(torch::Tensor x) { return x + torch::relu(fc(x)); }
  nn::Linear fc{nn::LinearOptions(3, 3).bias(false)};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(libtorch_port_test)

BOOST_AUTO_TEST_CASE(a_dcgan_step_computes_what_pytorch_computes) {
  Fixture f = gradlab::testing::read_fixture(GRADLAB_FIXTURES "/libtorch_port.txt");
  DCGANGenerator generator(6);
  nn::Sequential discriminator = make_discriminator();
  load_parameters(generator, f, "G.");
  load_parameters(discriminator, f, "D.");
  torch::Tensor noise = f["noise"].detach().requires_grad_();
  torch::Tensor fake = generator(noise);
  same("fake images", fake, f["fake"]);
  // The discriminator's step: real images labelled 0.9, fakes 0.
  torch::Tensor d_real = discriminator(f["real"]).view({-1});
  same("D(real)", d_real, f["d_real"]);
  torch::Tensor d_fake = discriminator(fake.detach()).view({-1});
  torch::Tensor d_loss = torch::binary_cross_entropy(d_real, torch::full({3}, 0.9)) +
                         torch::binary_cross_entropy(d_fake, torch::zeros(3));
  d_loss.backward();
  BOOST_TEST(d_loss.item<double>() == f["d_loss"].item(), boost::test_tools::tolerance(1e-12));
  for (auto& [name, p] : discriminator.named_parameters()) same("dD." + name, p.grad(), f["dD." + name]);
  discriminator.zero_grad();
  // The generator's step: fakes labelled 1.
  torch::Tensor g_loss = torch::binary_cross_entropy(discriminator(fake).view({-1}), torch::ones(3));
  g_loss.backward();
  BOOST_TEST(g_loss.item<double>() == f["g_loss"].item(), boost::test_tools::tolerance(1e-12));
  for (auto& [name, p] : generator.named_parameters()) same("dG." + name, p.grad(), f["dG." + name]);
  same("dnoise", noise.grad(), f["dnoise"]);
  // The running statistics moved once, as PyTorch's, and are buffers.
  for (auto& [name, b] : generator.named_buffers()) same("G." + name, b, f["G." + name]);
  BOOST_TEST(generator.named_buffers().size() == 9u);
}

BOOST_AUTO_TEST_CASE(the_dcgan_against_finite_differences) {
  torch::manual_seed(31);
  DCGANGenerator generator(3);
  nn::Sequential discriminator = make_discriminator();
  torch::Tensor noise = torch::randn({2, 3, 1, 1});
  check("D(G(noise)) by the noise",
        [&](const std::vector<torch::Tensor>& t) { return discriminator(generator(t[0])).sum(); }, {noise});
  torch::Tensor images = torch::rand({3, 1, 28, 28}) * 2.0 - 1.0;
  check_parameters("discriminator", discriminator, [&] {
    return torch::binary_cross_entropy(discriminator(images).view({-1}), torch::full({3}, 0.9));
  });
  check_parameters("generator", generator, [&] { return discriminator(generator(noise)).sum(); });
}

BOOST_AUTO_TEST_CASE(modules_print_as_pytorch_prints_them) {
  std::ostringstream g, d;
  g << DCGANGenerator(100);
  BOOST_TEST(g.str().find("DCGANGenerator(\n"
                          "  (conv1): ConvTranspose2d(100, 8, kernel_size=(4, 4), stride=(1, 1), bias=False)\n") == 0u);
  d << make_discriminator();
  BOOST_TEST(d.str().find("  (1): LeakyReLU(negative_slope=0.2)\n"
                          "  (2): Conv2d(4, 6, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)\n"
                          "  (3): BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_by_value_forward_runs_inside_a_sequential) {
  torch::manual_seed(32);
  nn::Sequential model(nn::Linear(2, 3), Residual(), nn::Linear(nn::LinearOptions(3, 1)));
  torch::Tensor x = torch::randn({4, 2});
  auto& residual = static_cast<Residual&>(model[1]);
  torch::Tensor h = model[0](x);
  torch::Tensor by_hand = model[2](h + torch::relu(residual.fc(h)));
  BOOST_TEST(model(x).to_vector() == by_hand.to_vector(), boost::test_tools::per_element());
  BOOST_TEST(model.named_parameters()[2].first == "1.fc.weight");
  check("Sequential with Residual", [&](const std::vector<torch::Tensor>& t) { return model(t[0]).sum(); }, {x});
}

BOOST_AUTO_TEST_SUITE_END()
