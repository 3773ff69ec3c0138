import { readFileSync } from 'node:fs';
import { ErlangenError, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  binActivations,
  binnedInformation,
  digamma,
  discreteEntropy,
  discreteMutualInformation,
  kdeEntropy,
  kdeInformation,
  ksgEntropy,
  ksgMixedInformation,
  ksgMutualInformation,
  mineMutualInformation,
  normalizedGram,
  renyiEntropy,
  renyiMutualInformation,
  symmetricEigenvalues,
  tableMutualInformation,
  toMatrix,
} from '../src/index.js';
import { mulberry32Open } from '../src/random.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8'));

/** Seeded standard normals (Box–Muller on mulberry32), so the tests need no fixture for their inputs. */
function normals(n: number, seed: number): Float64Array {
  const u = mulberry32Open(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function correlated(n: number, rho: number, seed: number): { x: Float64Array; y: Float64Array } {
  const z1 = normals(n, seed);
  const z2 = normals(n, seed + 1000);
  const y = z1.map((v, i) => rho * v + Math.sqrt(1 - rho * rho) * z2[i]!);
  return { x: z1, y };
}

const gaussianMi = (rho: number) => -0.5 * Math.log2(1 - rho * rho);

describe('digamma', () => {
  it('ψ(1) = −γ and ψ(x + 1) = ψ(x) + 1/x', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 12);
    for (const x of [0.3, 2.5, 17, 1000]) expect(digamma(x + 1)).toBeCloseTo(digamma(x) + 1 / x, 11);
  });
});

describe('exact discrete estimator', () => {
  it('matches scipy on a joint table (closed form) and on samples drawn exactly from it', () => {
    const p = ref.table.p as number[][];
    expect(tableMutualInformation(p)).toBeCloseTo(ref.table.mi, 12);
  });

  it('independent variables give 0, deterministic maps give H(X), entropies in bits', () => {
    // A product grid: every (a, b) pair once → exactly independent.
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 5; j++) {
        a.push(i);
        b.push(j);
      }
    expect(discreteMutualInformation(a, b)).toBeCloseTo(0, 12);
    expect(discreteEntropy(a)).toBeCloseTo(3, 12);
    const f = a.map((v) => v % 4); // deterministic, 4 equiprobable values
    expect(discreteMutualInformation(a, f)).toBeCloseTo(2, 12);
    expect(discreteMutualInformation(a, a)).toBeCloseTo(3, 12);
  });

  it('data-processing inequality along a chain X → T1 → T2 → T3', () => {
    const n = 2000;
    const z = normals(n, 3);
    const x = Array.from(z, (v) => Math.floor(v * 6));
    const t1 = x.map((v, i) => Math.floor(v / 2) + (i % 3 === 0 ? 1 : 0));
    const t2 = t1.map((v) => Math.floor(v / 3));
    const t3 = t2.map((v) => (v > 0 ? 1 : 0));
    const y = x.map((v) => (v > 1 ? 1 : 0));
    const chain = [x, t1, t2, t3].map((t) =>
      discreteMutualInformation(
        x.map((v) => v + 100),
        t.map((v) => v + 100),
      ),
    );
    const toY = [x, t1, t2, t3].map((t) =>
      discreteMutualInformation(
        t.map((v) => v + 100),
        y,
      ),
    );
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!).toBeLessThanOrEqual(chain[i - 1]! + 1e-12);
    }
    // Y → X → T1 → T2 → T3 is a Markov chain only through X; T_{i+1} = f(T_i), so I(T_{i+1}; Y) ≤ I(T_i; Y) from T1 on.
    for (let i = 2; i < toY.length; i++) expect(toY[i]!).toBeLessThanOrEqual(toY[i - 1]! + 1e-12);
  });
});

