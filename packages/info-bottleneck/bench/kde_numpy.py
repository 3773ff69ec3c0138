"""numpy reference timing of the KDE bounds (ibsgd kde.py formulation) on N = 4096 samples per layer.
Run: /usr/bin/python3 packages/info-bottleneck/bench/kde_numpy.py"""
import time
import numpy as np
from scipy.special import logsumexp

rng = np.random.default_rng(1)
n = 4096
labels = rng.integers(0, 2, n)


def kl(x, var):
    d2 = (x ** 2).sum(1)[:, None] + (x ** 2).sum(1)[None, :] - 2 * x @ x.T
    n, dims = x.shape
    return dims / 2 - np.mean(logsumexp(-d2 / (2 * var), axis=1) - np.log(n) - dims / 2 * np.log(2 * np.pi * var))


def kde_all(t, var=0.1):
    hu, hl = kl(t, var), kl(t, 4 * var)
    for c in (0, 1):
        kl(t[labels == c], var)
        kl(t[labels == c], 4 * var)


out = {}
for d in (10, 7, 5, 4, 3, 2):
    t = rng.uniform(-1, 1, (n, d)).astype(np.float32)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        kde_all(t)
        times.append(time.perf_counter() - t0)
    out[d] = sorted(times)[2] * 1000
    print(f"d = {d}: {out[d]:.0f} ms per layer (median of 5)")
