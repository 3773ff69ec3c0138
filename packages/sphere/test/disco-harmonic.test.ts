import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import { DiscoConvS2, discoFilter, evaluateDiscoBasis, gridSampling, mwSampling } from '../src/index.js';

/** Per-basis responses at every longitude of output ring t: out[k][p] = Σ_c ψ[k, t, c] x[columns[c, p]]. */
function responses(f: ReturnType<typeof discoFilter>, x: Float64Array, t: number): number[][] {
  const { nlat, nlon } = f.outSampling;
  const out: number[][] = [];
  for (let k = 0; k < f.kernelSize; k++) {
    const row: number[] = [];
    for (let p = 0; p < nlon; p++) {
      let s = 0;
      for (let c = 0; c < f.nS; c++) s += f.psi[(k * nlat + t) * f.nS + c]! * x[f.columns[c * nlon + p]!]!;
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

describe('DISCO harmonic basis (radial hats × circular harmonics)', () => {
  it('has K = 1 + (nr−1)(2nm−1) functions; each (cos, sin) pair turns by mγ under a rotation by γ', () => {
    const opts = { basis: 'harmonic' as const, kernelShape: [3, 3] as [number, number], cutoff: 0.5 };
    expect(evaluateDiscoBasis(opts, 0.1, 0.3).length).toBe(11);
    const r = 0.27;
    const a = 0.4;
    const g = 1.1;
    const v0 = evaluateDiscoBasis(opts, r, a);
    const v1 = evaluateDiscoBasis(opts, r, a + g);
    for (const hat of [0, 1]) {
      const base = 1 + hat * 5;
      expect(v1[base]).toBeCloseTo(v0[base]!, 14); // m = 0 is isotropic
      for (let m = 1; m <= 2; m++) {
        const [c0, s0] = [v0[base + 2 * m - 1]!, v0[base + 2 * m]!];
        const [c1, s1] = [v1[base + 2 * m - 1]!, v1[base + 2 * m]!];
        expect(c1).toBeCloseTo(Math.cos(m * g) * c0 - Math.sin(m * g) * s0, 14);
        expect(s1).toBeCloseTo(Math.sin(m * g) * c0 + Math.cos(m * g) * s0, 14);
      }
    }
    expect(evaluateDiscoBasis(opts, 0.6, 0).every((v) => v === 0)).toBe(true);
    // isotropic harmonic = isotropic piecewise linear
    const pl = evaluateDiscoBasis({ kernelShape: 3, cutoff: 0.5 }, r, a);
    const h1 = evaluateDiscoBasis({ basis: 'harmonic', kernelShape: [3, 1], cutoff: 0.5 }, r, a);
    expect(Array.from(h1)).toEqual(Array.from(pl));
  });

  it('rotation about the pole: at the north-pole output ring each pair turns by m·φ_p with the output longitude', () => {
    const s = gridSampling('equiangular', 9); // ring 0 is the north pole; every longitude there is one point
    const f = discoFilter(s, s, { basis: 'harmonic', kernelShape: [3, 3], cutoff: 0.9 });
    const x = Float64Array.from(randn([9 * 16], { generator: new Generator(1) }).dataSync());
    const y = responses(f, x, 0);
    for (const base of [1, 6])
      for (let m = 1; m <= 2; m++)
        for (let p = 0; p < 16; p++) {
          const ph = (2 * Math.PI * p) / 16;
          const [c0, s0] = [y[base + 2 * m - 1]![0]!, y[base + 2 * m]![0]!];
          // out(p) = Σ ψ(φ_x − φ_p) x: the filter is turned by −φ_p
          expect(y[base + 2 * m - 1]![p]).toBeCloseTo(Math.cos(m * ph) * c0 + Math.sin(m * ph) * s0, 5);
          expect(y[base + 2 * m]![p]).toBeCloseTo(-Math.sin(m * ph) * c0 + Math.cos(m * ph) * s0, 5);
        }
  });

  it('functions of different angular order (and cos vs sin) are orthogonal up to the quadrature error', () => {
    const s = gridSampling('gauss-legendre', 64);
    const f = discoFilter(s, s, {
      basis: 'harmonic',
      kernelShape: [3, 3],
      cutoff: 0.5,
      normalization: 'none',
    });
    const t = 20;
    const nlon = s.nlon;
    const q = new Float64Array(f.nS);
    for (let c = 0; c < f.nS; c++) {
      const ring = Math.floor(f.columns[c * nlon]! / nlon);
      q[c] = (s.weights![ring]! * 2 * Math.PI) / nlon;
    }
    const row = (k: number) => f.psi.subarray((k * s.nlat + t) * f.nS, (k * s.nlat + t + 1) * f.nS);
    // ⟨ψ_j, ψ_k⟩ = Σ (ψ_j q)(ψ_k q)/q
    const dot = (j: number, k: number) => {
      const a = row(j);
      const b = row(k);
      let sum = 0;
      for (let c = 0; c < f.nS; c++) sum += (a[c]! * b[c]!) / q[c]!;
      return sum;
    };
    // angular label of function k: order m and cos/sin (index j within its hat: 0 → m = 0, 2m−1 → cos, 2m → sin)
    const order = (k: number) => {
      const j = k === 0 ? 0 : (k - 1) % 5;
      return j === 0 ? '0' : `${Math.ceil(j / 2)}${j % 2}`;
    };
    let worst = 0;
    for (let j = 0; j < 11; j++)
      for (let k = j + 1; k < 11; k++)
        if (order(j) !== order(k))
          worst = Math.max(worst, Math.abs(dot(j, k)) / Math.sqrt(dot(j, j) * dot(k, k)));
    expect(worst).toBeLessThan(1.5e-2); // 6.2e-3 measured: the quadrature error of a disk ~10 grid steps wide
    // same order, different hat: not orthogonal (overlapping hats), as expected of this basis
    expect(Math.abs(dot(1, 6)) / Math.sqrt(dot(1, 1) * dot(6, 6))).toBeGreaterThan(0.05);
  });

  it('the layer is exactly equivariant to longitude shifts and has correct gradients', () => {
    const s = gridSampling('equiangular', 9);
    const conv = new DiscoConvS2(s, 2, 3, { basis: 'harmonic', kernelShape: [2, 3], seed: 3 });
    expect(conv.kernelSize).toBe(6);
    const x = randn([1, 2, 9, 16], { generator: new Generator(4) });
    const shift = (t: ReturnType<typeof randn>) =>
      tensor(
        Array.from({ length: t.size }, (_, i) => {
          const p = i % 16;
          return t.dataSync()[i - p + ((p + 15) % 16)]!;
        }),
        t.shape,
      );
    const a = conv.forward(shift(x)).dataSync();
    const b = shift(conv.forward(x)).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    const small = new DiscoConvS2(gridSampling('equiangular', 5), 1, 2, {
      basis: 'harmonic',
      kernelShape: [2, 2],
      seed: 8,
    });
    gradcheck(
      (xx, w) => {
        small.weight = w!;
        return small.forward(xx!);
      },
      [randn([1, 1, 5, 8], { generator: new Generator(5) }), small.weight],
    );
  });
});

describe('DISCO Morlet basis (Hann window × tangent-plane Fourier modes, as torch-harmonics)', () => {
  it('has nu·nv functions, vanishes outside the disk, and a quarter turn swaps (a, b) → (b, a) with the sine signs', () => {
    const opts = { basis: 'morlet' as const, kernelShape: 4, cutoff: 0.6 };
    const n = 4;
    const r = 0.35;
    const a0 = 0.7;
    const v0 = evaluateDiscoBasis(opts, r, a0);
    const v1 = evaluateDiscoBasis(opts, r, a0 + Math.PI / 2);
    expect(v0.length).toBe(16);
    // (u, v) ↦ (−v, u): ψ_ab(turned) = h_a(−v) h_b(u) W = (a odd ? −1 : 1) ψ_ba
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++)
        expect(v1[a * n + b]).toBeCloseTo((a % 2 === 1 ? -1 : 1) * v0[b * n + a]!, 13);
    // ψ_00 is the Hann window
    expect(v0[0]).toBeCloseTo(Math.cos((Math.PI * r) / 0.6 / 2) ** 2, 14);
    expect(evaluateDiscoBasis(opts, 0.6, 0.1).every((v) => v === 0)).toBe(true);
    expect(evaluateDiscoBasis({ basis: 'morlet', kernelShape: [2, 3], cutoff: 0.5 }, 0.1, 0).length).toBe(6);
  });

  it('the layer is exactly equivariant to longitude shifts and has correct gradients', () => {
    const s = gridSampling('equiangular', 9);
    const conv = new DiscoConvS2(s, 1, 2, { basis: 'morlet', kernelShape: [2, 2], seed: 7 });
    expect(conv.kernelSize).toBe(4);
    const x = randn([1, 1, 9, 16], { generator: new Generator(8) });
    const xs = x.dataSync();
    const shifted = tensor(
      Array.from({ length: x.size }, (_, i) => xs[i - (i % 16) + (((i % 16) + 15) % 16)]!),
      x.shape,
    );
    const a = conv.forward(shifted).dataSync();
    const y = conv.forward(x).dataSync();
    for (let i = 0; i < a.length; i++)
      expect(Math.abs(a[i]! - y[i - (i % 16) + (((i % 16) + 15) % 16)]!)).toBeLessThan(1e-5);
    gradcheck((xx) => conv.forward(xx!), [randn([1, 1, 9, 16], { generator: new Generator(9) })]);
  });
});

describe('DISCO normalisations', () => {
  const s = gridSampling('gauss-legendre', 24);
  const rows = (f: ReturnType<typeof discoFilter>) =>
    Array.from({ length: f.kernelSize * s.nlat }, (_, r) => f.psi.subarray(r * f.nS, (r + 1) * f.nS));

  it("'individual': every row has quadrature L1 norm 1 (signed bases too)", () => {
    for (const basis of ['piecewise-linear', 'zernike', 'harmonic', 'morlet'] as const) {
      const ks: number | [number, number] = basis === 'zernike' ? 3 : [3, 2];
      const f = discoFilter(s, s, { basis, kernelShape: ks, normalization: 'individual', cutoff: 0.5 });
      for (const r of rows(f)) {
        const l1 = r.reduce((a, b) => a + Math.abs(b), 0);
        if (l1 > 0) expect(l1).toBeCloseTo(1, 5);
      }
    }
  });

  it("'support': rows are divided by the quadrature area of their support (Zernike (0,0) sums to 1)", () => {
    const f = discoFilter(s, s, { basis: 'zernike', kernelShape: 2, normalization: 'support', cutoff: 0.5 });
    const none = discoFilter(s, s, { basis: 'zernike', kernelShape: 2, normalization: 'none', cutoff: 0.5 });
    for (let t = 0; t < s.nlat; t++) {
      const r = rows(f)[t]!;
      expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // same shape as 'none', one scale per row
      const n = rows(none)[t]!;
      const scale = r[r.findIndex((v) => v !== 0)]! / n[n.findIndex((v) => v !== 0)]!;
      for (let c = 0; c < f.nS; c++) expect(Math.abs(r[c]! - scale * n[c]!)).toBeLessThan(1e-6);
    }
  });

  it("'mean' for the harmonic basis: the isotropic functions sum to 1 at every latitude", () => {
    const f = discoFilter(s, s, { basis: 'harmonic', kernelShape: [3, 2], cutoff: 0.5 });
    const all = rows(f);
    for (const k of [0, 1, 4])
      for (let t = 0; t < s.nlat; t++)
        expect(all[k * s.nlat + t]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('accepts MW input grids (they now carry weights) and rejects unknown options', () => {
    const mw = mwSampling('mw', 8);
    expect(new DiscoConvS2(mw, 1, 1, { seed: 1 }).forward(randn([1, 1, 8, 15])).shape).toEqual([1, 1, 8, 15]);
    expect(() => discoFilter(s, s, { normalization: 'bogus' as 'none' })).toThrow(/normalization/);
    expect(() => discoFilter(s, s, { basis: 'gabor' as 'zernike' })).toThrow(/basis.*morlet/);
  });
});
