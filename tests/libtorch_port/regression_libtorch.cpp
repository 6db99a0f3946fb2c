// SPDX-License-Identifier: MIT
// Fitting a polynomial with one Linear layer, as a LibTorch user writes it
// (LibTorch 1.13): features x, x^2, x^3, x^4, SGD on the mean squared error
// until the loss is small. Kept beside its gradlab port (regression.cpp);
// scripts/libtorch-port.sh counts the difference.
#include <torch/torch.h>

#include <cstdio>
#include <string>
#include <vector>

const int64_t kDegree = 4;
const int64_t kBatchSize = 32;

// (x, x^2, ..., x^kDegree) for each x in the column x (N, 1).
torch::Tensor make_features(torch::Tensor x) {
  std::vector<torch::Tensor> columns;
  for (int64_t i = 1; i <= kDegree; ++i) {
    columns.push_back(x.pow(i));
  }
  return torch::cat(columns, 1);
}

std::string poly_desc(torch::Tensor w, torch::Tensor b) {
  std::string text = "y = ";
  char term[64];
  for (int64_t i = 0; i < w.size(0); ++i) {
    std::snprintf(term, sizeof term, "%+.2f x^%ld ", w[i].item<double>(), static_cast<long>(i + 1));
    text += term;
  }
  std::snprintf(term, sizeof term, "%+.2f", b[0].item<double>());
  return text + term;
}

int main() {
  torch::manual_seed(0);
  auto poly = torch::nn::Linear(torch::nn::LinearOptions(kDegree, 1));
  torch::optim::SGD optimizer(poly->parameters(), torch::optim::SGDOptions(0.1));
  // --- data: the one part that differs by design ---------------------------
  auto target_weight = torch::randn({kDegree, 1}) * 5;
  auto target_bias = torch::randn({1}) * 5;
  // --- end of data ---------------------------------------------------------
  auto f = [&](torch::Tensor x) { return x.mm(target_weight) + target_bias.item<double>(); };

  double loss_value = 0;
  int64_t batch_idx = 0;
  for (batch_idx = 1; batch_idx <= 20000; ++batch_idx) {
    auto x = make_features(torch::rand({kBatchSize}).unsqueeze(1) * 2 - 1);  // x in [-1, 1)
    auto y = f(x);
    optimizer.zero_grad();
    auto loss = torch::mse_loss(poly->forward(x), y);
    loss.backward();
    optimizer.step();
    loss_value = loss.item<double>();
    if (loss_value < 1e-3) {
      break;
    }
  }
  std::printf("Loss: %.6f after %ld batches\n", loss_value, static_cast<long>(batch_idx));
  std::printf("==> Learned function:\t%s\n", poly_desc(poly->weight.view({-1}), poly->bias).c_str());
  std::printf("==> Actual function:\t%s\n", poly_desc(target_weight.view({-1}), target_bias).c_str());
}
