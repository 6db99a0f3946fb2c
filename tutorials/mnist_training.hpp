// SPDX-License-Identifier: MIT
// What the two MNIST programs (14_mnist_mlp, 15_mnist_cnn) share: reading
// their arguments, the training loop with its progress bar, evaluation, the
// pictures and the saved model. Only gradlab's public API is used.
//
// The loop is the one every PyTorch tutorial has:
//   for each epoch, for each batch:  loss = loss_fn(model(x), y)
//                                    optimizer.zero_grad(); loss.backward(); optimizer.step()
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/optim.hpp>
#include <gradlab/viz/plot.hpp>
#include <gradlab/viz/render.hpp>

#include "course_page.hpp"

namespace mnist_training {

namespace gl = gradlab;

struct Config {
  std::string name;          // "14_mnist_mlp": the default output folder is out/<name>
  int epochs = 5;
  std::int64_t batch = 64;
  std::string optimizer;     // "sgd" or "adam"
  double lr = 0;             // 0: the program's default for that optimizer
  std::string out;
  std::string data = gl::default_mnist_dir();
  std::int64_t train_limit = 0;  // use only the first n training images (0: all 8,000)
};

// --epochs N, --batch N, --optimizer sgd|adam, --lr X, --out DIR (or the
// folder as the last argument, as the other tutorials take it), --data DIR,
// --train-limit N; --no-pause is accepted (these programs never pause).
inline Config parse_args(int argc, char** argv, Config c) {
  auto usage = [&](const std::string& problem) {
    if (!problem.empty()) std::cerr << c.name << ": " << problem << "\n";
    // --help answers on stdout; a mistake on stderr.
    std::ostream& out = problem.empty() ? std::cout : std::cerr;
    out << "usage: " << c.name
        << " [--epochs N] [--batch N] [--optimizer sgd|adam] [--lr X] [--data DIR]"
           " [--train-limit N] [--no-pause] [--out DIR | folder for the pictures]\n";
    std::exit(problem.empty() ? (std::cout.flush() ? 0 : 1) : 2);
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") usage("");
    if (a == "--no-pause") continue;
    if (a.rfind("--", 0) != 0 && i + 1 == argc) {  // the output folder
      c.out = a;
      continue;
    }
    if (i + 1 >= argc) usage("missing the value of " + a);
    std::string v = argv[++i];
    try {
      std::size_t used = 0;
      auto whole = [&] {
        long long n = std::stoll(v, &used);
        if (used != v.size() || n < 1 || n > 1000000) throw 0;
        return n;
      };
      if (a == "--epochs") c.epochs = static_cast<int>(whole());
      else if (a == "--batch") c.batch = whole();
      else if (a == "--train-limit") c.train_limit = whole();
      else if (a == "--lr") { c.lr = std::stod(v, &used); if (used != v.size() || !(c.lr > 0)) throw 0; }
      else if (a == "--optimizer") { if (v != "sgd" && v != "adam") throw 0; c.optimizer = v; }
      else if (a == "--out") c.out = v;
      else if (a == "--data") c.data = v;
      else usage("unknown argument " + a);
    } catch (...) {
      usage("bad value '" + v + "' for " + a);
    }
  }
  if (c.out.empty()) c.out = "out/" + c.name;
  return c;
}

// One line that redraws itself in a terminal; elsewhere (a log, ctest) a line
// every quarter epoch.
class ProgressBar {
 public:
  explicit ProgressBar(std::int64_t total) : total_(total), tty_(isatty(1)) {}
  void show(int epoch, int epochs, std::int64_t done, double loss, double accuracy) {
    int quarter = static_cast<int>(4 * done / total_);
    if (!tty_ && quarter == last_quarter_ && done != total_) return;
    last_quarter_ = quarter;
    int filled = static_cast<int>(30 * done / total_);
    std::printf("%sepoch %d/%d [%s%s] %5lld/%lld  loss %.4f  accuracy %.4f%s", tty_ ? "\r" : "", epoch, epochs,
                std::string(static_cast<std::size_t>(filled), '#').c_str(),
                std::string(static_cast<std::size_t>(30 - filled), '.').c_str(), static_cast<long long>(done),
                static_cast<long long>(total_), loss, accuracy, tty_ ? "" : "\n");
    if (tty_ && done == total_) std::printf("\n");
    std::fflush(stdout);
  }

