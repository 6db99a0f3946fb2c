// SPDX-License-Identifier: MIT
// gradlab's side of bench/safetensors_interop.py, the proof that weights move
// between gradlab and PyTorch unchanged. Both modes use the MNIST MLP
// 784-128-64-10 (nn::MLP, PyTorch's names 0.*, 2.*, 4.*) and the test digits.
//   safetensors_interop export DIR        train 3 epochs here, write
//                                         DIR/gradlab_mlp.safetensors and the
//                                         test logits DIR/gradlab_logits.safetensors
//   safetensors_interop import MODEL DIR  load MODEL (written by PyTorch), write
//                                         the test logits DIR/imported_logits.safetensors
// Each prints `test_accuracy: 0.xxxx`.
#include <algorithm>
#include <cstdio>
#include <string>

#include <gradlab/gradlab.hpp>
#include <gradlab/mnist.hpp>
#include <gradlab/optim.hpp>

namespace gl = gradlab;

namespace {

double accuracy(const gl::Tensor& logits, const gl::Tensor& labels) {
  return gl::eq(gl::argmax(logits, 1), labels).mean().item();
}

void train(gl::nn::MLP& model, const gl::Mnist& data) {
  gl::optim::Adam opt(model.parameters(), gl::optim::AdamOptions(2e-3));
  const std::int64_t n = data.train_images.shape()[0], batch = 64;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<double> shuffled(static_cast<std::size_t>(n));  // Fisher-Yates on gradlab's generator
    for (std::size_t i = 0; i < shuffled.size(); ++i) shuffled[i] = static_cast<double>(i);
    for (std::size_t i = shuffled.size() - 1; i > 0; --i)
      std::swap(shuffled[i], shuffled[static_cast<std::size_t>(gl::uniform(0, static_cast<double>(i + 1)))]);
    gl::Tensor order = gl::tensor(shuffled, {n});
    gl::Tensor images = data.train_images.index_select(0, order);
    gl::Tensor labels = data.train_labels.index_select(0, order);
    for (std::int64_t at = 0; at < n; at += batch) {
      std::int64_t end = std::min(n, at + batch);
      gl::Tensor loss = gl::nn::functional::cross_entropy(model.forward(images.slice(0, at, end)),
                                                          labels.slice(0, at, end));
      opt.zero_grad();
      loss.backward();
      opt.step();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (!((mode == "export" && argc == 3) || (mode == "import" && argc == 4))) {
    bool help = mode == "--help" || mode == "-h";
    std::fprintf(help ? stdout : stderr,
                 "usage: safetensors_interop export DIR | import MODEL.safetensors DIR\n");
    return help ? 0 : 2;
  }
  try {
    gl::Mnist data = gl::load_mnist(gl::default_mnist_dir());
    gl::manual_seed(15);
    gl::nn::MLP model({784, 128, 64, 10});
    std::string dir = argv[argc - 1];
    if (mode == "export") {
      train(model, data);
      gl::save_safetensors(dir + "/gradlab_mlp.safetensors", model.named_parameters(),
                           {{"format", "pt"}, {"trained_by", "gradlab"}});
    } else {
      gl::load_safetensors(argv[2], model.named_parameters());
    }
    gl::NoGradGuard no_grad;
    gl::Tensor logits = model.forward(data.test_images);
    gl::save_safetensors(dir + (mode == "export" ? "/gradlab_logits.safetensors" : "/imported_logits.safetensors"),
                         {{"logits", logits}});
    std::printf("test_accuracy: %.4f\n", accuracy(logits, data.test_labels));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "safetensors_interop: %s\n", e.what());
    return 1;
  }
  return 0;
}
