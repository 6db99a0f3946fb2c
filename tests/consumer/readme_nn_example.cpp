#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>
#include <iostream>

int main() {
  namespace gl = gradlab;
  namespace nn = gradlab::nn;
  gl::manual_seed(0);
  nn::Sequential model(nn::Conv2d(1, 8, 3), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(8, 16, 3), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Flatten(), nn::Linear(400, 10));
  gl::optim::Adam optimizer(model.parameters(), gl::optim::AdamOptions(6e-3));
  nn::CrossEntropyLoss loss_fn;
  gl::Tensor images = gl::rand({64, 1, 28, 28});  // a batch of 64 one-channel 28x28 images
  gl::Tensor labels = gl::zeros({64});            // and their classes (all 0 here)
  for (int step = 0; step < 3; ++step) {
    gl::Tensor loss = loss_fn(model(images), labels);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    std::cout << "loss " << loss.item() << "\n";  // 2.19567, then 1.7653, 1.1442
  }
  std::cout << model.num_parameters() << " parameters\n";  // 5258
  gl::optim::save("model.gl", model.named_parameters(), optimizer);  // all or nothing
}
