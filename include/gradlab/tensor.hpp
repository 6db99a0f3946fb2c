// SPDX-License-Identifier: MIT
// Tensor: an n-dimensional array of doubles that is a node of the same
// autograd graph as Value. Same engine, same backward, same NoGradGuard; the
// ops are Value's ops, vectorised. Data is row-major and contiguous.
// Shapes in comments: a is (N, D) means N rows of D numbers.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/handle.hpp>
#include <gradlab/node.hpp>
#include <gradlab/op_state.hpp>
#include <gradlab/shape.hpp>

namespace gradlab {


// LibTorch's device and dtype arguments, defined in the opt-in
// <gradlab/torch_compat.hpp>: accepted and ignored (gradlab computes in
// float64 on the CPU). The teaching API itself never names them.
struct Device;
enum class ScalarType : std::int8_t;


// A tensor node: shape, data, and a gradient of the same shape (allocated
// when the first gradient arrives).
struct TensorNode : Node {
  Shape shape;
  std::vector<double> data;
  std::vector<double> grad;             // empty until backward reaches the node
  // What its op keeps for the backward beyond the operands (a dim, the
  // indices it picked, an exponent), as a struct named beside the op.
  OpState state;

  TensorNode(Shape s, std::vector<double> d, const Op* made_by)
      : Node(made_by), shape(std::move(s)), data(std::move(d)) {}
  // The gradient buffer, zero-filled on first use.
  std::vector<double>& grad_buffer();
  // Whether a gradient has arrived (its buffer exists).
  bool has_grad() const { return grad.size() == data.size(); }
  // The gradient buffer for a backward that, when none has arrived yet,
  // writes every element (=, not +=): it then comes unfilled, sparing a zero
  // fill that the first += would only read back.
  std::vector<double>& grad_buffer_for_overwrite();
};

class Tensor : public Handle<TensorNode> {
 public:
  Tensor();  // an empty tensor: shape [0]; copies share the node (handle.hpp)

  // Whether backward() computes a gradient for this tensor (a leaf you made
  // with requires_grad_(), or a result of ops on such tensors).
  Tensor& requires_grad_(bool on = true);
  bool requires_grad() const { return node_->requires_grad(); }
  bool is_leaf() const { return node_->is_leaf(); }

  const Shape& shape() const { return node_->shape; }
  std::int64_t dim() const { return static_cast<std::int64_t>(node_->shape.size()); }
  std::int64_t numel() const { return static_cast<std::int64_t>(node_->data.size()); }
  double item() const;  // the one number of a one-element tensor
  std::vector<double> to_vector() const { return node_->data; }  // row-major
  const std::vector<double>& data() const { return node_->data; }
  std::vector<double>& data() { return node_->data; }  // for updates under NoGradGuard

  // The gradient as a tensor (zeros before any backward reached this node).
  // Leaves accumulate across backward calls; every inner tensor keeps the
  // gradient of the latest backward (so pictures can show it), as if
  // PyTorch's retain_grad() were on for all of them. retain_grad() is kept
  // for LibTorch code: it checks that a gradient will arrive. After
  // backward(..., create_graph = true) a leaf's grad() is a node of the graph.
  Tensor grad() const;
  Tensor& retain_grad();
  void zero_grad();
  Tensor detach() const;  // the same numbers, outside the graph
  std::string op() const { return node_->op->name; }
  std::string label() const { return node_label(*node_); }
  Tensor& set_label(const std::string& label);

  // d(this)/d(every tensor it depends on), added into their gradients. A
  // scalar (one element) needs no argument; otherwise pass d(loss)/d(this).
  // With create_graph the gradients are recorded as graph nodes too, and
  // grad() returns them: differentiate them again (grad.hpp).
  void backward(bool retain_graph = true, bool create_graph = false);
  void backward(const Tensor& gradient, bool retain_graph = true, bool create_graph = false);

