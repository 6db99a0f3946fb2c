# SPDX-License-Identifier: MIT
# Chapter 19's GPT (nanoGPT's CPU recipe: 4 layers, 4 heads, n_embd 128,
# block 64, batch 12, AdamW 1e-3 with beta2 0.99, 100 warm-up steps and a
# cosine to 1e-4, weight decay 0.1 on the matrices, gradients clipped to 1)
# in gradlab (bench/gpt_step) and in PyTorch 1.13, written here with
# nanoGPT's module names, on the same fortune cookies:
#   1. step time, taking turns: gradlab (float64) against PyTorch in float64
#      and float32, with one thread and with the default threads;
#   2. the whole run from the same initial weights (gradlab's, read from
#      safetensors) on the same batches (gradlab's generator, std::mt19937_64,
#      written out below): the validation loss of each, float64 and float32;
#   3. the way out and back: gradlab's trained model loads strictly into the
#      PyTorch GPT and gives gradlab's logits (to 1e-9, float64); PyTorch's
#      trained model loads into gradlab and gives PyTorch's validation loss.
# Run: /usr/bin/python3 bench/gpt_compare.py BUILD [--steps 2000] [--time-steps 20] [--rounds 2]
# (part of make bench; needs Debian's python3-torch and the cookies of make data).
import argparse
import json
import math
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
try:
    import torch
    import torch.nn as nn
    from torch.nn import functional as F
except ImportError:
    print("gpt_compare: skipped (no PyTorch: apt-get install python3-torch)")
    sys.exit(0)

TEXT = os.environ.get("GRADLAB_TEXT") or os.path.join(here, "..", ".cache", "text", "fortunes.txt")
BLOCK, BATCH, N_LAYER, N_HEAD, N_EMBD = 64, 12, 4, 4, 128
LR, MIN_LR, WARMUP, WEIGHT_DECAY, BETA2, GRAD_CLIP = 1e-3, 1e-4, 100, 0.1, 0.99, 1.0


# --- safetensors, from the format's specification (as bench/safetensors_interop.py) ---------------
DTYPES = {"F64": (torch.float64, 8), "F32": (torch.float32, 4)}


def read_safetensors(path):
    """name -> tensor: u64 header length, JSON header, data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, info in header.items():
        dtype, _ = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(blob[8 + n + begin:8 + n + end]), dtype=dtype).reshape(info["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    """F64, every tensor (tied ones under each of their names)."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float64).contiguous().numpy().tobytes()  # little-endian on x86
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


