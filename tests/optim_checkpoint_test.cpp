// SPDX-License-Identifier: MIT
// Checkpoints: training stopped, saved, loaded into a fresh model and
// optimizer and continued gives bit-identical parameters to training that
// never stopped; a load that fails changes neither model nor optimizer.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <gradlab/optim.hpp>

#include "optim_helpers.hpp"
#include "test_helpers.hpp"

namespace fs = std::filesystem;
namespace gl = gradlab;
namespace optim = gradlab::optim;
using gl::NamedTensors;
using gl::Tensor;
using gl::testing::error_of;
using gl::testing::TempDir;

namespace {

// A tiny model: out_i = sum_j w_ij x_ij + b_i, and a parameter the loss never
// uses (so it never gets a gradient, and never any optimizer state).
struct Model {
  Tensor w, b, unused;
  explicit Model(double start)
      : w(gl::full({2, 3}, start).requires_grad_()), b(gl::full({2}, -start).requires_grad_()),
        unused(gl::full({4}, start).requires_grad_()) {}
  NamedTensors named() const { return {{"w", w}, {"b", b}, {"unused", unused}}; }
  std::vector<Tensor> params() const { return {w, b, unused}; }
  void train(optim::Optimizer& opt, int steps) const {
    Tensor x = gl::tensor({{1, 2, 3}, {-1, 0.5, 2}}), y = gl::tensor({1, -2});
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      ((w * x).sum(1) + b - y).pow(2).sum().backward();
      opt.step();
    }
  }
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}
bool same_bits(const NamedTensors& a, const NamedTensors& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || !same_bits(a[i].second.data(), b[i].second.data())) return false;
  return true;
}
NamedTensors snapshot(const NamedTensors& t) {  // copies, not handles
  NamedTensors out;
  for (const auto& [name, x] : t) out.emplace_back(name, x.detach());
  return out;
}

using MakeOptimizer = std::unique_ptr<optim::Optimizer> (*)(const Model&);
const MakeOptimizer kOptimizers[] = {
    [](const Model& m) -> std::unique_ptr<optim::Optimizer> {
      return std::make_unique<optim::SGD>(m.params(), optim::SGDOptions(0.01).momentum(0.9).nesterov(true));
    },
    [](const Model& m) -> std::unique_ptr<optim::Optimizer> {
      return std::make_unique<optim::Adam>(m.params(), optim::AdamOptions(0.05).amsgrad(true));
    },
    [](const Model& m) -> std::unique_ptr<optim::Optimizer> {
      return std::make_unique<optim::AdamW>(m.params(), optim::AdamWOptions(0.05));
    },
    [](const Model& m) -> std::unique_ptr<optim::Optimizer> {
      return std::make_unique<optim::RMSprop>(
          m.params(), optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
    },
};

}  // namespace

BOOST_AUTO_TEST_SUITE(optim_checkpoint_test)

BOOST_AUTO_TEST_CASE(continued_training_is_bit_identical) {
  TempDir dir{"checkpoint_test"};
  for (MakeOptimizer make : kOptimizers) {
    // Uninterrupted: 20 steps.
    Model straight(0.5);
    auto opt_straight = make(straight);
    straight.train(*opt_straight, 20);
    // Interrupted: 10 steps, save, load into a fresh model and optimizer
    // (other numbers, no state yet), 10 more.
    Model first(0.5);
    auto opt_first = make(first);
    first.train(*opt_first, 10);
    optim::save(dir.file("ckpt.gl"), first.named(), *opt_first);
    Model resumed(-3);
    auto opt_resumed = make(resumed);
    BOOST_TEST(opt_resumed->named_state().size() == 1u);  // only "lr": no state before a step
    optim::load(dir.file("ckpt.gl"), resumed.named(), *opt_resumed);
    BOOST_TEST(same_bits(opt_resumed->named_state(), opt_first->named_state()));  // state created
    resumed.train(*opt_resumed, 10);
    BOOST_TEST(same_bits(resumed.named(), straight.named()), opt_straight->name());
    BOOST_TEST(same_bits(opt_resumed->named_state(), opt_straight->named_state()));
  }
}

BOOST_AUTO_TEST_CASE(the_learning_rate_is_saved) {
  TempDir dir{"checkpoint_test"};
  Model m(0.5);
  optim::SGD opt(m.params(), optim::SGDOptions(0.1));
  optim::StepLR schedule(opt, 1, 0.5);
  schedule.step();
  optim::save(dir.file("ckpt.gl"), m.named(), opt);
  Model m2(0.5);
  optim::SGD opt2(m2.params(), optim::SGDOptions(0.1));
  optim::load(dir.file("ckpt.gl"), m2.named(), opt2);
  BOOST_TEST(opt2.lr() == 0.05);
}

