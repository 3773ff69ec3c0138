import { argError, checkPositiveInt } from '../errors.js';

/** The equiangular-in-longitude latitude/longitude samplings this package transforms exactly. */
export type GridKind = 'gauss-legendre' | 'equiangular' | 'driscoll-healy' | 'mw' | 'mwss';

/**
 * A sampling of the sphere on rings of constant colatitude, each holding `nlon` equally spaced
 * longitudes φ_p = 2πp/nlon. Data on it is laid out `[..., nlat, nlon]`, north pole first.
 */
export interface GridSampling {
  readonly kind: GridKind;
  readonly nlat: number;
  readonly nlon: number;
  /** Colatitudes θ_t ∈ [0, π], `[nlat]`. */
  readonly theta: Float64Array;
  /** Longitudes φ_p ∈ [0, 2π), `[nlon]`. */
  readonly phi: Float64Array;
  /**
   * Quadrature weights in x = cos θ, `[nlat]` (they sum to 2): ∫_{S²} f dΩ ≈ Σ_t w_t (2π/nlon) Σ_p f(θ_t, φ_p).
   * Gauss–Legendre, equiangular, Driscoll–Healy: exact for the products f·Y_lm of the transform
   * (degree ≤ 2L−2). MW/MWSS: exact only for ∫ f dΩ of a signal band-limited at L (the unique
   * interpolatory rule on the rings, via the torus extension); their transform is not a quadrature
   * with these weights (see `TorusSHT64`). Null only for hand-built samplings without weights.
   */
  readonly weights: Float64Array | null;
  /**
   * The largest band limit L (degrees 0 … L−1) whose harmonic transform `gridSHT64` computes
   * exactly on this grid (MW/MWSS: the L they were built for), or 0 where no transform is provided.
   */
  readonly maxBandLimit: number;
}

/** [P_n(z), P_{n−1}(z)] by the three-term recurrence from P_0 = 1, P_1 = z (n ≥ 1). */
function legendrePair(n: number, z: number): [number, number] {
  let p0 = 1;
  let p1 = z;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, p0];
}

/** Gauss–Legendre nodes x_t (descending, so θ ascends from the north pole) and weights, float64. */
export function gaussLegendreNodes(n: number): { x: Float64Array; w: Float64Array } {
  checkPositiveInt('gaussLegendreNodes', 'n', n);
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const half = Math.ceil(n / 2);
  for (let i = 0; i < half; i++) {
    // Tricomi's initial guess, then Newton on P_n with the three-term recurrence (converges in ≤ 6 steps).
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p1, p0] = legendrePair(n, z);
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    // Recompute the derivative at the converged node for the weight.
    const [p1, p0] = legendrePair(n, z);
    dp = n === 1 ? 1 : (n * (z * p1 - p0)) / (z * z - 1);
    const wi = 2 / ((1 - z * z) * dp * dp);
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = wi;
    w[n - 1 - i] = wi;
  }
  if (n % 2 === 1) x[(n - 1) / 2] = 0;
  return { x, w };
}

/** Clenshaw–Curtis weights for the n+1 nodes x_j = cos(jπ/n), j = 0 … n (Waldvogel's closed form). */
export function clenshawCurtisWeights(nlat: number): Float64Array {
  if (!Number.isInteger(nlat) || nlat < 2)
    argError('clenshawCurtisWeights', 'nlat', 'an integer ≥ 2 (both poles are nodes)', String(nlat));
  const n = nlat - 1;
  const w = new Float64Array(nlat);
  for (let j = 0; j <= n; j++) {
    let s = 0;
    for (let k = 1; k <= Math.floor(n / 2); k++) {
      const b = 2 * k === n ? 1 : 2;
      s += (b / (4 * k * k - 1)) * Math.cos((2 * k * j * Math.PI) / n);
    }
    const c = j === 0 || j === n ? 1 : 2;
    w[j] = (c / n) * (1 - s);
  }
  return w;
}

