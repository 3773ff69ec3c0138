import { describe, expect, it } from 'vitest';
import {
  eulerToMatrix,
  gridSampling,
  gridSHT64,
  matrixToEuler,
  randomRotation,
  realSphericalHarmonic,
  rotateCoefficients,
  seededUniform,
  wignerD,
  wignerDPlanes,
} from '../src/index.js';
import { gaussians, relL2 } from './helpers.js';

/** Evaluates Σ c_lm Y_lm at (θ, φ). */
function evaluate(c: Float64Array, L: number, theta: number, phi: number): number {
  let s = 0;
  for (let l = 0; l < L; l++)
    for (let m = -l; m <= l; m++) s += c[l * l + l + m]! * realSphericalHarmonic(l, m, theta, phi);
  return s;
}

describe('Wigner d (Risbo recursion)', () => {
  it('d^l_{m0}(β) = √(4π/(2l+1)) P̄_l^m(cos β) and each plane is orthogonal, to l = 129', () => {
    const beta = 1.1;
    let l = 0;
    for (const d of wignerDPlanes(130, beta)) {
      const n = 2 * l + 1;
      if (l % 43 === 0 || l === 129) {
        for (const m of [0, 1, Math.floor(l / 2), l]) {
          if (m > l) continue;
          const ref =
            (Math.sqrt((4 * Math.PI) / n) * realSphericalHarmonic(l, m, beta, 0)) /
            (m === 0 ? 1 : Math.SQRT2);
          expect(Math.abs(d[(m + l) * n + l]! - ref)).toBeLessThan(1e-11);
        }
        let worst = 0;
        for (let a = 0; a < n; a++)
          for (let b = 0; b < n; b++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += d[a * n + k]! * d[b * n + k]!;
            worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
          }
        expect(worst).toBeLessThan(1e-11);
      }
      l++;
    }
  });
  it('matches the closed form at l = 2', () => {
    const b = 0.7;
    const d = wignerD(2, b);
    // d^2_{2,2} = cos⁴(β/2), d^2_{1,0} = −√(3/2) sin β cos β, d^2_{2,0} = √(3/8) sin² β
    expect(d[4 * 5 + 4]).toBeCloseTo(Math.cos(b / 2) ** 4, 14);
    expect(d[3 * 5 + 2]).toBeCloseTo(-Math.sqrt(1.5) * Math.sin(b) * Math.cos(b), 14);
    expect(d[4 * 5 + 2]).toBeCloseTo(Math.sqrt(3 / 8) * Math.sin(b) ** 2, 14);
  });
});

describe('rotation of band-limited signals', () => {
  it('rotated coefficients evaluate to f(R⁻¹x)', () => {
    const L = 6;
    const c = gaussians(L * L, 2);
    const rand = seededUniform(3);
    for (let trial = 0; trial < 3; trial++) {
      const rot = randomRotation(rand);
      const r = eulerToMatrix(rot);
      const c2 = rotateCoefficients(c, L, rot);
      for (const [theta, phi] of [
        [0.4, 1.0],
        [2.0, -0.3],
        [1.3, 3.0],
      ] as const) {
        const x = [Math.sin(theta) * Math.cos(phi), Math.sin(theta) * Math.sin(phi), Math.cos(theta)];
        // R⁻¹x = Rᵀx
        const y = [0, 1, 2].map((i) => r[i]! * x[0]! + r[3 + i]! * x[1]! + r[6 + i]! * x[2]!);
        const th = Math.acos(y[2]!);
        const ph = Math.atan2(y[1]!, y[0]!);
        expect(Math.abs(evaluate(c2, L, theta, phi) - evaluate(c, L, th, ph))).toBeLessThan(1e-12);
      }
    }
  });

  it('R then R⁻¹ is the identity to 1e-12 at L = 64, and Euler ↔ matrix round trips', () => {
    const L = 64;
    const c = gaussians(L * L, 4);
    const rot = { alpha: 0.3, beta: 1.9, gamma: -2.2 };
    const back = rotateCoefficients(rotateCoefficients(c, L, rot), L, {
      alpha: -rot.gamma,
      beta: -rot.beta,
      gamma: -rot.alpha,
    });
    expect(relL2(back, c)).toBeLessThan(1e-12);
    const e = matrixToEuler(eulerToMatrix(rot));
    expect(relL2(eulerToMatrix(e), eulerToMatrix(rot))).toBeLessThan(1e-14);
    for (const locked of [
      { alpha: 0.3, beta: 0, gamma: 0.4 },
      { alpha: 0.3, beta: Math.PI, gamma: 0.4 },
    ])
      expect(relL2(eulerToMatrix(matrixToEuler(eulerToMatrix(locked))), eulerToMatrix(locked))).toBeLessThan(
        1e-14,
      );
  });

  it('a rotated map sampled on a grid equals the rotated-coefficient map (grid check)', () => {
    const s = gridSampling('gauss-legendre', 16);
    const sht = gridSHT64(s, 16);
    const c = gaussians(256, 7);
    const rot = { alpha: 1, beta: 0.5, gamma: 2 };
    const rotated = sht.inverse(rotateCoefficients(c, 16, rot));
    const r = eulerToMatrix(rot);
    const direct = new Float64Array(s.nlat * s.nlon);
    for (let t = 0; t < s.nlat; t++)
      for (let p = 0; p < s.nlon; p++) {
        const x = [
          Math.sin(s.theta[t]!) * Math.cos(s.phi[p]!),
          Math.sin(s.theta[t]!) * Math.sin(s.phi[p]!),
          Math.cos(s.theta[t]!),
        ];
        const y = [0, 1, 2].map((i) => r[i]! * x[0]! + r[3 + i]! * x[1]! + r[6 + i]! * x[2]!);
        direct[t * s.nlon + p] = evaluate(c, 16, Math.acos(y[2]!), Math.atan2(y[1]!, y[0]!));
      }
    expect(relL2(rotated, direct)).toBeLessThan(1e-12);
  });
});