BOOST_AUTO_TEST_CASE(the_schedule_resumes_where_it_stopped) {
  TempDir dir{"checkpoint_test"};
  Model m(0.5);
  optim::SGD opt(m.params(), optim::SGDOptions(0.1));
  optim::CosineAnnealingLR schedule(opt, 10);
  for (int epoch = 0; epoch < 3; ++epoch) schedule.step();
  optim::save(dir.file("ckpt.gl"), m.named(), opt, &schedule);
  schedule.step();  // where training without the save would go next
  double fourth = opt.lr();

  Model m2(0.5);
  optim::SGD opt2(m2.params(), optim::SGDOptions(0.7));  // another lr: the file's wins
  optim::CosineAnnealingLR schedule2(opt2, 10);
  optim::load(dir.file("ckpt.gl"), m2.named(), opt2, &schedule2);
  BOOST_TEST(schedule2.last_epoch() == 3);
  schedule2.step();
  BOOST_TEST(opt2.lr() == fourth);  // 0.05 (1 + cos(4 pi / 10)) from base 0.1, bit for bit

  // A checkpoint without a schedule, loaded with one: refused, nothing changed.
  optim::save(dir.file("plain.gl"), m.named(), opt);
  std::string plain = dir.file("plain.gl");
  BOOST_TEST(error_of([&] { optim::load(plain, m2.named(), opt2, &schedule2); }) ==
             "load: " + plain + ": the checkpoint holds no scheduler state");
  BOOST_TEST(schedule2.last_epoch() == 4);
  // A bad epoch count: refused before the optimizer or the schedule change.
  gl::save(dir.file("bad.gl"), [&] {
    NamedTensors all;
    for (auto& [name, t] : m.named()) all.emplace_back("model." + name, t);
    for (auto& [name, t] : opt.named_state()) all.emplace_back("optim." + name, t);
    all.emplace_back("sched.base_lr", gl::tensor({0.1}, {1}));
    all.emplace_back("sched.last_epoch", gl::tensor({-2.0}, {1}));
    return all;
  }());
  double lr_before = opt2.lr();
  BOOST_TEST(error_of([&] { optim::load(dir.file("bad.gl"), m2.named(), opt2, &schedule2); }).find(
                 "scheduler state needs a finite base_lr >= 0 and a whole last_epoch >= 0") != std::string::npos);
  BOOST_TEST(opt2.lr() == lr_before);
  BOOST_TEST(schedule2.last_epoch() == 4);
}

BOOST_AUTO_TEST_CASE(a_failed_load_changes_nothing) {
  TempDir dir{"checkpoint_test"};
  Model sgd_model(0.5);
  optim::SGD sgd(sgd_model.params(), optim::SGDOptions(0.1).momentum(0.9));
  sgd_model.train(sgd, 3);
  optim::save(dir.file("sgd.gl"), sgd_model.named(), sgd);

  Model m(1.5);
  optim::Adam adam(m.params(), optim::AdamOptions(0.01));
  m.train(adam, 2);
  NamedTensors params_before = snapshot(m.named()), state_before = adam.named_state();
  auto refusal = [&](const std::string& path, const NamedTensors& into) {
    std::string message = error_of([&] { optim::load(path, into, adam); });
    BOOST_TEST(same_bits(m.named(), params_before));
    BOOST_TEST(same_bits(adam.named_state(), state_before));
    return message;
  };
  // The parameters fit but the optimizer's state is SGD's, not Adam's.
  std::string path = dir.file("sgd.gl");
  BOOST_TEST(refusal(path, m.named()) ==
             "load: " + path + ": Adam: load_named_state: unknown entry '0.momentum_buffer' "
                               "(Adam keeps step, exp_avg, exp_avg_sq)");
  // The parameters do not fit.
  NamedTensors renamed = m.named();
  renamed[0].first = "weight";
  BOOST_TEST(refusal(path, renamed) ==
             "load: " + path + ": parameter 0 is named 'w' in the file but 'weight' in the model");
  // A corrupted file.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() - 20] ^= 1;
  std::ofstream(dir.file("bad.gl"), std::ios::binary) << bytes;
  BOOST_TEST(refusal(dir.file("bad.gl"), m.named()) ==
             "load: " + dir.file("bad.gl") + ": checksum mismatch (the file is corrupted)");
  // A plain parameter file is not a checkpoint.
  gl::save(dir.file("plain.gl"), m.named());
  BOOST_TEST(refusal(dir.file("plain.gl"), m.named()) ==
             "load: " + dir.file("plain.gl") +
                 ": entry 'w' is neither 'model.*', 'optim.*' nor 'sched.*' (not a checkpoint?)");
}

