# SPDX-License-Identifier: MIT
# PyTorch's side of the tensor benchmarks, same work as bench/mlp_step.cpp,
# bench/cnn_step.cpp and bench/tensor_tiny_op.cpp: float64, one thread (the
# epochs also in float32, PyTorch's default). Needs Debian's python3-torch
# (run it with /usr/bin/python3); prints `name: value unit` lines.
import json
import os
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
dtype = torch.float64

# One tiny op: forward + backward + free, on one-element tensors.
x = torch.ones(1, dtype=dtype, requires_grad=True)
c = torch.full((1,), 0.999, dtype=dtype)
best = float("inf")
for _ in range(7):
    t0 = time.perf_counter()
    y = x
    for _ in range(5000):
        y = y * c + c
    y.backward()
    del y
    best = min(best, time.perf_counter() - t0)
print(f"tensor_tiny_op_pytorch: {1e6 * best / 10000:.3f} us/op (forward + backward + free)")

# One epoch of each model: SGD, batch 64, cross-entropy, on the 8,000 MNIST
# training digits as gradlab reads them (the first 800 of each digit, digit
# by digit) when `make data` has fetched them, else on random images.
n, batch = 8000, 64
mnist = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "mnist")
if os.environ.get("GRADLAB_DATA"):
    mnist = os.path.join(os.environ["GRADLAB_DATA"], "mnist")
if os.path.exists(os.path.join(mnist, "9.json")):
    digits = []
    for d in range(10):
        with open(os.path.join(mnist, f"{d}.json")) as f:
            digits.append(torch.tensor(json.load(f)["data"], dtype=dtype).view(-1, 784)[:800])
    train_images, source = torch.cat(digits), "mnist"
    targets = torch.arange(10).repeat_interleave(800)
else:
    train_images, source = torch.rand(n, 784, dtype=dtype), "random"
    targets = torch.arange(n) % 10
loss_fn = torch.nn.CrossEntropyLoss()


def best_epoch(model, images, lr, rounds):
    """The fastest of `rounds` epochs, in seconds, and the last loss."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            loss = loss_fn(model(images[start:start + batch]), targets[start:start + batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
        best = min(best, time.perf_counter() - t0)
    return best, loss.item()


# Each epoch twice: in float64, the same numbers gradlab works in (the
# figure the ratio is taken against), and in float32, PyTorch's default
# dtype and what a user of it runs (reported beside, labelled as such).
for dtype, suffix in ((torch.float64, ""), (torch.float32, "_f32")):
    images = train_images.to(dtype)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 10)).to(dtype)
    seconds, loss = best_epoch(mlp, images, 0.1, 3)
    print(f"mlp_epoch_pytorch{suffix}: {seconds:.3f} s/epoch (784-128-64-10, batch 64, 8000 {source} inputs, "
          f"{str(dtype)[6:]}, last loss {loss:.3f})")
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(400, 10)).to(dtype)
    seconds, loss = best_epoch(cnn, images.view(n, 1, 28, 28), 0.01, 2)
    print(f"cnn_epoch_pytorch{suffix}: {seconds:.3f} s/epoch (conv 8-16, batch 64, 8000 {source} inputs, "
          f"{str(dtype)[6:]}, last loss {loss:.3f})")

# A Hessian-vector product of the MLP's loss over 1,000 digits (double
# backward), float64, as bench/hessian_vector.cpp.
torch.manual_seed(0)
dtype = torch.float64
mlp = torch.nn.Sequential(
    torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
    torch.nn.Linear(64, 10)).to(dtype)
params = list(mlp.parameters())
v = [torch.randn_like(p) for p in params]
x, y = train_images[:1000].to(dtype), targets[:1000]
best = float("inf")
for _ in range(5):
    t0 = time.perf_counter()
    loss = loss_fn(mlp(x), y)
    g = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((gi * vi).sum() for gi, vi in zip(g, v))
    hv = torch.autograd.grad(dot, params)
    best = min(best, time.perf_counter() - t0)
norm = sum((h * h).sum().item() for h in hv) ** 0.5
print(f"hvp_mlp_pytorch: {best:.4f} s (784-128-64-10 loss on 1000 {source} digits, |Hv| {norm:.4g})")
