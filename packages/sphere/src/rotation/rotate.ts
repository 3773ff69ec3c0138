import { argError, checkPositiveInt } from '../errors.js';
import { wignerDPlanes } from './wigner.js';

/** ZYZ Euler angles: R = R_z(α) R_y(β) R_z(γ) (active rotation). */
export interface EulerAngles {
  alpha: number;
  beta: number;
  gamma: number;
}

/** The 3×3 rotation matrix R_z(α) R_y(β) R_z(γ), row-major. */
export function eulerToMatrix({ alpha, beta, gamma }: EulerAngles): Float64Array {
  const [ca, sa, cb, sb, cg, sg] = [
    Math.cos(alpha),
    Math.sin(alpha),
    Math.cos(beta),
    Math.sin(beta),
    Math.cos(gamma),
    Math.sin(gamma),
  ];
  return new Float64Array([
    ca * cb * cg - sa * sg,
    -ca * cb * sg - sa * cg,
    ca * sb,
    sa * cb * cg + ca * sg,
    -sa * cb * sg + ca * cg,
    sa * sb,
    -sb * cg,
    sb * sg,
    cb,
  ]);
}

/** ZYZ Euler angles of a rotation matrix (β ∈ [0, π]; at β = 0 or π, γ = 0). */
export function matrixToEuler(r: ArrayLike<number>): EulerAngles {
  if (r.length !== 9) argError('matrixToEuler', 'r', '9 values (a row-major 3×3 rotation)', String(r.length));
  const beta = Math.acos(Math.max(-1, Math.min(1, r[8]!)));
  if (Math.abs(Math.sin(beta)) < 1e-12) {
    // Gimbal lock: only α ± γ is defined; put it all in α (R = R_z(α) at β = 0, R_z(α) R_y(π) at β = π).
    const alpha = r[8]! > 0 ? Math.atan2(r[3]!, r[0]!) : Math.atan2(-r[3]!, -r[0]!);
    return { alpha, beta, gamma: 0 };
  }
  return { alpha: Math.atan2(r[5]!, r[2]!), beta, gamma: Math.atan2(r[7]!, -r[6]!) };
}

/** A uniformly distributed (Haar) random rotation from a uniform source `rand()` ∈ [0, 1). */
export function randomRotation(rand: () => number): EulerAngles {
  return { alpha: 2 * Math.PI * rand(), beta: Math.acos(1 - 2 * rand()), gamma: 2 * Math.PI * rand() };
}

/** mulberry32: a small seeded uniform generator for reproducible rotations. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Rotates a band-limited real signal in harmonic space: given packed real coefficients c[l² + l + m]
 * (ortho norm, Condon–Shortley phase) of f, returns those of (R f)(x) = f(R⁻¹x), exactly (to
 * rounding) for any R ∈ SO(3): a'_lm = Σ_m' D^l_{mm'}(R) a_lm', D^l_{mm'} = e^{−imα} d^l_{mm'}(β) e^{−im'γ},
 * on the complex coefficients a_lm the real ones stand for. Cost O(L³).
 */
export function rotateCoefficients(
  coeffs: ArrayLike<number>,
  bandLimit: number,
  rotation: EulerAngles,
): Float64Array {
  checkPositiveInt('rotateCoefficients', 'bandLimit', bandLimit);
  const L = bandLimit;
  if (coeffs.length !== L * L)
    argError('rotateCoefficients', 'coeffs', `${L * L} values (L² for L = ${L})`, String(coeffs.length));
  const out = new Float64Array(L * L);
  const { alpha, beta, gamma } = rotation;
  let l = 0;
  for (const d of wignerDPlanes(L, beta)) {
    const n = 2 * l + 1;
    // complex coefficients b_{m'} = e^{−im'γ} a_{m'}, m' = −l … l
    const br = new Float64Array(n);
    const bi = new Float64Array(n);
    const base = l * l + l;
    for (let mp = -l; mp <= l; mp++) {
      const am = Math.abs(mp);
      let ar: number;
      let ai: number;
      if (am === 0) {
        ar = coeffs[base]!;
        ai = 0;
      } else {
        ar = coeffs[base + am]! / Math.SQRT2;
        ai = -coeffs[base - am]! / Math.SQRT2;
        if (mp < 0) {
          // a_{−m} = (−1)^m conj(a_m)
          const s = am % 2 === 0 ? 1 : -1;
          ar *= s;
          ai *= -s;
        }
      }
      const c = Math.cos(mp * gamma);
      const s = -Math.sin(mp * gamma);
      br[mp + l] = ar * c - ai * s;
      bi[mp + l] = ar * s + ai * c;
    }
    for (let m = 0; m <= l; m++) {
      let er = 0;
      let ei = 0;
      const row = (m + l) * n;
      for (let k = 0; k < n; k++) {
        er += d[row + k]! * br[k]!;
        ei += d[row + k]! * bi[k]!;
      }
      const c = Math.cos(m * alpha);
      const s = -Math.sin(m * alpha);
      const xr = er * c - ei * s;
      const xi = er * s + ei * c;
      if (m === 0) out[base] = xr;
      else {
        out[base + m] = Math.SQRT2 * xr;
        out[base - m] = -Math.SQRT2 * xi;
      }
    }
    l++;
  }
  return out;
}
