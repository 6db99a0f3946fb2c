// SPDX-License-Identifier: MIT
// 16 a transformer learns to add: two-digit sums as token sequences,
//   a1 a0 + b1 b0 = c0 c1 c2 <stop>     (the answer units first, as a carry flows)
// all 10,000 of them, 9,000 to train on and 1,000 held out (a fixed, seeded
// split). A decoder-only model from the course's modules (addition.hpp):
// embedding + sinusoid positions, 2 pre-LN encoder layers under the causal
// mask, a final LayerNorm and a linear head; trained on the answer tokens only
// (the prompt's targets are CrossEntropyLoss's ignore_index), AdamW 3e-3 with
// 100 warm-up steps and a cosine decay, gradients clipped to norm 1, 3,000
// steps of 64 sums. Then greedy decoding from `a1 a0 + b1 b0 =`.
//   build/tutorials/18_transformer_adds [--steps 3000] [--no-pause] [out/18_transformer_adds]
// Draws the loss curve and every head's attention for one sum, prints a few
// held-out sums with the model's answers, saves the model, and ends with
// `heldout_accuracy: 0.xxxx` and `all_pairs_accuracy: 0.xxxx`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include <gradlab/viz/plot.hpp>

#include "addition.hpp"
#include "course_page.hpp"

namespace gl = gradlab;
namespace nn = gradlab::nn;

namespace {

struct Args {
  int steps = 3000;
  std::string out = std::string("out/") + GRADLAB_CHAPTER;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--no-pause") continue;
    if (s == "--help" || s == "-h") {
      std::cout << "usage: " GRADLAB_CHAPTER " [--steps N] [--no-pause] [folder for the pictures]\n"
                   "  --steps N   training steps (default 3000)\n";
      std::exit(std::cout.flush() ? 0 : 1);
    }
    if (s == "--steps" && i + 1 < argc) {
      a.steps = std::atoi(argv[++i]);
      if (a.steps < 1 || a.steps > 1000000) {
        std::cerr << argv[0] << ": --steps must be a whole number from 1 to 1000000\n";
        std::exit(2);
      }
    } else if (s.rfind("--", 0) != 0 && i + 1 == argc) {
      a.out = s;
    } else {
      std::cerr << "usage: " GRADLAB_CHAPTER " [--steps N] [--no-pause] [folder for the pictures]\n";
      std::exit(2);
    }
  }
  return a;
}

// One line that redraws itself in a terminal; in a log, a line every 10%.
void progress(int step, int steps, double running_loss, double lr) {
  static const bool tty = isatty(1);
  if (!tty && step % std::max(1, steps / 10) != 0 && step != steps) return;
  int filled = 30 * step / steps;
  std::printf("%sstep %4d/%d [%s%s] loss %.4f  lr %.5f%s", tty ? "\r" : "", step, steps,
              std::string(static_cast<std::size_t>(filled), '#').c_str(),
              std::string(static_cast<std::size_t>(30 - filled), '.').c_str(), running_loss, lr, tty ? "" : "\n");
  if (tty && step == steps) std::printf("\n");
  std::fflush(stdout);
}

