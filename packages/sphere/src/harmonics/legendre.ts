import { argError, checkPositiveInt } from '../errors.js';

/**
 * Orthonormal associated Legendre functions P̄_l^m(cos θ), normalised so that
 * Y_l^m = P̄_l^m(cos θ) e^{imφ} has ∫|Y|² dΩ = 1, with the Condon–Shortley phase (−1)^m.
 *
 * Stability to any degree: P̄_m^m = (−1)^m √((2m+1)!!/(4π (2m)!!)) sin^m θ underflows double
 * precision long before m = 1024 near the poles, so the sectoral seed is carried as a base-2
 * logarithm and the upward recursion in l
 *   P̄_l^m = a_lm (x P̄_{l−1}^m − b_lm P̄_{l−2}^m),  a_lm = √((4l²−1)/(l²−m²)),
 *   b_lm = √(((l−1)²−m²)/(4(l−1)²−1)),
 * runs on a scaled value until it re-enters the normal range (the "X-number" idea of Fukushima /
 * Holmes–Featherstone). Values below ~1e-300 are returned as 0, which they are to double precision.
 */

const LOG2_HALF_INV_4PI = Math.log2(1 / Math.sqrt(4 * Math.PI));
const SCALE_EXP = 600;
const SCALE = 2 ** SCALE_EXP;

/** log₂ |P̄_m^m(θ)| and its sign, including the (−1)^m Condon–Shortley phase. */
function sectoralLog2(m: number, sinTheta: number, logSeed: Float64Array): number {
  return logSeed[m]! + m * Math.log2(sinTheta);
}

/** log₂ √((2m+1)!!/(4π (2m)!!)) for m = 0 … mmax (independent of θ). */
export function sectoralLogSeeds(mmax: number): Float64Array {
  const s = new Float64Array(mmax + 1);
  s[0] = LOG2_HALF_INV_4PI;
  for (let m = 1; m <= mmax; m++) s[m] = s[m - 1]! + 0.5 * Math.log2((2 * m + 1) / (2 * m));
  return s;
}

/** p · 2^e without losing a representable result to an underflowing 2^e (|p| < 2^601). */
function scaled(p: number, e: number): number {
  if (e >= -1000) return p * 2 ** e;
  if (e < -1700) return 0;
  return p * 2 ** (e + 1000) * 2 ** -1000;
}

/**
 * Fills out[l − m] = P̄_l^m(cos θ) for l = m … lmax (out has length ≥ lmax − m + 1).
 * `logSeed` from `sectoralLogSeeds`.
 */
export function legendreColumn(
  m: number,
  lmax: number,
  theta: number,
  logSeed: Float64Array,
  out: Float64Array,
): void {
  const x = Math.cos(theta);
  const s = Math.sin(theta);
  const sign = m % 2 === 0 ? 1 : -1;
  if (lmax < m) return;
  if (s === 0) {
    // At the poles only m = 0 survives: P̄_l^0(±1) = (±1)^l √((2l+1)/4π).
    for (let l = m; l <= lmax; l++)
      out[l - m] = m === 0 ? (x > 0 || l % 2 === 0 ? 1 : -1) * Math.sqrt((2 * l + 1) / (4 * Math.PI)) : 0;
    return;
  }
  const logv = sectoralLog2(m, s, logSeed);
  // value = p · 2^(exp): start with p = ±1 and exp = log₂|P̄_m^m| rounded, keeping the fraction in p.
  let exp = Math.floor(logv);
  let p1 = sign * 2 ** (logv - exp);
  let p0 = 0;
  out[0] = scaled(p1, exp);
  for (let l = m + 1; l <= lmax; l++) {
    const a = Math.sqrt((4 * l * l - 1) / (l * l - m * m));
    const b = l - 1 > m ? Math.sqrt(((l - 1) * (l - 1) - m * m) / (4 * (l - 1) * (l - 1) - 1)) : 0;
    const p2 = a * (x * p1 - b * p0);
    p0 = p1;
    p1 = p2;
    if (Math.abs(p1) > SCALE) {
      p1 /= SCALE;
      p0 /= SCALE;
      exp += SCALE_EXP;
    }
    out[l - m] = scaled(p1, exp);
  }
}

export type ShNorm = 'ortho' | 'four-pi' | 'schmidt';

export interface ShOptions {
  /** `ortho` (∫Y² = 1, default), `four-pi` (∫Y² = 4π), `schmidt` (∫Y² = 4π/(2l+1)). */
  norm?: ShNorm;
  /** Include the Condon–Shortley phase (−1)^m (default true). */
  csPhase?: boolean;
}

export function normFactor(op: string, l: number, norm: ShNorm = 'ortho'): number {
  if (norm === 'ortho') return 1;
  if (norm === 'four-pi') return Math.sqrt(4 * Math.PI);
  if (norm === 'schmidt') return Math.sqrt((4 * Math.PI) / (2 * l + 1));
  return argError(op, 'norm', "'ortho', 'four-pi' or 'schmidt'", String(norm));
}

/**
 * The real spherical harmonic Y_{l,m}(θ, φ), m = −l … l:
 *   m > 0: √2 P̄_l^m(cos θ) cos(mφ);  m = 0: P̄_l^0(cos θ);  m < 0: √2 P̄_l^|m|(cos θ) sin(|m|φ),
 * times the norm's factor; `csPhase: false` removes the (−1)^m.
 */
export function realSphericalHarmonic(
  l: number,
  m: number,
  theta: number,
  phi: number,
  options: ShOptions = {},
): number {
  if (!Number.isInteger(l) || l < 0)
    argError('realSphericalHarmonic', 'l', 'a non-negative integer', String(l));
  if (!Number.isInteger(m) || Math.abs(m) > l)
    argError('realSphericalHarmonic', 'm', `an integer in [−${l}, ${l}]`, String(m));
  const am = Math.abs(m);
  const col = new Float64Array(l - am + 1);
  legendreColumn(am, l, theta, sectoralLogSeeds(am), col);
  let v = col[l - am]! * normFactor('realSphericalHarmonic', l, options.norm);
  if (options.csPhase === false && am % 2 === 1) v = -v;
  if (m > 0) return Math.SQRT2 * v * Math.cos(m * phi);
  if (m < 0) return Math.SQRT2 * v * Math.sin(am * phi);
  return v;
}

/**
 * The table P̄_l^m(cos θ_t), laid out `[mmax+1][lmax+1][ntheta]` flattened (zero for l < m), float64.
 * Memory (L+1)²·ntheta doubles: meant for tables of moderate size; the transforms compute columns on the fly.
 */
export function legendreTable(lmax: number, theta: Float64Array, mmax = lmax): Float64Array {
  checkPositiveInt('legendreTable', 'lmax + 1', lmax + 1);
  const nt = theta.length;
  const L1 = lmax + 1;
  const out = new Float64Array((mmax + 1) * L1 * nt);
  const seeds = sectoralLogSeeds(mmax);
  const col = new Float64Array(L1);
  for (let m = 0; m <= mmax; m++) {
    for (let t = 0; t < nt; t++) {
      legendreColumn(m, lmax, theta[t]!, seeds, col);
      for (let l = m; l <= lmax; l++) out[(m * L1 + l) * nt + t] = col[l - m]!;
    }
  }
  return out;
}
