import { argError, checkPositiveInt } from '../errors.js';
import type { ShOptions } from '../harmonics/legendre.js';
import { clenshawCurtisWeights, type GridSampling } from '../sampling/grid.js';
import { fftInPlace } from './fft.js';
import type { Ring } from './rings.js';
import { RingSHT64 } from './sht64.js';

/**
 * The torus geometry of an MW or MWSS sampling: its colatitudes, extended past the south pole to
 * the full circle θ ∈ [0, 2π), are the nT equispaced points θ0 + 2πt/nT. `mirror(t)` is the ring
 * whose samples sit at 2π − θ_t (t ≥ nlat).
 */
interface TorusGeometry {
  /** The sampling's own band limit (MW: nlat; MWSS: nlat − 1). */
  samplingBandLimit: number;
  nT: number;
  theta0: number;
  mirror: (t: number) => number;
}

function torusGeometry(sampling: GridSampling): TorusGeometry {
  if (sampling.kind === 'mw') {
    const L = sampling.nlat;
    // θ_t = π(2t+1)/(2L−1): 2L−1 points on the circle, the south pole (t = L−1) its own mirror.
    return {
      samplingBandLimit: L,
      nT: 2 * L - 1,
      theta0: Math.PI / (2 * L - 1),
      mirror: (t) => 2 * L - 2 - t,
    };
  }
  if (sampling.kind === 'mwss') {
    const L = sampling.nlat - 1;
    // θ_t = πt/L: 2L points on the circle, both poles their own mirrors.
    return { samplingBandLimit: L, nT: 2 * L, theta0: 0, mirror: (t) => 2 * L - t };
  }
  return argError('TorusSHT64', 'sampling', "an 'mw' or 'mwss' sampling (mwSampling)", `'${sampling.kind}'`);
}

/**
 * The exact float64 transform of the McEwen–Wiaux samplings (MW, MWSS) at band limit L ≤ the
 * sampling's L, maps `[nlat, nlon]` flattened ↔ coefficients `[L²]` packed c[l² + l + m].
 *
 * Analysis (McEwen & Wiaux 2011, §3; McEwen et al. 2013 for MWSS): after an FFT per ring, the
 * order-m part F_m(θ) of a signal band-limited at L is a trigonometric polynomial of degree ≤ L−1
 * in θ, extended to the whole circle by F_m(2π − θ) = (−1)^m F_m(θ). Its 2L−1 (MW) or 2L (MWSS)
 * torus samples therefore give its Fourier coefficients exactly (one FFT along θ). Instead of
 * integrating them against the Fourier series of the Legendre functions (the paper's convolution
 * with w(p) = ∫₀^π e^{ipθ} sin θ dθ and its Wigner-Δ sums), we evaluate the trigonometric
 * polynomial on the 2L+1 rings θ_j = πj/(2L) (zero padding in θ-Fourier space, as s2fft upsamples
 * MWSS by two) and integrate there with Clenshaw–Curtis weights — the interpolatory rule on those
 * rings, which the folded w(p) weights also give — exact for the products F_m·P̄_l^m (degree ≤ 2L−2
 * in cos θ). The CC rings are folded about the equator, so the Legendre sums run over L+1 rings as
 * on a Gauss–Legendre grid of the same L. Cost O(L² log L) for the resampling plus the O(L³)
 * Legendre sums. Synthesis evaluates Σ c Y on the sampling's own rings.
 */
export class TorusSHT64 {
  readonly bandLimit: number;
  readonly npix: number;
  readonly ncoeffs: number;
  /** Synthesis on the sampling's rings; its `ringSpectra` (ring weight 1/nlon) gives F_m(θ_t) = A − iB. */
  private readonly onSamples: RingSHT64;
  /** Legendre analysis on the Clenshaw–Curtis rings θ_j = πj/(2L_s), j = 0 … L_s (the north half). */
  private readonly onCC: RingSHT64;
  private readonly ccWeights: Float64Array;
  private readonly geometry: TorusGeometry;