/** Driscoll–Healy weights for θ_j = πj/(2B), j = 0 … 2B−1, exact for degree < 2B in cos θ. */
export function driscollHealyWeights(nlat: number): Float64Array {
  if (!Number.isInteger(nlat) || nlat < 2 || nlat % 2 !== 0)
    argError('driscollHealyWeights', 'nlat', 'an even integer ≥ 2 (nlat = 2B)', String(nlat));
  const b = nlat / 2;
  const w = new Float64Array(nlat);
  for (let j = 0; j < nlat; j++) {
    let s = 0;
    for (let k = 0; k < b; k++) s += Math.sin(((2 * j + 0) * (2 * k + 1) * Math.PI) / (4 * b)) / (2 * k + 1);
    w[j] = (2 / b) * Math.sin((Math.PI * j) / (2 * b)) * s;
  }
  return w;
}

function longitudes(nlon: number): Float64Array {
  const phi = new Float64Array(nlon);
  for (let p = 0; p < nlon; p++) phi[p] = (2 * Math.PI * p) / nlon;
  return phi;
}

export interface GridOptions {
  /** Longitudes per ring; default 2·nlat (Gauss–Legendre, Driscoll–Healy), 2·(nlat−1) (equiangular). */
  nlon?: number;
}

/**
 * A latitude/longitude sampling. `nlat` rings:
 * - `gauss-legendre`: θ_t = arccos of the Gauss–Legendre nodes; exact for L ≤ min(nlat, ⌊(nlon+1)/2⌋).
 * - `equiangular`: θ_j = jπ/(nlat−1), both poles included, Clenshaw–Curtis weights; L ≤ ⌊(nlat+1)/2⌋.
 * - `driscoll-healy`: θ_j = πj/nlat (nlat = 2B even, north pole only), Driscoll–Healy weights; L ≤ nlat/2.
 * For MW/MWSS use `mwSampling`.
 */
export function gridSampling(
  kind: 'gauss-legendre' | 'equiangular' | 'driscoll-healy',
  nlat: number,
  options: GridOptions = {},
): GridSampling {
  checkPositiveInt('gridSampling', 'nlat', nlat);
  let theta: Float64Array;
  let weights: Float64Array;
  let latLimit: number;
  let nlon = options.nlon;
  if (kind === 'gauss-legendre') {
    const { x, w } = gaussLegendreNodes(nlat);
    theta = x.map((v) => Math.acos(v));
    weights = w;
    latLimit = nlat;
    nlon ??= 2 * nlat;
  } else if (kind === 'equiangular') {
    if (nlat < 2)
      argError(
        'gridSampling',
        'nlat',
        "an integer ≥ 2 for 'equiangular' (both poles are rings)",
        String(nlat),
      );
    theta = new Float64Array(nlat).map((_, j) => (Math.PI * j) / (nlat - 1));
    weights = clenshawCurtisWeights(nlat);
    latLimit = Math.floor((nlat + 1) / 2);
    nlon ??= 2 * (nlat - 1);
  } else if (kind === 'driscoll-healy') {
    theta = new Float64Array(nlat).map((_, j) => (Math.PI * j) / nlat);
    weights = driscollHealyWeights(nlat);
    latLimit = nlat / 2;
    nlon ??= nlat;
  } else {
    return argError(
      'gridSampling',
      'kind',
      "'gauss-legendre', 'equiangular' or 'driscoll-healy' (mwSampling for 'mw'/'mwss')",
      String(kind),
    );
  }
  checkPositiveInt('gridSampling', 'nlon', nlon);
  return {
    kind,
    nlat,
    nlon,
    theta,
    phi: longitudes(nlon),
    weights,
    maxBandLimit: Math.min(latLimit, Math.floor((nlon + 1) / 2)),
  };
}

