// SPDX-License-Identifier: MIT
// save/load of a module or an optimizer, LibTorch's argument order, through
// serialize.cpp's file format.

#include <gradlab/save_load.hpp>

#include <stdexcept>

namespace gradlab {

namespace {

NamedTensors state_of(const nn::Module& module) {
  NamedTensors all = module.named_parameters();
  for (auto& named : module.named_buffers()) all.push_back(named);
  return all;
}

}  // namespace

void save(const nn::Module& module, const std::string& path) { save(path, state_of(module)); }
void load(nn::Module& module, const std::string& path) { load(path, state_of(module)); }
void save(const std::shared_ptr<nn::Module>& module, const std::string& path) {
  if (!module) throw std::invalid_argument("save: the module is null ('" + path + "' not written)");
  save(*module, path);
}

void load(const std::shared_ptr<nn::Module>& module, const std::string& path) {
  if (!module) throw std::invalid_argument("load: the module is null ('" + path + "' not read)");
  load(*module, path);
}

void save(const optim::Optimizer& optimizer, const std::string& path) { save(path, optimizer.named_state()); }

void load(optim::Optimizer& optimizer, const std::string& path) {
  NamedTensors state = read(path);  // the file's own checks first
  try {
    optimizer.load_named_state(state);  // checks everything before it changes anything
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("load: " + path + ": " + e.what());
  }
}

}  // namespace gradlab
