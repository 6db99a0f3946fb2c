# SPDX-License-Identifier: MIT
# The tensor benchmarks, gradlab and PyTorch taking turns: three rounds of
# bench/tensor_tiny_op, mlp_step, cnn_step, transformer_step and hessian_vector against
# bench/torch_compare.py and transformer_compare.py (float64, one thread each), then the best of each and the ratio
# gradlab / PyTorch (below 1: gradlab is faster); beside it, the epochs against PyTorch in float32,
# its default dtype (gradlab computes in float64 only). The machine is shared, so
# turns and best-of keep both sides under the same conditions.
#   python3 bench/side_by_side.py BUILD_DIR
import os
import re
import subprocess
import sys

build = sys.argv[1] if len(sys.argv) > 1 else "build"
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
torch_python = "/usr/bin/python3"
has_torch = subprocess.run([torch_python, "-c", "import torch"], capture_output=True).returncode == 0
here = os.path.dirname(os.path.abspath(__file__))

best = {}
for _ in range(3):
    runs = [[os.path.join(build, "bench", p)] for p in ("tensor_tiny_op", "mlp_step", "cnn_step", "transformer_step",
                                                        "hessian_vector")]
    if has_torch:
        runs.append([torch_python, os.path.join(here, "torch_compare.py")])
        runs.append([torch_python, os.path.join(here, "transformer_compare.py")])
    for cmd in runs:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            m = re.match(r"(\w+): ([0-9.]+) (\S+)", line)
            if m:
                name, value, unit = m.group(1), float(m.group(2)), m.group(3)
                best[name] = min(best.get(name, (value, unit)), (value, unit))

def figure(v):
    """Three decimals, four below 0.1 (the Hessian-vector product's 0.02 s)."""
    return f"{v:.3f}" if v >= 0.1 else f"{v:.4f}"


print(f"{'benchmark (best of 3)':28} {'gradlab':>14} {'pytorch':>14} {'ratio':>7} {'pytorch f32':>14} {'ratio':>7}")
for key, label in (("tensor_tiny_op", "tiny op"), ("mlp_epoch", "MLP epoch"), ("cnn_epoch", "CNN epoch"),
                   ("adder_step", "transformer step (adds)"), ("reference_step", "reference config step"),
                   ("hvp_mlp", "MLP Hessian-vector product")):
    g = best.get(key if key == "tensor_tiny_op" else key + "_gradlab")
    t = best.get(key + "_pytorch")
    t32 = best.get(key + "_pytorch_f32")  # PyTorch in float32, its default (the epochs only)
    gs = f"{figure(g[0])} {g[1]}" if g else "-"
    ts = f"{figure(t[0])} {t[1]}" if t else "skipped"
    ratio = f"{g[0] / t[0]:.2f}" if g and t else "-"
    t32s = f"{figure(t32[0])} {t32[1]}" if t32 else "-"
    ratio32 = f"{g[0] / t32[0]:.2f}" if g and t32 else "-"
    print(f"{label:28} {gs:>14} {ts:>14} {ratio:>7} {t32s:>14} {ratio32:>7}")
print("gradlab and 'pytorch' in float64; 'pytorch f32' is PyTorch in float32, its default dtype")
if not has_torch:
    print("pytorch: skipped (install Debian's python3-torch: scripts/install-deps.sh bench)")
