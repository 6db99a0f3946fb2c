// SPDX-License-Identifier: MIT
// micrograd's moons step on a bare reference-counted scalar engine, beside
// gradlab's in the same run: what per-node reference counting and freeing
// cost at their floor. The bare engine keeps only what the step needs:
// 40-byte nodes in one array in creation order, a count per node, the ops
// inline, backward one reverse sweep with a switch on the op, a dropped
// graph freed by one walk down the array. It has no threads, no grad mode,
// no constants without gradients, no pages given back, no labels, no
// tensors, no error checks: it is a measuring stick, not an engine to use.
// Same data, same initial weights, same op order as gradlab's
// max_margin_loss, so the losses and the updated weights agree to 1e-12.
// Prints `name: value unit` lines.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "moons_engine.hpp"

namespace bare {

enum Op : std::uint8_t { kLeaf, kAdd, kSub, kMul, kRelu };
enum Flag : std::uint8_t { kVisited = 1 };

struct Node {
  Op op;
  std::uint8_t flags;
  std::uint16_t nparents;
  std::uint32_t refs;
  Node* parent[2];
  double data, grad;
};
static_assert(sizeof(Node) == 40);  // gradlab's are 48: an Op pointer where this has a byte

// Nodes in creation order; the newest is nodes[top - 1].
std::vector<Node> nodes(1 << 17);  // room for the 100-point step's 65,818
std::size_t top = 0;

Node* make(double data, Op op) {
  if (top == nodes.size()) {
    std::fprintf(stderr, "moons_bare: more than %zu nodes\n", nodes.size());
    std::exit(1);
  }
  Node* n = &nodes[top++];
  *n = Node{op, 0, 0, 1, {nullptr, nullptr}, data, 0.0};
  return n;
}

// Walks down the array from `root` over the nodes it reaches: `visit(n)`
// does n's work and marks those of n's parents still to meet, returning how
// many it marked. A node's users are newer than itself, so each node is met
// after all of them.
template <class Visit>
void walk_down(Node* root, Visit visit) {
  root->flags |= kVisited;
  std::size_t waiting = 1;
  for (Node* n = root;; --n) {
    if (!(n->flags & kVisited)) continue;
    n->flags = 0;
    waiting += visit(n);
    if (--waiting == 0) return;
  }
}

// Frees `root` and every node whose last reference it held, then the top
// moves down over the dead.
void free_graph(Node* root) {
  walk_down(root, [](Node* n) {
    std::size_t marked = 0;
    for (int i = 0; i < n->nparents; ++i)
      if (--n->parent[i]->refs == 0) n->parent[i]->flags |= kVisited, ++marked;
    return marked;
  });
  while (top > 0 && nodes[top - 1].refs == 0) --top;
}

class Value {
 public:
  Value() = default;
  Value(double data) : n_(make(data, kLeaf)) {}  // NOLINT: a number is a Value
  Value(Node* adopted) : n_(adopted) {}
  Value(const Value& o) : n_(o.n_) { ++n_->refs; }
  Value& operator=(Value&& o) noexcept {
    if (n_ && --n_->refs == 0) free_graph(n_);
    n_ = o.n_;
    o.n_ = nullptr;
    return *this;
  }
  Value& operator=(const Value&) = delete;
  ~Value() {
    if (n_ && --n_->refs == 0) free_graph(n_);
  }
  Node* node() const { return n_; }
  double data() const { return n_->data; }

