// SPDX-License-Identifier: MIT
// The training step of chapter 18's addition transformer (d_model 32, 4
// heads, 2 pre-LN layers, FF 128, batch 64, AdamW 3e-3, gradients clipped
// to norm 1), timed; and the reference's own configuration (d_model 10, 2
// heads, 2 blocks, FF 40, batch 100, Adam 1e-3). bench/transformer_compare.py runs the same steps in
// PyTorch on the same batches. Prints `name: value unit`.
//   transformer_step [steps]   (OPENBLAS_NUM_THREADS=1 for one thread)
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "../tutorials/addition.hpp"

namespace gl = gradlab;

namespace {

// Batches in a fixed order: the training rows of the split, shuffled by
// epoch with the same seeded Fisher-Yates as the tutorial.
struct Batches {
  gl::Tensor sums = addition::all_sums();
  std::vector<double> train = addition::split().train;
  std::int64_t batch, at = 0;
  explicit Batches(std::int64_t b) : batch(b) {}
  gl::Tensor next() {
    if (at + batch > static_cast<std::int64_t>(train.size())) at = 0;
    if (at == 0)
      for (std::size_t i = train.size() - 1; i > 0; --i)
        std::swap(train[i], train[static_cast<std::size_t>(gl::uniform(0, double(i + 1)))]);
    gl::Tensor picked = gl::tensor(std::vector<double>(train.begin() + at, train.begin() + at + batch), {batch});
    at += batch;
    return sums.index_select(0, picked);
  }
};

// The best of `rounds` runs of `steps` steps, in ms per step.
template <class Step>
double best_ms(int rounds, int steps, Step step) {
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < steps; ++s) step();
    best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 100;
  if (argc > 1) {
    std::string arg = argv[1];
    char* end = nullptr;
    long n = std::strtol(arg.c_str(), &end, 10);
    if (argc > 2 || *end != '\0' || n < 1 || n > 1'000'000) {
      bool help = arg == "--help" || arg == "-h";
      std::fprintf(help ? stdout : stderr,
                   "usage: transformer_step [STEPS]   ms per training step of the adder "
                   "transformer, best of 3 runs of STEPS steps (1 to 10^6, default 100)\n");
      return help ? 0 : 2;
    }
    steps = static_cast<int>(n);
  }
  {
    gl::manual_seed(0);
    addition::Adder model;
    gl::optim::AdamW optimizer(model.parameters(), gl::optim::AdamWOptions(3e-3));
    Batches batches(64);
    double loss = 0;
    double ms = best_ms(3, steps, [&] { loss = addition::train_step(model, optimizer, batches.next()); });
    std::printf("adder_step_gradlab: %.3f ms/step (d_model 32, 4 heads, 2 layers, FF 128, batch 64, %lld parameters, "
                "loss %.3f)\n", ms, static_cast<long long>(model.num_parameters()), loss);
  }
  {
    gl::manual_seed(0);
    addition::Adder model({.d_model = 10, .nhead = 2, .num_layers = 2, .dim_feedforward = 40});
    gl::optim::Adam optimizer(model.parameters(), gl::optim::AdamOptions(1e-3));
    Batches batches(100);
    double loss = 0;
    double ms = best_ms(3, steps, [&] { loss = addition::train_step(model, optimizer, batches.next()); });
    std::printf("reference_step_gradlab: %.3f ms/step (d_model 10, 2 heads, 2 layers, FF 40, batch 100, "
                "%lld parameters, loss %.3f)\n", ms, static_cast<long long>(model.num_parameters()), loss);
  }
  return 0;
}