  // Elementwise and reductions as members too: x.exp() is exp(x).
  Tensor exp() const;
  Tensor log() const;
  Tensor tanh() const;
  Tensor relu() const;
  Tensor sigmoid() const;
  Tensor sqrt() const;
  Tensor abs() const;
  Tensor pow(double exponent) const;
  Tensor sum() const;
  Tensor sum(std::int64_t dim, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(std::int64_t dim, bool keepdim = false) const;
  Tensor max() const;
  Tensor max(std::int64_t dim, bool keepdim = false) const;
  Tensor var(std::int64_t dim, bool unbiased = true, bool keepdim = false) const;
  Tensor std() const;
  Tensor std(std::int64_t dim, bool unbiased = true, bool keepdim = false) const;
  Tensor softmax(std::int64_t dim) const;
  Tensor log_softmax(std::int64_t dim) const;
  Tensor clamp(double low, double high) const;
  Tensor masked_fill(const Tensor& mask, double value) const;
  Tensor matmul(const Tensor& other) const;
  Tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
  Tensor t() const { return transpose(0, 1); }
  Tensor reshape(const Shape& shape) const;
  Tensor permute(const std::vector<std::int64_t>& dims) const;
  Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1) const;
  Tensor unsqueeze(std::int64_t dim) const;
  Tensor squeeze() const;
  Tensor squeeze(std::int64_t dim) const;
  Tensor select(std::int64_t dim, std::int64_t index) const;
  Tensor slice(std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step = 1) const;
  Tensor index_select(std::int64_t dim, const Tensor& index) const;
  Tensor gather(std::int64_t dim, const Tensor& index) const;
  Tensor triu(std::int64_t diagonal = 0) const;
  Tensor tril(std::int64_t diagonal = 0) const;

  // --- LibTorch's spellings, beside gradlab's own (src/tensor_libtorch.cpp) ---
  template <class T>
  T item() const { return static_cast<T>(item()); }  // item<float>(), item<int64_t>()
  std::int64_t size(std::int64_t dim) const;  // shape()[dim]; a negative dim counts from the end
  const Shape& sizes() const { return shape(); }
  Tensor view(const Shape& shape) const { return reshape(shape); }  // a copy in gradlab, never a view
  Tensor mm(const Tensor& other) const;  // matmul of two 2-d tensors only
  Tensor operator[](std::int64_t index) const { return select(0, index); }
  Tensor argmax() const;  // the flat index of the largest element
  Tensor argmax(std::int64_t dim, bool keepdim = false) const;
  Tensor eq(const Tensor& other) const;  // a mask of 0 and 1, outside the graph
  Tensor eq(double other) const;
  Tensor all() const;   // one element: 1 when no element is 0, else 0
  Tensor any() const;   // one element: 1 when some element is not 0, else 0
  Tensor norm() const;  // sqrt(sum(x^2)), one op in the graph (its gradient at 0 is 0, as PyTorch's)
  // False only for the empty tensor Tensor() makes (shape [0]), which
  // gradlab uses where LibTorch has an undefined tensor ("no bias").
  bool defined() const { return !(shape().size() == 1 && shape()[0] == 0); }
  // As Value's: `t += x` makes t a new node t_old + x (Python's rebinding,
  // recorded in the graph); other handles on the old node keep the old one.
  // LibTorch adds in place instead.
  Tensor& operator+=(const Tensor& other);
  Tensor& operator-=(const Tensor& other);
  Tensor& operator*=(const Tensor& other);
  Tensor& operator/=(const Tensor& other);
  Tensor& operator+=(double other);
  Tensor& operator-=(double other);
  Tensor& operator*=(double other);
  Tensor& operator/=(double other);
  // Documented no-ops (torch_compat.hpp): the same tensor, still float64 on the CPU.
  Tensor to(const Device& device, bool non_blocking = false) const;
  Tensor to(ScalarType dtype) const;
  Tensor to(const Device& device, ScalarType dtype) const;

  static Tensor adopt(TensorNode* node);  // takes over the reference node carries

