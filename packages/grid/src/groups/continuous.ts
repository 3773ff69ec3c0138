import { argError, checkNonNegativeInt } from '../errors.js';
import { cyclicGroup, dihedralGroup, type PlanarGroup } from './planar-group.js';
import { irreducibleRepresentations, type Representation } from './representation.js';

/**
 * SO(2) or O(2) restricted to band-limited fields: irreps up to frequency L and kernels with angular
 * harmonics up to T. A kernel κ: ℝ² → ℝ^{dOut×dIn} between irreps ψ_m, ψ_n (m, n ≤ L) with harmonics
 * t ≤ T satisfies the C_M constraint iff it satisfies the SO(2) one as soon as M > T + 2L: the C_M
 * constraint only forces t ≡ ±m ± n (mod M), and with |t| ≤ T, |m ± n| ≤ 2L that congruence is an
 * equality. So the finite group C_M (D_M for O(2)) with M = T + 2L + 1 carries these fields and their
 * steerable bases exactly — for every angle, not only multiples of 2π/M (tested for random angles).
 * Its elements act on feature maps by `transformInterpolated` (multiples of 2π/M) or, analytically,
 * by `irrepMatrix` at any angle.
 */
export interface BandLimitedGroup {
  kind: 'SO2' | 'O2';
  /** L: the largest irrep frequency. */
  maxFrequency: number;
  /** T: the largest kernel harmonic for which steerable bases are exact (pass it as `maxFrequency` cap). */
  kernelFrequency: number;
  /** The finite group that carries the fields: C_M or D_M, M = T + 2L + 1. */
  group: PlanarGroup;
  /** The irreps of frequency ≤ L, in escnn's order (SO(2): ψ_0 … ψ_L; O(2): ψ_{0,0}, ψ_{1,0}, ψ_{1,1} … ψ_{1,L}). */
  irreps: Representation[];
  /** ψ(flip, θ) of an irrep at any angle θ (radians), row-major. */
  irrepMatrix(irrep: Representation, theta: number, flip?: 0 | 1): Float64Array;
}

function bandLimited(kind: 'SO2' | 'O2', maxFrequency: number, kernelFrequency: number): BandLimitedGroup {
  const op = kind === 'SO2' ? 'so2' : 'o2';
  checkNonNegativeInt(op, 'maxFrequency', maxFrequency);
  checkNonNegativeInt(op, 'kernelFrequency', kernelFrequency);
  const m = kernelFrequency + 2 * maxFrequency + 1;
  // M ≥ 3 keeps ψ_1 two-dimensional; an even M would add the sign irrep ψ_{M/2}, which is not an SO(2) irrep.
  const order = Math.max(3, m % 2 === 0 ? m + 1 : m);
  const group = kind === 'SO2' ? cyclicGroup(order) : dihedralGroup(order);
  const irreps = irreducibleRepresentations(group).filter((r) => r.irrep!.k <= maxFrequency);
  return {
    kind,
    maxFrequency,
    kernelFrequency,
    group,
    irreps,
    irrepMatrix(irrep, theta, flip = 0) {
      if (!irreps.includes(irrep))
        argError(`${op}.irrepMatrix`, 'irrep', `one of this group's irreps`, String(irrep));
      if (flip === 1 && kind === 'SO2')
        argError(`${op}.irrepMatrix`, 'flip', '0 (SO(2) has no mirrors)', '1');
      const { j, k } = irrep.irrep!;
      if (irrep.size === 1) return Float64Array.of(j === 1 && flip === 1 ? -1 : 1);
      const c = Math.cos(k * theta);
      const s = Math.sin(k * theta);
      // F^m R(kθ), F = diag(1, −1), as the D_N irreps.
      return flip ? Float64Array.of(c, -s, -s, -c) : Float64Array.of(c, -s, s, c);
    },
  };
}

/** SO(2) with irreps up to frequency `maxFrequency` and kernel harmonics up to `kernelFrequency` (default 8). */
export function so2(maxFrequency: number, kernelFrequency = 8): BandLimitedGroup {
  return bandLimited('SO2', maxFrequency, kernelFrequency);
}

/** O(2) with irreps up to frequency `maxFrequency` and kernel harmonics up to `kernelFrequency` (default 8). */
export function o2(maxFrequency: number, kernelFrequency = 8): BandLimitedGroup {
  return bandLimited('O2', maxFrequency, kernelFrequency);
}
