import { describe, expect, it } from 'vitest';
import {
  gridSampling,
  gridSHT64,
  mwSampling,
  mwWeights,
  RealSHT,
  realSphericalHarmonic,
  TorusSHT64,
} from '../src/index.js';
import { fixture, gaussians, relL2 } from './helpers.js';

type MwFixture = {
  weights: Record<string, { mw: number[]; mwss: number[] }>;
  polyL: number;
  coeffs: number[];
};
const ref = fixture<MwFixture>('mw.json');

/** The band-limited polynomial of make_mw_fixtures.py, sampled on a grid. */
function polynomialMap(s: {
  nlat: number;
  nlon: number;
  theta: Float64Array;
  phi: Float64Array;
}): Float64Array {
  const out = new Float64Array(s.nlat * s.nlon);
  for (let t = 0; t < s.nlat; t++)
    for (let p = 0; p < s.nlon; p++) {
      const th = s.theta[t]!;
      const ph = s.phi[p]!;
      const x = Math.sin(th) * Math.cos(ph);
      const y = Math.sin(th) * Math.sin(ph);
      const z = Math.cos(th);
      out[t * s.nlon + p] = (0.3 + x - 0.7 * y + 0.4 * z) ** 7 + y * z * z;
    }
  return out;
}

describe('MW / MWSS exact transforms (torus extension)', () => {
  it.each([
    ['mw', 16],
    ['mwss', 16],
    ['mw', 64],
    ['mwss', 64],
    ['mw', 128],
  ] as const)('%s L=%i: round trip of a band-limited signal ≤ 1e-12', (kind, L) => {
    const sht = gridSHT64(mwSampling(kind, L), L);
    expect(sht).toBeInstanceOf(TorusSHT64);
    const c = gaussians(L * L, L + 7);
    const f = sht.inverse(c);
    const c2 = sht.forward(f);
    expect(relL2(c2, c)).toBeLessThan(1e-12);
    expect(relL2(sht.inverse(c2), f)).toBeLessThan(1e-12);
  });

  it('coefficients of a degree-7 polynomial match scipy (sph_harm + Gauss–Legendre quadrature) and our GL transform', () => {
    const L = ref.polyL;
    const gl = gridSampling('gauss-legendre', L);
    const fromGl = gridSHT64(gl, L).forward(polynomialMap(gl));
    expect(relL2(fromGl, ref.coeffs)).toBeLessThan(1e-12);
    for (const kind of ['mw', 'mwss'] as const) {
      const s = mwSampling(kind, L);
      const c = gridSHT64(s, L).forward(polynomialMap(s));
      expect(relL2(c, ref.coeffs)).toBeLessThan(1e-12);
      expect(relL2(c, fromGl)).toBeLessThan(1e-12);
    }
  });

  it('a lower band limit than the sampling’s gives the leading coefficients; Y_lm ↦ e_lm', () => {
    const s = mwSampling('mw', 12);
    const full = gridSHT64(s, 12);
    const c = gaussians(144, 3);
    const f = full.inverse(c);
    const low = gridSHT64(s, 5);
    expect(relL2(low.forward(f), c.subarray(0, 25))).toBeLessThan(1e-12);
    const y = new Float64Array(s.nlat * s.nlon);
    for (let t = 0; t < s.nlat; t++)
      for (let p = 0; p < s.nlon; p++)
        y[t * s.nlon + p] = realSphericalHarmonic(11, -7, s.theta[t]!, s.phi[p]!);
    const e = full.forward(y);
    for (let k = 0; k < e.length; k++)
      expect(Math.abs(e[k]! - (k === 121 + 11 - 7 ? 1 : 0))).toBeLessThan(1e-13);
  });

  it('other norms round trip', () => {
    const sht = gridSHT64(mwSampling('mwss', 10), 10, { norm: 'schmidt', csPhase: false });
    const c = gaussians(100, 2);
    expect(relL2(sht.forward(sht.inverse(c)), c)).toBeLessThan(1e-13);
  });

  it('weights: the interpolatory rule (numpy moment solve), sum 2, integrate band-limited maps exactly', () => {
    for (const [L, w] of Object.entries(ref.weights)) {
      const n = Number(L);
      expect(relL2(mwWeights(n), w.mw)).toBeLessThan(1e-13);
      expect(relL2(mwSampling('mw', n).weights!, w.mw)).toBeLessThan(1e-13);
      expect(relL2(mwSampling('mwss', n).weights!, w.mwss)).toBeLessThan(1e-13);
    }
    // ∫ f dΩ = √(4π) c₀₀ for a random band-limited map.
    for (const kind of ['mw', 'mwss'] as const) {
      const s = mwSampling(kind, 20);
      const c = gaussians(400, 9);
      const f = gridSHT64(s, 20).inverse(c);
      let integral = 0;
      for (let t = 0; t < s.nlat; t++)
        for (let p = 0; p < s.nlon; p++)
          integral += ((s.weights![t]! * 2 * Math.PI) / s.nlon) * f[t * s.nlon + p]!;
      expect(Math.abs(integral - Math.sqrt(4 * Math.PI) * c[0]!)).toBeLessThan(1e-12);
    }
  });

  it('refuses a band limit above the sampling’s, a wrong map size, and the float32 RealSHT on MW', () => {
    expect(() => gridSHT64(mwSampling('mw', 8), 9)).toThrow(/bandLimit.*at most 8/);
    expect(() => gridSHT64(mwSampling('mw', 8), 8).forward(new Float64Array(5))).toThrow(/map.*120/);
    expect(() => new RealSHT(mwSampling('mwss', 8))).toThrow(/sampling.*torus/);
    expect(() => new TorusSHT64(gridSampling('gauss-legendre', 8), 4)).toThrow(/'mw' or 'mwss'/);
  });
});