# --- nanoGPT's model (model.py), bias=False, dropout 0 ------------------------------------------
class LayerNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD, bias=False)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD, bias=False)
        self.register_buffer("bias", torch.tril(torch.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK), persistent=False)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(N_EMBD, dim=2)
        k = k.view(B, T, N_HEAD, C // N_HEAD).transpose(1, 2)
        q = q.view(B, T, N_HEAD, C // N_HEAD).transpose(1, 2)
        v = v.view(B, T, N_HEAD, C // N_HEAD).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(N_EMBD, 4 * N_EMBD, bias=False)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * N_EMBD, N_EMBD, bias=False)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1, self.attn, self.ln_2, self.mlp = LayerNorm(N_EMBD), CausalSelfAttention(), LayerNorm(N_EMBD), MLP()

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, N_EMBD), wpe=nn.Embedding(BLOCK, N_EMBD),
            h=nn.ModuleList([Block() for _ in range(N_LAYER)]), ln_f=LayerNorm(N_EMBD)))
        self.lm_head = nn.Linear(N_EMBD, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying

    def forward(self, idx):
        pos = torch.arange(0, idx.size(1), dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


# --- the data: gradlab's text, vocabulary, split and batches -------------------------------------
class MT19937_64:
    """std::mt19937_64, the generator behind gradlab's manual_seed and uniform()."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        self.mt = [seed & self.M]
        for i in range(1, 312):
            prev = self.mt[-1]
            self.mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & self.M)
        self.i = 312

    def __call__(self):
        if self.i >= 312:
            mt = self.mt
            for k in range(312):
                x = (mt[k] & 0xFFFFFFFF80000000) | (mt[(k + 1) % 312] & 0x7FFFFFFF)
                mt[k] = mt[(k + 156) % 312] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
            self.i = 0
        x = self.mt[self.i]
        self.i += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & self.M

    def uniform(self):
        return (self() >> 11) * 2.0 ** -53


def load_data():
    with open(TEXT, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))  # CharVocab: code point order
    index = {c: i for i, c in enumerate(chars)}
    ids = [index[c] for c in text]
    n = int(0.9 * len(ids))
    return len(chars), torch.tensor(ids[:n], dtype=torch.long), torch.tensor(ids[n:], dtype=torch.long)


def get_batch(data, gen):
    starts = [int(gen.uniform() * (len(data) - BLOCK)) for _ in range(BATCH)]
    x = torch.stack([data[i:i + BLOCK] for i in starts])
    y = torch.stack([data[i + 1:i + 1 + BLOCK] for i in starts])
    return x, y


def learning_rate(step, steps):  # nanoGPT's get_lr, decaying over `steps`
    if step < WARMUP:
        return LR * (step + 1) / (WARMUP + 1)
    if step > steps:
        return MIN_LR
    ratio = (step - WARMUP) / max(1, steps - WARMUP)
    return MIN_LR + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (LR - MIN_LR)


def val_loss(model, val):
    windows = (len(val) - 1) // BLOCK
    total = 0.0
    with torch.no_grad():
        for w0 in range(0, windows, 64):
            n = min(64, windows - w0)
            x = val[w0 * BLOCK:(w0 + n) * BLOCK].view(n, BLOCK)
            y = val[w0 * BLOCK + 1:(w0 + n) * BLOCK + 1].view(n, BLOCK)
            logits = model(x)
            total += F.cross_entropy(logits.view(n * BLOCK, -1).double(), y.view(-1), reduction="sum").item()
    return total / (windows * BLOCK)


def train(model, train_data, steps, progress=""):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR, betas=(0.9, BETA2), eps=1e-8)
    gen = MT19937_64(2024)
    loss = None
    t0 = time.perf_counter()
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, steps)
        x, y = get_batch(train_data, gen)
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
        opt.step()
        if progress and ((step + 1) % max(1, steps // 10) == 0 or step + 1 == steps):
            s = time.perf_counter() - t0
            print(f"{progress}{step + 1:5d}/{steps} loss {loss.item():.4f}  {(step + 1) / s:.1f} steps/s", flush=True)
    return time.perf_counter() - t0, loss.item()


def torch_model(vocab, dtype, weights):
    model = GPT(vocab).to(dtype)
    model.load_state_dict({k: v.to(dtype) for k, v in weights.items()}, strict=True)
    return model


def torch_worker(args):
    """One PyTorch run in its own process (its thread count is set once per process)."""
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float64 if args.dtype == "f64" else torch.float32
    vocab, train_data, val = load_data()
    model = torch_model(vocab, dtype, read_safetensors(args.init))
    if args.worker == "time":
        train(model, train_data, 3)
        seconds, _ = train(model, train_data, args.steps)
        print(f"step: {1000 * seconds / args.steps:.2f} ms")
        return
    seconds, last = train(model, train_data, args.steps, progress=f"pytorch {args.dtype}: ")
    print(f"train_seconds: {seconds:.2f} s\nstep: {1000 * seconds / args.steps:.2f} ms\n"
          f"last_loss: {last:.10f} nats\nval_loss: {val_loss(model, val):.10f} nats")
    if args.save:
        write_safetensors(args.save, dict(model.state_dict()))


def run(cmd, threads=None, echo=False):
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if threads == 1:
        env["OPENBLAS_NUM_THREADS"] = "1"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    values = {}
    for line in proc.stdout:
        if echo:
            print("  " + line.rstrip(), flush=True)
        m = re.match(r"(\w+): ([-0-9.e]+) ", line)
        if m:
            values[m.group(1)] = float(m.group(2))
    if proc.wait() != 0:
        sys.exit(f"gpt_compare: {' '.join(cmd)} failed")
    return values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build", nargs="?", default="build")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--time-steps", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--worker", choices=["time", "train"])
    p.add_argument("--dtype", choices=["f64", "f32"], default="f64")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--init")
    p.add_argument("--save")
    args = p.parse_args()
    if args.worker:
        return torch_worker(args)
    if not os.path.exists(TEXT):
        print("gpt_compare: skipped (no fortune cookies: make data)")
        return
    program = os.path.join(args.build, "bench", "gpt_step")
    me = [sys.executable, os.path.abspath(__file__)]
    work = tempfile.mkdtemp(prefix="gpt_compare.")

    # 2. The whole run, both sides from gradlab's initial weights and batches.
    print(f"training {args.steps} steps: gradlab (float64), then PyTorch float64 and float32, default threads", flush=True)
    g = run([program, "--train", str(args.steps), "--out", work], echo=True)
    init = os.path.join(work, "init.safetensors")
    t64 = run(me + ["--worker", "train", "--dtype", "f64", "--steps", str(args.steps), "--init", init,
                    "--save", os.path.join(work, "torch_model.safetensors")], echo=True)
    t32 = run(me + ["--worker", "train", "--dtype", "f32", "--steps", str(args.steps), "--init", init], echo=True)

    # 3. gradlab -> PyTorch (logits) and PyTorch -> gradlab (validation loss).
    vocab, _, val = load_data()
    model = torch_model(vocab, torch.float64, read_safetensors(os.path.join(work, "model.safetensors")))
    with torch.no_grad():
        logits = model(val[:4 * BLOCK].view(4, BLOCK))
    logits_diff = (logits - read_safetensors(os.path.join(work, "logits.safetensors"))["logits"]).abs().max().item()
    back = run([program, "--load", os.path.join(work, "torch_model.safetensors")])

    # 1. Step time, taking turns.
    best = {}
    for _ in range(args.rounds):
        for key, threads in (("1 thread", 1), ("default threads", 0)):  # 0: as each library starts
            for side, cmd in (("gradlab", [program, "--time", str(args.time_steps)]),
                              ("pytorch f64", me + ["--worker", "time", "--dtype", "f64", "--threads", str(threads),
                                                    "--steps", str(args.time_steps), "--init", init]),
                              ("pytorch f32", me + ["--worker", "time", "--dtype", "f32", "--threads", str(threads),
                                                    "--steps", str(args.time_steps), "--init", init])):
                ms = run(cmd, threads=threads)["step"]
                best[(key, side)] = min(best.get((key, side), ms), ms)

    print(f"\nGPT (nanoGPT's CPU recipe, {args.steps} steps) on the fortune cookies, from the same weights and batches")
    print(f"{'':27} {'gradlab f64':>12} {'pytorch f64':>12} {'pytorch f32':>12}")
    print(f"{'validation loss':27} {g['val_loss']:12.4f} {t64['val_loss']:12.4f} {t32['val_loss']:12.4f}")
    print(f"{'last training loss':27} {g['last_loss']:12.4f} {t64['last_loss']:12.4f} {t32['last_loss']:12.4f}")
    print(f"{'training time (s)':27} {g['train_seconds']:12.1f} {t64['train_seconds']:12.1f} {t32['train_seconds']:12.1f}")
    for key in ("1 thread", "default threads"):
        gs, t, t32s = best[(key, "gradlab")], best[(key, "pytorch f64")], best[(key, "pytorch f32")]
        print(f"{'ms a step, ' + key:27} {gs:12.1f} {t:12.1f} {t32s:12.1f}   ratio {gs / t:.2f} (f64), {gs / t32s:.2f} (f32)")
    print(f"gpt_val_loss_difference: {abs(g['val_loss'] - t64['val_loss']):.4f} (float64), "
          f"{abs(g['val_loss'] - t32['val_loss']):.4f} (float32); target 0.03")
    print(f"gradlab -> pytorch: max logits difference {logits_diff:.2e} (target 1e-9)")
    print(f"pytorch -> gradlab: validation loss {back['val_loss']:.10f} in gradlab, {t64['val_loss']:.10f} in PyTorch "
          f"(difference {abs(back['val_loss'] - t64['val_loss']):.1e})")


if __name__ == "__main__":
    main()
