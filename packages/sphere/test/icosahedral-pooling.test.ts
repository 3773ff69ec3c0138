import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import {
  icosahedralHierarchy,
  icosahedralPool,
  icosahedralSampling,
  icosahedralUnpool,
} from '../src/index.js';

describe('icosahedral pooling and unpooling', () => {
  it('the coarse vertices are the first ones of the fine level; 1-rings and parents are geometric', () => {
    for (const level of [1, 2, 3]) {
      const fine = icosahedralSampling(level);
      const coarse = icosahedralSampling(level - 1);
      const h = icosahedralHierarchy(level);
      expect([h.fine, h.coarse]).toEqual([fine.npoints, coarse.npoints]);
      for (let v = 0; v < h.coarse * 3; v++) expect(fine.xyz[v]).toBe(coarse.xyz[v]);
      // 12 vertices with 5 neighbours, the rest 6
      expect(Array.from(h.ringSize).filter((n) => n === 6).length).toBe(12);
      expect(Array.from(h.ringSize).filter((n) => n === 7).length).toBe(h.coarse - 12);
      // every midpoint is the normalised mean of its two parents
      for (let v = h.coarse; v < h.fine; v++) {
        const [a, b] = [h.parents[2 * v]!, h.parents[2 * v + 1]!];
        const m = [0, 1, 2].map((i) => fine.xyz[3 * a + i]! + fine.xyz[3 * b + i]!);
        const r = Math.hypot(m[0]!, m[1]!, m[2]!);
        for (let i = 0; i < 3; i++) expect(Math.abs(m[i]! / r - fine.xyz[3 * v + i]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('mean and max pooling match a direct loop over each 1-ring; constants are preserved', () => {
    const level = 2;
    const h = icosahedralHierarchy(level);
    const x = randn([2, 3, h.fine], { generator: new Generator(1) });
    const xs = x.dataSync();
    const mean = icosahedralPool(x).dataSync();
    const max = icosahedralPool(x, 'max').dataSync();
    for (let b = 0; b < 6; b++)
      for (let v = 0; v < h.coarse; v++) {
        const vals = Array.from(h.ring.subarray(v * 7, v * 7 + h.ringSize[v]!), (u) => xs[b * h.fine + u]!);
        expect(new Set(h.ring.subarray(v * 7, v * 7 + h.ringSize[v]!)).size).toBe(h.ringSize[v]);
        expect(mean[b * h.coarse + v]).toBeCloseTo(vals.reduce((s, a) => s + a, 0) / vals.length, 5);
        expect(max[b * h.coarse + v]).toBe(Math.max(...vals));
      }
    const ones = icosahedralPool(tensor(new Float32Array(h.fine).fill(1), [h.fine])).dataSync();
    for (const v of ones) expect(v).toBeCloseTo(1, 6);
    expect(icosahedralPool(x).shape).toEqual([2, 3, h.coarse]);
  });

  it('unpooling copies coarse vertices and interpolates midpoints: a linear field is reproduced up to normalisation', () => {
    const h = icosahedralHierarchy(2);
    const coarse = icosahedralSampling(1);
    const fine = icosahedralSampling(2);
    // f = z on the coarse grid; at a midpoint the unpooled value is (z_a + z_b)/2 = z_mid · |x_a + x_b|/2
    const z = Float32Array.from({ length: h.coarse }, (_, v) => coarse.xyz[3 * v + 2]!);
    const up = icosahedralUnpool(tensor(z, [1, h.coarse])).dataSync();
    expect(up.length).toBe(h.fine);
    for (let v = 0; v < h.fine; v++) {
      const [a, b] = [h.parents[2 * v]!, h.parents[2 * v + 1]!];
      expect(up[v]).toBeCloseTo((z[a]! + z[b]!) / 2, 6);
      if (v < h.coarse) expect(up[v]).toBe(z[v]);
      else expect(Math.abs(up[v]! - fine.xyz[3 * v + 2]!)).toBeLessThan(0.05);
    }
  });

  it('gradients of both match finite differences', () => {
    const g = new Generator(3);
    gradcheck((x) => icosahedralPool(x!), [randn([2, 42], { generator: g })]);
    gradcheck((x) => icosahedralPool(x!, 'max'), [randn([2, 42], { generator: g })]);
    gradcheck((x) => icosahedralUnpool(x!), [randn([2, 12], { generator: g })]);
  });

  it('rejects a last axis that is not an icosahedral level and pooling below level 0', () => {
    expect(() => icosahedralPool(randn([3, 40]))).toThrow(/icosahedralPool.*'x'.*10·4\^ℓ \+ 2.*\[3, 40\]/);
    expect(() => icosahedralPool(randn([12]))).toThrow(/ℓ ≥ 1/);
    expect(() => icosahedralUnpool(randn([13]))).toThrow(/icosahedralUnpool/);
    expect(() => icosahedralPool(randn([42]), 'sum' as 'mean')).toThrow(/mode/);
    expect(() => icosahedralHierarchy(0)).toThrow(/level/);
  });
});
