# SPDX-License-Identifier: MIT
# Weights move between gradlab and PyTorch unchanged, through safetensors:
#   1. gradlab trains the MNIST MLP and writes it; PyTorch reads the file (with
#      the small reader below, written from the format's specification) into
#      the same torch.nn.Sequential and gives the same test logits (to 1e-12).
#   2. PyTorch trains the same MLP and writes it (F64, and F32 as PyTorch
#      models usually are); gradlab loads each and gives PyTorch's logits and
#      accuracy.
# Run: /usr/bin/python3 bench/safetensors_interop.py build (part of make bench;
# needs Debian's python3-torch and the digits of `make data`).
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("safetensors_interop: skipped (no PyTorch: apt-get install python3-torch)")
    sys.exit(0)

torch.set_num_threads(1)
build = sys.argv[1] if len(sys.argv) > 1 else "build"
program = os.path.join(build, "bench", "safetensors_interop")
mnist = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "mnist")
if os.environ.get("GRADLAB_DATA"):
    mnist = os.path.join(os.environ["GRADLAB_DATA"], "mnist")
if not os.path.exists(os.path.join(mnist, "9.json")):
    print("safetensors_interop: skipped (no MNIST digits: make data)")
    sys.exit(0)

DTYPES = {"F64": (torch.float64, 8), "F32": (torch.float32, 4), "F16": (torch.float16, 2),
          "BF16": (torch.bfloat16, 2)}


def read_safetensors(path):
    """name -> tensor, from the specification: u64 header length, JSON, data."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__", None)
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        dtype, width = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def write_safetensors(path, tensors, dtype_name):
    dtype, width = DTYPES[dtype_name]
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(dtype).contiguous().numpy().tobytes()  # little-endian on x86
        header[name] = {"dtype": dtype_name, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def digits(split):
    """gradlab's split: the first 800 of each digit train, the rest test, digit by digit."""
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(mnist, f"{d}.json")) as f:
            x = torch.tensor(json.load(f)["data"], dtype=torch.float64).view(-1, 784)
        x = x[:800] if split == "train" else x[800:]
        images.append(x)
        labels.append(torch.full((len(x),), d))
    return torch.cat(images), torch.cat(labels)


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                               torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(torch.float64)


def run(*args):
    out = subprocess.run([program, *args], check=True, capture_output=True, text=True).stdout
    return float(out.split("test_accuracy:")[1])


test_x, test_y = digits("test")
accuracy = lambda logits: (logits.argmax(1) == test_y).double().mean().item()
worst = 0.0
with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
    # 1. gradlab -> PyTorch
    gradlab_accuracy = run("export", tmp)
    model = mlp()
    model.load_state_dict(read_safetensors(os.path.join(tmp, "gradlab_mlp.safetensors")), strict=True)
    theirs = read_safetensors(os.path.join(tmp, "gradlab_logits.safetensors"))["logits"]
    ours = model(test_x)
    diff = (ours - theirs).abs().max().item()
    worst = max(worst, diff)
    print(f"safetensors_gradlab_to_pytorch: max |logit difference| {diff:.2e} over {ours.numel()} logits; "
          f"test accuracy gradlab {gradlab_accuracy:.4f}, pytorch {accuracy(ours):.4f}")

    # 2. PyTorch -> gradlab, F64 and F32
    torch.manual_seed(15)
    model = mlp()
    train_x, train_y = digits("train")
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    with torch.enable_grad():
        for epoch in range(3):
            order = torch.randperm(len(train_x))
            for at in range(0, len(train_x), 64):
                idx = order[at:at + 64]
                loss = torch.nn.functional.cross_entropy(model(train_x[idx]), train_y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
    for dtype_name in ("F64", "F32"):
        path = os.path.join(tmp, f"pytorch_mlp_{dtype_name}.safetensors")
        write_safetensors(path, model.state_dict(), dtype_name)
        reference = mlp()
        reference.load_state_dict({k: v.to(DTYPES[dtype_name][0]).to(torch.float64)
                                   for k, v in model.state_dict().items()})
        expected = reference(test_x)
        gradlab_accuracy = run("import", path, tmp)
        got = read_safetensors(os.path.join(tmp, "imported_logits.safetensors"))["logits"]
        diff = (got - expected).abs().max().item()
        worst = max(worst, diff)
        print(f"safetensors_pytorch_to_gradlab_{dtype_name}: max |logit difference| {diff:.2e}; "
              f"test accuracy pytorch {accuracy(expected):.4f}, gradlab {gradlab_accuracy:.4f}")
        if abs(accuracy(expected) - gradlab_accuracy) > 1e-9:
            worst = float("inf")
print("safetensors_interop:", "same predictions both ways (logits within 1e-12)" if worst <= 1e-12
      else f"MISMATCH (worst logit difference {worst:.2e})")
sys.exit(0 if worst <= 1e-12 else 1)
