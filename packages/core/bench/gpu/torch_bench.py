#!/usr/bin/env python3
"""The PyTorch half of the real-GPU table (bench/gpu/README.md).

fp32 matrix products through cuBLAS with TF32 OFF (the comparison the issue sets: full fp32, as
WGSL computes it) at 1024/2048/4096, and the memory-bound kernels of bench/gpu/bench.mjs: a
device-to-device copy (the bandwidth ceiling the targets are stated against), add, exp, full sum,
row sums and a transpose copy.

    python3 bench/gpu/torch_bench.py --out torch.json [--small]

Timing: CUDA events around `reps` back-to-back operations, after warm-up; the median over samples.
Without CUDA it runs on the CPU with wall-clock timing (to test the script; not a GPU number), and
says so in the JSON (`device`).
"""

import argparse
import json
import platform
import statistics
import time

import torch

# Full-precision fp32 GEMM: TF32 would run the tensor cores at ~8x the fp32 rate with a 10-bit
# mantissa, which WGSL cannot match and which is not the same arithmetic.
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")


def timer(device):
    """Returns time_ms(fn, reps): milliseconds per call of fn, over reps calls."""
    if device.type == "cuda":

        def time_ms(fn, reps):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            torch.cuda.synchronize()
            start.record()
            for _ in range(reps):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / reps

    else:

        def time_ms(fn, reps):
            t0 = time.perf_counter()
            for _ in range(reps):
                fn()
            return (time.perf_counter() - t0) * 1000 / reps

    return time_ms


def measure(time_ms, fn, target_ms, samples):
    for _ in range(3):
        fn()
    once = max(time_ms(fn, 1), 1e-3)
    reps = max(1, min(200, round(target_ms / once)))
    runs = [time_ms(fn, reps) for _ in range(samples)]
    return {"medianMs": statistics.median(runs), "minMs": min(runs), "runs": samples, "reps": reps}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="write JSON here (default: stdout)")
    ap.add_argument("--small", action="store_true", help="small sizes (CPU test of the script)")
    args = ap.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    small = args.small or device.type != "cuda"
    time_ms = timer(device)
    samples = 5 if small else 20
    target_ms = 5 if small else 20
    n = 1 << 20 if small else 1 << 26
    side = 1024 if small else 8192
    g = torch.Generator(device=device).manual_seed(0)

    def rand(*shape):
        return torch.rand(*shape, generator=g, device=device) * 2 - 1

    rows = []

    def row(id_, group, fn, flops=None, bytes_=None):
        stats = measure(time_ms, fn, target_ms, samples)
        ms = stats["medianMs"]
        rate = flops / (ms * 1e9) if flops else bytes_ / (ms * 1e6)
        unit = "TFLOP/s" if flops else "GB/s"
        rows.append({"id": id_, "group": group, "flops": flops, "bytes": bytes_, "unit": unit, "rate": rate, **stats})
        print(f"{id_:22s} {rate:10.2f} {unit} ({ms:.3f} ms, {stats['reps']} reps)", flush=True)

    for m in [128, 256, 512] if small else [1024, 2048, 4096]:
        a, b = rand(m, m), rand(m, m)
        c = torch.empty(m, m, device=device)
        row(f"matmul-{m}", "matmul", lambda a=a, b=b, c=c: torch.mm(a, b, out=c), flops=2 * m**3)
        del a, b, c

    x, y = rand(n), rand(n)
    out = torch.empty(n, device=device)
    row(f"copy-{n}", "copy", lambda: out.copy_(x), bytes_=2 * n * 4)
    row(f"add-{n}", "elementwise", lambda: torch.add(x, y, out=out), bytes_=3 * n * 4)
    row(f"exp-{n}", "elementwise", lambda: torch.exp(x, out=out), bytes_=2 * n * 4)
    s = torch.empty((), device=device)
    row(f"sum-all-{n}", "reduce", lambda: torch.sum(x, dim=0, out=s), bytes_=n * 4)
    del x, y, out, s
    mat = rand(side, side)
    rs = torch.empty(side, device=device)
    row(f"sum-rows-{side}x{side}", "reduce", lambda: torch.sum(mat, dim=-1, out=rs), bytes_=(side * side + side) * 4)
    t = torch.empty(side, side, device=device)
    row(f"transpose-{side}x{side}", "copy", lambda: t.copy_(mat.t()), bytes_=2 * side * side * 4)

    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "device": torch.cuda.get_device_name() if device.type == "cuda" else f"cpu ({platform.processor() or platform.machine()})",
        "cuda": device.type == "cuda",
        "torch": torch.__version__,
        "tf32": {"matmul": torch.backends.cuda.matmul.allow_tf32, "cudnn": torch.backends.cudnn.allow_tf32},
        "small": small,
        "rows": rows,
    }
    text = json.dumps(report, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
