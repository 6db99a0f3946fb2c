// SPDX-License-Identifier: MIT
// Everything in gradlab's core: #include <gradlab/gradlab.hpp>.
// The pictures are in <gradlab/viz/...> (library gradlab::viz).
#pragma once

#include <gradlab/autograd_function.hpp>
#include <gradlab/data_loader.hpp>
#include <gradlab/datasets.hpp>
#include <gradlab/engine.hpp>
#include <gradlab/explode.hpp>
#include <gradlab/grad.hpp>
#include <gradlab/grad_mode.hpp>
#include <gradlab/gradcheck.hpp>
#include <gradlab/mnist.hpp>
#include <gradlab/nn/nn.hpp>
#include <gradlab/node.hpp>
#include <gradlab/number_text.hpp>
#include <gradlab/op.hpp>
#include <gradlab/optim.hpp>
#include <gradlab/random.hpp>
#include <gradlab/save_load.hpp>
#include <gradlab/serialize.hpp>
#include <gradlab/tape.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/text.hpp>
#include <gradlab/tokenizer.hpp>
#include <gradlab/value.hpp>
#include <gradlab/value_nn.hpp>
#include <gradlab/words.hpp>
