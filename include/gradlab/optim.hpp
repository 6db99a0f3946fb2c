// SPDX-License-Identifier: MIT
// The optimizers, the learning-rate schedulers and checkpoints:
// #include <gradlab/optim.hpp>, then gradlab::optim::Adam and friends.
#pragma once

#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/checkpoint.hpp>
#include <gradlab/optim/optimizer.hpp>
#include <gradlab/optim/rmsprop.hpp>
#include <gradlab/optim/scheduler.hpp>
#include <gradlab/optim/sgd.hpp>
