import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import {
  gridSampling,
  gridSHT64,
  InverseRealSHT,
  packCoefficients,
  RealSHT,
  randomRotation,
  rotateCoefficients,
  SpectralZonalConv,
  seededUniform,
  unpackCoefficients,
} from '../src/index.js';
import { gaussians, relL2 } from './helpers.js';

describe('differentiable float32 SHT', () => {
  it('agrees with the float64 path and round trips to float32 precision, batched over leading dims', () => {
    const s = gridSampling('gauss-legendre', 32);
    const L = 32;
    const sht = new RealSHT(s, L);
    const isht = new InverseRealSHT(s, L);
    const ref = gridSHT64(s, L);
    const coeffs = [gaussians(L * L, 1), gaussians(L * L, 2), gaussians(L * L, 3)];
    const maps = coeffs.map((c) => ref.inverse(c));
    const x = tensor(Float32Array.from(maps.flatMap((m) => Array.from(m))), [3, 1, s.nlat, s.nlon]);
    const c = sht.forward(x);
    expect(c.shape).toEqual([3, 1, 2, L, L]);
    const cd = c.dataSync();
    for (let b = 0; b < 3; b++) {
      const packed = packCoefficients(cd.subarray(b * 2 * L * L, (b + 1) * 2 * L * L), L);
      expect(relL2(packed, coeffs[b]!)).toBeLessThan(2e-6);
    }
    const back = isht.forward(c);
    expect(back.shape).toEqual([3, 1, s.nlat, s.nlon]);
    expect(relL2(back.dataSync(), x.dataSync())).toBeLessThan(2e-6);
  });

  it('unpack/pack are inverse and the inverse SHT of unpacked coefficients matches float64 synthesis', () => {
    const s = gridSampling('equiangular', 17);
    const L = 9;
    const c = gaussians(L * L, 5);
    expect(relL2(packCoefficients(unpackCoefficients(c, L), L), c)).toBeLessThan(1e-7);
    const isht = new InverseRealSHT(s, L);
    const f = isht.forward(tensor(unpackCoefficients(c, L), [2, L, L]));
    expect(relL2(f.dataSync(), gridSHT64(s, L).inverse(c))).toBeLessThan(2e-6);
  });

  it('gradients match finite differences (forward and inverse)', () => {
    const s = gridSampling('gauss-legendre', 5);
    const g = new Generator(1);
    const sht = new RealSHT(s, 5);
    const isht = new InverseRealSHT(s, 5);
    gradcheck((x) => sht.forward(x), [randn([2, s.nlat, s.nlon], { generator: g })]);
    gradcheck((c) => isht.forward(c), [randn([1, 2, 5, 5], { generator: g })]);
  });

  it('rejects a wrong grid shape and a band limit the grid cannot carry', () => {
    const s = gridSampling('gauss-legendre', 8);
    expect(() => new RealSHT(s, 9)).toThrow(/bandLimit/);
    expect(() => new RealSHT(s).forward(randn([1, 8, 15]))).toThrow(/\[\.\.\., 8, 16\]/);
    expect(() => new InverseRealSHT(s).forward(randn([2, 8, 7]))).toThrow(/\[\.\.\., 2, 8, 8\]/);
  });
});

describe('spectral zonal convolution', () => {
  it('is rotation equivariant to ≤ 1e-5 (float32) on band-limited signals', () => {
    const s = gridSampling('gauss-legendre', 24);
    const L = 24;
    const conv = new SpectralZonalConv(s, 2, 3, { seed: 1 });
    const ref = gridSHT64(s, L);
    const rand = seededUniform(11);
    const ins = [gaussians(L * L, 21), gaussians(L * L, 22)];
    for (let trial = 0; trial < 3; trial++) {
      const rot = randomRotation(rand);
      const x = ins.map((c) => ref.inverse(c));
      const xr = ins.map((c) => ref.inverse(rotateCoefficients(c, L, rot)));
      const toT = (maps: Float64Array[]) =>
        tensor(Float32Array.from(maps.flatMap((m) => Array.from(m))), [1, 2, s.nlat, s.nlon]);
      const y = conv.forward(toT(x)).dataSync();
      const yr = conv.forward(toT(xr)).dataSync();
      const n = s.nlat * s.nlon;
      for (let o = 0; o < 3; o++) {
        const out = Float64Array.from(y.subarray(o * n, (o + 1) * n));
        const rotOut = ref.inverse(rotateCoefficients(ref.forward(out), L, rot));
        expect(relL2(yr.subarray(o * n, (o + 1) * n), rotOut)).toBeLessThan(1e-5);
      }
    }
  });

  it('has gradients for input, weight and bias', () => {
    const s = gridSampling('gauss-legendre', 4);
    const conv = new SpectralZonalConv(s, 2, 2, { seed: 2 });
    const x = randn([1, 2, 4, 8], { generator: new Generator(3) });
    gradcheck(
      (xx, w, b) => {
        conv.weight = w!;
        conv.bias = b!;
        return conv.forward(xx!);
      },
      [x, conv.weight, conv.bias!],
    );
    expect(() => conv.forward(randn([1, 3, 4, 8]))).toThrow(/x.*\[batch, 2, 4, 8\]/);
  });
});
