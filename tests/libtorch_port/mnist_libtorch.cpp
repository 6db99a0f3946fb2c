// SPDX-License-Identifier: MIT
// A small MNIST program as a LibTorch user writes it (LibTorch 1.13), kept
// beside its gradlab port (mnist.cpp) so that the two can be diffed:
//   diff tests/libtorch_port/mnist_libtorch.cpp tests/libtorch_port/mnist.cpp
// Not built with gradlab; scripts/libtorch-port.sh --compile compiles it against
// Debian's libtorch-dev to show that it is LibTorch as LibTorch takes it.
#include <torch/torch.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

struct Net : torch::nn::Module {
  Net()
      : conv1(torch::nn::Conv2dOptions(1, 8, 3).padding(1)),
        conv2(torch::nn::Conv2dOptions(8, 16, 3).padding(1).bias(false)),
        norm(16),
        fc1(16 * 7 * 7, 64),
        fc2(64, 10) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("norm", norm);
    register_module("fc1", fc1);
    register_module("drop", drop);
    register_module("fc2", fc2);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(torch::max_pool2d(conv1->forward(x), 2));
    x = torch::relu(torch::max_pool2d(norm->forward(conv2->forward(x)), 2));
    x = x.view({-1, 16 * 7 * 7});
    x = drop->forward(torch::relu(fc1->forward(x)));
    return torch::log_softmax(fc2->forward(x), /*dim=*/1);
  }

  torch::nn::Conv2d conv1, conv2;
  torch::nn::BatchNorm2d norm;
  torch::nn::Linear fc1, fc2;
  torch::nn::Dropout drop{torch::nn::DropoutOptions(0.25)};
};

int main(int argc, char** argv) {
  torch::manual_seed(1);
  torch::Device device(torch::cuda::is_available() ? torch::kCUDA : torch::kCPU);
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 3;

  // --- data: the one part that differs by design ---------------------------
  auto train_set = torch::data::datasets::MNIST("./data")
                       .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
                       .map(torch::data::transforms::Stack<>());
  auto test_set = torch::data::datasets::MNIST("./data", torch::data::datasets::MNIST::Mode::kTest)
                      .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
                      .map(torch::data::transforms::Stack<>());
  auto train_loader = torch::data::make_data_loader<torch::data::samplers::RandomSampler>(
      std::move(train_set), torch::data::DataLoaderOptions().batch_size(64));
  auto test_loader = torch::data::make_data_loader(std::move(test_set), torch::data::DataLoaderOptions().batch_size(1000));
  // --- end of data ---------------------------------------------------------

  auto model = std::make_shared<Net>();
  model->to(device);
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));

  double accuracy = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    model->train();
    double total_loss = 0;
    int64_t batches = 0;
    for (auto& batch : *train_loader) {
      auto data = batch.data.to(device), target = batch.target.to(device);
      optimizer.zero_grad();
      auto loss = torch::nll_loss(model->forward(data), target);
      loss.backward();
      optimizer.step();
      total_loss += loss.item<double>();
      ++batches;
    }
    model->eval();
    torch::NoGradGuard no_grad;
    int64_t correct = 0, seen = 0;
    double test_loss = 0;
    for (auto& batch : *test_loader) {
      auto data = batch.data.to(device), target = batch.target.to(device);
      auto output = model->forward(data);
      test_loss += torch::nll_loss(output, target, /*weight=*/{}, torch::Reduction::Sum).item<double>();
      correct += output.argmax(1).eq(target).sum().item<int64_t>();
      seen += data.size(0);
    }
    accuracy = static_cast<double>(correct) / seen;
    std::printf("epoch %d  train loss %.4f  test loss %.4f  test accuracy %.4f\n", epoch, total_loss / batches,
                test_loss / seen, accuracy);
  }
  torch::save(model, "mnist_model.pt");
  torch::save(optimizer, "mnist_optimizer.pt");
  std::printf("test_accuracy: %.4f\n", accuracy);
}
