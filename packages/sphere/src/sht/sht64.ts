import { argError, checkPositiveInt } from '../errors.js';
import { legendreColumn, normFactor, type ShOptions, sectoralLogSeeds } from '../harmonics/legendre.js';
import { checkNside } from '../sampling/healpix.js';
import { fftInPlace } from './fft.js';
import { healpixRingLayout, type Ring } from './rings.js';

/** Number of real coefficients below band limit L: L². Packed index of (l, m), m = −l … l: l² + l + m. */
export function coeffIndex(l: number, m: number): number {
  return l * l + l + m;
}

// Tables larger than this many doubles are recomputed on every call instead of cached (~80 MB).
const MAX_CACHED_TABLE = 10_000_000;

/**
 * The float64 CPU path of the real spherical harmonic transform on any ring sampling: an FFT per
 * ring in longitude and a quadrature-weighted Legendre contraction in latitude, coefficients packed
 * c[l² + l + m] for l < L (real harmonics of `realSphericalHarmonic`, norm and phase per options).
 * Maps are Float64Array in ring order (grid: `[nlat, nlon]` row-major; HEALPix: RING order).
 */
export class RingSHT64 {
  readonly bandLimit: number;
  readonly npix: number;
  readonly ncoeffs: number;
  private readonly seeds: Float64Array;
  private table: Float64Array | null = null;
  private readonly tableOffsets: Int32Array;
  private readonly normScale: Float64Array;

  constructor(
    readonly rings: readonly Ring[],
    bandLimit: number,
    readonly options: ShOptions = {},
  ) {
    checkPositiveInt('RingSHT64', 'bandLimit', bandLimit);
    this.bandLimit = bandLimit;
    this.npix = rings.reduce((s, r) => s + r.count, 0);
    this.ncoeffs = bandLimit * bandLimit;
    this.seeds = sectoralLogSeeds(bandLimit);
    const L = bandLimit;
    this.tableOffsets = new Int32Array(L + 1);
    for (let m = 0; m < L; m++) this.tableOffsets[m + 1] = this.tableOffsets[m]! + (L - m) * rings.length;
    this.normScale = new Float64Array(L);
    for (let l = 0; l < L; l++) this.normScale[l] = normFactor('RingSHT64', l, options.norm);
    if (this.tableOffsets[L]! <= MAX_CACHED_TABLE) this.table = this.buildTable();
  }

  private buildTable(): Float64Array {
    const L = this.bandLimit;
    const nr = this.rings.length;
    const table = new Float64Array(this.tableOffsets[L]!);
    const col = new Float64Array(L);
    for (let m = 0; m < L; m++)
      for (let t = 0; t < nr; t++) {
        legendreColumn(m, L - 1, this.rings[t]!.theta, this.seeds, col);
        table.set(col.subarray(0, L - m), this.tableOffsets[m]! + t * (L - m));
      }
    return table;
  }

  /** P̄_l^m(θ_t) for l = m … L−1 with the norm and phase applied (view into the cache or `scratch`). */
  private column(m: number, t: number, scratch: Float64Array): Float64Array {
    const L = this.bandLimit;
    if (this.table)
      return this.table.subarray(
        this.tableOffsets[m]! + t * (L - m),
        this.tableOffsets[m]! + (t + 1) * (L - m),
      );
    legendreColumn(m, L - 1, this.rings[t]!.theta, this.seeds, scratch);
    return scratch;
  }

  /** m-dependent factor: √2 for m > 0, the Condon–Shortley toggle. */
  private mFactor(m: number): number {
    let f = m === 0 ? 1 : Math.SQRT2;
    if (this.options.csPhase === false && m % 2 === 1) f = -f;
    return f;
  }

  private checkMap(op: string, map: Float64Array | number[]): void {
    if (map.length !== this.npix) argError(op, 'map', `${this.npix} samples`, `${map.length}`);
  }

