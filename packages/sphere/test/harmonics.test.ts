import { describe, expect, it } from 'vitest';
import { legendreTable, realSphericalHarmonic } from '../src/index.js';
import { fixture } from './helpers.js';

type Sh = { small: number[][]; large: number[][] };

describe('real spherical harmonics', () => {
  const ref = fixture<Sh>('sh_values.json');
  it('match scipy.special.sph_harm for l ≤ 12 (ortho, Condon–Shortley) to 1e-13', () => {
    for (const [l, m, theta, phi, v] of ref.small as [number, number, number, number, number][]) {
      expect(Math.abs(realSphericalHarmonic(l, m, theta, phi) - v)).toBeLessThan(1e-13);
    }
  });

  it('match 60-digit mpmath values at l = 1023 … 2000 (no overflow or underflow)', () => {
    for (const [l, m, theta, phi, v] of ref.large as [number, number, number, number, number][]) {
      const ours = realSphericalHarmonic(l, m, theta, phi);
      expect(Number.isFinite(ours)).toBe(true);
      expect(Math.abs(ours - v)).toBeLessThan(1e-10 * Math.max(1, Math.abs(v)));
    }
  });

  it('norms and the Condon–Shortley toggle rescale as documented', () => {
    const y = realSphericalHarmonic(5, 3, 0.8, 0.3);
    expect(realSphericalHarmonic(5, 3, 0.8, 0.3, { norm: 'four-pi' })).toBeCloseTo(
      y * Math.sqrt(4 * Math.PI),
      13,
    );
    expect(realSphericalHarmonic(5, 3, 0.8, 0.3, { norm: 'schmidt' })).toBeCloseTo(
      y * Math.sqrt((4 * Math.PI) / 11),
      13,
    );
    expect(realSphericalHarmonic(5, 3, 0.8, 0.3, { csPhase: false })).toBeCloseTo(-y, 14);
    expect(realSphericalHarmonic(5, -2, 0.8, 0.3, { csPhase: false })).toBeCloseTo(
      realSphericalHarmonic(5, -2, 0.8, 0.3),
      14,
    );
    expect(realSphericalHarmonic(0, 0, 1, 2)).toBeCloseTo(1 / Math.sqrt(4 * Math.PI), 15);
    expect(() => realSphericalHarmonic(2, 3, 0, 0)).toThrow(/'m'/);
  });

  it('is finite and bounded by √((2l+1)/4π) across θ at L = 1024', () => {
    const theta = new Float64Array([1e-6, 0.01, 0.5, 1.5, 3.1]);
    const t = legendreTable(1024, theta, 1024);
    let worst = 0;
    let finite = true;
    for (let i = 0; i < t.length; i++) {
      finite &&= Number.isFinite(t[i]!);
      worst = Math.max(worst, Math.abs(t[i]!));
    }
    expect(finite).toBe(true);
    expect(worst).toBeLessThan(Math.sqrt(2049 / (4 * Math.PI)) + 1e-9);
  });
});
