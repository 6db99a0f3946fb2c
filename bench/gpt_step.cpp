// SPDX-License-Identifier: MIT
// Chapter 19's GPT (tutorials/gpt_model.hpp and gpt_training.hpp, nanoGPT's CPU recipe) on the
// fortune cookies, for bench/gpt_compare.py to set beside the same model in
// PyTorch. Prints `name: value unit` lines.
//   gpt_step --time N               N recipe steps after 3 unmeasured ones: ms a step
//   gpt_step --train N --out DIR    N steps from manual_seed(1337)'s weights (written first to
//                                   DIR/init.safetensors), the batches from manual_seed(2024);
//                                   then the validation loss, DIR/model.safetensors (nanoGPT's
//                                   names, F64) and DIR/logits.safetensors (the first 4
//                                   validation windows' logits)
//   gpt_step --load FILE            the validation loss of weights under nanoGPT's names
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "../tutorials/gpt_model.hpp"
#include "../tutorials/gpt_training.hpp"

namespace gl = gradlab;

namespace {

[[noreturn]] void usage(int status) {
  (status ? std::cerr : std::cout) << "usage: gpt_step --time N | --train N --out DIR | --load FILE\n";
  std::exit(status);
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "--help" || mode == "-h") usage(0);
  if (argc < 3 || (mode != "--time" && mode != "--train" && mode != "--load")) usage(2);
  try {
    const std::string text = gl::load_text();
    const gl::CharVocab vocab(text);
    const gl::TextSplit split = gl::split_text(vocab.encode(text), 0.9);
    gpt::Config config{.vocab_size = vocab.size()};
    gl::manual_seed(1337);
    gpt::GPT model(config);
    auto val_loss = [&] {
      return gpt::text_loss(split.val, config.block_size, [&](const gl::Tensor& x) { return model.forward(x); });
    };
    if (mode == "--load") {
      gl::load_safetensors(argv[2], model.nanogpt_state_dict());
      model.eval();
      std::printf("val_loss: %.10f nats\n", val_loss());
      return 0;
    }
    const long n = std::strtol(argv[2], nullptr, 10);
    if (n < 1) usage(2);
    gpt::Recipe recipe;
    if (mode == "--time") {
      recipe.steps = 3;
      gl::manual_seed(2024);
      gpt::train(model, split.train, recipe);  // fills the buffer cache and the optimizer state
      recipe.steps = n;
      auto t0 = std::chrono::steady_clock::now();
      gpt::train(model, split.train, recipe);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("step: %.2f ms\n", 1000 * s / static_cast<double>(n));
      return 0;
    }
    if (argc != 5 || std::string(argv[3]) != "--out") usage(2);
    const std::string dir = argv[4];
    gl::save_safetensors(dir + "/init.safetensors", model.nanogpt_state_dict());
    recipe.steps = n;
    gl::manual_seed(2024);
    gpt::Progress progress(n, "gradlab: ");
    std::vector<double> losses = gpt::train(model, split.train, recipe, &progress);
    std::printf("train_seconds: %.2f s\nstep: %.2f ms\nlast_loss: %.10f nats\nval_loss: %.10f nats\n", progress.seconds(),
                1000 * progress.seconds() / static_cast<double>(n), losses.back(), val_loss());
    gl::save_safetensors(dir + "/model.safetensors", model.nanogpt_state_dict());
    std::vector<double> first(split.val.begin(), split.val.begin() + 4 * config.block_size);
    gl::Tensor logits;
    {
      gl::NoGradGuard no_grad;
      logits = model.forward(gl::tensor(std::move(first), {4, config.block_size}));
    }
    gl::save_safetensors(dir + "/logits.safetensors", {{"logits", logits}});
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "gpt_step: " << e.what() << "\n";
    return 1;
  }
}
