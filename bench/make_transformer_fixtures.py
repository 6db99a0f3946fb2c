# SPDX-License-Identifier: MIT
# Writes the PyTorch numbers the attention and transformer suites check
# against (tests/fixtures/*.gl): for fixed small inputs and weights, float64,
# the outputs, attention weights and every gradient of MultiheadAttention and
# TransformerEncoderLayer. Run once with Debian's python3-torch; the files
# are committed, so the tests need no Python:
#   /usr/bin/python3 bench/make_transformer_fixtures.py tests/fixtures
# Each file is in gradlab's format (serialize.hpp), written here directly.
import os
import struct
import sys

import torch

torch.set_default_dtype(torch.float64)
out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")


def fnv1a64(data):
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def save_gl(path, named):
    """gradlab's file format, version 1: header, shapes, float64 numbers, checksum."""
    head = b""
    body = b""
    for name, t in named:
        t = t.detach().contiguous().to(torch.float64)
        nb = name.encode()
        head += struct.pack("<I", len(nb)) + nb + struct.pack("<I", t.dim())
        head += b"".join(struct.pack("<q", d) for d in t.shape)
        body += struct.pack(f"<{t.numel()}d", *t.flatten().tolist())
    size = 24 + len(head) + len(body) + 8
    data = b"GRADLAB\0" + struct.pack("<IIQ", 1, len(named), size) + head + body
    data += struct.pack("<Q", fnv1a64(data))
    with open(path, "wb") as f:
        f.write(data)


def randomize(module, gen):
    """Every parameter drawn afresh (no zero biases, no ones in the norms)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)


def record(module, inputs, outputs, weights):
    """Parameters, inputs, outputs and the gradients of a weighted sum of them."""
    gen = torch.Generator().manual_seed(99)
    loss = 0
    named = []
    for name, o in outputs:
        r = torch.randn(o.shape, generator=gen)  # each output element gets its own weight
        named.append(("r." + name, r))
        loss = loss + (o * r).sum()
    loss.backward()
    named += [("param." + n, p) for n, p in module.named_parameters()]
    named += [("input." + n, t) for n, t in inputs]
    named += [("out." + n, o) for n, o in outputs]
    named += [("grad.param." + n, p.grad) for n, p in module.named_parameters()]
    named += [("grad.input." + n, t.grad) for n, t in inputs if t.requires_grad]
    named += weights
    return named


def mha_self(causal, average):
    gen = torch.Generator().manual_seed(1)
    E, H, N, L = 6, 2, 2, 4
    mha = torch.nn.MultiheadAttention(E, H, batch_first=True)
    randomize(mha, gen)
    x = torch.randn(N, L, E, generator=gen).requires_grad_()
    mask = torch.nn.Transformer.generate_square_subsequent_mask(L) if causal else None
    out, w = mha(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=average)
    extra = [("input.mask", mask)] if causal else []
    return record(mha, [("x", x)], [("output", out), ("weights", w)], extra)


def mha_cross():
    gen = torch.Generator().manual_seed(2)
    E, H, N, L, S = 6, 3, 2, 3, 5
    mha = torch.nn.MultiheadAttention(E, H, batch_first=True)
    randomize(mha, gen)
    q = torch.randn(N, L, E, generator=gen).requires_grad_()
    k = torch.randn(N, S, E, generator=gen).requires_grad_()
    v = torch.randn(N, S, E, generator=gen).requires_grad_()
    out, w = mha(q, k, v, need_weights=True)
    return record(mha, [("query", q), ("key", k), ("value", v)], [("output", out), ("weights", w)], [])


def encoder_layer(norm_first, activation):
    gen = torch.Generator().manual_seed(3)
    E, H, FF, N, L = 6, 2, 10, 2, 4
    layer = torch.nn.TransformerEncoderLayer(E, H, dim_feedforward=FF, dropout=0.0, activation=activation,
                                             batch_first=True, norm_first=norm_first)
    randomize(layer, gen)
    x = torch.randn(N, L, E, generator=gen).requires_grad_()
    mask = torch.nn.Transformer.generate_square_subsequent_mask(L)
    out = layer(x, src_mask=mask)
    return record(layer, [("x", x)], [("output", out)], [("input.mask", mask)])


os.makedirs(out_dir, exist_ok=True)
fixtures = {
    "mha_self_causal": mha_self(True, True),
    "mha_self_per_head": mha_self(False, False),
    "mha_cross": mha_cross(),
    "encoder_layer_post_ln_relu": encoder_layer(False, "relu"),
    "encoder_layer_pre_ln_gelu": encoder_layer(True, "gelu"),
}
for name, named in fixtures.items():
    save_gl(os.path.join(out_dir, name + ".gl"), named)
    print(name, len(named), "tensors")
