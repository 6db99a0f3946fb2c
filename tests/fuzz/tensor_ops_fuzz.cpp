// SPDX-License-Identifier: MIT
// libFuzzer target for the tensor ops: the input bytes are a small program
// that makes a few tensors (shapes, numbers, requires_grad) and applies a
// chain of ops to them, with dims, indices, steps, paddings and shapes read
// from the bytes (huge and negative ones included), then runs backward and
// sometimes explode(). Every op must give a result or refuse with a
// std::logic_error (invalid_argument, domain_error, length_error); nothing
// may crash, trip a sanitizer, allocate past the size limit or leak a node.
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;
namespace F = gradlab::nn::functional;
using gl::Tensor;

namespace {

// The fuzz input, read a byte at a time; zeros once it runs out.
struct Bytes {
  const std::uint8_t* data;
  std::size_t size, at = 0;
  std::uint8_t next() { return at < size ? data[at++] : 0; }
  bool done() const { return at >= size; }
  std::int64_t below(std::int64_t n) { return next() % n; }  // 0 .. n-1

  // A dim or index: mostly small (negative ones count from the end), now
  // and then one far out of range.
  std::int64_t dim() {
    std::uint8_t b = next();
    if (b < 240) return static_cast<std::int64_t>(b % 11) - 5;  // -5 .. 5
    static const std::int64_t far[] = {std::numeric_limits<std::int64_t>::max(),
                                       std::numeric_limits<std::int64_t>::min(),
                                       std::int64_t{1} << 62, -(std::int64_t{1} << 62),
                                       std::int64_t{1} << 31, std::int64_t{1} << 20};
    return far[b % 6];
  }
  // A size: 0 .. 4, or one no tensor could have (each alone past the limit,
  // so a shape is either small or refused, never merely enormous).
  std::int64_t size_() {
    std::uint8_t b = next();
    if (b < 245) return b % 5;
    static const std::int64_t huge[] = {std::int64_t{1} << 38, std::int64_t{1} << 62,
                                        (std::int64_t{1} << 62) + 1,
                                        std::numeric_limits<std::int64_t>::max(), -1};
    return huge[b % 5];
  }
  gl::Shape shape() {
    gl::Shape s(static_cast<std::size_t>(below(5)));
    for (auto& d : s) d = size_();
    return s;
  }
  double number() {
    std::uint8_t b = next();
    if (b >= 248) {
      static const double special[] = {std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity(), 0.0, 1e300, -1e-300,
                                       std::numeric_limits<double>::max(), -8e307};
      return special[b % 8];
    }
    return (static_cast<double>(b) - 125) / 16;
  }
};

Tensor leaf(Bytes& in) {
  gl::Shape shape = in.shape();
  Tensor t = gl::zeros(shape);  // refuses a huge or negative shape
  for (double& x : t.data()) x = in.number();
  if (in.next() & 1) t.requires_grad_();
  return t;
}

// One op on tensors picked from `pool`; its result joins the pool.
Tensor apply_op(Bytes& in, const std::vector<Tensor>& pool) {
  auto pick = [&]() -> const Tensor& { return pool[static_cast<std::size_t>(in.below(static_cast<std::int64_t>(pool.size())))]; };
  const Tensor& a = pick();
  const Tensor& b = pick();
  // Inputs stay small, so that a chain of joins and broadcasts cannot grow
  // past the fuzzer's memory (the size checks are for the huge sizes above).
  if (a.numel() > 1024 || b.numel() > 1024) return a.detach();
  switch (in.below(41)) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return -a + in.number();
    case 5: return in.number() / a;
    case 6: return gl::exp(a);
    case 7: return gl::log(a);
    case 8: return gl::tanh(gl::sigmoid(gl::relu(a)));
    case 9: return gl::sqrt(gl::abs(a));
    case 10: return gl::pow(a, in.number());
    case 11: return gl::clamp(a, in.number(), in.number());
    case 12: return gl::masked_fill(a, gl::gt(b, a), in.number());
    case 13: return in.next() & 1 ? gl::sum(a) : gl::sum(a, in.dim(), in.next() & 1);
    case 14: return in.next() & 1 ? gl::mean(a) : gl::mean(a, in.dim(), in.next() & 1);
    case 15: return in.next() & 1 ? gl::max(a) : gl::max(a, in.dim(), in.next() & 1);
    case 16: return gl::argmax(a, in.dim(), in.next() & 1);
    case 17: return in.next() & 1 ? gl::var(a) : gl::var(a, in.dim(), in.next() & 1, in.next() & 1);
    case 18: return in.next() & 1 ? gl::softmax(a, in.dim()) : gl::log_softmax(a, in.dim());
    case 19: return gl::matmul(a, b);
    case 20: return gl::transpose(a, in.dim(), in.dim());
    case 21: {
      std::vector<std::int64_t> dims(static_cast<std::size_t>(in.below(5)));
      for (auto& d : dims) d = in.dim();
      return gl::permute(a, dims);
    }
    case 22: return gl::reshape(a, in.shape());
    case 23: {
      gl::Shape s = in.shape();
      if (!s.empty()) s[static_cast<std::size_t>(in.below(static_cast<std::int64_t>(s.size())))] = -1;
      return gl::reshape(a, s);
    }
    case 24: return gl::flatten(a, in.dim(), in.dim());
    case 25: return in.next() & 1 ? gl::unsqueeze(a, in.dim()) : gl::squeeze(a, in.dim());
    case 26: {
      std::vector<Tensor> parts(static_cast<std::size_t>(in.below(4)) + 1, a);
      if (in.next() & 1) parts.back() = b;
      return in.next() & 1 ? gl::cat(parts, in.dim()) : gl::stack(parts, in.dim());
    }
    case 27: return gl::select(a, in.dim(), in.dim());
    case 28: return gl::slice(a, in.dim(), in.dim(), in.dim(), in.dim());
    case 29: return gl::index_select(a, in.dim(), gl::flatten(b));
    case 30: return gl::gather(a, in.dim(), b);
    case 31: {
      std::int64_t stride = in.dim(), padding = in.dim();
      return in.next() & 1 ? F::conv2d(a, b, stride, padding) : F::conv2d(a, b, pick(), stride, padding);
    }
    case 32: return F::max_pool2d(a, in.dim(), in.dim());
    case 33: return in.next() & 1 ? F::linear(a, b) : F::linear(a, b, pick());
    case 34: return F::layer_norm(a, in.dim(), b, pick());
    case 35: return F::cross_entropy(a, b, static_cast<F::Reduction>(in.below(3)));
    case 36: return F::mse_loss(a, b, static_cast<F::Reduction>(in.below(3)));
    case 37: return F::embedding(a, b);
    case 38: {
      std::uint8_t kind = in.next();
      gl::Shape s = in.shape();
      if (kind % 3 == 0) return gl::full(s, in.number());
      if (kind % 3 == 1) return gl::arange(in.number(), in.number(), in.number());
      return gl::ones(s);
    }
    case 39: {  // counting and drawing, outside the graph, at any number up to the largest double
      if (in.next() & 1) {
        gl::Histogram h = gl::histogram(a, in.size_(), in.number(), in.number());
        const std::vector<double>& e = h.edges.data();
        double counted = 0;
        for (double c : h.counts.data()) counted += c;
        if (!(counted <= static_cast<double>(a.numel()))) __builtin_trap();
        for (std::size_t i = 0; i < e.size(); ++i)
          if (!std::isfinite(e[i]) || (i && e[i] < e[i - 1])) __builtin_trap();  // edges finite, in order
        return h.counts;
      }
      Tensor draws = gl::multinomial(gl::abs(a), in.size_(), in.next() & 1);
      for (double k : draws.data())
        if (!(k >= 0 && k < static_cast<double>(a.shape().back()))) __builtin_trap();  // a category of a
      return draws;
    }
    default: return a.detach().requires_grad_();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in{data, size};
  const std::int64_t nodes_before = gl::live_nodes();
  {
    std::vector<Tensor> pool;
    const int leaves = 1 + static_cast<int>(in.below(3));
    for (int i = 0; i < leaves; ++i) {
      try {
        pool.push_back(leaf(in));
      } catch (const std::logic_error&) {
      }
    }
    if (pool.empty()) pool.push_back(gl::ones({2, 2}).requires_grad_());
    for (int step = 0; step < 12 && !in.done(); ++step) {
      try {
        pool.push_back(apply_op(in, pool));
      } catch (const std::logic_error&) {  // refused, with a message: fine
      }
    }
    Tensor last = pool.back();
    try {
      if (last.requires_grad()) {
        if (in.next() & 1) gl::sum(last).backward();
        else last.backward(gl::ones(last.shape()), /*retain_graph=*/false);
      }
      if (last.numel() <= 200 && (in.next() & 1)) {
        gl::ExplodedGraph g = gl::explode(gl::sum(last), 2000);
        if (g.output.size() != 1) __builtin_trap();
        if (g.output[0].requires_grad()) g.output[0].backward();
      }
    } catch (const std::logic_error&) {
    }
  }
  if (gl::live_nodes() != nodes_before) __builtin_trap();  // every node freed with its handles
  return 0;
}