  /**
   * Analysis (quadrature): c_lm = Σ_pixels w f Y_lm. `map` `[npix]` → coefficients `[L²]`.
   * For the orthonormal norm this inverts `inverse` exactly on band-limited maps; other norms divide
   * by ∫Y² so `inverse(forward(f)) = f` holds for every norm.
   */
  forward(map: Float64Array | number[]): Float64Array {
    this.checkMap('RingSHT64.forward', map);
    const { A, B } = this.ringSpectra(map);
    return this.analyseSpectra(A, B);
  }

  /**
   * Per ring t and order m < L: A[t·L + m] = weight_t Σ_p f cos(mφ_p), B[t·L + m] = weight_t Σ_p f sin(mφ_p)
   * (one FFT per ring; orders above a ring's Nyquist alias, as HEALPix needs). `map` `[npix]`.
   */
  ringSpectra(map: Float64Array | number[]): { A: Float64Array; B: Float64Array } {
    this.checkMap('RingSHT64.ringSpectra', map);
    const L = this.bandLimit;
    const nr = this.rings.length;
    const A = new Float64Array(nr * L);
    const B = new Float64Array(nr * L);
    for (let t = 0; t < nr; t++) {
      const ring = this.rings[t]!;
      const n = ring.count;
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      for (let p = 0; p < n; p++) re[p] = map[ring.start + p]!;
      fftInPlace(re, im, false);
      for (let m = 0; m < L; m++) {
        const k = m % n;
        const c = Math.cos(m * ring.phi0);
        const s = Math.sin(m * ring.phi0);
        // F = X_k e^{−imφ0}; Σ f cos = Re F, Σ f sin = −Im F.
        const fr = re[k]! * c + im[k]! * s;
        const fi = im[k]! * c - re[k]! * s;
        A[t * L + m] = ring.weight * fr;
        B[t * L + m] = -ring.weight * fi;
      }
    }
    return { A, B };
  }

  /**
   * The Legendre half of the analysis: c_lm from weighted ring spectra `A`, `B` (`[nrings·L]`, as
   * `ringSpectra` returns them), c_lm = Σ_t P̄_l^m(θ_t)·(A or B)[t, m]·(√2 for m ≠ 0).
   * With `odd`, degrees with l − m odd read `odd.A`/`odd.B` instead: for rings folded about the
   * equator (P̄_l^m(π − θ) = (−1)^{l−m} P̄_l^m(θ)) the caller passes the sums A_t + A_t' and the
   * differences A_t − A_t' of mirror rings and the sums cost half the Legendre work.
   */
  analyseSpectra(A: Float64Array, B: Float64Array, odd?: { A: Float64Array; B: Float64Array }): Float64Array {
    const L = this.bandLimit;
    const nr = this.rings.length;
    if (A.length !== nr * L || B.length !== nr * L)
      argError('RingSHT64.analyseSpectra', 'A', `${nr * L} values (rings × L)`, `${A.length}, ${B.length}`);
    if (odd && (odd.A.length !== nr * L || odd.B.length !== nr * L))
      argError(
        'RingSHT64.analyseSpectra',
        'odd',
        `${nr * L} values (rings × L)`,
        `${odd.A.length}, ${odd.B.length}`,
      );
    const out = new Float64Array(L * L);
    const scratch = new Float64Array(L);
    for (let m = 0; m < L; m++) {
      const mf = this.mFactor(m);
      for (let t = 0; t < nr; t++) {
        const col = this.column(m, t, scratch);
        const a = A[t * L + m]! * mf;
        const b = B[t * L + m]! * mf;
        if (!odd) {
          for (let l = m; l < L; l++) {
            const p = col[l - m]!;
            out[l * l + l + m]! += p * a;
            if (m > 0) out[l * l + l - m]! += p * b;
          }
          continue;
        }
        const ao = odd.A[t * L + m]! * mf;
        const bo = odd.B[t * L + m]! * mf;
        for (let l = m; l < L; l += 2) {
          const p = col[l - m]!;
          out[l * l + l + m]! += p * a;
          if (m > 0) out[l * l + l - m]! += p * b;
        }
        for (let l = m + 1; l < L; l += 2) {
          const p = col[l - m]!;
          out[l * l + l + m]! += p * ao;
          if (m > 0) out[l * l + l - m]! += p * bo;
        }
      }
    }
    // Y_norm = s_l Y_ortho: coefficients in the norm are c_ortho / s_l so that Σ c Y_norm = f.
    for (let l = 0; l < L; l++) {
      const s = this.normScale[l]!;
      if (s !== 1) for (let m = -l; m <= l; m++) out[l * l + l + m]! /= s;
    }
    return out;
  }

