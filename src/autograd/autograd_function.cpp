// SPDX-License-Identifier: MIT
// autograd::Function's node (autograd_function.hpp), made with op.hpp like
// any op of a user's: the context is written into a constant operand (its
// numbers are the recipe below) and read back by the backward step, so the
// engine and the node need nothing new.
//
// The ctx operand, as numbers:
//   A, then A entries: argument i's operand index (1, 2, ...), or 0 when it is no tensor
//   S, then S entries: where saved tensor j is (an operand index, -1 the output, -2 none)
//   D, then D entries: key length, key characters, kind (0 number, 1 whole
//      number, 2 flag, 3 tensor as above, 4 none), value

#include <gradlab/autograd_function.hpp>

#include <gradlab/grad.hpp>

#include <cmath>
#include <cstdlib>
#include "autograd/type_name.hpp"
#include <stdexcept>

#include <gradlab/op.hpp>

namespace gradlab::autograd {

double IValue::toDouble() const {
  if (isDouble()) return std::get<double>(v_);
  if (isInt()) return static_cast<double>(std::get<std::int64_t>(v_));
  throw std::invalid_argument("IValue: toDouble() of a value that is not a number");
}
std::int64_t IValue::toInt() const {
  if (isInt()) return std::get<std::int64_t>(v_);
  throw std::invalid_argument("IValue: toInt() of a value that is not a whole number");
}
bool IValue::toBool() const {
  if (isBool()) return std::get<bool>(v_);
  throw std::invalid_argument("IValue: toBool() of a value that is not a flag");
}
Tensor IValue::toTensor() const {
  if (isTensor()) return std::get<Tensor>(v_);
  throw std::invalid_argument("IValue: toTensor() of a value that is not a tensor");
}

namespace detail {

std::string function_name(const std::type_info& type) { return gradlab::detail::class_name(type); }

namespace {

constexpr double kOutput = -1, kNone = -2;
constexpr double kLargestExact = 9007199254740992.0;  // 2^53: whole numbers a double holds exactly

// Where a tensor the context refers to will be found in backward: the
// output, an argument's operand, or a new constant operand (added here).
double place(const Tensor& t, const Tensor& out, const variable_list& inputs, std::vector<Tensor>& operands) {
  if (!t.defined()) return kNone;
  if (t.node() == out.node()) return kOutput;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (t.node() == inputs[i].node()) return static_cast<double>(i + 1);
  operands.push_back(t.detach());
  return static_cast<double>(operands.size() - 1);
}

struct Reader {
  const std::vector<double>& d;
  std::size_t at = 0;
  double next() { return d.at(at++); }
  std::size_t count() { return static_cast<std::size_t>(next()); }
};

}  // namespace

Tensor FunctionRecord::record(const Op& op, const char* name, AutogradContext& ctx, const variable_list& inputs,
                              const std::vector<int>& argument_input, const Tensor& out) {
  std::vector<Tensor> operands{Tensor()};  // [0]: the ctx, written last
  for (const Tensor& t : inputs) operands.push_back(t);
  std::vector<double> code{static_cast<double>(argument_input.size())};
  for (int i : argument_input) code.push_back(i < 0 ? 0.0 : static_cast<double>(i + 1));
  code.push_back(static_cast<double>(ctx.saved_.size()));
  for (const Tensor& t : ctx.saved_) code.push_back(place(t, out, inputs, operands));
  code.push_back(static_cast<double>(ctx.saved_data.size()));
  for (const auto& [key, value] : ctx.saved_data) {
    code.push_back(static_cast<double>(key.size()));
    for (unsigned char c : key) code.push_back(c);
    if (value.isDouble()) {
      code.insert(code.end(), {0, value.toDouble()});
    } else if (value.isInt()) {
      std::int64_t v = value.toInt();
      if (std::abs(static_cast<double>(v)) > kLargestExact)
        throw std::invalid_argument(std::string(name) + ": saved_data[\"" + key + "\"] = " + std::to_string(v) +
                                    " is beyond the whole numbers gradlab keeps exactly (2^53)");
      code.insert(code.end(), {1, static_cast<double>(v)});
    } else if (value.isBool()) {
      code.insert(code.end(), {2, value.toBool() ? 1.0 : 0.0});
    } else if (value.isTensor()) {
      code.insert(code.end(), {3, place(value.toTensor(), out, inputs, operands)});
    } else {
      code.insert(code.end(), {4, 0});
    }
  }
  const Shape size{static_cast<std::int64_t>(code.size())};
  operands[0] = tensor(std::move(code), size).set_label("ctx");
  return make_result(out.shape(), out.to_vector(), op, operands);
}

void FunctionRecord::backward(Node& n, const char* name, BackwardFunction backward, GradientGraph* g) {
  auto operand = [&n](std::size_t i) { return tensor_slot(n.parent(i)); };
  auto constant = [](const TensorSlot& s) { return tensor(s.data, s.shape); };
  auto node = [](Node& m) {  // under create_graph: the graph's own node
    retain(&m);
    return Tensor::adopt(static_cast<TensorNode*>(&m));
  };
  TensorSlot out = tensor_slot(n);
  auto saved = [&](double where) {
    if (where == kNone) return Tensor();
    if (where == kOutput) return g ? node(n) : constant(out);
    auto i = static_cast<std::size_t>(where);
    return g ? node(n.parent(i)) : constant(operand(i));
  };
  TensorSlot ctx_slot = operand(0);
  Reader r{ctx_slot.data};
  AutogradContext ctx;
  std::vector<std::size_t> argument_operand(r.count());
  for (std::size_t& a : argument_operand) {
    a = r.count();
    ctx.needs_input_grad_.push_back(a > 0 && n.parent(a).requires_grad());
  }
  ctx.saved_.resize(r.count());
  for (Tensor& t : ctx.saved_) t = saved(r.next());
  for (std::size_t entries = r.count(); entries > 0; --entries) {
    std::string key(r.count(), ' ');
    for (char& c : key) c = static_cast<char>(static_cast<unsigned char>(r.next()));
    int kind = static_cast<int>(r.next());
    double value = r.next();
    IValue v;
    if (kind == 0) v = value;
    if (kind == 1) v = static_cast<std::int64_t>(value);
    if (kind == 2) v = value != 0;
    if (kind == 3) v = saved(value);
    ctx.saved_data[key] = v;
  }
  variable_list grads;
  if (g) {  // grad mode as the graph-building backward set it
    grads = backward(&ctx, {node(*g->gradient(n))});
  } else {
    Tensor dout(tensor(std::vector<double>(out.grad, out.grad + out.data.size()), out.shape));
    NoGradGuard no_grad;  // backward's own ops are not recorded
    grads = backward(&ctx, {dout});
  }
  if (grads.size() != argument_operand.size())
    throw std::logic_error(std::string(name) + ": backward returned " + std::to_string(grads.size()) +
                           " gradients for the " + std::to_string(argument_operand.size()) +
                           " arguments of forward (one per argument; Tensor() where there is none)");
  // Every gradient is checked before the first one is added.
  for (std::size_t i = 0; i < grads.size(); ++i) {
    if (argument_operand[i] == 0 || !grads[i].defined()) continue;
    const Shape& in_shape = static_cast<TensorNode&>(n.parent(argument_operand[i])).shape;
    if (n.parent(argument_operand[i]).requires_grad() && grads[i].shape() != in_shape)
      throw std::logic_error(std::string(name) + ": backward returned a gradient of shape " +
                             to_string(grads[i].shape()) + " for argument " + std::to_string(i) + " of shape " +
                             to_string(in_shape));
  }
  for (std::size_t i = 0; i < grads.size(); ++i) {
    if (argument_operand[i] == 0 || !grads[i].defined()) continue;
    if (g) {
      if (n.parent(argument_operand[i]).requires_grad()) g->add(n, argument_operand[i], *grads[i].node());
      continue;
    }
    TensorSlot in = operand(argument_operand[i]);
    if (!in.grad) continue;  // a constant takes no gradient
    const std::vector<double>& g = grads[i].data();
    for (std::size_t k = 0; k < g.size(); ++k) in.grad[k] += g[k];  // d(loss)/d(input) from backward
  }
}

}  // namespace detail

}  // namespace gradlab::autograd
