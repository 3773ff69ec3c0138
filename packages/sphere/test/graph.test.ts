import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import {
  applySparse,
  gridSampling,
  gridSHT64,
  HealpixChebConv,
  healpixLaplacian,
  healpixPool,
  healpixUnpool,
  packCoefficients,
  SpectralResample,
  sparseTensors,
} from '../src/index.js';
import { gaussians, relL2 } from './helpers.js';

describe('DeepSphere HEALPix graph convolution', () => {
  it('the rescaled Laplacian is symmetric with spectrum in [−1, 1]', () => {
    const op = healpixLaplacian(2);
    const dense = new Float64Array(48 * 48);
    for (let e = 0; e < op.values.length; e++) dense[op.rows[e]! * 48 + op.cols[e]!]! += op.values[e]!;
    for (let i = 0; i < 48; i++)
      for (let j = 0; j < 48; j++)
        expect(Math.abs(dense[i * 48 + j]! - dense[j * 48 + i]!)).toBeLessThan(1e-12);
    // constant vector scaled by √deg is the λ=0 eigenvector of L, i.e. λ̃ = −1: check ‖L̃ v‖ ≤ ‖v‖
    const x = tensor(
      Float32Array.from({ length: 48 }, (_, i) => Math.sin(i)),
      [48, 1],
    );
    const y = applySparse(sparseTensors(op), x);
    const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
    expect(norm(y.dataSync()) / norm(x.dataSync())).toBeLessThanOrEqual(1.0001);
  });

  it('forward shape, gradients and bad input', () => {
    const conv = new HealpixChebConv(2, 2, 3, { order: 3, seed: 1 });
    const x = randn([2, 2, 48], { generator: new Generator(2) });
    expect(conv.forward(x).shape).toEqual([2, 3, 48]);
    gradcheck(
      (xx, w) => {
        conv.weight = w!;
        return conv.forward(xx!);
      },
      [x, conv.weight],
    );
    expect(() => conv.forward(randn([2, 2, 47]))).toThrow(/\[batch, 2, 48\]/);
    expect(() => new HealpixChebConv(3, 1, 1)).toThrow(/nside/);
  });

  it('pooling and unpooling in NESTED order', () => {
    const x = tensor(
      Float32Array.from({ length: 192 }, (_, i) => i),
      [1, 1, 192],
    );
    const p = healpixPool(x);
    expect(p.shape).toEqual([1, 1, 48]);
    expect(p.dataSync()[1]).toBeCloseTo(5.5, 6);
    expect(healpixPool(x, 'max').dataSync()[0]).toBe(3);
    expect(healpixUnpool(p).shape).toEqual([1, 1, 192]);
    expect(() => healpixPool(randn([1, 50]))).toThrow(/12·nside²/);
  });
});

describe('spectral pooling between grids', () => {
  it('downsampling then upsampling keeps a signal band-limited to the coarse grid', () => {
    const fine = gridSampling('gauss-legendre', 16);
    const coarse = gridSampling('gauss-legendre', 8);
    const L = 8;
    const c = gaussians(L * L, 1);
    const f = gridSHT64(fine, L).inverse(c);
    const down = new SpectralResample(fine, coarse).forward(tensor(Float32Array.from(f), [16, 32]));
    expect(down.shape).toEqual([8, 16]);
    expect(relL2(down.dataSync(), gridSHT64(coarse, L).inverse(c))).toBeLessThan(2e-6);
    const up = new SpectralResample(coarse, fine).forward(down);
    expect(relL2(up.dataSync(), f)).toBeLessThan(2e-6);
    expect(packCoefficients).toBeDefined();
  });
});
