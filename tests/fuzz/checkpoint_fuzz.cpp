// SPDX-License-Identifier: MIT
// libFuzzer target for the checkpoint reader (optim/checkpoint.hpp): any
// bytes, loaded into SGD, Adam and RMSprop with a StepLR schedule, must load
// or be refused with std::runtime_error; never a crash, an overread or a leak.
// Each input is tried as it is and with its size and checksum made valid.
// Seeds: tests/fuzz/checkpoint_corpus (written by make_seeds.cpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <gradlab/optim.hpp>

#include "memory_file.hpp"

namespace gl = gradlab;
namespace optim = gradlab::optim;

namespace {

// The seeds' model: w (2, 3), b (2), and a parameter that never has a gradient.
struct Model {
  gl::Tensor w = gl::full({2, 3}, 0.5).requires_grad_(), b = gl::full({2}, -0.5).requires_grad_(),
             unused = gl::full({4}, 0.5).requires_grad_();
  gl::NamedTensors named() const { return {{"w", w}, {"b", b}, {"unused", unused}}; }
  std::vector<gl::Tensor> params() const { return {w, b, unused}; }
};

void try_load(const std::string& path, const Model& m, optim::Optimizer& opt) {
  optim::StepLR sched(opt, 2, 0.5);
  try {
    optim::load(path, m.named(), opt, &sched);
  } catch (const std::runtime_error&) {
  }
  try {
    optim::load(path, m.named(), opt);
  } catch (const std::runtime_error&) {
  }
}

// The file loaded into each optimizer, with and without a schedule.
void load_into_each(const std::string& path) {
  {
    Model m;
    optim::SGD sgd(m.params(), optim::SGDOptions(0.01).momentum(0.9).nesterov(true));
    try_load(path, m, sgd);
  }
  {
    Model m;
    optim::Adam adam(m.params(), optim::AdamOptions(0.05).amsgrad(true));
    try_load(path, m, adam);
  }
  {
    Model m;
    optim::RMSprop rmsprop(m.params(), optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
    try_load(path, m, rmsprop);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gl::fuzz::MemoryFile file;
  file.fill(data, size);
  load_into_each(file.path());
  // The same bytes with a valid size and checksum: on to the names, shapes
  // and state that the optimizers and the schedule check.
  if (std::string fixed = gl::fuzz::with_valid_checksum(data, size); !fixed.empty()) {
    file.fill(fixed);
    load_into_each(file.path());
  }
  return 0;
}
