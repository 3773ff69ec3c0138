#!/usr/bin/env python3
"""Independent numpy run of the 12-bit information-plane experiment, to check the TypeScript one.

Written from the protocol, not from the IDNNs / ibsgd code: network 12-10-7-5-4-3-2, tanh, softmax
cross-entropy, Adam, I(X;T) and I(T;Y) of every layer by binning each unit on
numpy.digitize(x, linspace(-1, 1, 30)) over all 4096 inputs (I(X;T) = H(T): the inputs are distinct).
Many networks train at once as one stacked computation ([K, batch, width] matmuls, hand-written
backpropagation, elementwise Adam), so each is independent; this is what makes 8000 epochs of
minibatches affordable on a small CPU. The knobs are the settings in which IDNNs (Shwartz-Ziv &
Tishby), ibsgd (Saxe et al.) and our example differ:

  --batch-size B           minibatch size (0 = full batch)
  --orders fixed,shuffle   minibatches in the same order every epoch (IDNNs) or reshuffled (Keras, ours)
  --splits original,shuffled   first rows train (IDNNs) or a seeded permutation
  --train-size N           3277 = IDNNs' rint(0.8·4096); 3276 = our floor(0.8·4096)
  --inits tn-fanin,...     truncated normal std 1/√fan_in everywhere, zero biases (IDNNs; our default);
                           tn-fanout: std 1/√fan_out on hidden layers, Glorot-uniform output (ibsgd);
                           uniform: U(±1/√fan_in) weights and biases (PyTorch's / core's default)
  --adam torch|tf          ε added to √v̂ (PyTorch, ours) or to √v with a bias-corrected step (TF 1, IDNNs)
  --seeds 0,1,2

Every combination of seeds × splits × orders × inits trains in one stack. Prints one JSON line per network:
per layer I(X;T) at initialisation, peak (epoch) and final, output I(T;Y), test accuracy.
Usage: /usr/bin/python3 bench/twelve_bit_numpy.py --batch-size 256 --splits original --orders fixed
"""

import argparse
import itertools
import json
import math
import sys
import time

import numpy as np

NEIGHBOURS = [
    [1, 3, 5, 10, 11], [0, 2, 3, 4, 11], [1, 3, 4, 8, 9], [0, 1, 2, 8, 10],
    [1, 2, 6, 9, 11], [0, 6, 7, 10, 11], [4, 5, 7, 9, 11], [5, 6, 8, 9, 10],
    [2, 3, 7, 9, 10], [2, 4, 6, 7, 8], [0, 3, 5, 7, 8], [0, 1, 4, 5, 6],
]
ANTIPODES = [9, 7, 5, 6, 10, 2, 3, 1, 11, 0, 4, 8]
WIDTHS = [12, 10, 7, 5, 4, 3, 2]
DT = np.float32


def dataset():
    """All 4096 patterns (row i = i in binary, MSB first) and the icosahedron-rule labels."""
    x = ((np.arange(4096)[:, None] >> (11 - np.arange(12))) & 1).astype(DT)
    y = np.zeros(4096, dtype=np.int64)
    for i, bits in enumerate(x.astype(bool)):
        k = int(bits.sum())
        e1 = sum(1 for a in range(12) if bits[a] for b in NEIGHBOURS[a] if b > a and bits[b])
        e3 = sum(1 for a in range(12) if bits[a] and ANTIPODES[a] > a and bits[ANTIPODES[a]])
        y[i] = 1 if 30 * k - 3 * k * k + 8 * e1 - 4 * e3 >= 120 else 0
    return x, y


def truncated_normal(rng, shape, std):
    """N(0, std²) redrawn outside ±2 std (TensorFlow's truncated_normal)."""
    n = int(np.prod(shape))
    z = rng.standard_normal(n * 4)
    return (z[np.abs(z) <= 2][:n] * std).reshape(shape)