describe('binning', () => {
  it('fixed edges follow numpy.digitize over linspace(−1, 1, 30); values past the range clip', () => {
    const b = binActivations([[-1.5], [-1], [0], [0.99], [1], [7]], { kind: 'fixed', edges: 30 });
    // digitize: index of the first edge > v
    expect(Array.from(b)).toEqual([0, 1, 15, 29, 30, 30]);
  });

  it('floor binning is unbounded (no clipping); adaptive bins are equal-mass per neuron', () => {
    expect(Array.from(binActivations([[0.5], [3.2], [-0.1]], { kind: 'floor', binSize: 0.5 }))).toEqual([
      1, 6, -1,
    ]);
    const vals = Array.from({ length: 100 }, (_, i) => [i * i]);
    const a = binActivations(vals, { kind: 'adaptive', bins: 4 });
    const counts = [0, 0, 0, 0];
    for (const v of a) counts[v]!++;
    expect(counts).toEqual([25, 25, 25, 25]);
  });

  it('I(X;T) = H(T) for a deterministic layer of distinct inputs; I(T;Y) = H(Y) when T separates Y', () => {
    const t = [[0.1], [0.1], [0.5], [0.9]];
    const r = binnedInformation(t, [0, 1, 2, 3], [0, 0, 1, 1], { kind: 'fixed' });
    expect(r.ixt).toBeCloseTo(1.5, 12);
    expect(r.ity).toBeCloseTo(1, 12);
    expect(r.occupied).toBe(3);
  });
});

describe('KSG', () => {
  it('matches the numpy/cKDTree reference on the same samples (k = 3, 5)', () => {
    const x = Float64Array.from(ref.gauss.x as number[]);
    const y = Float64Array.from(ref.gauss.y as number[]);
    expect(ksgMutualInformation(x, y, { k: 3 })).toBeCloseTo(ref.gauss.ksg_k3, 10);
    expect(ksgMutualInformation(x, y, { k: 5 })).toBeCloseTo(ref.gauss.ksg_k5, 10);
  });

  it('is close to −½ log(1 − ρ²) on correlated Gaussians and ≈ 0 on independent ones', () => {
    const { x, y } = correlated(1000, 0.9, 5);
    expect(Math.abs(ksgMutualInformation(x, y, { k: 3 }) - gaussianMi(0.9))).toBeLessThan(0.08);
    const ind = correlated(1000, 0, 9);
    expect(ksgMutualInformation(ind.x, ind.y, { k: 3 })).toBeLessThan(0.05);
  });

  it('Kozachenko–Leonenko entropy matches h = (d/2) log₂(2πe) of a standard normal', () => {
    const z = normals(2000, 21);
    const m = { values: z, rows: 1000, cols: 2 };
    expect(Math.abs(ksgEntropy(m, { k: 3 }) - Math.log2(2 * Math.PI * Math.E))).toBeLessThan(0.08);
  });

  it('mixed continuous/discrete variant matches the scikit-learn-style numpy reference', () => {
    const t = { values: Float64Array.from(ref.layer.t as number[]), rows: ref.layer.labels.length, cols: 3 };
    expect(ksgMixedInformation(t, ref.layer.labels, { k: 3 })).toBeCloseTo(ref.layer.ksg_mixed_k3, 10);
  });
});

describe('KDE bounds (Kolchinsky–Tracey)', () => {
  const t = { values: Float64Array.from(ref.layer.t as number[]), rows: ref.layer.labels.length, cols: 3 };
  it('match the numpy port of ibsgd kde.py at σ² = 0.1 and 0.01 (float32 distances)', () => {
    for (const [variance, key] of [
      [0.1, 'kde_var_0_1'],
      [0.01, 'kde_var_0_01'],
    ] as const) {
      const r = kdeInformation(t, ref.layer.labels, { noiseVariance: variance });
      const e = ref.layer[key];
      for (const f of ['ixtUpper', 'ixtLower', 'ityUpper', 'ityLower', 'hUpper', 'hLower'] as const)
        expect(Math.abs(r[f] - e[f])).toBeLessThan(2e-4);
    }
  });

  it('upper ≥ lower, I(X;T) ≤ log₂ N, and blocks of rows do not change the result', () => {
    const r = kdeInformation(t, ref.layer.labels, { noiseVariance: 1e-6 });
    expect(r.ixtUpper).toBeLessThanOrEqual(Math.log2(t.rows) + 1e-9);
    expect(r.ixtUpper).toBeGreaterThan(Math.log2(t.rows) - 0.01);
    expect(r.ixtUpper).toBeGreaterThanOrEqual(r.ixtLower - 1e-9);
    const a = kdeEntropy(t, { noiseVariance: 0.05 });
    const b = kdeEntropy(t, { noiseVariance: 0.05, blockRows: 37 });
    expect(a.upper).toBeCloseTo(b.upper, 5);
  });
});