BOOST_AUTO_TEST_CASE(only_regular_files_are_read) {
  TempDir dir{"checkpoint_test"};
  Model m(1.5);
  optim::Adam adam(m.params(), optim::AdamOptions(0.01));
  optim::StepLR sched(adam, 2, 0.5);
  m.train(adam, 2);
  NamedTensors params_before = snapshot(m.named()), state_before = adam.named_state(),
               sched_before = sched.named_state();
  auto unchanged = [&] {
    return same_bits(m.named(), params_before) && same_bits(adam.named_state(), state_before) &&
           same_bits(sched.named_state(), sched_before);
  };
  fs::path fifo = dir.path / "pipe.gl";
  BOOST_TEST(gl::testing::error_reading_fifo(fifo, [&] { optim::load(fifo.string(), m.named(), adam, &sched); }) ==
             "load: " + fifo.string() + ": is not a regular file (it is a FIFO)");
  BOOST_TEST(unchanged());
  fs::path zero = dir.path / "zero.gl";
  fs::create_symlink("/dev/zero", zero);
  BOOST_TEST(error_of([&] { optim::load(zero.string(), m.named(), adam, &sched); }) ==
             "load: " + zero.string() + ": is not a regular file (it is a character device)");
  BOOST_TEST(error_of([&] { optim::load(dir.path.string(), m.named(), adam); }) ==
             "load: " + dir.path.string() + ": is a directory, not a file");
  // A checkpoint grown past its header's size (a hole of a gigabyte after it):
  // refused from the sizes, before the rest is read.
  std::string path = dir.file("ck.gl");
  optim::save(path, m.named(), adam, &sched);
  std::uint64_t saved = fs::file_size(path);
  fs::resize_file(path, std::uint64_t{1} << 30);
  BOOST_TEST(error_of([&] { optim::load(path, m.named(), adam, &sched); }) ==
             "load: " + path + ": corrupted (the header says " + std::to_string(saved) +
                 " bytes, found " + std::to_string(std::uint64_t{1} << 30) + ")");
  BOOST_TEST(unchanged());
}

BOOST_AUTO_TEST_CASE(load_named_state_checks_everything_first) {
  Model m(0.5);
  optim::Adam adam(m.params(), optim::AdamOptions(0.01));
  m.train(adam, 1);
  NamedTensors good = adam.named_state(), before = adam.named_state();
  auto refusal = [&](NamedTensors state) {
    std::string message = error_of<std::invalid_argument>([&] { adam.load_named_state(state); });
    BOOST_TEST(same_bits(adam.named_state(), before));
    return message;
  };
  NamedTensors partial = good;
  partial.pop_back();  // drop "1.exp_avg_sq"
  BOOST_TEST(refusal(partial) ==
             "Adam: load_named_state: parameter 1 has some state but no '1.exp_avg_sq'");
  NamedTensors reshaped = good;
  reshaped[3].second = gl::zeros({3, 2});  // "0.exp_avg_sq"
  BOOST_TEST(refusal(reshaped) == "Adam: load_named_state: entry '0.exp_avg_sq' has shape [3, 2] "
                                  "but parameter 0 has shape [2, 3]");
  NamedTensors beyond = good;
  beyond.emplace_back("7.step", gl::ones({1}));
  BOOST_TEST(refusal(beyond) == "Adam: load_named_state: unknown entry '7.step' (expected 'lr' or "
                                "'<i>.<state>' for parameters 0 to 2)");
  NamedTensors bad_step = good;
  bad_step[1].second = gl::full({1}, 0.5);
  BOOST_TEST(refusal(bad_step) ==
             "Adam: load_named_state: entry '0.step' must be a whole number >= 1, got 0.5");
  NamedTensors no_lr(good.begin() + 1, good.end());
  BOOST_TEST(refusal(no_lr) == "Adam: load_named_state: no valid 'lr' entry (a learning rate >= 0)");
  // An empty state but for lr: back to no state at all, as before the first step.
  adam.load_named_state({{"lr", gl::full({1}, 0.5)}});
  BOOST_TEST(adam.named_state().size() == 1u);
  BOOST_TEST(adam.lr() == 0.5);
}

BOOST_AUTO_TEST_SUITE_END()