class Stack:
    """K independent networks; parameters are views into one flat buffer so Adam is one vector op."""

    def __init__(self, inits, seeds):
        k = len(inits)
        shapes = []
        for i in range(len(WIDTHS) - 1):
            shapes += [(k, WIDTHS[i], WIDTHS[i + 1]), (k, 1, WIDTHS[i + 1])]
        total = sum(int(np.prod(s)) for s in shapes)
        self.flat = np.zeros(total, DT)
        self.grad = np.zeros(total, DT)
        self.params, self.grads, off = [], [], 0
        for s in shapes:
            n = int(np.prod(s))
            self.params.append(self.flat[off : off + n].reshape(s))
            self.grads.append(self.grad[off : off + n].reshape(s))
            off += n
        for m, (init, seed) in enumerate(zip(inits, seeds)):
            rng = np.random.default_rng([seed, 12])
            for i in range(len(WIDTHS) - 1):
                fi, fo = WIDTHS[i], WIDTHS[i + 1]
                w, b = self.params[2 * i][m], self.params[2 * i + 1][m]
                last = i == len(WIDTHS) - 2
                if init == 'tn-fanin':
                    w[:] = truncated_normal(rng, (fi, fo), 1 / math.sqrt(fi))
                elif init == 'tn-fanout':
                    a = math.sqrt(6 / (fi + fo))
                    w[:] = rng.uniform(-a, a, (fi, fo)) if last else truncated_normal(rng, (fi, fo), 1 / math.sqrt(fo))
                elif init == 'uniform':
                    a = 1 / math.sqrt(fi)
                    w[:] = rng.uniform(-a, a, (fi, fo))
                    b[:] = rng.uniform(-a, a, (1, fo))
                else:
                    raise ValueError(init)

    def forward(self, x):
        """x: [K, B, 12] → activations [x, T1..T5, logits]."""
        acts = [x]
        h = x
        for i in range(len(WIDTHS) - 1):
            h = np.matmul(h, self.params[2 * i]) + self.params[2 * i + 1]
            if i < len(WIDTHS) - 2:
                h = np.tanh(h)
            acts.append(h)
        return acts

    def backward(self, acts, y):
        """Gradient of each network's mean cross-entropy over its batch; y: [K, B] int."""
        logits = acts[-1]
        z = logits - logits.max(axis=2, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=2, keepdims=True)
        kk, bb = y.shape
        p[np.arange(kk)[:, None], np.arange(bb)[None, :], y] -= 1
        dz = p / bb
        for i in range(len(WIDTHS) - 2, -1, -1):
            np.matmul(acts[i].transpose(0, 2, 1), dz, out=self.grads[2 * i])
            self.grads[2 * i + 1][:] = dz.sum(axis=1, keepdims=True)
            if i > 0:
                dz = np.matmul(dz, self.params[2 * i].transpose(0, 2, 1)) * (1 - acts[i] ** 2)


class Adam:
    def __init__(self, n, lr, kind, eps=1e-8, b1=0.9, b2=0.999):
        self.lr, self.kind, self.eps, self.b1, self.b2, self.t = lr, kind, eps, b1, b2, 0
        self.m = np.zeros(n, DT)
        self.v = np.zeros(n, DT)

    def step(self, p, g):
        self.t += 1
        self.m *= self.b1
        self.m += (1 - self.b1) * g
        self.v *= self.b2
        self.v += (1 - self.b2) * g * g
        c1, c2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        if self.kind == 'tf':  # TF 1 AdamOptimizer: ε on √v, bias correction folded into the step size
            p -= (self.lr * math.sqrt(c2) / c1) * self.m / (np.sqrt(self.v) + self.eps)
        else:  # PyTorch / core: ε on √v̂
            p -= self.lr * (self.m / c1) / (np.sqrt(self.v / c2) + self.eps)


def row_entropy(codes):
    _, counts = np.unique(codes, return_counts=True)
    q = counts / counts.sum()
    return float(-(q * np.log2(q)).sum())


def binned_information(t, y, edges):
    """t: [N, d] → (I(X;T) = H(T), I(T;Y) = H(T) − Σ_y p(y) H(T | Y = y)), each unit binned as IDNNs."""
    bins = np.digitize(t, edges).astype(np.int64)  # 0..30 per unit
    codes = (bins * (32 ** np.arange(t.shape[1], dtype=np.int64))).sum(axis=1)
    h = row_entropy(codes)
    return h, h - sum((y == c).mean() * row_entropy(codes[y == c]) for c in (0, 1))


