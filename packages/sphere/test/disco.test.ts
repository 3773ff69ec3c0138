import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import { DiscoConvS2, DiscoConvTransposeS2, discoFilter, gridSampling } from '../src/index.js';

describe('DISCO convolution', () => {
  it('mean normalisation makes every basis function integrate to 1 at every output latitude', () => {
    const s = gridSampling('equiangular', 17);
    const f = discoFilter(s, s, { kernelShape: [3, 4] });
    expect(f.kernelSize).toBe(9);
    for (let row = 0; row < f.kernelSize * s.nlat; row++) {
      let sum = 0;
      for (let c = 0; c < f.nS; c++) sum += f.psi[row * f.nS + c]!;
      if (sum !== 0) expect(sum).toBeCloseTo(1, 5);
    }
  });

  it('matches a direct double loop over output points (shift reuse is right)', () => {
    const s = gridSampling('gauss-legendre', 8);
    const conv = new DiscoConvS2(s, 1, 1, { kernelShape: 2, bias: false, seed: 1 });
    const x = randn([1, 1, 8, 16], { generator: new Generator(2) });
    const y = conv.forward(x).dataSync();
    const xs = x.dataSync();
    const w = conv.weight.dataSync();
    const f = conv.filter;
    // y[t, p] = Σ_k w_k Σ_s ψ[k, t, s] x[columns[s, p]]
    for (let t = 0; t < 8; t++)
      for (let p = 0; p < 16; p++) {
        let ref = 0;
        for (let k = 0; k < f.kernelSize; k++)
          for (let c = 0; c < f.nS; c++)
            ref += w[k]! * f.psi[(k * 8 + t) * f.nS + c]! * xs[f.columns[c * 16 + p]!]!;
        expect(Math.abs(y[t * 16 + p]! - ref)).toBeLessThan(1e-5);
      }
  });

  it('is exactly equivariant to longitude shifts by the grid step', () => {
    const s = gridSampling('equiangular', 9);
    const conv = new DiscoConvS2(s, 2, 3, { kernelShape: [2, 3], seed: 3 });
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
  });

  it('downsamples, its transpose is the adjoint, and both have gradients', () => {
    const fine = gridSampling('equiangular', 9);
    const coarse = gridSampling('equiangular', 5);
    const down = new DiscoConvS2(fine, 2, 3, { outSampling: coarse, kernelShape: 2, bias: false, seed: 5 });
    const up = new DiscoConvTransposeS2(coarse, fine, 3, 2, { kernelShape: 2, bias: false, seed: 6 });
    // share weights: up.weight[o', c', k] = down.weight[c', o', k]
    up.weight = down.weight.permute([1, 0, 2]);
    const g = new Generator(7);
    const x = randn([2, 2, 9, 16], { generator: g });
    const z = randn([2, 3, 5, 8], { generator: g });
    const lhs = down.forward(x).mul(z).sum().item();
    const rhs = up.forward(z).mul(x).sum().item();
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    expect(down.forward(x).shape).toEqual([2, 3, 5, 8]);
    const small = gridSampling('equiangular', 5);
    const c = new DiscoConvS2(small, 1, 2, { kernelShape: [2, 2], seed: 8 });
    gradcheck(
      (xx, w) => {
        c.weight = w!;
        return c.forward(xx!);
      },
      [randn([1, 1, 5, 8], { generator: g }), c.weight],
    );
    const t = new DiscoConvTransposeS2(gridSampling('equiangular', 3), small, 1, 1, {
      kernelShape: 2,
      seed: 9,
    });
    gradcheck((zz) => t.forward(zz!), [randn([1, 1, 3, 4], { generator: g })]);
  });

  it("the 'per-ring' contraction equals the dense one, with gradients", () => {
    const fine = gridSampling('equiangular', 9);
    const coarse = gridSampling('equiangular', 5);
    const dense = new DiscoConvS2(fine, 2, 3, {
      outSampling: coarse,
      kernelShape: [2, 3],
      seed: 11,
      contraction: 'dense',
    });
    const ring = new DiscoConvS2(fine, 2, 3, {
      outSampling: coarse,
      kernelShape: [2, 3],
      seed: 11,
      contraction: 'per-ring',
    });
    const x = randn([2, 2, 9, 16], { generator: new Generator(12) });
    const a = dense.forward(x).dataSync();
    const b = ring.forward(x).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    gradcheck((xx) => ring.forward(xx!), [randn([1, 2, 9, 16], { generator: new Generator(13) })]);
  });

  it("the transpose's 'per-ring' contraction equals the dense one and is the per-ring forward's adjoint", () => {
    const fine = gridSampling('equiangular', 9);
    const coarse = gridSampling('equiangular', 5);
    const opts = { kernelShape: [2, 3] as [number, number], seed: 15, bias: false };
    const dense = new DiscoConvTransposeS2(coarse, fine, 3, 2, { ...opts, contraction: 'dense' });
    const ring = new DiscoConvTransposeS2(coarse, fine, 3, 2, { ...opts, contraction: 'per-ring' });
    expect(ring.contraction).toBe('per-ring');
    const g = new Generator(16);
    const z = randn([2, 3, 5, 8], { generator: g });
    const a = dense.forward(z).dataSync();
    const b = ring.forward(z).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
    const down = new DiscoConvS2(fine, 2, 3, { ...opts, outSampling: coarse, contraction: 'per-ring' });
    ring.weight = down.weight.permute([1, 0, 2]);
    const x = randn([2, 2, 9, 16], { generator: g });
    const lhs = down.forward(x).mul(z).sum().item();
    const rhs = ring.forward(z).mul(x).sum().item();
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
    gradcheck((zz) => ring.forward(zz!), [randn([1, 3, 5, 8], { generator: g })]);
    expect(() => new DiscoConvTransposeS2(coarse, fine, 1, 1, { contraction: 'sparse' as 'dense' })).toThrow(
      /contraction/,
    );
  });

  it('Zernike basis: n(n+1)/2 functions, the (0, 0) one integrates to 1, the others integrate to ≈ 0', () => {
    const s = gridSampling('gauss-legendre', 64);
    const f = discoFilter(s, s, { basis: 'zernike', kernelShape: 3, cutoff: 0.4 });
    expect(f.kernelSize).toBe(6);
    const t = 20; // an output ring away from the poles
    const row = (k: number) => f.psi.subarray((k * s.nlat + t) * f.nS, (k * s.nlat + t + 1) * f.nS);
    expect(row(0).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // modes of order > 0 with m ≠ 0, and R_2^0 = 2ρ² − 1, integrate to ≈ 0 over the disk
    for (let k = 1; k < 6; k++) {
      const r = row(k);
      const total = r.reduce((a, b) => a + b, 0);
      const mass = r.reduce((a, b) => a + Math.abs(b), 0);
      expect(Math.abs(total)).toBeLessThan(0.05 * mass);
    }
    const conv = new DiscoConvS2(gridSampling('equiangular', 9), 1, 2, {
      basis: 'zernike',
      kernelShape: 2,
      seed: 3,
    });
    gradcheck((xx) => conv.forward(xx!), [randn([1, 1, 9, 16], { generator: new Generator(14) })]);
    expect(() => discoFilter(s, s, { basis: 'zernike', kernelShape: [2, 3] })).toThrow(/kernelShape/);
  });

  it('rejects bad shapes and options', () => {
    const s = gridSampling('equiangular', 9);
    expect(() => new DiscoConvS2(s, 1, 1, { kernelShape: [0, 1] })).toThrow(/kernelShape/);
    expect(
      () => new DiscoConvS2(s, 1, 1, { outSampling: gridSampling('equiangular', 9, { nlon: 12 }) }),
    ).toThrow(/outSampling.*dividing/);
    expect(() => new DiscoConvS2(s, 1, 1).forward(randn([1, 1, 9, 15]))).toThrow(/\[batch, 1, 9, 16\]/);
    expect(() => discoFilter(s, s, { cutoff: 4 })).toThrow(/cutoff/);
  });
});