  /** Synthesis f = Σ c_lm Y_lm: coefficients `[L²]` → map `[npix]`. */
  inverse(coeffs: Float64Array | number[]): Float64Array {
    const L = this.bandLimit;
    if (coeffs.length !== L * L)
      argError('RingSHT64.inverse', 'coeffs', `${L * L} coefficients (L² for L = ${L})`, `${coeffs.length}`);
    const nr = this.rings.length;
    const out = new Float64Array(this.npix);
    const scratch = new Float64Array(L);
    const G = new Float64Array(L);
    const H = new Float64Array(L);
    for (let t = 0; t < nr; t++) {
      const ring = this.rings[t]!;
      G.fill(0);
      H.fill(0);
      for (let m = 0; m < L; m++) {
        const col = this.column(m, t, scratch);
        const mf = this.mFactor(m);
        let g = 0;
        let h = 0;
        for (let l = m; l < L; l++) {
          const p = col[l - m]! * this.normScale[l]!;
          g += p * coeffs[l * l + l + m]!;
          if (m > 0) h += p * coeffs[l * l + l - m]!;
        }
        G[m] = g * mf;
        H[m] = h * mf;
      }
      const n = ring.count;
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      for (let m = 0; m < L; m++) {
        // Z_k += (g − i h) e^{imφ0}, k = m mod n (frequencies above the ring's Nyquist alias, as in HEALPix).
        const c = Math.cos(m * ring.phi0);
        const s = Math.sin(m * ring.phi0);
        const k = m % n;
        re[k]! += G[m]! * c + H[m]! * s;
        im[k]! += G[m]! * s - H[m]! * c;
      }
      fftInPlace(re, im, true);
      for (let p = 0; p < n; p++) out[ring.start + p] = re[p]!;
    }
    return out;
  }
}

/**
 * HEALPix transforms (RING order maps). HEALPix has no exact quadrature: `map2alm` is the pixel-area
 * quadrature refined by `iter` Jacobi steps a ← a + A(f − S(a)), as healpy does (default 3).
 */
export class HealpixSHT64 {
  readonly sht: RingSHT64;
  constructor(
    readonly nside: number,
    bandLimit: number,
    options: ShOptions = {},
  ) {
    checkNside('HealpixSHT64', nside);
    checkPositiveInt('HealpixSHT64', 'bandLimit', bandLimit);
    if (bandLimit > 4 * nside)
      argError(
        'HealpixSHT64',
        'bandLimit',
        `at most 4·nside = ${4 * nside} (beyond that the rings cannot resolve the harmonics)`,
        String(bandLimit),
      );
    this.sht = new RingSHT64(healpixRingLayout(nside), bandLimit, options);
  }

  /** RING-order map `[12·nside²]` → coefficients `[L²]`. */
  map2alm(map: Float64Array | number[], iter = 3): Float64Array {
    if (!Number.isInteger(iter) || iter < 0)
      argError('HealpixSHT64.map2alm', 'iter', 'a non-negative integer', String(iter));
    const a = this.sht.forward(map);
    for (let i = 0; i < iter; i++) {
      const back = this.sht.inverse(a);
      const resid = new Float64Array(back.length);
      for (let p = 0; p < back.length; p++) resid[p] = map[p]! - back[p]!;
      const da = this.sht.forward(resid);
      for (let k = 0; k < a.length; k++) a[k]! += da[k]!;
    }
    return a;
  }

  /** Coefficients `[L²]` → RING-order map `[12·nside²]`. */
  alm2map(coeffs: Float64Array | number[]): Float64Array {
    return this.sht.inverse(coeffs);
  }
}