describe('matrix-based Rényi entropy', () => {
  const x = { values: Float64Array.from(ref.renyi.x as number[]), rows: 60, cols: 2 };
  const y = { values: Float64Array.from(ref.renyi.y as number[]), rows: 60, cols: 1 };
  it('eigenvalues, entropy and mutual information match numpy.linalg.eigvalsh', () => {
    const ev = Array.from(symmetricEigenvalues(normalizedGram(x, ref.renyi.sx), 60)).sort((a, b) => a - b);
    const want = ref.renyi.eig as number[];
    for (let i = 0; i < 60; i++) expect(ev[i]!).toBeCloseTo(want[i]!, 10);
    expect(renyiEntropy(x, { alpha: 1.01, sigma: ref.renyi.sx })).toBeCloseTo(ref.renyi.hx, 8);
    expect(renyiEntropy(x, { alpha: 2, sigma: ref.renyi.sx })).toBeCloseTo(ref.renyi.hx_alpha2, 8);
    expect(
      renyiMutualInformation(x, y, { alpha: 1.01, sigma: ref.renyi.sx, sigmaY: ref.renyi.sy }),
    ).toBeCloseTo(ref.renyi.mi, 8);
  });
});

describe('MINE', () => {
  it('estimates the mutual information of correlated Gaussians within a loose band', () => {
    const { x, y } = correlated(1000, 0.9, 11);
    const r = mineMutualInformation(x.subarray(0, 600), y.subarray(0, 600), {
      steps: 150,
      batchSize: 128,
      lr: 5e-3,
      hidden: 32,
      seed: 1,
    });
    const truth = gaussianMi(0.9);
    expect(r.bits).toBeGreaterThan(truth - 0.45);
    expect(r.bits).toBeLessThan(truth + 0.3);
    expect(r.trace.length).toBe(150);
  }, 30_000);
});

describe('bad input', () => {
  it('mismatched sample counts, empty probe sets, σ² ≤ 0 and k ≥ N throw clear ErlangenErrors', () => {
    expect(() => discreteMutualInformation([0, 1], [0, 1, 2])).toThrow(
      /same number of samples.*has 2.*has 3/,
    );
    expect(() => ksgMutualInformation([[1], [2]], [[1]])).toThrow(ErlangenError);
    expect(() => toMatrix('op', 'activations', [])).toThrow(/empty probe set/);
    expect(() => kdeInformation([[0], [1]], [0, 1], { noiseVariance: 0 })).toThrow(/noiseVariance.*σ² > 0/);
    expect(() => kdeInformation([[0], [1]], [0, 1], { noiseVariance: -1 })).toThrow(ErlangenError);
    expect(() => ksgMutualInformation([[0], [1], [2]], [[0], [1], [2]], { k: 3 })).toThrow(/k < N = 3/);
    expect(() => binnedInformation(tensor([1, 2, 3], [3, 1]), [0, 1], [0, 1, 0])).toThrow(
      /same number of samples/,
    );
    expect(() => renyiEntropy([[0], [1]], { alpha: 1 })).toThrow(/α ≠ 1/);
    expect(() => toMatrix('op', 'x', [[0], [Number.NaN]])).toThrow(/finite values/);
  });
});
