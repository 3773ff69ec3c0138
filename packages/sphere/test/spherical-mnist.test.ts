import { describe, expect, it } from 'vitest';
import { gridPoints, gridSampling, projectImagesToSphere } from '../src/index.js';
import { fixture } from './helpers.js';

type Ref = { image: number[]; plain: number[]; euler: [number, number, number]; rotated: number[] };

describe('spherical MNIST projection', () => {
  const ref = fixture<Ref>('spherical_mnist.json');
  const pts = gridPoints(gridSampling('gauss-legendre', 6, { nlon: 8 }));
  it("matches s2cnn's gendata.py projection (NR and one rotation)", () => {
    const plain = projectImagesToSphere(ref.image, 1, 4, 4, pts);
    for (const [i, v] of ref.plain.entries()) expect(Math.abs(plain[i]! - v)).toBeLessThan(1e-6);
    const [alpha, beta, gamma] = ref.euler;
    const rot = projectImagesToSphere(ref.image, 1, 4, 4, pts, { rotations: [{ alpha, beta, gamma }] });
    for (const [i, v] of ref.rotated.entries()) expect(Math.abs(rot[i]! - v)).toBeLessThan(1e-6);
  });
  it('random rotations are seeded and bad input is named', () => {
    const a = projectImagesToSphere(ref.image, 1, 4, 4, pts, { rotate: true, seed: 3 });
    const b = projectImagesToSphere(ref.image, 1, 4, 4, pts, { rotate: true, seed: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => projectImagesToSphere(ref.image, 2, 4, 4, pts)).toThrow(/images.*32/);
  });
});