/**
 * Weights in x = cos θ for the MW colatitudes θ_t = π(2t+1)/(2L−1), t = 0 … L−1, exact for
 * ∫₋₁¹ g dx whenever g is the order-0 part of a signal band-limited at L (an even trigonometric
 * polynomial of degree ≤ L−1 in θ). On the torus extension (2L−1 equispaced θ) the integral is
 * Σ_k ĝ_k w(k) with w(k) = ∫₀^π e^{ikθ} sin θ dθ = 2/(1−k²) for even k (the odd k cancel for even g);
 * folding the torus weights (1/nT) Σ_k w(k) e^{−ikθ} onto the sampled half gives these.
 */
export function mwWeights(bandLimit: number): Float64Array {
  checkPositiveInt('mwWeights', 'bandLimit', bandLimit);
  const L = bandLimit;
  const nT = 2 * L - 1;
  const torus = new Float64Array(nT);
  for (let t = 0; t < nT; t++) {
    const theta = (Math.PI * (2 * t + 1)) / nT;
    let s = 2; // k = 0
    for (let k = 2; k <= L - 1; k += 2) s += (2 * 2 * Math.cos(k * theta)) / (1 - k * k);
    torus[t] = s / nT;
  }
  const w = new Float64Array(L);
  for (let t = 0; t < L; t++) w[t] = torus[t]! + (t < L - 1 ? torus[nT - 1 - t]! : 0);
  return w;
}

/**
 * McEwen–Wiaux samplings for band limit L, transformed exactly by `gridSHT64` (torus extension):
 * - `mw`: θ_t = π(2t+1)/(2L−1), t = 0 … L−1 (the last is the south pole); φ_p = 2πp/(2L−1).
 *   L(2L−1) points, about half of Driscoll–Healy's 4L² for the same band limit.
 * - `mwss`: θ_t = πt/L, t = 0 … L (both poles); φ_p = πp/L, p = 0 … 2L−1.
 * `weights` (see `GridSampling.weights`): MW, `mwWeights(L)`; MWSS, the Clenshaw–Curtis weights of
 * its L+1 equiangular rings (the interpolatory rule there, exact for the band-limited integrand).
 */
export function mwSampling(kind: 'mw' | 'mwss', bandLimit: number): GridSampling {
  checkPositiveInt('mwSampling', 'bandLimit', bandLimit);
  const L = bandLimit;
  if (kind === 'mw') {
    const theta = new Float64Array(L).map((_, t) => (Math.PI * (2 * t + 1)) / (2 * L - 1));
    return {
      kind,
      nlat: L,
      nlon: 2 * L - 1,
      theta,
      phi: longitudes(2 * L - 1),
      weights: mwWeights(L),
      maxBandLimit: L,
    };
  }
  if (kind === 'mwss') {
    const theta = new Float64Array(L + 1).map((_, t) => (Math.PI * t) / L);
    return {
      kind,
      nlat: L + 1,
      nlon: 2 * L,
      theta,
      phi: longitudes(2 * L),
      weights: clenshawCurtisWeights(L + 1),
      maxBandLimit: L,
    };
  }
  return argError('mwSampling', 'kind', "'mw' or 'mwss'", String(kind));
}

/** Throws unless `bandLimit` is a positive integer the sampling transforms exactly. */
export function checkBandLimit(
  op: string,
  sampling: GridSampling,
  bandLimit: number,
  options: { torus?: boolean } = {},
): number {
  checkPositiveInt(op, 'bandLimit', bandLimit);
  if (sampling.weights === null || (!options.torus && (sampling.kind === 'mw' || sampling.kind === 'mwss')))
    argError(
      op,
      'sampling',
      'a sampling whose weights integrate f·Y_lm exactly (gauss-legendre, equiangular, driscoll-healy; ' +
        'MW/MWSS are transformed exactly only by the float64 gridSHT64, through the torus extension)',
      `'${sampling.kind}'`,
    );
  if (bandLimit > sampling.maxBandLimit)
    argError(
      op,
      'bandLimit',
      `at most ${sampling.maxBandLimit} for a ${sampling.kind} grid of ${sampling.nlat}×${sampling.nlon}`,
      String(bandLimit),
    );
  return bandLimit;
}