 private:
  std::int64_t total_;
  bool tty_;
  int last_quarter_ = -1;
};

// The optimizer the arguments chose: Adam (lr, else adam_lr) or SGD with
// momentum 0.9 (lr, else sgd_lr).
inline std::unique_ptr<gl::optim::Optimizer> make_optimizer(const Config& c, std::vector<gl::Tensor> params,
                                                           double adam_lr, double sgd_lr) {
  if (c.optimizer == "adam")
    return std::make_unique<gl::optim::Adam>(std::move(params), gl::optim::AdamOptions(c.lr ? c.lr : adam_lr));
  return std::make_unique<gl::optim::SGD>(std::move(params), gl::optim::SGDOptions(c.lr ? c.lr : sgd_lr).momentum(0.9));
}

// The predicted class of each row of logits (N, 10), as whole numbers.
inline std::vector<double> predictions(const gl::Tensor& logits) { return gl::argmax(logits, 1).to_vector(); }


// Pixels are shifted and scaled by MNIST's mean and standard deviation
// (0.1307, 0.3081), as PyTorch's MNIST example does: inputs around 0 with
// spread 1 train faster.
inline gl::Tensor standardize(const gl::Tensor& pixels) { return (pixels - 0.1307) / 0.3081; }

// The training loop, the evaluation and the pictures (run() below sets up).
inline int train_and_test(const Config& c, const gl::Mnist& data, gl::nn::Module& model,
                          gl::optim::Optimizer& optimizer, const std::function<gl::Tensor(const gl::Tensor&)>& prepare) {
  gl::Tensor train_x = data.train_images, train_y = data.train_labels;
  if (c.train_limit > 0 && c.train_limit < train_x.shape()[0]) {
    train_x = train_x.slice(0, 0, c.train_limit);
    train_y = train_y.slice(0, 0, c.train_limit);
  }
  const std::int64_t n = train_x.shape()[0];
  std::ostringstream about;  // printed now, and the page's first text
  about << model << "\n" << model.num_parameters() << " parameters; " << n << " training and "
        << data.test_images.shape()[0] << " test digits; " << optimizer.name() << " lr " << optimizer.lr()
        << ", batch " << c.batch << "\n";
  std::cout << about.str();
  gl::nn::CrossEntropyLoss loss_fn;
  gl::optim::CosineAnnealingLR schedule(optimizer, c.epochs);
  std::vector<double> losses, epoch_losses;
  std::vector<double> order(static_cast<std::size_t>(n));
  auto t0 = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= c.epochs; ++epoch) {
    model.train();
    // A fresh shuffle each epoch (Fisher-Yates on gradlab's generator).
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<double>(i);
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[static_cast<std::size_t>(gl::uniform(0, static_cast<double>(i + 1)))]);
    ProgressBar bar(n);
    double loss_sum = 0, correct = 0;
    for (std::int64_t start = 0; start < n; start += c.batch) {
      std::int64_t end = std::min(start + c.batch, n);
      gl::Tensor picked = gl::tensor(std::vector<double>(order.begin() + start, order.begin() + end), {end - start});
      gl::Tensor x = prepare(standardize(train_x.index_select(0, picked))), y = train_y.index_select(0, picked);
      gl::Tensor logits = model(x);
      gl::Tensor loss = loss_fn(logits, y);
      optimizer.zero_grad();
      loss.backward(false);  // false: free the graph now, its memory is needed again at once
      optimizer.step();
      losses.push_back(loss.item());
      loss_sum += loss.item() * static_cast<double>(end - start);
      std::vector<double> p = predictions(logits), t = y.to_vector();
      for (std::size_t i = 0; i < p.size(); ++i) correct += p[i] == t[i];
      bar.show(epoch, c.epochs, end, loss_sum / static_cast<double>(end), correct / static_cast<double>(end));
    }
    epoch_losses.push_back(loss_sum / static_cast<double>(n));
    schedule.step();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Evaluation: no graph, no dropout.
  model.eval();
  const std::int64_t m = data.test_images.shape()[0];
  std::vector<double> predicted;
  {
    gl::NoGradGuard no_grad;
    for (std::int64_t start = 0; start < m; start += 500) {
      std::vector<double> p = predictions(model(prepare(standardize(data.test_images.slice(0, start, std::min(start + 500, m))))));
      predicted.insert(predicted.end(), p.begin(), p.end());
    }
  }
  std::vector<double> truth = data.test_labels.to_vector();
  std::vector<double> wrong;
  std::vector<std::string> captions;
  for (std::size_t i = 0; i < truth.size(); ++i)
    if (predicted[i] != truth[i]) {
      if (wrong.size() < 40) {
        wrong.push_back(static_cast<double>(i));
        captions.push_back(std::to_string(static_cast<int>(truth[i])) + " -> " + std::to_string(static_cast<int>(predicted[i])));
      }
    }
  std::int64_t errors = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) errors += predicted[i] != truth[i];
  double accuracy = 1.0 - static_cast<double>(errors) / static_cast<double>(m);

  std::filesystem::create_directories(c.out);
  std::vector<double> epoch_ends;  // the mean of each epoch, drawn at its last batch
  for (std::size_t e = 1; e <= epoch_losses.size(); ++e)
    epoch_ends.push_back(static_cast<double>(e * losses.size() / epoch_losses.size() - 1));
  gl::viz::plot_lines(c.out + "/loss.png", {{"loss per batch", losses, {}}, {"epoch mean", epoch_losses, epoch_ends}},
                      {c.name + ": training loss", "batch", "cross-entropy", true});
  if (!wrong.empty()) {
    gl::Tensor images = data.test_images.index_select(0, gl::tensor(wrong, {static_cast<std::int64_t>(wrong.size())}));
    gl::viz::plot_images(c.out + "/misclassified.png", images.reshape({-1, 28, 28}), captions,
                         {"misclassified test digits (true -> predicted)", 10, 3});
  }
  std::string pictures = c.out + "/loss.png, " + c.out + "/misclassified.png, " + c.out + "/graph.png";
  {
    // The graph of one loss at tensor granularity after backward(): one box
    // per op, the parameters in yellow (two test digits as the batch).
    for (auto& [name, p] : model.named_parameters()) p.set_label(name);  // "0.weight", ...
    // The first test digit and the one half-way (the digits come sorted by class: a 0 and a 5).
    gl::Tensor pick = gl::tensor({0.0, static_cast<double>(m / 2)}, {2});
    gl::Tensor x = prepare(standardize(data.test_images.index_select(0, pick))).set_label("images");
    gl::Tensor logits = model(x).set_label("logits");
    gl::Tensor loss = loss_fn(logits, data.test_labels.index_select(0, pick)).set_label("loss");
    model.zero_grad();
    loss.backward();  // so every box shows its gradient for this loss
    gl::viz::render(loss, c.out + "/graph.png", {.dot = {.rankdir = gl::viz::RankDir::TB,
                                                                 .title = c.name + ": the graph of a loss"}});
    // A first layer that reads 784 pixels: its gradient's rows as 28 x 28
    // pictures. Row j is dL/dW1[j] = sum over the batch of dL/dh[i, j] * x[i]:
    // the input digits weighted by how much unit j's output moves the loss
    // (a digit the model already gets right adds little).
    gl::Tensor first = model.parameters().front();
    if (first.dim() == 2 && first.shape()[1] == 784) {
      // The 8 rows with the largest gradients (many units are off for these two digits).
      gl::Tensor grad = first.grad().detach();
      const std::size_t units = static_cast<std::size_t>(grad.shape()[0]);
      std::vector<double> mass(units, 0.0);
      for (std::size_t j = 0; j < units; ++j)
        for (std::size_t i = 0; i < 784; ++i) mass[j] += std::abs(grad.data()[j * 784 + i]);
      std::vector<double> top(units);  // unit numbers, the largest gradient first
      std::iota(top.begin(), top.end(), 0.0);
      std::stable_sort(top.begin(), top.end(), [&](double a, double b) {
        return mass[static_cast<std::size_t>(a)] > mass[static_cast<std::size_t>(b)];
      });
      top.resize(std::min<std::size_t>(8, units));
      gl::Tensor rows = grad.index_select(0, gl::tensor(top, {static_cast<std::int64_t>(top.size())}));
      double scale = 0;  // the largest magnitude: the darkest blue and red
      for (double g : rows.data()) scale = std::max(scale, std::abs(g));
      std::vector<std::string> titles;
      for (double j : top) titles.push_back("unit " + std::to_string(static_cast<int>(j)));
      gl::viz::plot_heatmaps(c.out + "/first_layer_grad.png", rows.reshape({-1, 28, 28}), titles, {}, {},
                             {.title = "dL/dW1 for two test digits: the 8 largest rows as 28 x 28 (blue < 0 < red)",
                              .columns = 8, .cell = 5, .low = -scale, .high = scale > 0 ? scale : 1});
      pictures += ", " + c.out + "/first_layer_grad.png";
    }
  }
  gl::optim::save(c.out + "/model.gl", model.named_parameters(), optimizer, &schedule);
  char line[200];
  std::snprintf(line, sizeof line, "trained %d epochs in %.1f s (%.2f s/epoch)\n", c.epochs, seconds, seconds / c.epochs);
  std::string trained = line;
  for (std::size_t e = 0; e < epoch_losses.size(); ++e) {
    std::snprintf(line, sizeof line, "  epoch %zu: mean training loss %.4f\n", e + 1, epoch_losses[e]);
    trained += line;
  }
  std::snprintf(line, sizeof line, "test_accuracy: %.4f\n", accuracy);
  const std::string result = line;
  // The page: the same text and every picture, a step each.
  std::vector<gl::viz::Frame> frames;
  frames.push_back({.text = about.str() + trained, .png = c.out + "/loss.png"});
  if (!wrong.empty())
    frames.push_back({.text = "The test digits it gets wrong (the first 40 of " + std::to_string(errors) +
                                  " among " + std::to_string(m) + "), the true class -> the predicted one.",
                      .checks = result,
                      .png = c.out + "/misclassified.png"});
  frames.push_back({.text = "The graph of one loss (two test digits as the batch) after backward(), one box per "
                            "tensor op:\nthe parameters in yellow, each big tensor's data and gradient as heat maps "
                            "in its box.\nA click on the picture shows it at full size.",
                    .checks = result, .png = c.out + "/graph.png"});
  if (pictures.find("first_layer_grad") != std::string::npos)
    frames.push_back({.text = "The first layer's gradient for those two digits: its 8 largest rows, each drawn as "
                              "28 x 28.\nRow j is the input digits weighted by how much unit j moves the loss, "
                              "so the digits show.",
                      .checks = result, .png = c.out + "/first_layer_grad.png"});
  const std::string page = course::write_page(c.out, frames);
  std::cout << trained;
  std::printf("pictures: %s; model: %s/model.gl; page: %s\n", pictures.c_str(), c.out.c_str(), page.c_str());
  std::cout << result;
  return 0;
}

// Trains `model` on MNIST and reports on the test digits. `prepare` turns a
// batch of flat images (B, 784) into the model's input. The learning rate
// follows a cosine from its start to 0 over the epochs.
inline int run(const Config& c, gl::nn::Module& model, gl::optim::Optimizer& optimizer,
               const std::function<gl::Tensor(const gl::Tensor&)>& prepare) {
  gl::Mnist data;
  try {
    data = gl::load_mnist(c.data);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  // The output folder is made first, so a bad --out fails now, not after training.
  std::error_code made;
  std::filesystem::create_directories(c.out, made);
  if (!std::filesystem::is_directory(c.out)) {
    std::cerr << "cannot make the output folder " << c.out << (made ? ": " + made.message() : "") << "\n";
    return 2;
  }
  try {
    return train_and_test(c, data, model, optimizer, prepare);
  } catch (const std::exception& e) {  // a picture or the model could not be written
    std::cerr << e.what() << "\n";
    return 1;
  }
}


}  // namespace mnist_training