 private:
  Node* n_ = nullptr;
};

Value binary(double data, Op op, const Value& a, const Value& b) {
  Node* n = make(data, op);
  n->nparents = 2;
  n->parent[0] = a.node(), n->parent[1] = b.node();
  ++a.node()->refs, ++b.node()->refs;
  return n;
}
Value operator+(const Value& a, const Value& b) { return binary(a.data() + b.data(), kAdd, a, b); }
Value operator-(const Value& a, const Value& b) { return binary(a.data() - b.data(), kSub, a, b); }
Value operator*(const Value& a, const Value& b) { return binary(a.data() * b.data(), kMul, a, b); }
Value relu(const Value& a) {
  Node* n = make(a.data() > 0 ? a.data() : 0.0, kRelu);
  n->nparents = 1;
  n->parent[0] = a.node();
  ++a.node()->refs;
  return n;
}

// One reverse sweep from the root over the nodes it reaches; an inner
// node's gradient is cleared when first reached, leaves accumulate.
void backward(Node* root) {
  root->grad = 1.0;
  walk_down(root, [](Node* n) {
    std::size_t marked = 0;
    for (int i = 0; i < n->nparents; ++i) {
      Node* p = n->parent[i];
      if (p->nparents && !(p->flags & kVisited)) p->flags |= kVisited, p->grad = 0.0, ++marked;
    }
    Node *a = n->parent[0], *b = n->parent[1];
    switch (n->op) {
      case kAdd: a->grad += n->grad, b->grad += n->grad; break;
      case kSub: a->grad += n->grad, b->grad -= n->grad; break;
      case kMul: a->grad += b->data * n->grad, b->grad += a->data * n->grad; break;
      case kRelu: if (n->data > 0) a->grad += n->grad; break;
      case kLeaf: break;
    }
    return marked;
  });
}

// gradlab's Net(2, [16, 16, 1]) and max_margin_loss, op for op.
struct Net {
  std::vector<std::size_t> sizes;
  std::vector<Value> params;  // in the order of gradlab's Net::parameters()
};

Value loss(const Net& net, const gradlab::Dataset2d& d, double alpha = 1e-4) {
  Value data_loss = 0.0;
  std::vector<Value> h, next;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    h.clear();
    for (double x : d.x[i]) h.emplace_back(x);
    std::size_t k = 0;  // the next parameter
    for (std::size_t l = 1; l < net.sizes.size(); ++l) {
      next.clear();
      for (std::size_t o = 0; o < net.sizes[l]; ++o) {
        const Value* w = &net.params[k];
        Value act = net.params[k + net.sizes[l - 1]];  // the bias
        for (std::size_t j = 0; j < net.sizes[l - 1]; ++j) act = act + w[j] * h[j];
        k += net.sizes[l - 1] + 1;
        next.push_back(l + 1 < net.sizes.size() ? relu(act) : act);
      }
      h.swap(next);
    }
    data_loss = data_loss + relu(Value(1.0) - Value(d.y[i]) * h[0]);
  }
  data_loss = data_loss * Value(1.0 / static_cast<double>(d.x.size()));
  Value reg = 0.0;
  for (const Value& p : net.params) reg = reg + p * p;
  return data_loss + Value(alpha) * reg;
}

double step(Net& net, const gradlab::Dataset2d& d, double lr, moons::Phases* t = nullptr) {
  auto t0 = moons::Clock::now();
  Value l = loss(net, d);
  auto t1 = moons::Clock::now();
  for (const Value& p : net.params) p.node()->grad = 0.0;
  backward(l.node());
  auto t2 = moons::Clock::now();
  for (const Value& p : net.params) p.node()->data -= lr * p.node()->grad;
  double value = l.data();
  auto t3 = moons::Clock::now();
  l = Value();  // the step's graph is freed here
  auto t4 = moons::Clock::now();
  if (t)
    t->add({moons::seconds(t0, t1), moons::seconds(t1, t2), moons::seconds(t2, t3),
            moons::seconds(t3, t4)});
  return value;
}

}  // namespace bare

int main() {
  gradlab::manual_seed(1337);
  gradlab::Dataset2d d = gradlab::make_moons(100, 0.1);
  gradlab::Net net(2, {16, 16, 1});
  std::vector<gradlab::Value> params = net.parameters();
  bare::Net twin{{2, 16, 16, 1}, {}};
  for (const gradlab::Value& p : params) twin.params.emplace_back(p.data());
  std::size_t nodes = moons::nodes_per_step(net, d);

  // One step each from the same weights: the losses and the updated weights agree.
  double engine_loss = moons::engine_step(net, params, d, 1.0);
  double bare_loss = bare::step(twin, d, 1.0);
  double worst = 0;
  for (std::size_t i = 0; i < params.size(); ++i)
    worst = std::max(worst, std::abs(params[i].data() - twin.params[i].data()));
  std::printf("bare_first_loss: %.17g gradlab, %.17g bare\n", engine_loss, bare_loss);
  std::printf("bare_weights_after_one_step: %.3g largest difference\n", worst);
  if (std::abs(engine_loss - bare_loss) > 1e-12 || worst > 1e-12) {
    std::printf("bare_check: FAILED (the two steps differ by more than 1e-12)\n");
    return 1;
  }

  // Best of 7 rounds of 20 steps each, the two taking turns round by round.
  moons::Phases best_engine, best_bare;
  double engine_total = 1e30, bare_total = 1e30;
  for (int r = 0; r < 7; ++r) {
    moons::Phases e, b;
    for (int k = 0; k < 20; ++k) moons::engine_step(net, params, d, 0.0, &e);
    for (int k = 0; k < 20; ++k) bare::step(twin, d, 0.0, &b);
    if (e.total() < engine_total) engine_total = e.total(), best_engine = e.per(20);
    if (b.total() < bare_total) bare_total = b.total(), best_bare = b.per(20);
  }
  moons::print_phases("moons_step_gradlab", best_engine, double(nodes));
  moons::print_phases("moons_step_bare", best_bare, double(nodes));
  std::printf("moons_step_ratio_gradlab_to_bare: %.2f x\n", engine_total / bare_total);
  return 0;
}
