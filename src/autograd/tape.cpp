// SPDX-License-Identifier: MIT
// The backward tape (tape.hpp), an engine feature: recording backward one
// node at a time. The local derivatives are exact:
// before the sweep, each op's own backward is run once with its output's
// gradient set to 1 and each operand slot pointing at a stand-in (the same
// number, gradient 0), so what it adds to a stand-in is d(out)/d(that use).
// Then the engine sweeps, and its observer reads the gradients after every
// step.

#include <gradlab/tape.hpp>

#include <algorithm>
#include <memory>
#include <span>
#include <ostream>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <gradlab/engine.hpp>
#include <gradlab/number_text.hpp>

namespace gradlab {

namespace {

ScalarNode& scalar(const Node& n) { return static_cast<ScalarNode&>(const_cast<Node&>(n)); }

// What the engine would refuse, refused before the tape touches a gradient
// (its probe runs ops' backward steps, which need the parents a freed graph
// has dropped).
void check_graph(const Node& root) {
  if (!root.requires_grad())
    throw std::logic_error("backward_with_tape: this result does not require grad, so there is "
                           "no graph to backpropagate through");
  for (const Node* n : engine::topological_order(root))
    if (n->flags & kGraphFreed)
      throw std::logic_error("backward_with_tape: part of this graph was freed by an earlier "
                             "backward(retain_graph=false); build it again");
}

// The operands of n that take a gradient, each once, with the slots it
// fills (a*a: both).
struct Uses {
  Node* operand;
  std::vector<std::size_t> slots;
};
std::vector<Uses> operands(const Node& n) {
  std::vector<Uses> uses;
  std::span<Node* const> parents = n.parents();
  for (std::size_t i = 0; i < parents.size(); ++i) {
    Node* p = parents[i];
    if (!p->requires_grad()) continue;
    auto it = std::find_if(uses.begin(), uses.end(), [&](auto& u) { return u.operand == p; });
    if (it == uses.end()) uses.push_back({p, {i}});
    else it->slots.push_back(i);
  }
  return uses;
}

// d(out)/d(use) for every operand slot: out's backward run once on stand-ins
// (one per slot, so the two uses in a*a are told apart), out.grad = 1. Only
// the slots are touched, and they are put back even if the backward throws.
std::vector<double> local_derivatives(const Node& out) {
  Node& n = const_cast<Node&>(out);
  Node** slots = n.nparents <= 2 ? n.inline_parents : n.parent_array;
  std::vector<Node*> kept(slots, slots + n.nparents);
  std::vector<std::unique_ptr<ScalarNode>> stand_ins;
  for (Node* p : kept) {
    stand_ins.push_back(std::make_unique<ScalarNode>(scalar(*p).data, &kScalarLeaf));
    stand_ins.back()->flags = p->flags & kRequiresGrad;  // a constant stays one (pow asks)
  }
  double kept_out = std::as_const(scalar(out)).grad();
  auto restore = [&] {
    for (std::size_t i = 0; i < kept.size(); ++i) slots[i] = kept[i];
    scalar(out).grad() = kept_out;
  };
  for (std::size_t i = 0; i < kept.size(); ++i) slots[i] = stand_ins[i].get();
  scalar(out).grad() = 1.0;
  try {
    out.op->backward(n);
  } catch (...) {
    restore();  // an op whose backward throws leaves the graph as it was
    throw;
  }
  restore();
  std::vector<double> local;
  for (const auto& s : stand_ins) local.push_back(std::as_const(*s).grad());
  return local;
}

}  // namespace

std::vector<TapeStep> backward_with_tape(const Value& root,
                                         const std::function<void(const TapeStep&)>& on_step) {
  check_graph(*root.node());
  std::vector<const Node*> order = engine::topological_order(*root.node());
  std::unordered_map<const Node*, std::string> names;
  std::unordered_map<const Node*, std::vector<double>> local;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node* n = order[i];
    if (n->op->kind != &kScalarKind)
      throw std::invalid_argument("backward_with_tape: the graph holds a " +
                                  std::string(n->op->kind->name) + " node; the tape is for Values");
    std::string label = node_label(*n);
    names[n] = label.empty() ? std::string("v").append(std::to_string(i)) : label;
  }
  for (const Node* n : order) {
    if (n->is_leaf() || !n->requires_grad()) continue;
    local[n] = local_derivatives(*n);
    scalar(*n).grad() = 0.0;  // not reached yet: pictures show 0 until the sweep fills it
  }