  constructor(
    readonly sampling: GridSampling,
    bandLimit: number,
    options: ShOptions = {},
  ) {
    checkPositiveInt('TorusSHT64', 'bandLimit', bandLimit);
    this.geometry = torusGeometry(sampling);
    const Ls = this.geometry.samplingBandLimit;
    if (bandLimit > Ls || sampling.nlon < 2 * bandLimit - 1)
      argError(
        'TorusSHT64',
        'bandLimit',
        `at most ${Math.min(Ls, Math.floor((sampling.nlon + 1) / 2))} for a ${sampling.kind} grid of ${sampling.nlat}×${sampling.nlon}`,
        String(bandLimit),
      );
    this.bandLimit = bandLimit;
    this.npix = sampling.nlat * sampling.nlon;
    this.ncoeffs = bandLimit * bandLimit;
    const rings: Ring[] = [];
    for (let t = 0; t < sampling.nlat; t++)
      rings.push({
        start: t * sampling.nlon,
        count: sampling.nlon,
        theta: sampling.theta[t]!,
        phi0: 0,
        weight: 1 / sampling.nlon,
      });
    this.onSamples = new RingSHT64(rings, bandLimit, options);
    const nCC = 2 * Ls + 1;
    this.ccWeights = clenshawCurtisWeights(nCC);
    // Only the northern rings j ≤ Ls (equator included): the southern ones are folded onto them.
    const ccRings: Ring[] = [];
    for (let j = 0; j <= Ls; j++)
      ccRings.push({ start: j, count: 1, theta: (Math.PI * j) / (nCC - 1), phi0: 0, weight: 0 });
    this.onCC = new RingSHT64(ccRings, bandLimit, options);
  }

  /** Analysis: map `[nlat·nlon]` → coefficients `[L²]`, exact for maps band-limited at L. */
  forward(map: Float64Array | number[]): Float64Array {
    if (map.length !== this.npix)
      argError('TorusSHT64.forward', 'map', `${this.npix} samples`, `${map.length}`);
    const L = this.bandLimit;
    const { nT, theta0, mirror, samplingBandLimit: Ls } = this.geometry;
    const nlat = this.sampling.nlat;
    const nCC = 2 * Ls + 1;
    const nC = 4 * Ls;
    const { A: Fa, B: Fb } = this.onSamples.ringSpectra(map);
    // Folded weighted spectra on the northern CC rings: even = ring + mirror, odd = ring − mirror.
    const nNorth = Ls + 1;
    const Ae = new Float64Array(nNorth * L);
    const Be = new Float64Array(nNorth * L);
    const Ao = new Float64Array(nNorth * L);
    const Bo = new Float64Array(nNorth * L);
    const tr = new Float64Array(nT);
    const ti = new Float64Array(nT);
    const zr = new Float64Array(nC);
    const zi = new Float64Array(nC);
    for (let m = 0; m < L; m++) {
      const sign = m % 2 === 0 ? 1 : -1;
      // F_m(θ_t) = A − iB on the sampling's rings, mirrored with (−1)^m onto the rest of the torus.
      for (let t = 0; t < nT; t++) {
        const src = t < nlat ? t : mirror(t);
        const s = t < nlat ? 1 : sign;
        tr[t] = s * Fa[src * L + m]!;
        ti[t] = -s * Fb[src * L + m]!;
      }
      fftInPlace(tr, ti, false);
      // ĝ_k = DFT_k e^{−ikθ0}/nT for |k| ≤ Ls−1 (MWSS's Nyquist term k = ±Ls is zero for band-limited
      // maps and dropped), placed on the 4Ls-point torus θ_j = 2πj/(4Ls).
      zr.fill(0);
      zi.fill(0);
      for (let k = -(Ls - 1); k <= Ls - 1; k++) {
        const src = ((k % nT) + nT) % nT;
        const c = Math.cos(k * theta0) / nT;
        const s = -Math.sin(k * theta0) / nT;
        const dst = ((k % nC) + nC) % nC;
        zr[dst] = tr[src]! * c - ti[src]! * s;
        zi[dst] = tr[src]! * s + ti[src]! * c;
      }
      fftInPlace(zr, zi, true);
      // Weighted spectra on the CC rings in RingSHT64's convention (A = w Σ f cos, B = w Σ f sin),
      // folded: ring j and its mirror 2Ls − j have the same weight; the equator is its own mirror.
      for (let j = 0; j < nNorth; j++) {
        const w = 2 * Math.PI * this.ccWeights[j]!;
        const jm = nCC - 1 - j;
        const [ar, ai] = [zr[j]!, zi[j]!];
        const [br, bi] = j === jm ? [0, 0] : [zr[jm]!, zi[jm]!];
        Ae[j * L + m] = w * (ar + br);
        Be[j * L + m] = -w * (ai + bi);
        Ao[j * L + m] = w * (ar - br);
        Bo[j * L + m] = -w * (ai - bi);
      }
    }
    return this.onCC.analyseSpectra(Ae, Be, { A: Ao, B: Bo });
  }

  /** Synthesis f = Σ c_lm Y_lm on the sampling: coefficients `[L²]` → map `[nlat·nlon]`. */
  inverse(coeffs: Float64Array | number[]): Float64Array {
    return this.onSamples.inverse(coeffs);
  }
}
