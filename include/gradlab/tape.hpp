// SPDX-License-Identifier: MIT
// The tape of a backward pass, an engine feature: one step per op node, in
// the order the engine sweeps them, with the node's own gradient (upstream)
// and, for each operand, what the step passes back and the operand's gradient
// so far; for scalars also the local derivative. The course and the lesson
// pages (viz) print and draw it; they only read it.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <gradlab/node.hpp>
#include <gradlab/tensor.hpp>
#include <gradlab/value.hpp>

namespace gradlab {

// One operand of the node being swept.
struct TapeEdge {
  const Node* operand;
  std::string name;     // its label, or v<N> as to_dot numbers it
  int uses;             // how often the op takes it (a*a: 2)
  double local;         // d(node)/d(operand), summed over its uses
  double contribution;  // upstream * local: what this step adds to its gradient
  double accumulated;   // the operand's gradient after this step
  std::vector<double> local_each;  // each use's own local derivative (a*a: a, a)
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
// accumulated gradient; one line per operand, and one per use for an
// operand used more than once ("a (use 1)", "a (use 2)"), so that each
// use's contribution is seen arriving and the last row holds their sum.
struct TapeRow {
  std::string operand;  // "a", or "a (use 2)" for the second use of a
  double local, contribution, accumulated;
};
std::vector<TapeRow> tape_rows(const TapeStep& step);
// The widths of the three text columns: the headers' at least, widened to
// the longest node, op and operand name of the steps to be printed, so that
// a long name ("x1*w1 + x2*w2") does not push its row out of line.
struct TapeColumns {
  std::size_t node = 10, op = 6, operand = 10;
};
TapeColumns tape_columns(const std::vector<TapeStep>& steps);
void print_tape_header(std::ostream& os, const TapeColumns& columns = {});
void print_tape_step(std::ostream& os, const TapeStep& step, const TapeColumns& columns = {});
std::ostream& operator<<(std::ostream& os, const std::vector<TapeStep>& tape);  // widened to fit

// The same for a tensor graph. A tensor op's local derivative is a whole
// Jacobian, so a step shows what it passes back (the contribution, the
// difference in the operand's gradient that this step made) and the
// gradient so far, each summarised as the pictures show a tensor: its shape
// and its values, or min / mean / max when it has more than 6.
struct TensorTapeEdge {
  const Node* operand;
  std::string name;
  std::string contribution;
  std::string accumulated;
};

struct TensorTapeStep {
  const Node* node;
  std::string name;
  std::string op;
  std::string upstream;
  std::vector<TensorTapeEdge> edges;
};

// root.backward() for a one-element tensor, recorded. Throws
// std::invalid_argument for a root with more than one element.
std::vector<TensorTapeStep> backward_with_tape(const Tensor& root,
                                               const std::function<void(const TensorTapeStep&)>& on_step = {});
void print_tape_step(std::ostream& os, const TensorTapeStep& step);

}  // namespace gradlab
