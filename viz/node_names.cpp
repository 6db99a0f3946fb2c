// SPDX-License-Identifier: MIT
// node_names.hpp: a node's name from its op and its operands' names, in
// topological order so that every operand is named first.
#include "node_names.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include <gradlab/engine.hpp>
#include <gradlab/tensor.hpp>

namespace gradlab::viz::detail {

namespace {

// An operand as it reads inside a longer name: in parentheses when it is
// itself made of several words ("(q @ kᵀ) * 0.5774").
std::string inner(const std::string& name) {
  return name.find(' ') == std::string::npos ? name : "(" + name + ")";
}

// The name of a node made by `op` from operands named `in`.
std::string from_op(const std::string& op, const std::vector<std::string>& in) {
  if ((op == "permute" || op == "transpose" || op == "t") && in.size() == 1) return inner(in[0]) + "ᵀ";
  if (in.size() == 2 && (op == "matmul" || op == "*" || op == "+" || op == "-" || op == "/"))
    return inner(in[0]) + " " + (op == "matmul" ? "@" : op) + " " + inner(in[1]);
  if (op == "matmul_nt" && in.size() == 2) return inner(in[0]) + " @ " + inner(in[1]) + "ᵀ";  // a @ bᵀ
  if (op == "matmul_tn" && in.size() == 2) return inner(in[0]) + "ᵀ @ " + inner(in[1]);  // aᵀ @ b
  if ((op == "neg" || op == "-") && in.size() == 1) return std::string(1, '-').append(inner(in[0]));
  std::string out = op + "(";
  for (std::size_t i = 0; i < in.size(); ++i) out += (i ? ", " : "") + in[i];
  return out + ")";
}

// A constant operand without a label: its value when it is one number.
std::string constant_name(const Node& n) {
  if (n.op->kind == &kTensorKind) {
    const auto& t = static_cast<const TensorNode&>(n);
    if (t.data.size() == 1) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", t.data[0]);
      return buf;
    }
    return "const";
  }
  return n.op->kind->data_text(n);  // a scalar: its number
}

}  // namespace

std::unordered_map<const Node*, std::string> node_names(const Node& root) {
  std::unordered_map<const Node*, std::string> names;
  std::set<std::string> taken;
  std::map<std::string, int> count;  // per op, for the fallback
  const std::vector<const Node*> order = engine::topological_order(root);
  for (const Node* n : order) {
    const std::string label = node_label(*n);
    if (!label.empty()) taken.insert(label);
  }
  for (const Node* n : order) {
    std::string name = node_label(*n);
    if (name.empty() && !n->requires_grad()) name = constant_name(*n);
    if (name.empty() && n->is_leaf()) name = "leaf " + std::to_string(++count["leaf"]);
    if (name.empty()) {
      std::vector<std::string> in;
      for (const Node* p : n->parents()) in.push_back(names.at(p));
      name = from_op(n->op->name, in);
      if (name.size() > kMaxDerivedName || taken.count(name))
        name = std::string(n->op->name) + " #" + std::to_string(++count[n->op->name]);  // "* #2"
      taken.insert(name);
    }
    names[n] = name;
  }
  return names;
}

}  // namespace gradlab::viz::detail
