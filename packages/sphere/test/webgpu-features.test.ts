/**
 * webgpu parity with cpu for the harmonic and Morlet DISCO bases, the new normalisations and icosahedral
 * pooling (compositions of core ops: gathers, reductions, matmuls). Outputs and input gradients are
 * compared. Without an adapter the suite is skipped with the reason, except under CI=true, where it
 * must run (and fails).
 */
import { setBackend, type Tensor } from '@erlangen/core';
import { outputAndInputGradient, probeWebGPU, relativeMaxDiff as relMax } from '@erlangen/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DiscoConvS2, gridSampling, icosahedralPool, icosahedralUnpool, mwSampling } from '../src/index.js';

const { unavailable, skip } = await probeWebGPU('sphere webgpu feature tests');

const on = (backend: string, shape: number[], fn: (x: Tensor) => Tensor) =>
  outputAndInputGradient(backend, shape, fn, { inputSeed: 5, cotangentSeed: 6 });

describe.skipIf(skip)('webgpu parity with cpu (harmonic and Morlet DISCO, icosahedral pooling)', () => {
  afterAll(async () => setBackend('cpu'));
  it('has an adapter', () => expect(unavailable).toBeNull());
  const eq = gridSampling('equiangular', 9);
  const mw = mwSampling('mw', 7);
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    [
      "DiscoConvS2 harmonic [3, 3], 'individual'",
      [2, 3, 9, 16],
      (x) =>
        new DiscoConvS2(eq, 3, 5, {
          basis: 'harmonic',
          kernelShape: [3, 3],
          normalization: 'individual',
          seed: 1,
        }).forward(x),
    ],
    [
      "DiscoConvS2 on MW 7×13, 'support'",
      [1, 2, 7, 13],
      (x) => new DiscoConvS2(mw, 2, 3, { normalization: 'support', seed: 2 }).forward(x),
    ],
    [
      'DiscoConvS2 Morlet [2, 3]',
      [1, 2, 9, 16],
      (x) => new DiscoConvS2(eq, 2, 2, { basis: 'morlet', kernelShape: [2, 3], seed: 3 }).forward(x),
    ],
    ['icosahedralPool mean, level 2 → 1', [2, 3, 162], (x) => icosahedralPool(x)],
    ['icosahedralPool max, level 1 → 0', [3, 42], (x) => icosahedralPool(x, 'max')],
    ['icosahedralUnpool, level 1 → 2', [2, 1, 42], (x) => icosahedralUnpool(x)],
  ];
  it.each(cases)('%s', async (_, shape, fn) => {
    const [yc, gc] = await on('cpu', shape, fn);
    const [yg, gg] = await on('webgpu', shape, fn);
    expect(relMax(yg, yc)).toBeLessThan(1e-4);
    expect(relMax(gg, gc)).toBeLessThan(1e-4);
  });
});
