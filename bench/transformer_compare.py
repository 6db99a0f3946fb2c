# SPDX-License-Identifier: MIT
# PyTorch's side of bench/transformer_step.cpp: the same addition
# transformer (embedding + sinusoid positions, pre-LN encoder layers under
# the causal mask, final LayerNorm, linear head), float64, one thread, the
# same batch sizes and optimizers; prints `name: value unit` lines.
#   /usr/bin/python3 bench/transformer_compare.py [steps]
import math
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100


def all_sums():
    rows = []
    for a in range(100):
        for b in range(100):
            c = a + b
            rows.append([a // 10, a % 10, 10, b // 10, b % 10, 11, c % 10, c // 10 % 10, c // 100, 12])
    return torch.tensor(rows)


class Adder(torch.nn.Module):
    def __init__(self, d_model, nhead, num_layers, dim_feedforward):
        super().__init__()
        self.embed = torch.nn.Embedding(13, d_model)
        pe = torch.zeros(10, d_model)
        pos = torch.arange(10).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div[: d_model // 2])
        self.register_buffer("pe", pe)
        layer = torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0, batch_first=True,
                                                 norm_first=True)
        self.blocks = torch.nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(d_model)
        self.head = torch.nn.Linear(d_model, 13)

    def forward(self, tokens):
        L = tokens.shape[1]
        mask = torch.nn.Transformer.generate_square_subsequent_mask(L)
        return self.head(self.norm(self.blocks(self.embed(tokens) + self.pe[:L], mask=mask)))


sums = all_sums()
order = torch.randperm(10000, generator=torch.Generator().manual_seed(2024))
train = sums[order[:9000]]
loss_fn = torch.nn.CrossEntropyLoss()  # ignore_index -100


def step(model, opt, batch):
    x, y = batch[:, :9], batch[:, 1:].clone()
    y[:, :5] = -100  # only the answer is scored
    loss = loss_fn(model(x).reshape(-1, 13), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


def best_ms(model, opt, batch, rounds=3):
    gen = torch.Generator().manual_seed(0)
    best, loss = float("inf"), 0.0
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            picked = torch.randint(0, 9000, (batch,), generator=gen)
            loss = step(model, opt, train[picked])
        best = min(best, (time.perf_counter() - t0) * 1000 / steps)
    return best, loss


torch.manual_seed(0)
model = Adder(32, 4, 2, 128)
ms, loss = best_ms(model, torch.optim.AdamW(model.parameters(), lr=3e-3), 64)
n = sum(p.numel() for p in model.parameters())
print(f"adder_step_pytorch: {ms:.3f} ms/step (d_model 32, 4 heads, 2 layers, FF 128, batch 64, {n} parameters, "
      f"loss {loss:.3f})")
model = Adder(10, 2, 2, 40)
ms, loss = best_ms(model, torch.optim.Adam(model.parameters(), lr=1e-3), 100)
n = sum(p.numel() for p in model.parameters())
print(f"reference_step_pytorch: {ms:.3f} ms/step (d_model 10, 2 heads, 2 layers, FF 40, batch 100, {n} parameters, "
      f"loss {loss:.3f})")
