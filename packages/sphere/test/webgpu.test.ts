/**
 * The sphere layers on core's `webgpu` backend agree with `cpu` (they are compositions of core ops,
 * so this checks the composition — permutes, broadcasts, gathers, scatter-adds — on the GPU kernels).
 * Outputs and input gradients are compared. Without an adapter the suite is skipped with the reason,
 * except under CI=true, where it must run (and fails).
 */
import { Generator, getBackend, randn, setBackend, type Tensor } from '@erlangen/core';
import { probeWebGPU } from '@erlangen/core/testing';
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

/** Runs `fn` on `backend` with inputs from a fixed seed; returns output and input gradient. */
async function on(
  backend: string,
  shape: number[],
  fn: (x: Tensor) => Tensor,
): Promise<[Float32Array, Float32Array]> {
  const previous = getBackend();
  await setBackend(backend);
  try {
    const x = randn(shape, { generator: new Generator(3) }).requireGrad();
    const y = fn(x);
    expect(y.backend.name).toBe(backend);
    const w = randn(y.shape, { generator: new Generator(4) });
    y.mul(w).sum().backward();
    return [Float32Array.from(await y.data()), Float32Array.from(await x.grad!.data())];
  } finally {
    await setBackend(previous);
  }
}

function relMax(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let s = 1e-12;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

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
