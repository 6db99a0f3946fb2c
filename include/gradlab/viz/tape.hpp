// SPDX-License-Identifier: MIT
// The tape of a backward pass over a scalar graph: one step per op node, in
// the order the engine sweeps them, with the node's own gradient (upstream)
// and, for each operand, the local derivative, what the step passes back and
// the operand's gradient so far. The course prints it beside its pictures.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/value.hpp>

namespace gradlab::viz {

// One operand of the node being swept.
struct TapeEdge {
  const Node* operand;
  std::string name;     // its label, or v<N> as to_dot numbers it
  int uses;             // how often the op takes it (a*a: 2)
  double local;         // d(node)/d(operand), summed over its uses
  double contribution;  // upstream * local: what this step adds to its gradient
  double accumulated;   // the operand's gradient after this step
};

// One backward step: the chain rule applied at one node.
struct TapeStep {
  const Node* node;
  std::string name;
  std::string op;
  double upstream;              // d(root)/d(node), complete when the sweep gets here
  std::vector<TapeEdge> edges;  // operands that take a gradient, in order
};

// Runs root.backward() through the engine's observer and records the tape,
// calling on_step after each op node's step (leaves have no step). Inner
// nodes start from gradient 0; leaves accumulate, as in Value::backward.
// Every node must be a scalar (a Value graph), else std::invalid_argument.
std::vector<TapeStep> backward_with_tape(const Value& root,
                                         const std::function<void(const TapeStep&)>& on_step = {});

// The table: node, op, upstream, operand, local derivative, contribution,
// accumulated gradient; one line per operand.
void print_tape_header(std::ostream& os);
void print_tape_step(std::ostream& os, const TapeStep& step);
std::ostream& operator<<(std::ostream& os, const std::vector<TapeStep>& tape);

}  // namespace gradlab::viz
