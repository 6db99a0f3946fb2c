# SPDX-License-Identifier: MIT
# The moons training step on a scalar autograd engine written as micrograd
# writes it (Python objects, closures, recursive topological sort), for the
# side-by-side column of `make bench`. Same net, data, loss and node count as
# bench/moons_step.cpp; prints `name: value unit` lines.
import gc
import math
import random
import sys
import time


class Value:
    __slots__ = ("data", "grad", "_backward", "_prev")

    def __init__(self, data, children=()):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = children

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:  # iterative: the recursive form overflows on deep graphs
            v, expanded = stack.pop()
            if expanded:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
        return len(topo)


def moons(n, noise, seed):
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n // 2):
        t = math.pi * i / (n // 2 - 1)
        xs.append((math.cos(t) + noise * rng.gauss(0, 1), math.sin(t) + noise * rng.gauss(0, 1)))
        ys.append(-1.0)
    for i in range(n - n // 2):
        t = math.pi * i / (n - n // 2 - 1)
        xs.append((1 - math.cos(t) + noise * rng.gauss(0, 1), 0.5 - math.sin(t) + noise * rng.gauss(0, 1)))
        ys.append(1.0)
    return xs, ys


def make_net(sizes, rng):
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers.append([([Value(rng.uniform(-1, 1)) for _ in range(n_in)], Value(0.0)) for _ in range(n_out)])
    return layers


def forward(layers, x):
    h = [Value(v) for v in x]
    for li, layer in enumerate(layers):
        out = []
        for w, b in layer:
            act = b
            for wi, hi in zip(w, h):
                act = act + wi * hi
            out.append(act.relu() if li + 1 < len(layers) else act)
        h = out
    return h[0]


def step(layers, xs, ys, lr):
    params = [p for layer in layers for w, b in layer for p in w + [b]]
    data_loss = Value(0.0)
    for x, y in zip(xs, ys):
        data_loss = data_loss + (1.0 - y * forward(layers, x)).relu()
    data_loss = data_loss * (1.0 / len(xs))
    reg = Value(0.0)
    for p in params:
        reg = reg + p * p
    loss = data_loss + 1e-4 * reg
    for p in params:
        p.grad = 0.0
    nodes = loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return nodes


def main():
    rng = random.Random(1337)
    xs, ys = moons(100, 0.1, 1)
    layers = make_net([2, 16, 16, 1], rng)
    nodes = step(layers, xs, ys, 0.01) - sum(len(w) + 1 for layer in layers for w, b in layer)
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3

    def best_of(n):
        best = float("inf")
        for _ in range(n):
            t0 = time.perf_counter()
            step(layers, xs, ys, 0.01)
            best = min(best, time.perf_counter() - t0)
        return best

    with_gc = best_of(steps)
    # Each step's graph is a web of reference cycles (a closure holds its
    # output), so Python's cycle collector runs often; without it:
    gc.disable()
    without_gc = best_of(steps)
    gc.enable()
    print(f"micrograd_nodes_per_step: {nodes} nodes built")
    print(f"moons_step_micrograd_python: {1e9 * with_gc / nodes:.1f} ns/node")
    print(f"moons_step_micrograd_python_gc_off: {1e9 * without_gc / nodes:.1f} ns/node")


if __name__ == "__main__":
    main()