 private:
  explicit Tensor(TensorNode* node) : Handle(node) {}
};

// What a tensor op keeps for its backward (op_state.hpp, op.hpp): the forward stores it
// in its result, `keep(result, PowState{exponent})`, and the backward reads
// it by the same type, `state<PowState>(n).exponent` (std::logic_error
// naming the op when the node keeps something else).
template <class S>
void keep(Tensor& result, S s) {
  result.node()->state.emplace(std::move(s));
}
template <class S>
const S& state(const Node& n) {
  return static_cast<const TensorNode&>(n).state.get<S>(n.op->name);
}

// Whether t is a Parameter (or was made one).
bool is_parameter(const Tensor& t);

// What a model learns: a leaf tensor that requires grad, marked as a
// parameter (modules register these, optimizers update them, pictures colour
// them). Parameter(t) takes t's numbers, not its graph.
class Parameter : public Tensor {
 public:
  Parameter() = default;
  explicit Parameter(const Tensor& value);
};

// Creation. Nested lists make 1-d to 4-d tensors: tensor({{1, 2}, {3, 4}}).
// (Rows of one element, {{1}, {2}}, are ambiguous in C++: write a column as
// tensor({1, 2}, {2, 1}).)
Tensor tensor(std::vector<double> data, Shape shape);
Tensor tensor(std::initializer_list<double> values);
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows);
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> blocks);
Tensor tensor(std::initializer_list<
              std::initializer_list<std::initializer_list<std::initializer_list<double>>>> blocks);
Tensor scalar_tensor(double value);
Tensor zeros(const Shape& shape);
Tensor ones(const Shape& shape);
Tensor full(const Shape& shape, double value);
Tensor arange(double start, double end, double step = 1.0);
Tensor randn(const Shape& shape);  // from gradlab's generator (manual_seed)
Tensor rand(const Shape& shape);

// LibTorch's factory spellings: a bare size (randn(3) is randn({3})), and
// options that make a leaf requiring grad: randn({2, 2}, requires_grad()).
// A dtype given there is accepted and ignored (torch_compat.hpp).
struct TensorOptions {
  TensorOptions& requires_grad(bool on = true) { requires_grad_ = on; return *this; }
  TensorOptions& dtype(ScalarType) { return *this; }  // storage stays float64
  bool requires_grad() const { return requires_grad_; }

 private:
  bool requires_grad_ = false;
};
inline TensorOptions requires_grad(bool on = true) { return TensorOptions().requires_grad(on); }
Tensor zeros(const Shape& shape, const TensorOptions& options);
Tensor ones(const Shape& shape, const TensorOptions& options);
Tensor full(const Shape& shape, double value, const TensorOptions& options);
Tensor randn(const Shape& shape, const TensorOptions& options);
Tensor rand(const Shape& shape, const TensorOptions& options);
Tensor tensor(std::vector<double> data, Shape shape, const TensorOptions& options);
// (Templates, so that zeros({}) still means the shape [] of a scalar.)
template <std::integral I>
Tensor zeros(I n, const TensorOptions& options = {}) { return zeros(Shape{static_cast<std::int64_t>(n)}, options); }
template <std::integral I>
Tensor ones(I n, const TensorOptions& options = {}) { return ones(Shape{static_cast<std::int64_t>(n)}, options); }
template <std::integral I>
Tensor randn(I n, const TensorOptions& options = {}) { return randn(Shape{static_cast<std::int64_t>(n)}, options); }
template <std::integral I>
Tensor rand(I n, const TensorOptions& options = {}) { return rand(Shape{static_cast<std::int64_t>(n)}, options); }
// Whether a and b have the same shape and |a - b| <= atol + rtol |b|
// everywhere (NaN equals nothing), as torch::allclose.
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8);
// New tensors of a's shape (not in a's graph).
Tensor zeros_like(const Tensor& a, const TensorOptions& options = {});
Tensor ones_like(const Tensor& a, const TensorOptions& options = {});
Tensor randn_like(const Tensor& a, const TensorOptions& options = {});
Tensor rand_like(const Tensor& a, const TensorOptions& options = {});

