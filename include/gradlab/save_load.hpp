// SPDX-License-Identifier: MIT
// LibTorch's argument order for saving and loading: save(model, path),
// load(model, path), save(optimizer, path), load(optimizer, path), beside
// serialize.hpp's save(path, named_tensors). A model's file holds its
// parameters and its buffers (BatchNorm's running statistics) under their
// names; an optimizer's holds its named_state(). Same format, same checks:
// a load that does not fit changes nothing. (optim/checkpoint.hpp keeps
// both in one file.)
#pragma once

#include <memory>
#include <string>

#include <gradlab/nn/module.hpp>
#include <gradlab/optim/optimizer.hpp>
#include <gradlab/serialize.hpp>

namespace gradlab {

void save(const nn::Module& module, const std::string& path);
void load(nn::Module& module, const std::string& path);
// The same through a pointer, as LibTorch programs hold their models.
void save(const std::shared_ptr<nn::Module>& module, const std::string& path);
void load(const std::shared_ptr<nn::Module>& module, const std::string& path);
void save(const optim::Optimizer& optimizer, const std::string& path);
void load(optim::Optimizer& optimizer, const std::string& path);

}  // namespace gradlab