// Every head of every layer, for one sum: each layer's attention weights
// (H, L, L), recomputed from that layer's input as its forward sees it.
void draw_attention(addition::Adder& model, const gl::Tensor& sum, const std::string& png) {
  gl::NoGradGuard no_grad;
  gl::Tensor tokens = addition::inputs_of(sum.unsqueeze(0));  // (1, 9)
  const std::int64_t L = tokens.shape()[1];
  gl::Tensor mask = nn::Transformer::generate_square_subsequent_mask(L);
  gl::Tensor x = model.position->forward(model.embed->forward(tokens));
  std::vector<gl::Tensor> maps;
  std::vector<std::string> titles;
  for (std::size_t l = 0; l < model.blocks->size(); ++l) {
    nn::TransformerEncoderLayer& layer = (*model.blocks)[l];
    gl::Tensor h = layer.norm1->forward(x);  // pre-LN: attention reads the normalised input
    auto [unused, weights] = layer.self_attn->forward(h, h, h, mask, true, /*average_attn_weights=*/false);
    for (std::int64_t head = 0; head < weights.shape()[1]; ++head) {
      maps.push_back(weights.select(0, 0).select(0, head));
      titles.push_back("layer " + std::to_string(l) + ", head " + std::to_string(head));
    }
    x = layer.forward(x, mask);
  }
  std::vector<std::string> labels;
  for (double t : tokens.to_vector()) labels.push_back(addition::text_of({t}));
  gl::viz::plot_heatmaps(png, gl::stack(maps), titles, labels, labels,
                         {.title = "attention for " + addition::text_of(sum.to_vector()) +
                                   " (rows: each position; columns: what it looks at)",
                          .columns = static_cast<int>(maps.size() / model.blocks->size()), .cell = 30});
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  std::filesystem::create_directories(args.out);
  gl::Tensor sums = addition::all_sums();
  addition::Split split = addition::split();
  gl::Tensor train = sums.index_select(0, gl::tensor(split.train, {9000}));
  gl::Tensor heldout = sums.index_select(0, gl::tensor(split.heldout, {1000}));

  gl::manual_seed(0);
  addition::Adder model;
  std::ostringstream about;  // printed now, and the page's first text
  about << model << "\n" << model.num_parameters() << " parameters; 9000 sums to train on, 1000 held out\n"
        << "a sum as tokens: " << addition::text_of(addition::tokens_of(47, 85)) << "  ($ is <stop>)\n";
  std::cout << about.str();
  const std::int64_t batch = 64;
  gl::optim::AdamW optimizer(model.parameters(), gl::optim::AdamWOptions(3e-3));
  const int warmup = std::min(100, args.steps / 2);

  std::vector<double> losses, order(9000);
  std::int64_t at = 9000;  // position in this epoch's shuffled order
  double running = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int step = 1; step <= args.steps; ++step) {
    if (at + batch > 9000) {  // a fresh shuffle each epoch (Fisher-Yates on gradlab's generator)
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<double>(i);
      for (std::size_t i = order.size() - 1; i > 0; --i)
        std::swap(order[i], order[static_cast<std::size_t>(gl::uniform(0, static_cast<double>(i + 1)))]);
      at = 0;
    }
    gl::Tensor picked = gl::tensor(std::vector<double>(order.begin() + at, order.begin() + at + batch), {batch});
    at += batch;
    optimizer.set_lr(addition::lr_at(step - 1, args.steps, 3e-3, warmup));
    double loss = addition::train_step(model, optimizer, train.index_select(0, picked));
    losses.push_back(loss);
    running = step == 1 ? loss : 0.95 * running + 0.05 * loss;
    progress(step, args.steps, running, optimizer.lr());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char line[160];
  std::snprintf(line, sizeof line, "trained %d steps in %.1f s (%.1f ms a step)\n", args.steps, seconds,
                1000 * seconds / args.steps);
  const std::string trained = line;
  std::cout << trained;

  gl::viz::plot_lines(args.out + "/loss.png", {{.name = "loss on the answer tokens", .y = losses}},
                      {.title = "training loss (batch 64, AdamW 3e-3, warm-up + cosine)", .x_label = "step",
                       .y_label = "cross-entropy", .log_y = true});
  model.eval();
  draw_attention(model, heldout.select(0, 0), args.out + "/attention.png");

  // A few held-out sums: the prompt, what the model wrote, and whether it is right.
  gl::Tensor some = heldout.slice(0, 0, 8);
  gl::Tensor answers = addition::answer(model, some.slice(1, 0, addition::kPrompt));
  std::string table = "  sum       model writes   reads as   right?\n";
  for (std::int64_t i = 0; i < 8; ++i) {
    std::vector<double> s = some.select(0, i).to_vector(), got = answers.select(0, i).to_vector();
    int a = int(s[0] * 10 + s[1]), b = int(s[3] * 10 + s[4]);
    int value = int(got[0] + 10 * got[1] + 100 * got[2]);
    bool right = std::equal(got.begin(), got.end(), s.begin() + addition::kPrompt);
    std::snprintf(line, sizeof line, "  %2d + %2d = %-12s   %3d        %s\n", a, b, addition::text_of(got).c_str(),
                  value, right ? "yes" : "NO");
    table += line;
  }
  std::cout << "\n" << table;
  gl::save(args.out + "/model.gl", model.named_parameters());
  std::printf("\nsaved %s/model.gl; pictures: loss.png, attention.png\n", args.out.c_str());
  double heldout_accuracy = addition::exact_match(model, heldout);
  double all_accuracy = addition::exact_match(model, sums);
  std::snprintf(line, sizeof line, "heldout_accuracy: %.4f\nall_pairs_accuracy: %.4f\n", heldout_accuracy,
                all_accuracy);
  const std::string result = line;
  const std::string page = course::write_page(
      args.out, {{.text = about.str() + trained, .png = args.out + "/loss.png"},
                 {.text = "Greedy decoding from `a1 a0 + b1 b0 =` on held-out sums (the answer's units first):\n" +
                              table,
                  .checks = result},
                 {.text = "Every head of both layers for the held-out sum " +
                              addition::text_of(heldout.select(0, 0).to_vector()) +
                              ": each row a position, each column what it looks at.",
                  .checks = result, .png = args.out + "/attention.png"}});
  std::printf("page: %s\n", page.c_str());
  std::cout << result;
  return 0;
}
