// SPDX-License-Identifier: MIT
// autograd::grad for Tensors, LibTorch's torch::autograd::grad: the
// graph-building backward (grad.cpp) from each output, seeded with its
// grad_output, the inputs' gradients summed over the outputs and returned.

#include <gradlab/grad.hpp>

#include <stdexcept>
#include <string>

#include <gradlab/engine.hpp>
#include <gradlab/grad_mode.hpp>

namespace gradlab::autograd {

namespace {

std::string nth(std::size_t i) { return std::to_string(i); }

Tensor handle(Node& n) {
  retain(&n);
  return Tensor::adopt(static_cast<TensorNode*>(&n));
}

}  // namespace

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph,
                         bool create_graph, bool allow_unused) {
  if (outputs.empty()) throw std::invalid_argument("grad: no outputs given");
  if (inputs.empty()) throw std::invalid_argument("grad: no inputs given");
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
    throw std::invalid_argument("grad: " + nth(grad_outputs.size()) + " grad_outputs for " +
                                nth(outputs.size()) + " outputs");
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& y = outputs[k];
    if (!y.requires_grad())
      throw std::logic_error("grad: output " + nth(k) +
                             " does not require grad (computed under NoGradGuard, or only from "
                             "constants), so there is no graph to differentiate");
    if (grad_outputs.empty() && y.numel() != 1)
      throw std::invalid_argument("grad: output " + nth(k) + " has shape " + to_string(y.shape()) +
                                  "; without grad_outputs every output must be a single number");
    if (!grad_outputs.empty() && grad_outputs[k].shape() != y.shape())
      throw std::invalid_argument("grad: grad_outputs[" + nth(k) + "] has shape " +
                                  to_string(grad_outputs[k].shape()) + " but output " + nth(k) +
                                  " has shape " + to_string(y.shape()));
  }
  // One graph-building backward per output; an input's gradient is the sum.
  std::vector<Tensor> result(inputs.size());
  std::vector<bool> reached(inputs.size(), false);
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    GradientGraph g;
    std::vector<const Node*> wanted;
    for (const Tensor& x : inputs) wanted.push_back(x.node());
    g.prune_to(*outputs[k].node(), wanted);
    Tensor seed = grad_outputs.empty() ? ones(outputs[k].shape()) : grad_outputs[k];
    engine::backward_graph(*outputs[k].node(), *seed.node(), create_graph, g);
    std::optional<NoGradGuard> numbers_only;
    if (!create_graph) numbers_only.emplace();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      Node* d = g.gradient(*inputs[i].node());
      if (!d) continue;
      result[i] = reached[i] ? result[i] + handle(*d) : handle(*d);
      reached[i] = true;
    }
  }
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (!reached[i] && !allow_unused)
      throw std::invalid_argument("grad: input " + nth(i) +
                                  " was not used to compute the outputs (pass allow_unused = true "
                                  "to get an undefined tensor for it)");
  if (!retain_graph.value_or(create_graph))
    for (const Tensor& y : outputs) engine::free_graph(*y.node());
  return result;
}

}  // namespace gradlab::autograd
