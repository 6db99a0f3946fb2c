// SPDX-License-Identifier: MIT
// The backward tape moved into the core (gradlab/tape.hpp); its names stay
// reachable here as gradlab::viz::... for code written against the old header.
#pragma once

#include <gradlab/tape.hpp>

namespace gradlab::viz {
using gradlab::backward_with_tape;
using gradlab::print_tape_header;
using gradlab::print_tape_step;
using gradlab::TapeEdge;
using gradlab::TapeStep;
using gradlab::TensorTapeEdge;
using gradlab::TensorTapeStep;
}  // namespace gradlab::viz
