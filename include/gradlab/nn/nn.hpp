// SPDX-License-Identifier: MIT
// Every tensor module, layer and loss: #include <gradlab/nn/nn.hpp>.
#pragma once

#include <gradlab/nn/activation.hpp>
#include <gradlab/nn/attention.hpp>
#include <gradlab/nn/container.hpp>
#include <gradlab/nn/functional.hpp>
#include <gradlab/nn/init.hpp>
#include <gradlab/nn/layer_stats.hpp>
#include <gradlab/nn/layers.hpp>
#include <gradlab/nn/loss.hpp>
#include <gradlab/nn/module.hpp>
#include <gradlab/nn/options.hpp>
#include <gradlab/nn/transformer.hpp>
