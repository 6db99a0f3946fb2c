// SPDX-License-Identifier: MIT
// A checkpoint: a model's parameters and its optimizer's state in one file
// (serialize.hpp's format), so training can stop and resume bit for bit.
// Names are prefixed: "model.fc1.weight", "optim.lr", "optim.0.exp_avg",
// and, when a learning-rate scheduler is given, "sched.last_epoch".
#pragma once

#include <string>

#include <gradlab/optim/optimizer.hpp>
#include <gradlab/optim/scheduler.hpp>
#include <gradlab/serialize.hpp>

namespace gradlab::optim {

// Writes `params` and optimizer.named_state() to `path`, all or nothing.
void save(const std::string& path, const NamedTensors& params, const Optimizer& optimizer,
          const LRScheduler* scheduler = nullptr);

// Reads `path` and, only if everything in it fits (the file's own checks,
// then the parameters' names and shapes, then the optimizer's state, then the
// scheduler's when one is given), copies the parameters and replaces the
// optimizer's (and scheduler's) state. Otherwise throws
// std::runtime_error("load: <path>: <problem>") and changes none of them.
void load(const std::string& path, const NamedTensors& params, Optimizer& optimizer,
          LRScheduler* scheduler = nullptr);

}  // namespace gradlab::optim