  std::vector<TapeStep> tape;
  auto observe = [&](const Node& n) {
    if (n.is_leaf()) return;
    TapeStep s{&n, names[&n], n.op->name, std::as_const(scalar(n)).grad(), {}};
    const std::vector<double>& d = local[&n];
    for (const Uses& u : operands(n)) {
      std::vector<double> each;
      double sum = 0;
      for (std::size_t slot : u.slots) each.push_back(d[slot]), sum += d[slot];
      s.edges.push_back({u.operand, names[u.operand], static_cast<int>(u.slots.size()), sum,
                         s.upstream * sum, std::as_const(scalar(*u.operand)).grad(), each});
    }
    tape.push_back(s);
    if (on_step) on_step(tape.back());
  };
  engine::backward(
      *root.node(), [](Node& r) { scalar(r).grad() += 1.0; }, true, observe);
  return tape;
}

namespace {

// The columns a name takes on a terminal: one per character, and a UTF-8
// character ("·", "ᵀ") is one lead byte and its continuation bytes.
std::size_t width_of(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// s padded to a column's width: names on the left, numbers on the right.
std::string left(const std::string& s, std::size_t width) {
  return s + std::string(width - std::min(width, width_of(s)), ' ');
}
std::string right(const std::string& s, std::size_t width) {
  return std::string(width - std::min(width, width_of(s)), ' ') + s;
}

// One line of the table, each cell in its column.
std::string tape_line(const TapeColumns& c, const std::string& node, const std::string& op,
                      const std::string& upstream, const std::string& operand, const std::string& local,
                      const std::string& contribution, const std::string& accumulated) {
  return left(node, c.node) + " " + left(op, c.op) + " " + right(upstream, 10) + "   " +
         left(operand, c.operand) + " " + right(local, 10) + " " + right(contribution, 13) + " " +
         right(accumulated, 12) + "\n";
}

}  // namespace

TapeColumns tape_columns(const std::vector<TapeStep>& steps) {
  TapeColumns c;
  for (const TapeStep& s : steps) {
    c.node = std::max(c.node, width_of(s.name));
    c.op = std::max(c.op, width_of(s.op));
    for (const TapeRow& r : tape_rows(s)) c.operand = std::max(c.operand, width_of(r.operand));
  }
  return c;
}

void print_tape_header(std::ostream& os, const TapeColumns& columns) {
  os << tape_line(columns, "node", "op", "upstream", "operand", "local d", "contribution", "accumulated");
}

// An operand used k times gets k rows, one per use, each adding its own
// contribution: the accumulated column shows the sum arriving.
std::vector<TapeRow> tape_rows(const TapeStep& step) {
  std::vector<TapeRow> rows;
  for (const TapeEdge& e : step.edges) {
    double so_far = e.accumulated - e.contribution;  // before this step
    for (std::size_t k = 0; k < e.local_each.size(); ++k) {
      double local = e.local_each[k], contribution = step.upstream * local;
      so_far += contribution;
      rows.push_back({e.name + (e.uses > 1 ? " (use " + std::to_string(k + 1) + ")" : ""), local, contribution,
                      k + 1 == e.local_each.size() ? e.accumulated : so_far});
    }
  }
  return rows;
}

void print_tape_step(std::ostream& os, const TapeStep& step, const TapeColumns& columns) {
  bool first = true;  // the node, its op and its upstream gradient on the first row only
  for (const TapeRow& r : tape_rows(step)) {
    os << tape_line(columns, first ? step.name : "", first ? step.op : "",
                    first ? four_decimals(step.upstream) : "", r.operand, four_decimals(r.local),
                    four_decimals(r.contribution), four_decimals(r.accumulated));
    first = false;
  }
}

std::ostream& operator<<(std::ostream& os, const std::vector<TapeStep>& tape) {
  const TapeColumns columns = tape_columns(tape);
  print_tape_header(os, columns);
  for (const TapeStep& s : tape) print_tape_step(os, s, columns);
  return os;
}

// --- tensors: the observer compares each operand's gradient with the one it
// saw after the previous step; only the node just swept can have changed it.

std::vector<TensorTapeStep> backward_with_tape(const Tensor& root,
                                               const std::function<void(const TensorTapeStep&)>& on_step) {
  if (root.numel() != 1)
    throw std::invalid_argument("backward_with_tape: the root has shape " + to_string(root.shape()) +
                                "; the tape starts from a single number (reduce it with sum() or mean())");
  check_graph(*root.node());
  std::vector<const Node*> order = engine::topological_order(*root.node());
  std::unordered_map<const Node*, std::string> names;
  std::unordered_map<const Node*, std::vector<double>> seen;  // each gradient as the tape last saw it
  auto tensor_node = [](const Node& n) -> TensorNode& { return static_cast<TensorNode&>(const_cast<Node&>(n)); };
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Node* n = order[i];
    if (n->op->kind != &kTensorKind)
      throw std::invalid_argument("backward_with_tape: the graph holds a " + std::string(n->op->kind->name) +
                                  " node; this tape is for Tensors");
    std::string label = node_label(*n);
    names[n] = label.empty() ? std::string("v").append(std::to_string(i)) : label;
  }
  for (const Node* n : order) {  // checked above: now the gradients may change
    TensorNode& t = tensor_node(*n);
    if (!n->is_leaf()) t.grad.clear();  // not reached yet: pictures show no gradient until the sweep fills it
    if (n->requires_grad()) seen[n] = t.grad.empty() ? std::vector<double>(t.data.size(), 0.0) : t.grad;
  }
  auto summary = [](const std::vector<double>& v, const Shape& shape) {
    Tensor t = tensor(v, shape);
    return kTensorKind.data_text(*t.node());
  };
  std::vector<TensorTapeStep> tape;
  auto observe = [&](const Node& n) {
    if (n.is_leaf()) return;
    TensorTapeStep s{&n, names[&n], n.op->name, n.op->kind->grad_text(n), {}};
    for (const Uses& u : operands(n)) {
      Node* p = u.operand;
      TensorNode& t = tensor_node(*p);
      std::vector<double> now = t.grad.empty() ? std::vector<double>(t.data.size(), 0.0) : t.grad;
      std::vector<double>& before = seen[p];
      std::vector<double> added(now.size());
      for (std::size_t i = 0; i < added.size(); ++i) added[i] = now[i] - before[i];
      s.edges.push_back({p, names[p], summary(added, t.shape), summary(now, t.shape)});
      before = std::move(now);
    }
    tape.push_back(std::move(s));
    if (on_step) on_step(tape.back());
  };
  engine::backward(
      *root.node(), [](Node& r) { static_cast<TensorNode&>(r).grad_buffer()[0] += 1.0; }, true, observe);
  return tape;
}

void print_tape_step(std::ostream& os, const TensorTapeStep& step) {
  os << step.name << " (" << step.op << "), upstream " << step.upstream << "\n";
  for (const TensorTapeEdge& e : step.edges)  // two lines each, so that they stay short
    os << "    -> " << e.name << ": += " << e.contribution << "\n"
       << std::string(8 + e.name.size(), ' ') << "now " << e.accumulated << "\n";
}

}  // namespace gradlab