def log_epochs(max_epoch, count):
    e = np.unique(np.round(np.logspace(0, math.log10(max_epoch), count)).astype(int))
    return sorted(set([0, *e.tolist(), max_epoch]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--epochs', type=int, default=8000)
    ap.add_argument('--batch-size', type=int, default=0)
    ap.add_argument('--orders', default='shuffle')
    ap.add_argument('--splits', default='shuffled')
    ap.add_argument('--train-size', type=int, default=3276)
    ap.add_argument('--inits', default='tn-fanin')
    ap.add_argument('--adam', choices=['torch', 'tf'], default='torch')
    ap.add_argument('--lr', type=float, default=4e-4)
    ap.add_argument('--record-points', type=int, default=60)
    a = ap.parse_args()
    combos = list(itertools.product(
        [int(s) for s in a.seeds.split(',')], a.splits.split(','), a.orders.split(','), a.inits.split(',')))
    k, n = len(combos), a.train_size
    x_all, y_all = dataset()
    train_idx, test_idx = [], []
    for seed, split, _, _ in combos:
        order = np.random.default_rng([seed, 7]).permutation(4096) if split == 'shuffled' else np.arange(4096)
        train_idx.append(order[:n])
        test_idx.append(order[n:])
    train_idx, test_idx = np.stack(train_idx), np.stack(test_idx)
    xtr, ytr = x_all[train_idx], y_all[train_idx]  # [K, n, 12], [K, n]
    net = Stack([c[3] for c in combos], [c[0] for c in combos])
    opt = Adam(net.flat.size, a.lr, a.adam)
    edges = np.linspace(-1, 1, 30)
    rec = log_epochs(a.epochs, a.record_points)
    hist = []  # (epoch, [K][layer] (ixt, ity))
    rngs = [np.random.default_rng([c[0], 99]) for c in combos]
    fixed = np.array([c[2] == 'fixed' for c in combos])
    bs = n if a.batch_size <= 0 else a.batch_size
    rows = np.arange(k)[:, None]
    probe = np.broadcast_to(x_all, (k, 4096, 12))
    t0 = time.time()
    for epoch in range(a.epochs + 1):
        if epoch in rec:
            taps = net.forward(probe)[1:]
            logits = taps[-1]
            sm = np.exp(logits - logits.max(axis=2, keepdims=True))
            taps[-1] = sm / sm.sum(axis=2, keepdims=True)
            hist.append((epoch, [[binned_information(t[m], y_all, edges) for t in taps] for m in range(k)]))
            # Stream the 3-unit layer's I(X;T) per network, so a run cut short still shows its trend.
            print(json.dumps({'epoch': epoch, 'threeUnitIXT': [round(h[4][0], 2) for h in hist[-1][1]],
                              'seconds': round(time.time() - t0, 1)}), file=sys.stderr, flush=True)
        if epoch == a.epochs:
            break
        perm = np.stack([np.arange(n) if fixed[m] else rngs[m].permutation(n) for m in range(k)])
        for s in range(0, n, bs):
            idx = perm[:, s : s + bs]
            acts = net.forward(xtr[rows, idx])
            net.backward(acts, ytr[rows, idx])
            opt.step(net.flat, net.grad)
    seconds = time.time() - t0
    test_logits = net.forward(x_all[test_idx])[-1]
    for m, (seed, split, order, init) in enumerate(combos):
        layers = []
        for li in range(len(WIDTHS) - 1):
            ixt = [h[1][m][li][0] for h in hist]
            j = int(np.argmax(ixt))
            layers.append({'width': WIDTHS[li + 1], 'init': round(ixt[0], 2), 'peak': round(ixt[j], 2),
                           'peakEpoch': hist[j][0], 'final': round(ixt[-1], 2)})
        acc = float((test_logits[m].argmax(1) == y_all[test_idx[m]]).mean())
        print(json.dumps({
            'seed': seed, 'split': split, 'order': order, 'init': init, 'batch': a.batch_size, 'train': n,
            'adam': a.adam, 'lr': a.lr, 'epochs': a.epochs, 'threeUnit': layers[4],
            'outputITY': round(hist[-1][1][m][-1][1], 3), 'testAccuracy': round(acc, 4), 'layers': layers,
            'secondsAll': round(seconds, 1),
        }), flush=True)


if __name__ == '__main__':
    main()
