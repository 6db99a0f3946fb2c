// SPDX-License-Identifier: MIT
// dcgan_libtorch.cpp ported to gradlab: only the include line differs
// (scripts/libtorch-port.sh counts it). Run by ctest as libtorch_dcgan.
#include <gradlab/gradlab.hpp>
#include <gradlab/torch_compat.hpp>
namespace torch = gradlab;

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <tuple>

const int64_t kNoiseSize = 100;
const int64_t kBatchSize = 64;

struct Generator : torch::nn::Module {
  explicit Generator(int64_t noise_size)
      : conv1(torch::nn::ConvTranspose2dOptions(noise_size, 256, 4).bias(false)),
        batch_norm1(256),
        conv2(torch::nn::ConvTranspose2dOptions(256, 128, 3).stride(2).padding(1).bias(false)),
        batch_norm2(128),
        conv3(torch::nn::ConvTranspose2dOptions(128, 64, 4).stride(2).padding(1).bias(false)),
        batch_norm3(64),
        conv4(torch::nn::ConvTranspose2dOptions(64, 1, 4).stride(2).padding(1).bias(false)) {
    register_module("conv1", conv1);
    register_module("batch_norm1", batch_norm1);
    register_module("conv2", conv2);
    register_module("batch_norm2", batch_norm2);
    register_module("conv3", conv3);
    register_module("batch_norm3", batch_norm3);
    register_module("conv4", conv4);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(batch_norm1->forward(conv1->forward(x)));  // (N, 256, 4, 4)
    x = torch::relu(batch_norm2->forward(conv2->forward(x)));  // (N, 128, 7, 7)
    x = torch::relu(batch_norm3->forward(conv3->forward(x)));  // (N, 64, 14, 14)
    return torch::tanh(conv4->forward(x));                     // (N, 1, 28, 28)
  }

  torch::nn::ConvTranspose2d conv1;
  torch::nn::BatchNorm2d batch_norm1;
  torch::nn::ConvTranspose2d conv2;
  torch::nn::BatchNorm2d batch_norm2;
  torch::nn::ConvTranspose2d conv3;
  torch::nn::BatchNorm2d batch_norm3;
  torch::nn::ConvTranspose2d conv4;
};

int main(int argc, char** argv) {
  torch::manual_seed(1);
  const int steps = argc > 1 ? std::atoi(argv[1]) : 10;
  auto generator = std::make_shared<Generator>(kNoiseSize);
  torch::nn::Sequential discriminator(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 64, 4).stride(2).padding(1).bias(false)),
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(64, 128, 4).stride(2).padding(1).bias(false)),
      torch::nn::BatchNorm2d(128),
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(128, 256, 4).stride(2).padding(1).bias(false)),
      torch::nn::BatchNorm2d(256),
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(256, 1, 3).stride(1).padding(0).bias(false)),
      torch::nn::Sigmoid());
  torch::optim::Adam generator_optimizer(generator->parameters(),
                                         torch::optim::AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999)));
  torch::optim::Adam discriminator_optimizer(discriminator->parameters(),
                                             torch::optim::AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999)));

  for (int step = 1; step <= steps; ++step) {
    // --- data: the one part that differs by design ---------------------------
    torch::Tensor real_images = torch::rand({kBatchSize, 1, 28, 28}) * 2 - 1;  // images in [-1, 1]
    // --- end of data ---------------------------------------------------------
    auto start = std::chrono::steady_clock::now();
    // The discriminator: real images are 0.9 (label smoothing), fakes 0.
    discriminator->zero_grad();
    torch::Tensor real_labels = torch::full({kBatchSize}, 0.9);
    torch::Tensor real_output = discriminator->forward(real_images).reshape(real_labels.sizes());
    torch::Tensor d_loss_real = torch::binary_cross_entropy(real_output, real_labels);
    d_loss_real.backward();
    torch::Tensor noise = torch::randn({kBatchSize, kNoiseSize, 1, 1});
    torch::Tensor fake_images = generator->forward(noise);
    torch::Tensor fake_labels = torch::zeros(kBatchSize);
    torch::Tensor fake_output = discriminator->forward(fake_images.detach()).reshape(fake_labels.sizes());
    torch::Tensor d_loss_fake = torch::binary_cross_entropy(fake_output, fake_labels);
    d_loss_fake.backward();
    torch::Tensor d_loss = d_loss_real + d_loss_fake;
    discriminator_optimizer.step();
    // The generator: its fakes should pass for real (1).
    generator->zero_grad();
    torch::Tensor wanted = torch::ones(kBatchSize);
    fake_output = discriminator->forward(fake_images).reshape(wanted.sizes());
    torch::Tensor g_loss = torch::binary_cross_entropy(fake_output, wanted);
    g_loss.backward();
    generator_optimizer.step();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[%2d/%2d] D_loss: %.4f | G_loss: %.4f | %.3f s\n", step, steps, d_loss.item<double>(),
                g_loss.item<double>(), seconds);
  }
}
