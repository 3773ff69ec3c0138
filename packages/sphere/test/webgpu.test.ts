/**
 * The sphere layers on core's `webgpu` backend agree with `cpu` (they are compositions of core ops,
 * so this checks the composition — permutes, broadcasts, gathers, scatter-adds — on the GPU kernels).
 * Outputs and input gradients are compared. Without an adapter the suite is skipped with the reason,
 * except under CI=true, where it must run (and fails).
 */
import { setBackend, type Tensor } from '@erlangen/core';
import { outputAndInputGradient, probeWebGPU, relativeMaxDiff as relMax } from '@erlangen/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DiscoConvS2,
  DiscoConvTransposeS2,
  gridSampling,
  HealpixChebConv,
  InverseRealSHT,
  RealSHT,
  SpectralZonalConv,
} from '../src/index.js';

const { unavailable, skip } = await probeWebGPU('sphere webgpu tests');

const on = (backend: string, shape: number[], fn: (x: Tensor) => Tensor) =>
  outputAndInputGradient(backend, shape, fn, { inputSeed: 3, cotangentSeed: 4 });

describe.skipIf(skip)('webgpu parity with cpu', () => {
  afterAll(async () => setBackend('cpu'));
  it('has an adapter', () => expect(unavailable).toBeNull());
  const gl = gridSampling('gauss-legendre', 7);
  const eq = gridSampling('equiangular', 9);
  const eqCoarse = gridSampling('equiangular', 5);
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ['RealSHT (batch 3×2, L 7)', [3, 2, 7, 14], (x) => new RealSHT(gl).forward(x)],
    ['InverseRealSHT', [1, 2, 7, 7], (x) => new InverseRealSHT(gl).forward(x)],
    ['SpectralZonalConv 3→5', [2, 3, 7, 14], (x) => new SpectralZonalConv(gl, 3, 5, { seed: 1 }).forward(x)],
    [
      'DiscoConvS2 9×16 → 5×8, [3, 2] kernel',
      [2, 3, 9, 16],
      (x) => new DiscoConvS2(eq, 3, 5, { outSampling: eqCoarse, kernelShape: [3, 2], seed: 1 }).forward(x),
    ],
    [
      'DiscoConvS2 per-ring contraction',
      [1, 2, 9, 16],
      (x) => new DiscoConvS2(eq, 2, 3, { kernelShape: [2, 1], seed: 2, contraction: 'per-ring' }).forward(x),
    ],
    [
      'DiscoConvTransposeS2 5×8 → 9×16',
      [1, 2, 5, 8],
      (x) => new DiscoConvTransposeS2(eqCoarse, eq, 2, 3, { seed: 1 }).forward(x),
    ],
    [
      'HealpixChebConv nside 2, K 4',
      [2, 3, 48],
      (x) => new HealpixChebConv(2, 3, 5, { order: 4, seed: 1 }).forward(x),
    ],
  ];
  it.each(cases)('%s', async (_, shape, fn) => {
    const [yc, gc] = await on('cpu', shape, fn);
    const [yg, gg] = await on('webgpu', shape, fn);
    expect(relMax(yg, yc)).toBeLessThan(1e-4);
    expect(relMax(gg, gc)).toBeLessThan(1e-4);
  });
});