// Elementwise, with NumPy broadcasting; gradients are summed back over the
// broadcast dimensions. std::invalid_argument names the op and both shapes.
// As for Value (value.hpp): log, sqrt, pow and / refuse numbers outside their
// domain with std::domain_error, and NaN passes through as NaN.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(const Tensor& a, double b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(const Tensor& a, double b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(const Tensor& a, double b);
Tensor operator/(double a, const Tensor& b);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor sigmoid(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor abs(const Tensor& a);
Tensor pow(const Tensor& a, double exponent);

Tensor clamp(const Tensor& a, double low, double high);  // gradient passes where low <= a <= high

// Comparisons give masks of 0 and 1 (with broadcasting), outside the graph.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
// a where mask is 0, `value` where it is not; mask broadcasts to a's shape.
Tensor masked_fill(const Tensor& a, const Tensor& mask, double value);

// Reductions; a negative dim counts from the end.
Tensor sum(const Tensor& a);
Tensor sum(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, std::int64_t dim, bool keepdim = false);
// The largest element; its gradient goes to the (first) arg-max. NaN counts
// as larger than any number, as in PyTorch: max([1, NaN, 3]) is NaN, its
// argmax 1.
Tensor max(const Tensor& a);
Tensor max(const Tensor& a, std::int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& a, std::int64_t dim, bool keepdim = false);  // indices, as doubles
// Variance, with Bessel's correction (divides by n - 1) unless unbiased = false.
Tensor var(const Tensor& a);  // of all elements, unbiased
Tensor var(const Tensor& a, std::int64_t dim, bool unbiased = true, bool keepdim = false);
// Standard deviation: sqrt(var), with the same arguments.
Tensor std(const Tensor& a);  // of all elements, unbiased
Tensor std(const Tensor& a, std::int64_t dim, bool unbiased = true, bool keepdim = false);
// exp(a) / sum(exp(a)) along dim, and its logarithm, computed stably
// (the largest element is subtracted first, so nothing overflows).
Tensor softmax(const Tensor& a, std::int64_t dim);
Tensor log_softmax(const Tensor& a, std::int64_t dim);

// Linear algebra and shape.
Tensor matmul(const Tensor& a, const Tensor& b);  // (N, K) @ (K, M) -> (N, M), through BLAS
Tensor transpose(const Tensor& a, std::int64_t dim0, std::int64_t dim1);
Tensor permute(const Tensor& a, const std::vector<std::int64_t>& dims);
Tensor reshape(const Tensor& a, const Shape& shape);  // one dim may be -1
Tensor flatten(const Tensor& a, std::int64_t start_dim = 0, std::int64_t end_dim = -1);
Tensor unsqueeze(const Tensor& a, std::int64_t dim);
Tensor squeeze(const Tensor& a);                    // every dim of size 1
Tensor squeeze(const Tensor& a, std::int64_t dim);  // that dim, if its size is 1
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

// Indexing; an index tensor holds whole numbers (as doubles).
Tensor select(const Tensor& a, std::int64_t dim, std::int64_t index);  // drops dim
Tensor slice(const Tensor& a, std::int64_t dim, std::int64_t start, std::int64_t end,
             std::int64_t step = 1);  // [start, end) along dim, Python-style negatives
Tensor index_select(const Tensor& a, std::int64_t dim, const Tensor& index);  // index is 1-d
Tensor gather(const Tensor& a, std::int64_t dim, const Tensor& index);  // out[i][j] = a[i][index[i][j]] for dim 1
// The upper (triu) or lower (tril) triangle of the last two dims, the rest
// zero: triu keeps a[..., i, j] where j - i >= diagonal, tril where
// j - i <= diagonal. triu(full({L, L}, -inf), 1) is a causal attention mask.
Tensor triu(const Tensor& a, std::int64_t diagonal = 0);
Tensor tril(const Tensor& a, std::int64_t diagonal = 0);

// Counting and drawing, outside the graph (src/tensor_sample.cpp).
// torch.histc and its edges: `bins` equal bins from min to max (both 0: the
// data's own smallest and largest element; the same number twice: one
// either side of it). Elements outside [min, max] are not counted; the
// largest one counts in the last bin. counts is (bins), edges (bins + 1).
struct Histogram {
  Tensor counts, edges;
};
Histogram histogram(const Tensor& a, std::int64_t bins = 100, double min = 0, double max = 0);
// Draws num_samples indices from the categories of probs (n), weighted by
// its (unnormalised, non-negative) numbers, or one row of draws for each
// row of probs (rows, n). Without replacement an index comes once at most.
// From gradlab's generator: manual_seed repeats the draws.
Tensor multinomial(const Tensor& probs, std::int64_t num_samples, bool replacement = false);

std::string to_string(const Shape& shape);  // "[2, 3]"
// tensor([[1.0000, 2.0000],
//         [3.0000, 4.0000]], shape=[2, 2], requires_grad=true)
std::ostream& operator<<(std::ostream& os, const Tensor& t);

extern const NodeKind kTensorKind;
extern const Op kTensorLeaf;

}  // namespace gradlab
